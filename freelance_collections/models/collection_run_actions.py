"""What each collection action does: the handlers the run calls, one per action of the registry.

``policy/actions.py`` lists the actions in the order they run; each handler takes the planned items
of its action (``PlannedAction``: invoice, stage, key), carries them out and returns the state of
those that did not simply succeed ({key: "failed" or "pending"}). The run records them on the action
log in the same transaction.
"""

import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..policy import actions
from .account_move import OPEN_INVOICE_DOMAIN, OPEN_PAYMENT_STATES
from .mail_thread import shared_reminder_authors, shared_reminder_reply_to

# the run's to-dos show in the responsible's activities; Odoo's "you have been assigned" email per
# to-do would flood them on a busy night (one email per activity)
QUIET_ACTIVITY = {"mail_activity_quick_update": True}


def _lists_the_clients_fees(item, origin):
    """Whether ITEM, a planned action, is a reminder email sent tonight to the client of ORIGIN (same
    company) that lists the client's late-fee invoices not sent yet (``_collection_do_email``). A stage
    that issues a formal notice sends its first email with the demand letter, which lists its own
    invoices only."""
    return (
        item.action == "email"
        and not item.blocked
        and not item.failed
        and not (item.stage.action_formal_notice and not item.repeat)
        and item.move.commercial_partner_id == origin.commercial_partner_id
        and item.move.company_id == origin.company_id
    )


_logger = logging.getLogger(__name__)


class CollectionRunActions(models.AbstractModel):
    _name = "collection.run.actions"
    _description = "Collection Action Handlers"

    # ------------------------------------------------------------------
    # EXECUTION
    # ------------------------------------------------------------------
    @api.model
    def _collection_execute(self, plan):
        """Carry out the planned actions that are not blocked, in the registry's order, and record each
        on the action log (of this run, when called on one).

        :param list plan: ``PlannedAction`` items (``account.move._collection_plan``).
        :return: {action code: number done}
        """
        todo = [item for item in plan if not item.blocked]
        counts = defaultdict(int)
        if not todo:
            return counts
        by_action = defaultdict(list)
        for item in todo:
            by_action[item.action].append(item)
        log_vals = []
        today = fields.Date.context_today(self)
        for spec in actions.PLANNED:
            items = by_action.get(spec.code)
            if not items:
                continue
            states = getattr(self, spec.handler)(items)
            for item in items:
                state = states.get(item.key, "done") if states else "done"
                # a failure is recorded under its own key of the day: the action is tried again tomorrow
                key = item.key if state != "failed" else f"{item.key}:failed:{today}"
                log_vals.append(
                    {
                        "key": key,
                        "move_id": item.move.id,
                        "partner_id": item.move.commercial_partner_id.id,
                        "stage_id": item.stage.id or False,
                        "action": spec.code,
                        "state": state,
                        "note": item.note or False,
                        "mail_message_id": item.message_id or False,
                    }
                )
                if state != "failed":
                    counts[spec.code] += 1
                else:
                    item.failed = True
            if not spec.emails_client:  # an email is a message on the client already
                self._collection_post_on_partners(items, spec.code, states)
        self.env["collection.action.log"]._record(log_vals, run=self)
        return counts

    def _collection_per_client(self, items, send, more=None):
        """Call SEND(partner, items) for each client; it returns the email, kept on the items' log, and
        the note for the chatter of the client's invoices (logged for the whole batch at once).

        A client whose invoicing contact has no usable address or a blacklisted one is sent nothing:
        its items are recorded as failed (tried again tomorrow) and the client as undeliverable (see
        ``collection_run_delivery.py``). A client whose email cannot be made (a broken template) is
        recorded as failed and does not stop the others.

        MORE: other invoices the emails list (read at once with the items' invoices).

        :return: {item key: "failed"} for the items not sent.
        """
        clients = self.env["res.partner"].union(*(item.move.commercial_partner_id for item in items))
        unreachable = self._collection_unreachable_clients(clients)
        states = {}
        sent = []
        notes = {}
        credited = self._collection_prefetch_reminders(items, more)
        # the sender's author and the clients' reply-to addresses looked up once for the batch
        with shared_reminder_authors(self.env.cr), shared_reminder_reply_to(self.env.cr, clients):
            self._collection_send_per_client(items, send, unreachable, credited, states, sent, notes)
        if unreachable:
            self._collection_block_unreachable(
                [item for item in items if item.move.commercial_partner_id.id in unreachable], unreachable, states
            )
        # what the emails listed is sent: the invoices, their open late-fee invoices, the invoices a
        # late-fee invoice is for (one query for all the clients)
        listed = self.env["account.move"].browse(sent)
        (listed | listed.collection_open_fee_ids | listed.collection_fee_origin_ids)._collection_mark_sent()
        if notes:  # what was sent, in the chatter of each invoice: one batch of notes for all the clients
            self.env["account.move"].browse(list(notes))._message_log_batch(bodies=notes)
        return states

    def _collection_send_per_client(self, items, send, unreachable, credited, states, sent, notes):
        """The loop of _collection_per_client: SEND each reachable client's email in a savepoint."""
        for partner, group in _group(items, lambda i: i.move.commercial_partner_id).items():
            if partner.id in unreachable:
                continue
            try:
                with self.env.cr.savepoint():
                    message, note, *listed_too = send(
                        partner.with_context(
                            collection_reachable_checked=True,
                            collection_credited_clients=credited,
                            collection_mark_sent_later=True,
                        ),
                        group,
                    )
                for item in group:
                    item.message_id = message.id
                    notes[item.move.id] = note
                sent.extend(item.move.id for item in group)
                if listed_too:  # more invoices the email listed (the client's unsent late fees, their invoices)
                    sent.extend(listed_too[0].ids)
            except Exception as error:  # noqa: BLE001 - recorded on the client's log, the run goes on
                _logger.warning("Collections: %s for %s failed: %s", group[0].action, partner.display_name, error)
                for item in group:
                    states[item.key] = "failed"
                    item.note = str(error)[:250]

    def _collection_unsent_fees(self, items):
        """{(client id, company id): its posted late-fee invoices still open and not sent yet}, for the
        clients of ITEMS, in one query."""
        clients = self.env["res.partner"].union(*(item.move.commercial_partner_id for item in items))
        if not clients:
            return {}
        fees = self.env["account.move"].search(
            [
                *OPEN_INVOICE_DOMAIN,
                ("collection_fee_invoice", "=", True),
                ("is_move_sent", "=", False),
                ("commercial_partner_id", "in", clients.ids),
            ]
        )
        return {
            (client.id, company.id): group
            for (client, company), group in fees.grouped(
                lambda fee: (fee.commercial_partner_id, fee.company_id)
            ).items()
        }

    def _collection_fees_listed_too(self, unsent_fees, partner, moves):
        """What a reminder of MOVES to PARTNER lists besides them: the client's late-fee invoices not sent
        yet (booked tonight on an invoice at a stage without email, or held since a quiet day), under
        their invoice while it is open, alone once it is paid. UNSENT_FEES: ``_collection_unsent_fees``."""
        Move = self.env["account.move"]
        fees = unsent_fees.get((partner.id, moves[:1].company_id.id), Move) - moves - moves.collection_open_fee_ids
        origins = fees.collection_fee_origin_ids.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        return origins | fees.filtered(lambda fee: not fee.collection_fee_origin_ids & origins)

    def _collection_prefetch_reminders(self, items, more=None):
        """Read at once, for all the invoices of ITEMS and MORE (other invoices the reminders list), what
        the reminders list of each (the late fees accrued, the late-fee invoices to pay, the clients with
        open credits), instead of client by client while rendering.

        :return: the ids of the clients with open credits (a tuple: the reminders of the others list none)
        """
        moves = self.env["account.move"].union(*(item.move for item in items))
        if more:
            moves |= more
        if not moves:
            return ()
        moves.fetch(["name", "currency_id", "collection_due_date", "amount_residual", "access_token"])
        moves.mapped("collection_fee_accrued")
        fees = moves.collection_open_fee_ids
        fees.fetch(["name", "invoice_date_due", "currency_id", "amount_residual", "access_token"])
        # the pay links need the portal access tokens: those missing in one query (as
        # _portal_ensure_token would, without a full invoice write for each invoice of each email)
        tokenless = (moves | fees).filtered(lambda move: not move.access_token)
        if tokenless:
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET access_token = gen_random_uuid()::text "
                    "WHERE id = ANY(%s) AND access_token IS NULL",
                    tokenless.ids,
                )
            )
            tokenless.invalidate_recordset(["access_token"])
            tokenless.fetch(["access_token"])  # read back at once, not invoice by invoice while rendering
        credits_held = moves._collection_open_credit_lines(moves.commercial_partner_id, moves.company_id)
        return tuple(set(credits_held.partner_id.commercial_partner_id.ids))

    def _collection_post_on_partners(self, items, action, states):
        """One chatter note per client on what ACTION did for its invoices (the failed ones left out)."""
        label = dict(self.env["collection.action.log"]._fields["action"]._description_selection(self.env))[action]
        bodies = {}
        for partner, group in _group(items, lambda i: i.move.commercial_partner_id).items():
            done = [i for i in group if (states or {}).get(i.key, "done") != "failed"]
            if not done:
                continue
            bodies[partner.id] = _(
                "Collections: %(action)s for %(invoices)s (stage %(stage)s).",
                action=label,
                invoices=", ".join(i.move.name for i in done),
                stage=", ".join(sorted({i.stage.name for i in done})),
            )
        if bodies:  # one batch of messages for all the clients
            self.env["res.partner"].browse(list(bodies))._message_log_batch(bodies=bodies)

    def _collection_post_on_invoices(self, items, body):
        """Log BODY in the chatter of the items' invoices, in one batch of messages."""
        moves = self.env["account.move"].union(*(item.move for item in items))
        if moves:
            moves._message_log_batch(bodies=dict.fromkeys(moves.ids, body))

    # ------------------------------------------------------------------
    # HANDLERS (one per action of policy/actions.py, named there)
    # ------------------------------------------------------------------
    def _collection_run_penalties(self, moves, today):
        """Book the penalties newly due on MOVES (a batch of the run).

        :return: (number of fee invoices, {move: error}); a missing reference rate is recorded on the
            invoice's log and the run goes on.
        """
        moves._collection_goodwill_waivers()
        fees, failures = moves._collection_book_penalties(today)
        if fees:  # what the reminders of this run read: the fees just booked, nothing left accrued
            moves.invalidate_recordset(
                [
                    "collection_fee_accrued",
                    "collection_open_fee_ids",
                    "collection_penalty_charged",
                    "collection_penalty_count",
                    "collection_penalty_ids",
                ]
            )
        # paid: the fees up to the payment are invoiced (or none were due), nothing more accrues
        settled = moves.filtered(lambda m: m._collection_is_settling() and m not in failures)
        if settled:
            settled.collection_fee_settled = True
        Log = self.env["collection.action.log"]
        Log._record(
            [
                {
                    "key": f"{line.collection_penalty_origin_id.id}:penalty:{line.move_id.id}",
                    "move_id": line.collection_penalty_origin_id.id,
                    "partner_id": line.move_id.commercial_partner_id.id,
                    "stage_id": line.collection_penalty_origin_id.collection_stage_id.id or False,
                    "action": "penalty",
                    "note": self.env._(
                        "%(amount)s, invoice %(invoice)s",
                        # a late-fee invoice for one invoice: its total, as always; else this line's
                        amount=line.currency_id.format(
                            line.move_id.amount_total if line.move_id.collection_penalty_origin_id else line.price_total
                        ),
                        invoice=line.move_id.name,
                    ),
                }
                for line in fees.invoice_line_ids
                if line.collection_penalty_origin_id
            ]
            + [
                {
                    "key": f"{move.id}:penalty-error:{today}",  # one failure record a day per invoice
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "stage_id": move.collection_stage_id.id or False,
                    "action": "penalty",
                    "state": "failed",
                    "note": error[:250],
                }
                for move, error in failures.items()
            ],
            run=self,
        )
        return len(fees), failures

    @api.model
    def _collection_fee_notice_status(self, origins, plan, today):
        """How a late-fee invoice of ORIGINS (the overdue invoices its lines are for) reaches its client
        today, given the run's PLAN for the client's invoices: ("listed", "") in a reminder of this run,
        ("held", why) until a reminder that waits (quiet day, throttle) or the next business day,
        ("send", "") emailed on its own. One rule for the run and the dry run."""
        listing = ("email", "formal_notice", "discount_nudge")
        for item in plan:
            if item.move.id in origins.ids and item.action in listing and not item.failed:
                if not item.blocked:
                    return "listed", ""
                if item.action in ("email", "formal_notice") and not item.move._collection_is_paused(today):
                    return "held", _("listed in the reminder that waits (%(why)s)", why=item.blocked)
        # a reminder the client gets tonight lists its other new late-fee invoices too (one email, not two)
        if origins and any(_lists_the_clients_fees(item, origins[0]) for item in plan):
            return "listed", ""
        policy = origins[:1].collection_policy_id
        if today.weekday() in actions.QUIET_WEEKDAYS[policy.quiet_days or "none"]:
            return "held", _("quiet day: emailed on the next business day")
        return "send", ""

    def _collection_fee_notices(self, batch, plan, today):
        """The late-fee invoices of BATCH (booked today or before) that no reminder of this run listed
        and that are not sent yet, as planned "fee_notice" items: to send, or blocked while held."""
        candidates = (batch.collection_open_fee_ids | batch.filtered("collection_fee_invoice")).filtered(
            lambda fee: fee.state == "posted" and fee.payment_state in OPEN_PAYMENT_STATES and not fee.is_move_sent
        )
        if not candidates:
            return []
        keys = {fee.id: f"{fee.id}:fee_notice" for fee in candidates}
        done = set(self.env["collection.action.log"].sudo().search([("key", "in", list(keys.values()))]).mapped("key"))
        notices = []
        for fee in candidates:
            if keys[fee.id] in done:
                continue
            status, why = self._collection_fee_notice_status(fee.collection_fee_origin_ids, plan, today)
            if status == "listed":
                continue  # the reminder that listed it marked it sent
            notices.append(
                actions.PlannedAction(
                    fee,
                    self.env["collection.stage"],
                    "fee_notice",
                    keys[fee.id],
                    blocked=why if status == "held" else "",
                )
            )
        return notices

    def _collection_do_fee_notice(self, items):
        """One email per client with its late-fee invoices that no reminder listed, with their pay links."""
        template = self.env.ref("freelance_collections.mail_template_fee_invoice")

        def send(partner, group):
            fees = self.env["account.move"].union(*(item.move for item in group))
            message = partner._collection_send_reminder(template, fees, self.env["ir.attachment"])
            return message, _("Late-fee invoice emailed to the client.")

        return self._collection_per_client(items, send)

    def _collection_do_manual(self, items):
        for move, stage in {(i.move, i.stage) for i in items}:
            move.with_context(**QUIET_ACTIVITY).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Confirm collection stage: %(stage)s", stage=stage.name),
                note=_(
                    "The run waits for a confirmation before the actions of this stage "
                    "(use Action > Escalate now on the invoice)."
                ),
                user_id=move._collection_responsible().id,
            )
        self._collection_post_on_invoices(items, _("Collection stage waiting for a manual confirmation."))
        return {item.key: "pending" for item in items}

    def _collection_do_work_stop(self, items):
        self._collection_post_on_invoices(items, _("Work stopped for this client."))

    def _collection_do_agency(self, items):
        today = fields.Date.context_today(self)
        # one write and one batch of chatter notes per stage (its agency and commission)
        for stage, group in _group(items, lambda i: i.stage).items():
            moves = self.env["account.move"].union(*(item.move for item in group))
            moves.write(
                {
                    "collection_agency_id": stage.agency_partner_id.id,
                    "collection_agency_commission": stage.agency_commission,
                    "collection_agency_date": today,
                }
            )
            moves._message_log_batch(
                bodies=dict.fromkeys(
                    moves.ids,
                    _(
                        "Handed over to collection agency %(agency)s (commission %(rate)s%%).",
                        agency=stage.agency_partner_id.display_name or _("(to be chosen)"),
                        rate=stage.agency_commission,
                    ),
                )
            )

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
            moves[0].with_context(**QUIET_ACTIVITY).activity_schedule(
                activity_type_id=stage.activity_type_id.id,
                summary=_("%(stage)s: %(client)s", stage=stage.name, client=partner.display_name),
                note=_("%(note)s<p>Invoices: %(invoices)s</p>", note=note, invoices=", ".join(moves.mapped("name"))),
                user_id=moves[0]._collection_responsible().id,
            )

    def _collection_do_email(self, items):
        """One email per client, listing every invoice that calls for one, in the firmest tone."""
        # a stage that also issues a formal notice sends its email with the demand letter (see
        # below); its repeats remind of the letter, attached again
        items = [item for item in items if not item.stage.action_formal_notice or item.repeat]
        self._collection_render_statements(items)  # the batch's statements at once, when the policy attaches them
        unsent_fees = self._collection_unsent_fees(items)

        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            also = self._collection_fees_listed_too(unsent_fees, partner, moves)
            template = _stages(group)._collection_template("email")
            attachments = None
            if any(item.stage.action_formal_notice for item in group):
                attachments = moves._collection_last_demand_letters()
                if moves[:1].collection_policy_id.attach_statement:
                    attachments |= partner._collection_statement_attachment()
            message = partner._collection_send_reminder(template, moves | also, attachments)
            return message, _("Reminder %(template)s sent to the client.", template=template.name), also

        fees = self.env["account.move"].union(*unsent_fees.values())
        return self._collection_per_client(items, send, fees | fees.collection_fee_origin_ids)

    def _collection_do_discount_nudge(self, items):
        self._collection_render_statements(items)
        template = self.env["collection.stage"]._collection_template("discount_nudge")

        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            message = partner._collection_send_reminder(template, moves)
            return message, _("Early-payment discount reminder sent to the client.")

        return self._collection_per_client(items, send)

    def _collection_do_formal_notice(self, items):
        self._collection_render_demand_letters(items)  # the batch's letters at once (few wkhtmltopdf calls)

        def send(partner, group):
            moves = self.env["account.move"].union(*(i.move for i in group))
            attachments = partner._collection_attach_demand_letter(moves)
            template = _stages(group)._collection_template("formal_notice")
            # one letter covers all the invoices: each keeps a copy, the email carries one
            message = partner._collection_send_reminder(template, moves, attachments[:1])
            return message, _("Formal notice issued (demand letter attached).")

        return self._collection_per_client(items, send)


def _stages(items):
    return items[0].stage.browse().union(*(item.stage for item in items))


def _group(items, key):
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups
