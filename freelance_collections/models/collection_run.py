"""The daily collections run: stages from facts, then each newly reached stage's actions, once."""

import logging
import re
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from psycopg2 import errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..policy import discounts, fee_invoicing
from .account_move import OPEN_INVOICE_DOMAIN

_logger = logging.getLogger(__name__)

# Session-level PostgreSQL advisory lock: one collections run at a time, released if the process dies.
RUN_LOCK_KEY = 0x46434F4C  # "FCOL"
BATCH_SIZE = 1000
# "(451, b'4.3.0 Try again later')", "{'a@b.c': (450, b'Mailbox busy')}": a temporary refusal
TEMPORARY_SMTP_REPLY = re.compile(r"\(4\d\d, b?['\"]")
QUIET_WEEKDAYS = {"none": (), "sat_sun": (5, 6), "fri_sat": (4, 5)}


@dataclass
class PlannedAction:
    move: object
    stage: object
    action: str
    key: str
    note: str = ""
    blocked: str = ""  # why it waits (quiet day, throttled, confirmation): nothing is recorded then
    message_id: int = 0  # the email sent to the client, when the action sends one
    failed: bool = False  # carried out but failed: recorded, tried again the next day
    repeat: int = 0  # the how-manieth repeat of the stage's email (0: the stage's first one)


@dataclass
class RunReport:
    invoices: int = 0
    stage_changes: int = 0
    actions: dict = field(default_factory=lambda: defaultdict(int))


class CollectionPolicy(models.Model):
    _inherit = "collection.policy"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_collections(self, batch_size=BATCH_SIZE):
        """Run the ladder for every company as of today. Returns the report, or False when another
        run holds the lock."""
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", RUN_LOCK_KEY))
        if not cr.fetchone()[0]:
            _logger.info("Collections run skipped: another run is in progress.")
            return False
        try:
            self._collection_requeue_refused_mails()
            report = RunReport()
            for company in self.env["res.company"].sudo().search([]):
                self.with_company(company).sudo()._run_company(company, batch_size, report)
            _logger.info(
                "Collections run: %s invoices, %s stage changes, actions %s",
                report.invoices, report.stage_changes, dict(report.actions),
            )
            return report
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s)", RUN_LOCK_KEY))

    @api.model
    def _collection_requeue_refused_mails(self, days=7):
        """Put back in the mail queue the reminders of the last DAYS days that the mail server could
        not be reached for or refused for now (an SMTP 4xx reply); Odoo leaves those in exception:
        they are retried, not lost. A permanent refusal (5xx: no such address) stays in exception."""
        since = fields.Date.context_today(self) - timedelta(days=days)
        messages = self.env["collection.action.log"].sudo().search(
            [("date", ">=", since), ("mail_message_id", "!=", False)]).mail_message_id
        if not messages:
            return 0
        refused = self.env["mail.mail"].sudo().search([
            ("mail_message_id", "in", messages.ids), ("state", "=", "exception"),
        ])
        smtp_failed = self.env["mail.notification"].sudo().search([
            ("mail_mail_id", "in", refused.ids), ("failure_type", "=", "mail_smtp"),
        ]).mail_mail_id
        # a server that answered "try again later" (an SMTP 4xx reply) refused for now, not for good
        smtp_failed |= refused.filtered(lambda mail: TEMPORARY_SMTP_REPLY.search(mail.failure_reason or ""))
        smtp_failed.write({"state": "outgoing", "failure_reason": False})
        if smtp_failed:
            _logger.info("Collections: %s reminder(s) refused by the mail server queued again.", len(smtp_failed))
        return len(smtp_failed)

    def _run_company(self, company, batch_size, report):
        Move = self.env["account.move"].with_company(company)
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        self.env["collection.payment.plan"].with_company(company)._collection_check_plans(
            company, fields.Date.context_today(self))
        ids = Move._collection_open_invoice_ids(company, due_on=fields.Date.context_today(self))
        settling = Move._collection_settling_invoice_ids(company)  # paid: their last late fees
        if settling:
            ids = Move.search([("id", "in", ids + settling)], order="commercial_partner_id, id").ids
        done = 0
        for batch in Move.browse(ids)._collection_client_batches(batch_size):
            counts, changes = self._collection_run_batch_with_retry(batch)
            report.stage_changes += changes
            for action, count in counts.items():
                report.actions[action] += count
            done += len(batch)
            report.invoices += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
            if auto_commit:
                self.env.cr.commit()
            self.env.invalidate_all()

    def _collection_run_batch_with_retry(self, batch, attempts=3):
        """One batch in a savepoint; a serialization failure or deadlock (another transaction
        touched the same rows) rolls the batch back and runs it again, up to ATTEMPTS times."""
        for attempt in range(1, attempts + 1):
            try:
                with self.env.cr.savepoint():
                    return self._collection_run_batch(batch)
            except (errors.SerializationFailure, errors.DeadlockDetected) as error:
                self.env.invalidate_all()
                if attempt == attempts:
                    raise
                _logger.info("Collections run: batch retried after %s (attempt %s)", type(error).__name__, attempt)
                time.sleep(0.1 * attempt)

    def _collection_run_batch(self, batch):
        """Stages, actions and fees of one batch of invoices; returns (action counts, stage changes)."""
        counts = defaultdict(int)
        today = fields.Date.context_today(self)
        before = {move.id: move.collection_stage_id.id for move in batch}
        moved = batch._collection_advance_discount_tiers(today)
        if moved:
            counts["discount_tier"] += len(moved)
        batch._collection_refresh_stages()
        changes = sum(1 for move in batch if move.collection_stage_id.id != before[move.id])
        plan = batch._collection_plan(today)
        for action, count in self._collection_execute(plan).items():
            counts[action] += count
        fees, errors = self._collection_run_penalties(batch, today)
        if fees:
            counts["penalty"] += fees
        # what waited (quiet day, throttle, confirmation) or failed is tried again tomorrow; a paused
        # invoice comes back when its pause ends (a change of facts, or the client pause's end date)
        retry = {item.move.id for item in plan if item.failed or (
            item.blocked and not item.move._collection_is_paused(today))} | {move.id for move in errors}
        batch._collection_store_next_run_dates(batch._collection_next_run_dates(today, retry))
        return counts, changes

    # ------------------------------------------------------------------
    # Execution (side effects, recorded in the same transaction)
    # ------------------------------------------------------------------
    @api.model
    def _collection_execute(self, plan):
        """Carry out the planned actions that are not blocked; record each in the action log."""
        todo = [item for item in plan if not item.blocked]
        counts = defaultdict(int)
        if not todo:
            return counts
        by_action = defaultdict(list)
        for item in todo:
            by_action[item.action].append(item)
        log_vals = []
        today = fields.Date.context_today(self)
        for action in ("manual", "work_stop", "agency", "write_off", "activity", "email", "formal_notice",
                       "discount_nudge"):
            items = by_action.get(action)
            if not items:
                continue
            states = getattr(self, f"_collection_do_{action}")(items)
            for item in items:
                state = states.get(item.key, "done") if states else "done"
                # a failure is recorded under its own key of the day: the action is tried again tomorrow
                key = item.key if state != "failed" else f"{item.key}:failed:{today}"
                log_vals.append({
                    "key": key,
                    "move_id": item.move.id,
                    "partner_id": item.move.commercial_partner_id.id,
                    "stage_id": item.stage.id or False,
                    "action": action,
                    "state": state,
                    "note": item.note or False,
                    "mail_message_id": item.message_id or False,
                })
                if state != "failed":
                    counts[action] += 1
                else:
                    item.failed = True
            if action not in ("email", "formal_notice", "discount_nudge"):  # those are messages on the client already
                self._collection_post_on_partners(items, action, states)
        Log = self.env["collection.action.log"].sudo()
        known = set(Log.search([("key", "in", [vals["key"] for vals in log_vals])]).mapped("key"))
        Log.create([vals for vals in log_vals if vals["key"] not in known])
        return counts

    def _collection_per_client(self, items, send):
        """Call SEND(partner, items) for each client; it returns the email, kept on the items' log. A
        client whose email cannot be made (a broken template, a missing address) is recorded as
        failed and does not stop the others."""
        states = {}
        for partner, group in _group(items, lambda i: i.move.commercial_partner_id).items():
            try:
                with self.env.cr.savepoint():
                    message = send(partner, group)
                for item in group:
                    item.message_id = message.id
            except Exception as error:  # noqa: BLE001 - recorded on the client's log, the run goes on
                _logger.warning("Collections: %s for %s failed: %s", group[0].action, partner.display_name, error)
                for item in group:
                    states[item.key] = "failed"
                    item.note = str(error)[:250]
        return states

    def _collection_post_on_partners(self, items, action, states):
        label = dict(self.env["collection.action.log"]._fields["action"]._description_selection(self.env))[action]
        for partner, group in _group(items, lambda i: i.move.commercial_partner_id).items():
            done = [i for i in group if (states or {}).get(i.key, "done") != "failed"]
            if not done:
                continue
            partner._message_log(body=_(
                "Collections: %(action)s for %(invoices)s (stage %(stage)s).",
                action=label, invoices=", ".join(i.move.name for i in done),
                stage=", ".join(sorted({i.stage.name for i in done})),
            ))

    def _collection_post_on_invoices(self, items, body):
        """Log BODY in the chatter of the items' invoices, in one batch of messages."""
        moves = self.env["account.move"].union(*(item.move for item in items))
        if moves:
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, body))

    def _collection_do_manual(self, items):
        for move, stage in {(i.move, i.stage) for i in items}:
            move.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Confirm collection stage: %(stage)s", stage=stage.name),
                note=_("The run waits for a confirmation before the actions of this stage "
                       "(use Action > Escalate now on the invoice)."),
                user_id=move._collection_responsible().id,
            )
        self._collection_post_on_invoices(items, _("Collection stage waiting for a manual confirmation."))
        return {item.key: "pending" for item in items}

    def _collection_do_work_stop(self, items):
        self._collection_post_on_invoices(items, _("Work stopped for this client."))

    def _collection_do_agency(self, items):
        today = fields.Date.context_today(self)
        for item in items:
            item.move.write({
                "collection_agency_id": item.stage.agency_partner_id.id,
                "collection_agency_commission": item.stage.agency_commission,
                "collection_agency_date": today,
            })
            item.move._message_log(body=_(
                "Handed over to collection agency %(agency)s (commission %(rate)s%%).",
                agency=item.stage.agency_partner_id.display_name or _("(to be chosen)"),
                rate=item.stage.agency_commission,
            ))

    def _collection_do_write_off(self, items):
        states = {}
        for item in items:
            try:
                with self.env.cr.savepoint():
                    item.move._collection_write_off()
            except Exception as error:  # noqa: BLE001 - recorded on the log, the run goes on
                states[item.key] = "failed"
                item.note = str(error)[:250]
        return states

    def _collection_do_activity(self, items):
        for partner, group in _group(items, lambda i: i.move.commercial_partner_id).items():
            stage = group[0].stage
            moves = self.env["account.move"].union(*(i.move for i in group))
            note = stage.activity_note or ""
            moves[0].activity_schedule(
                activity_type_id=stage.activity_type_id.id,
                summary=_("%(stage)s: %(client)s", stage=stage.name, client=partner.display_name),
                note=_("%(note)s<p>Invoices: %(invoices)s</p>", note=note,
                       invoices=", ".join(moves.mapped("name"))),
                user_id=moves[0]._collection_responsible().id,
            )

    def _collection_do_email(self, items):
        """One email per client, listing every invoice that calls for one, in the firmest tone."""
        # a stage that also issues a formal notice sends its email with the demand letter (see
        # below); its repeats remind of the letter, attached again
        items = [item for item in items if not item.stage.action_formal_notice or item.repeat]

        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            template = _stages(group)._collection_template("email")
            attachments = None
            if any(item.stage.action_formal_notice for item in group):
                attachments = moves._collection_last_demand_letters()
                if moves[:1].collection_policy_id.attach_statement:
                    attachments |= partner._collection_statement_attachment()
            message = partner._collection_send_reminder(template, moves, attachments)
            self._collection_post_on_invoices(group, _(
                "Reminder %(template)s sent to the client.", template=template.name))
            return message
        return self._collection_per_client(items, send)

    def _collection_do_discount_nudge(self, items):
        template = self.env["collection.stage"]._collection_template("discount_nudge")

        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            message = partner._collection_send_reminder(template, moves)
            self._collection_post_on_invoices(group, _("Early-payment discount reminder sent to the client."))
            return message
        return self._collection_per_client(items, send)

    def _collection_do_formal_notice(self, items):
        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            attachments = partner._collection_attach_demand_letter(moves)
            template = _stages(group)._collection_template("formal_notice")
            # one letter covers all the invoices: each keeps a copy, the email carries one
            message = partner._collection_send_reminder(template, moves, attachments[:1])
            self._collection_post_on_invoices(group, _("Formal notice issued (demand letter attached)."))
            return message
        return self._collection_per_client(items, send)


def _stages(items):
    return items[0].stage.browse().union(*(item.stage for item in items))


def _group(items, key):
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------------
    # Planning (no side effect: the dry run shows this)
    # ------------------------------------------------------------------
    @api.model
    def _collection_open_invoice_ids(self, company, due_on=None):
        """Ids of the company's open invoices under a policy; with DUE_ON, only those the run must
        look at on that day (facts changed, or a date of theirs has come: see account_move_schedule)."""
        return self.search([
            ("company_id", "=", company.id),
            *OPEN_INVOICE_DOMAIN,
            ("collection_policy_id", "!=", False),
            *(self._collection_due_domain(due_on) if due_on else []),
        ], order="commercial_partner_id, id").ids

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
        if not candidates:
            return []
        moves = self.browse({item.move.id for item in candidates})
        logs = self.env["collection.action.log"].sudo().search_fetch(
            [("key", "in", [c.key for c in candidates])], ["key", "state", "date"])
        state_by_key = {log.key: log.state for log in logs}
        repeats = self._collection_repeats(candidates, {log.key: log.date for log in logs if log.state == "done"},
                                           today)
        if repeats:
            candidates += repeats
            state_by_key.update({log.key: log.state for log in self.env["collection.action.log"].sudo().search_fetch(
                [("key", "in", [r.key for r in repeats])], ["key", "state"])})
        last_email = self._collection_last_email_dates(moves.commercial_partner_id)
        plan = []
        paused = {move.id for move in moves if move._collection_is_paused(today)}
        for item in candidates:
            if item.key in state_by_key:
                continue
            manual_key = f"{item.move.id}:{item.stage.id}:manual"
            if item.move.id in paused:
                item.blocked = _("paused: dispute, client pause or payment plan")
            elif item.action != "manual" and item.stage.action_manual and state_by_key.get(manual_key) != "done":
                item.blocked = _("waiting for a manual confirmation")
            elif item.action in ("email", "formal_notice", "discount_nudge"):
                policy = item.move.collection_policy_id
                if today.weekday() in QUIET_WEEKDAYS[policy.quiet_days]:
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
                    repeats.append(PlannedAction(item.move, item.stage, "email", f"{item.key}:repeat:{cycle}",
                                                 repeat=cycle))
        return repeats

    def _collection_next_repeat_dates(self, today):
        """{move id: the day the email of its stage is next repeated} for these invoices."""
        staged = self.filtered(lambda m: m.collection_stage_id.repeat_days and m.collection_stage_id.action_email)
        if not staged:
            return {}
        keys = {f"{move.id}:{move.collection_stage_id.id}:email": move for move in staged}
        logs = self.env["collection.action.log"].sudo().search_fetch(
            [("key", "in", list(keys)), ("state", "=", "done")], ["key", "date"])
        return {
            keys[log.key].id: fee_invoicing.next_repeat_date(
                log.date, today, keys[log.key].collection_stage_id.repeat_days)
            for log in logs
        }

    def _collection_last_demand_letters(self):
        """The demand letter last emailed for these invoices (attached to a repeat of the notice)."""
        logs = self.env["collection.action.log"].sudo().search(
            [("move_id", "in", self.ids), ("action", "=", "formal_notice"), ("state", "=", "done"),
             ("mail_message_id", "!=", False)], order="date desc, id desc", limit=1)
        return logs.mail_message_id.attachment_ids

    def _collection_discount_nudge(self, today):
        """A planned discount reminder when an early-payment tier of the policy ends within the
        policy's nudge days, or None. Keyed by tier so each offer is announced once."""
        self.ensure_one()
        policy = self.collection_policy_id
        if not policy.discount_nudge_days or not policy.discount_tier_ids or self.payment_state != "not_paid" \
                or not self.invoice_date or self.collection_paused:
            return None
        tier = discounts.best_tier(policy._get_discount_tiers(), self.invoice_date, today)
        if tier is None:
            return None
        left = (discounts.tier_deadline(tier, self.invoice_date) - today).days
        if left > policy.discount_nudge_days:
            return None
        return PlannedAction(self, self.env["collection.stage"], "discount_nudge",
                             f"{self.id}:discount:{tier.days}",
                             note=_("%(percent)s%% until %(date)s", percent=tier.percent,
                                    date=discounts.tier_deadline(tier, self.invoice_date)))

    @api.model
    def _collection_last_email_dates(self, partners):
        groups = self.env["collection.action.log"].sudo()._read_group(
            [("partner_id", "in", partners.ids), ("action", "in", ("email", "formal_notice")),
             ("state", "=", "done")],
            ["partner_id"], ["date:max"])
        return {partner.id: last for partner, last in groups}

    # ------------------------------------------------------------------
    # Server actions
    # ------------------------------------------------------------------
    def _collection_open_selection(self):
        return self.filtered(lambda m: m._is_collection_open())

    def action_collection_send_reminder(self):
        """Send each client one reminder now for the selected open invoices (not throttled)."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        default = self.env.ref("freelance_collections.mail_template_friendly")
        for partner, group in moves.grouped("commercial_partner_id").items():
            template = group.collection_stage_id._collection_template("email") or default
            message = partner._collection_send_reminder(template, group)
            self.env["collection.action.log"].sudo().create([{
                "mail_message_id": message.id,
                "key": f"{move.id}:now:{uuid.uuid4().hex}", "move_id": move.id, "partner_id": partner.id,
                "stage_id": move.collection_stage_id.id, "action": "email", "note": _("sent by hand"),
                "user_id": self.env.user.id,
            } for move in group])
            for move in group:
                move._message_log(body=_("Reminder sent by hand to the client."))
        return True

    def action_collection_escalate(self):
        """Confirm the stages waiting for a confirmation and run today's actions for these invoices now."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        self.env["collection.action.log"].sudo().search([
            ("move_id", "in", moves.ids), ("action", "=", "manual"), ("state", "=", "pending"),
        ]).write({"state": "done", "user_id": self.env.user.id})
        moves._collection_refresh_stages()
        plan = moves._collection_plan(fields.Date.context_today(self))
        done = self.env["collection.policy"]._collection_execute(plan)
        waiting = [item for item in plan if item.blocked]
        message = _("%(done)s action(s) done.", done=sum(done.values()))
        if waiting:
            message += " " + _("%(count)s waiting: %(why)s", count=len(waiting),
                               why="; ".join(sorted({str(item.blocked) for item in waiting})))
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": "info", "sticky": False}}

    def action_collection_propose_plan(self):
        """Open a proposed payment plan for the selected open invoices of one client."""
        moves = self._collection_open_selection()
        if not moves:
            raise UserError(_("Choose posted customer invoices that are still to be paid."))
        if len(moves.commercial_partner_id) > 1 or len(moves.currency_id) > 1 or len(moves.company_id) > 1:
            raise UserError(_("A payment plan covers one client's invoices in one currency and company: "
                              "select fewer invoices."))
        plan = self.env["collection.payment.plan"].create({
            "partner_id": moves.commercial_partner_id.id,
            "company_id": moves.company_id.id,
            "currency_id": moves.currency_id.id,
            "move_ids": [Command.set(moves.ids)],
        })
        plan.action_generate_lines()
        return {"type": "ir.actions.act_window", "res_model": "collection.payment.plan", "res_id": plan.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    def action_collection_close_dispute(self):
        self.filtered("collection_dispute").write({"collection_dispute": False})
        return True

    def action_collection_write_off(self):
        if not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise UserError(_("Only a collections manager can write off an invoice."))
        for move in self._collection_open_selection():
            move._collection_write_off()
        return True

    def _collection_responsible(self):
        self.ensure_one()
        return self.company_id.collection_responsible_id or self.invoice_user_id or self.env.user
