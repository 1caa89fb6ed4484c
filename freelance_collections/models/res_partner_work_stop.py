"""When work stops for a client: an open invoice at or past a work-stop stage of its policy, with
the client's overdue amount at least the policy's threshold (or a manager's override); and the one
check that invoices, sales orders and timesheets make before new work goes ahead."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .account_move import OPEN_INVOICE_DOMAIN


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        compute="_compute_collection_standing",
        store=True,
        tracking=True,
        help="Set while an open invoice of the client is at or past a work-stop stage, unless overridden by hand.",
    )
    collection_work_stop_override = fields.Selection(
        [("stop", "Always stop work"), ("release", "Never stop work")],
        string="Work-Stop Override",
        tracking=True,
        help="Decide by hand instead of from the collection stages.",
    )
    collection_work_stop_reason = fields.Char(string="Override Reason", tracking=True)
    # not stored and without dependencies: read when shown (res.users inherits it from its partner,
    # and a dependency would put it in the trigger trees of the accounting fields)
    collection_work_stop_hold = fields.Char(
        string="Work Stop Held",
        compute="_compute_collection_work_stop_hold",
        help="Why work goes on though an invoice of the client is at a work-stop stage: its escalation "
        "is held by a dispute, a pause of the client or a payment plan. Work stops when the hold ends "
        "and the invoice is still unpaid.",
    )

    # The client's stage (res_partner.py) and work stop are computed together: Odoo marks both at once
    # when an invoice of the client changes, and one query of its invoices serves both (a query less
    # in each invoice posted, payment registered or reconciled: docs/benchmark.md). Through
    # collection_client_invoice_ids, not collection_invoice_ids: its domain does not keep the ORM from
    # marking them for every entry of the client.
    @api.depends(
        "commercial_partner_id",
        "commercial_partner_id.collection_client_invoice_ids.collection_stage_id",
        "collection_work_stop_override",
        "commercial_partner_id.collection_work_stop_override",
        "commercial_partner_id.collection_client_invoice_ids.collection_stage_id.stops_work",
        "commercial_partner_id.collection_client_invoice_ids.amount_residual_signed",
        "commercial_partner_id.collection_client_invoice_ids.collection_policy_id.work_stop_min_amount",
        # a paused invoice holds its work stop (read by _collection_is_paused)
        "commercial_partner_id.collection_pause_until",
        "commercial_partner_id.collection_client_invoice_ids.collection_dispute",
        "commercial_partner_id.collection_client_invoice_ids.collection_plan_id",
    )
    def _compute_collection_standing(self):
        clients = self.commercial_partner_id
        saved = clients.filtered("id")
        invoices = saved._collection_standing_invoices() if saved else None
        worst = clients._collection_worst_stages(invoices=invoices)
        stops = clients._collection_work_stops(invoices=invoices)
        for partner in self:
            partner.collection_stage_id = worst.get(partner.commercial_partner_id.id, False)
            partner.collection_work_stop = stops[partner.commercial_partner_id.id]

    def _compute_collection_work_stop_hold(self):
        today = fields.Date.context_today(self)
        holds = {}
        self.commercial_partner_id._collection_work_stops(holds=holds)
        for partner in self:
            held = holds.get(partner.commercial_partner_id.id)
            why = list(dict.fromkeys(move._collection_pause_label(today) for move in held or ()))
            partner.collection_work_stop_hold = _("Work stop held: %(why)s", why="; ".join(why)) if why else False

    def _collection_work_stops(self, holds=None, invoices=None):
        """{client id: whether its work stops} for these commercial partners, set-based: the open
        invoices of all the saved clients in one query, the cache for new ones (a form being edited).

        An invoice whose escalation is paused (a dispute, the client's pause, a running payment plan)
        keeps its stage, and holds its work stop with it: the run does not carry out the stage's work
        stop while paused (the dry run says why), so the client is not stopped for it either.

        :param dict holds: when given, filled with {client id: [the paused invoices at a work-stop
            stage that would stop its work]} for the clients not stopped (no override)
        :param invoices: the clients' invoices ``_collection_standing_invoices`` fetched already
        """
        today = fields.Date.context_today(self)
        saved = self.filtered("id")
        open_by_client = {partner.id: [] for partner in self}
        if saved:
            if invoices is None:
                invoices = saved._collection_standing_invoices()
            for move in invoices:
                if move.commercial_partner_id.id in open_by_client and move._is_collection_open():
                    open_by_client[move.commercial_partner_id.id].append(move)
        for partner in self - saved:
            open_by_client[partner.id] = list(partner.collection_invoice_ids.filtered_domain(OPEN_INVOICE_DOMAIN))
        other_reasons = self._collection_work_stop_other_reasons()
        thresholds = {}

        def threshold(move):
            key = (move.collection_policy_id.id, move.company_id.id)
            if key not in thresholds:
                thresholds[key] = _threshold(move.collection_policy_id, move.company_id, today)
            return thresholds[key]

        result = {}
        for partner in self:
            override = partner.collection_work_stop_override
            if override:
                result[partner.id] = override == "stop"
                continue
            if partner.id in other_reasons:
                result[partner.id] = True
                continue
            open_invoices = open_by_client[partner.id]
            overdue = {}
            for move in open_invoices:
                if move.collection_stage_id.stops_work and move.company_id not in overdue:
                    overdue[move.company_id] = _overdue(open_invoices, move.company_id, today)
            stopping = [
                move
                for move in open_invoices
                if move.collection_stage_id.stops_work and overdue[move.company_id] >= threshold(move)
            ]
            held = [move for move in stopping if move._collection_is_paused(today)]
            result[partner.id] = len(held) < len(stopping)
            if holds is not None and held and not result[partner.id]:
                holds[partner.id] = held
        return result

    def _collection_check_work_stop(self, refusal, clients_may=True, documents=None, note=None):
        """The work-stop check before new work for these partners goes ahead (an invoice posted, an
        order confirmed, time logged); who went past a stop is logged on the documents.

        :param refusal: a function of the stopped clients' names (one text) returning the translated
            message that refuses it
        :param bool clients_may: whether a client acting online (a portal or public user paying or
            signing) goes past the stop: money coming in is never refused
        :param documents: the records going ahead (invoices, orders, projects; each with a
            ``partner_id``): those of a stopped client get NOTE in their chatter
        :param dict note: the translated note for each way the user goes past the stop ("manager",
            "client")
        :return: (the stopped clients among SELF's commercial partners, how the user goes past the
            stop: "manager", "client" or "" when none is stopped)
        :raise UserError: REFUSAL, when a client is stopped and the user may not go past it
        """
        stopped = self.commercial_partner_id.filtered("collection_work_stop")
        if not stopped:
            return stopped, ""
        override = self.env.user._collection_work_stop_override()
        if override == "client" and not clients_may:
            override = ""
        if not override:
            reasons = stopped._collection_work_stop_other_reasons()
            message = refusal(", ".join(stopped.mapped("display_name")))
            raise UserError("\n".join([message, *reasons.values()]) if reasons else message)
        if documents is not None:
            for document in documents.filtered(lambda d: d.partner_id.commercial_partner_id in stopped):
                document._message_log(body=note[override])
        return stopped, override

    # ------------------------------------------------------------------
    # HOOKS
    # ------------------------------------------------------------------
    def _collection_work_stop_other_reasons(self):
        """HOOK: {commercial partner id: why its work stops} for these commercial partners whose work
        stops for a reason other than the ladder; a manager's override still wins over it. Each
        feature adding a reason extends it (the retainer used up with its top-up unpaid:
        ``res_partner_retainer.py``) and adds what its reason depends on to
        ``_compute_collection_standing``. Base: none."""
        return {}


def _overdue(invoices, company, today):
    """What INVOICES of COMPANY owe past their due date, in its currency."""
    return sum(
        move.amount_residual_signed
        for move in invoices
        if move.company_id == company and move.collection_due_date and move.collection_due_date < today
    )


def _threshold(policy, company, date):
    """POLICY's work-stop threshold in COMPANY's currency on DATE."""
    return policy.currency_id._convert(policy.work_stop_min_amount, company.currency_id, company, date)
