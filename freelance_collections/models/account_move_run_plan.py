"""What the run would do today for some invoices, without doing it: the plan (the dry run shows it).

Which invoices the run looks at (``_collection_open_invoice_ids``), in batches that keep a client's
invoices together, and for each the actions of its stage not yet on the action log, the repeats of
stage emails that are due and the early-payment discount reminders, each either to be done or
blocked with the reason (paused, waiting for a confirmation, quiet day, throttled).
"""

from datetime import timedelta

from odoo import _, api, models

from ..policy import actions, discounts, fee_invoicing
from ..policy.actions import PlannedAction
from .account_move import OPEN_INVOICE_DOMAIN


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model
    def _collection_open_invoice_ids(self, company, due_on=None):
        """Ids of the company's open invoices under a policy; with DUE_ON, only those the run must
        look at on that day (facts changed, or a date of theirs has come: see account_move_next_run)."""
        return self.search(
            [
                ("company_id", "=", company.id),
                *OPEN_INVOICE_DOMAIN,
                ("collection_policy_id", "!=", False),
                *(self._collection_due_domain(due_on) if due_on else []),
            ],
            order="commercial_partner_id, id",
        ).ids

    def _collection_client_batches(self, batch_size):
        """These invoices (ordered by client) in batches of about BATCH_SIZE that never split a
        client: one client's invoices are reminded together, in one email."""
        self.fetch(["commercial_partner_id"])
        batch, last = [], None
        for move in self:
            client = move.commercial_partner_id.id
            if len(batch) >= batch_size and client != last:
                yield self.browse(batch)
                batch = []
            batch.append(move.id)
            last = client
        if batch:
            yield self.browse(batch)

    def _collection_plan(self, today, stage_by_move=None):
        """What the run would do today for these invoices, as PlannedAction items.

        STAGE_BY_MOVE gives the stage to plan for (the dry run passes the stages of today without
        writing them); by default each invoice's current stage.
        """
        if stage_by_move is None:
            stage_by_move = {move.id: move.collection_stage_id for move in self}
        candidates = []
        for move in self:
            stage = stage_by_move.get(move.id)
            for action in stage._get_actions() if stage else ():
                candidates.append(PlannedAction(move, stage, action, f"{move.id}:{stage.id}:{action}"))
            nudge = move._collection_discount_nudge(today)
            if nudge:
                candidates.append(nudge)
        if candidates:  # autopay holds the ladder back: no courtesy or other reminder, no discount nudge
            held = self._collection_autopay_held(self._collection_autopay_charges(today))
            candidates = [item for item in candidates if item.move.id not in held]
        if not candidates:
            return []
        moves = self.browse({item.move.id for item in candidates})
        logs = (
            self.env["collection.action.log"]
            .sudo()
            .search_fetch([("key", "in", [c.key for c in candidates])], ["key", "state", "date"])
        )
        state_by_key = {log.key: log.state for log in logs}
        repeats = self._collection_repeats(
            candidates, {log.key: log.date for log in logs if log.state == "done"}, today
        )
        if repeats:
            candidates += repeats
            state_by_key.update(
                {
                    log.key: log.state
                    for log in self.env["collection.action.log"]
                    .sudo()
                    .search_fetch([("key", "in", [r.key for r in repeats])], ["key", "state"])
                }
            )
        last_email = self._collection_last_email_dates(moves.commercial_partner_id)
        plan = []
        paused = {move.id for move in moves if move._collection_is_paused(today)}
        for item in candidates:
            if item.key in state_by_key:
                continue
            manual_key = f"{item.move.id}:{item.stage.id}:manual"
            if item.move.id in paused:
                item.blocked = _("held: %(why)s", why=item.move._collection_pause_label(today))
            elif item.action != "manual" and item.stage.action_manual and state_by_key.get(manual_key) != "done":
                item.blocked = _("waiting for a manual confirmation")
            elif item.action in actions.EMAIL_ACTIONS:
                policy = item.move.collection_policy_id
                if today.weekday() in actions.QUIET_WEEKDAYS[policy.quiet_days]:
                    item.blocked = _("quiet day: sent on the next business day")
                else:
                    last = last_email.get(item.move.commercial_partner_id.id)
                    interval = policy.reminder_interval_days
                    if item.action == "email" and last and interval and last > today - timedelta(days=interval):
                        item.blocked = _("throttled: last reminder on %(date)s", date=last)
            plan.append(item)
        return plan

    @api.model
    def _collection_repeats(self, candidates, sent_on, today):
        """The repeats due TODAY of the stage emails already sent (SENT_ON: {key: date sent}) at
        stages that repeat them, keyed by cycle so each is sent once."""
        repeats = []
        for item in candidates:
            every = item.stage.repeat_days
            if item.action == "email" and every and item.key in sent_on:
                cycle = fee_invoicing.repeat_cycle(sent_on[item.key], today, every)
                if cycle:
                    repeats.append(
                        PlannedAction(item.move, item.stage, "email", f"{item.key}:repeat:{cycle}", repeat=cycle)
                    )
        return repeats

    def _collection_next_repeat_dates(self, today):
        """{move id: the day the email of its stage is next repeated} for these invoices."""
        staged = self.filtered(lambda m: m.collection_stage_id.repeat_days and m.collection_stage_id.action_email)
        if not staged:
            return {}
        keys = {f"{move.id}:{move.collection_stage_id.id}:email": move for move in staged}
        logs = (
            self.env["collection.action.log"]
            .sudo()
            .search_fetch([("key", "in", list(keys)), ("state", "=", "done")], ["key", "date"])
        )
        return {
            keys[log.key].id: fee_invoicing.next_repeat_date(
                log.date, today, keys[log.key].collection_stage_id.repeat_days
            )
            for log in logs
        }

    def _collection_last_demand_letters(self):
        """The demand letter last emailed for these invoices (attached to a repeat of the notice)."""
        logs = (
            self.env["collection.action.log"]
            .sudo()
            .search(
                [
                    ("move_id", "in", self.ids),
                    ("action", "=", "formal_notice"),
                    ("state", "=", "done"),
                    ("mail_message_id", "!=", False),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        return logs.mail_message_id.attachment_ids

    def _collection_discount_nudge(self, today):
        """A planned discount reminder when an early-payment tier of the policy ends within the
        policy's nudge days, or None. Keyed by tier so each offer is announced once."""
        self.ensure_one()
        policy = self.collection_policy_id
        if (
            not policy.discount_nudge_days
            or not policy.discount_tier_ids
            or self.payment_state != "not_paid"
            or not self.invoice_date
            or self.collection_paused
        ):
            return None
        tier = discounts.best_tier(policy._get_discount_tiers(), self.invoice_date, today)
        if tier is None:
            return None
        left = (discounts.tier_deadline(tier, self.invoice_date) - today).days
        if left > policy.discount_nudge_days:
            return None
        return PlannedAction(
            self,
            self.env["collection.stage"],
            "discount_nudge",
            f"{self.id}:discount:{tier.days}",
            note=_(
                "%(percent)s%% until %(date)s",
                percent=tier.percent,
                date=discounts.tier_deadline(tier, self.invoice_date),
            ),
        )

    @api.model
    def _collection_last_email_dates(self, partners):
        groups = (
            self.env["collection.action.log"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("action", "in", ("email", "formal_notice")),
                    ("state", "=", "done"),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        return {partner.id: last for partner, last in groups}
