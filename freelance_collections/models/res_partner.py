"""The client's collection side: its policy, stage, pause and amounts due (the rest by feature:
``res_partner_work_stop.py``, ``res_partner_payer_score.py``, ``res_partner_reminder.py``,
``res_partner_delivery.py``, ``res_partner_pay_link.py``, ``res_partner_statement.py``)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..policy import stages
from .account_move import OPEN_INVOICE_DOMAIN, OPEN_PAYMENT_STATES

# What a collections user may set on a client (the pause), a collections manager too (the override).
COLLECTION_MANAGER_FIELDS = {"collection_work_stop_override", "collection_work_stop_reason"}
COLLECTION_PARTNER_FIELDS = COLLECTION_MANAGER_FIELDS | {
    "collection_pause_until",
    "collection_pause_reason",
    "collection_policy_id",
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "collection.bounds.mixin"]  # the collection_* numbers and dates given

    collection_policy_id = fields.Many2one(
        "collection.policy",
        string="Collection Policy",
        company_dependent=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', current_company_id)]",
        help="Overrides the company's default collection policy for this customer.",
    )
    collection_invoice_ids = fields.One2many(
        "account.move",
        "commercial_partner_id",
        string="Customer Invoices",
        domain=[("move_type", "=", "out_invoice")],
    )
    # The same without a domain, by account.move.collection_client_id (posted customer invoices): what
    # the client's stage and work stop depend on (res_partner_work_stop.py).
    collection_client_invoice_ids = fields.One2many(
        "account.move", "collection_client_id", string="Posted Invoices of the Client"
    )
    # The inverse of commercial_partner_id (archived contacts too): when an invoice changes, the ORM
    # finds the contacts whose stage and work stop follow it in this field, read once for a batch's
    # clients and then cached, instead of a search of the contacts for each invoice it writes.
    collection_member_ids = fields.One2many(
        "res.partner",
        "commercial_partner_id",
        string="Contacts of the Commercial Entity",
        context={"active_test": False},
    )
    # The same for the invoices' commercial_partner_id (collection_invoice_ids has a domain, so the ORM
    # cannot use it): when a client's stage or work stop changes, the entries that show them are found
    # here, not with a search for each client.
    collection_entry_ids = fields.One2many(
        "account.move", "commercial_partner_id", string="Journal Entries of the Client"
    )
    collection_open_invoice_ids = fields.Many2many(
        "account.move",
        string="Open Invoices",
        compute="_compute_collection_open_invoice_ids",
        help="Posted customer invoices of the client still to be paid, earliest due first.",
    )
    collection_reminder_invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices in Reminder",
        compute="_compute_collection_reminder_invoice_ids",
        help="The invoices a reminder lists: those the run chose, else all open invoices.",
    )
    collection_stage_id = fields.Many2one(
        "collection.stage",
        string="Collection Stage",
        compute="_compute_collection_standing",  # with the work stop: res_partner_work_stop.py
        store=True,
        index=True,
        tracking=True,
        help="The stage of the client's worst open invoice.",
    )
    # Per company, as the invoices they hold: a pause set in one company leaves the client's invoices
    # of the others on their ladder (res.partner.write holds the stages of this company's only).
    collection_pause_until = fields.Date(
        string="Escalation Paused Until",
        company_dependent=True,
        tracking=True,
        help="A valued client: no reminder, penalty or escalation of its invoices in this company until this date.",
    )
    collection_pause_reason = fields.Char(string="Pause Reason", company_dependent=True, tracking=True)
    collection_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        help="What the client's invoices past their due dates still owe, but no more than the total due "
        "(credit notes and payments not yet matched count against it).",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_due_amount = fields.Monetary(
        string="Total Due",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_credit_amount = fields.Monetary(
        string="Open Credits",
        help="Credit notes and payments of the client not yet matched with an invoice: they count against what "
        "it owes (oldest invoices first), and Match Credits matches them in the books.",
        compute="_compute_collection_amounts",
        currency_field="collection_currency_id",
    )
    collection_currency_id = fields.Many2one("res.currency", compute="_compute_collection_amounts")
    collection_overdue_count = fields.Integer(string="Overdue Invoices", compute="_compute_collection_amounts")
    collection_avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        compute="_compute_collection_avg_days_late",
        help="Average lateness of the client's invoices: paid ones at their last payment, overdue ones as of today.",
    )

    def _compute_collection_open_invoice_ids(self):
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                *OPEN_INVOICE_DOMAIN,
                ("company_id", "in", self.env.companies.ids),
            ],
            order="collection_due_date, id",
        )
        by_partner = invoices.grouped("commercial_partner_id")
        for partner in self:
            partner.collection_open_invoice_ids = by_partner.get(
                partner.commercial_partner_id, self.env["account.move"]
            )

    @api.depends_context("collection_invoice_ids")
    def _compute_collection_reminder_invoice_ids(self):
        chosen = self.env["account.move"].browse(self.env.context.get("collection_invoice_ids") or [])
        for partner in self:
            mine = chosen.filtered(lambda m: m.commercial_partner_id == partner.commercial_partner_id)  # noqa: B023 - the lambda is called at once, within the loop
            partner.collection_reminder_invoice_ids = mine or partner.collection_open_invoice_ids

    def _collection_worst_stages(self, invoices=None):
        """{client id: the stage of its worst invoice} for these commercial partners, set-based: one
        query for all the saved clients (the stored stage of every client a run batch touched is
        recomputed at once), the cache for new ones (a form being edited). INVOICES: the clients'
        invoices ``_collection_standing_invoices`` fetched already (a query saved)."""
        saved = self.filtered("id")
        stage_ids = {partner.id: [] for partner in self}
        if saved:
            if invoices is None:
                invoices = saved._collection_standing_invoices()
            # in the invoices' order, as collection_invoice_ids lists them (ties go to the first)
            for move in invoices:
                if move.collection_stage_id and move.commercial_partner_id.id in stage_ids:
                    stage_ids[move.commercial_partner_id.id].append(move.collection_stage_id.id)
        for partner in self - saved:
            stage_ids[partner.id] = partner.collection_invoice_ids.collection_stage_id.ids
        Stage = self.env["collection.stage"].sudo()
        Stage.browse({id_ for ids in stage_ids.values() for id_ in ids}).fetch(["days"])
        result = {}
        for partner_id, ids in stage_ids.items():
            ids = list(dict.fromkeys(ids))
            ladder = [
                stages.StageRule(key=stage.id, sequence=stage.days, days=stage.days) for stage in Stage.browse(ids)
            ]
            result[partner_id] = Stage.browse(stages.worst_stage(ladder, ids) or [])
        return result

    def _collection_standing_invoices(self):
        """The customer invoices of these saved commercial partners that are open or at a stage, in
        one query (sudo), with what the client's stage and work stop read of them."""
        return (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("commercial_partner_id", "in", self.ids),
                    ("move_type", "=", "out_invoice"),
                    "|",
                    ("collection_stage_id", "!=", False),
                    "&",
                    ("state", "=", "posted"),
                    ("payment_state", "in", OPEN_PAYMENT_STATES),
                ],
                [
                    "commercial_partner_id",
                    "company_id",
                    "move_type",
                    "state",
                    "payment_state",
                    "collection_stage_id",
                    "collection_policy_id",
                    "amount_residual_signed",
                    "collection_due_date",
                    "collection_dispute",
                    "collection_dispute_review_date",
                    "collection_plan_id",
                ],
            )
        )

    @api.depends_context("company")
    def _compute_collection_amounts(self):
        """Due and overdue receivable amounts in the current company's currency, in one query."""
        today = fields.Date.context_today(self)
        company = self.env.company
        commercial_ids = self.commercial_partner_id.ids
        groups = (
            self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "child_of", commercial_ids),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("company_id", "=", company.id),
                ],
                ["partner_id", "date_maturity:day"],
                ["amount_residual:sum"],
            )
            if commercial_ids
            else []
        )
        # the open credits (credit notes, payments not yet matched): their own sum, not netted with invoices
        credit_groups = (
            self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "child_of", commercial_ids),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                    ("company_id", "=", company.id),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
            if commercial_ids
            else []
        )
        credit = {}
        for partner, residual in credit_groups:
            key = partner.commercial_partner_id.id
            credit[key] = credit.get(key, 0.0) - residual
        due, overdue, counts = {}, {}, {}
        for partner, maturity, residual in groups:
            key = partner.commercial_partner_id.id
            due[key] = due.get(key, 0.0) + residual
            if maturity and maturity < today and residual > 0:
                overdue[key] = overdue.get(key, 0.0) + residual
                counts[key] = counts.get(key, 0) + 1
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.collection_currency_id = company.currency_id
            partner.collection_due_amount = due.get(key, 0.0)
            # the dashboard's rule: past-due invoices, up to what the client owes (credit notes and
            # payments not yet matched count against it)
            partner.collection_overdue_amount = max(min(overdue.get(key, 0.0), due.get(key, 0.0)), 0.0)
            partner.collection_overdue_count = counts.get(key, 0)
            partner.collection_credit_amount = credit.get(key, 0.0)

    @api.depends_context("company", "allowed_company_ids")
    def _compute_collection_avg_days_late(self):
        """One query: lateness of paid invoices (last payment date) and overdue ones (today)."""
        commercial_ids = self.commercial_partner_id.ids
        averages = {}
        if commercial_ids:
            self.env["account.move"].flush_model(
                ["commercial_partner_id", "move_type", "state", "invoice_date_due", "payment_state"]
            )
            self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
            self.env["account.move.line"].flush_model(["move_id", "display_type"])
            today = fields.Date.context_today(self)
            self.env.cr.execute(
                SQL(
                    """
                SELECT m.commercial_partner_id,
                       AVG(GREATEST(0, COALESCE(paid.last_date, %(today)s) - m.invoice_date_due))
                  FROM account_move m
             LEFT JOIN LATERAL (
                       SELECT MAX(apr.max_date) AS last_date
                         FROM account_move_line l
                         JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
                        WHERE l.move_id = m.id AND l.display_type = 'payment_term'
                       ) paid ON m.payment_state IN ('paid', 'in_payment')
                 WHERE m.commercial_partner_id = ANY(%(partners)s)
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.company_id = ANY(%(companies)s)
                   AND (m.payment_state IN ('paid', 'in_payment') OR m.invoice_date_due < %(today)s)
              GROUP BY m.commercial_partner_id
                """,
                    today=today,
                    partners=commercial_ids,
                    companies=self.env.companies.ids,
                )
            )
            averages = dict(self.env.cr.fetchall())
        for partner in self:
            partner.collection_avg_days_late = float(averages.get(partner.commercial_partner_id.id) or 0.0)

    # ------------------------------------------------------------------
    # CONSTRAINTS AND CRUD
    # ------------------------------------------------------------------
    @api.constrains("collection_policy_id")
    def _check_collection_policy_company(self):
        company = self.env.company
        for partner in self:
            policy = partner.collection_policy_id
            if policy.company_id and policy.company_id != company:
                raise ValidationError(
                    _(
                        "Policy %(policy)s belongs to %(owner)s: choose a policy of %(company)s (or one shared "
                        "by all companies) for %(client)s.",
                        policy=policy.name,
                        owner=policy.company_id.name,
                        company=company.name,
                        client=partner.display_name,
                    )
                )

    def write(self, vals):
        writer = self._collection_writer(vals)
        if vals.get("collection_pause_until"):
            # the pause is the current company's (company-dependent): so are the stages it holds
            writer.env["account.move"].search(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    *OPEN_INVOICE_DOMAIN,
                    ("company_id", "=", writer.env.company.id),
                ]
            )._collection_hold_stage()
        previous = (
            {partner.id: partner.collection_policy_id for partner in self} if "collection_policy_id" in vals else None
        )
        result = super(ResPartner, writer).write(vals)
        if previous is not None:
            changed = self.filtered(lambda p: p.collection_policy_id != previous[p.id])
            if changed:
                self.env["account.move"].sudo()._collection_follow_policies(
                    self.env.company, changed, reason=_("the client's policy changed.")
                )
        return result

    def _collection_writer(self, vals):
        """SELF, or SELF in sudo when VALS are only collection settings that the user may change
        without the right to edit contacts (a collections user: the pause and the policy; a
        collections manager: the work-stop override too).

        The pause and the policy are the current company's (company-dependent): it is one the user
        may access (Odoo checks the context's companies outside sudo, here before switching). The
        override holds in every company: a manager sets it only for clients who owe nothing in a
        company the manager cannot access.

        :raise AccessError: when the user may not change these collection settings
        """
        if self.env.su or not set(vals) & COLLECTION_PARTNER_FIELDS:
            return self
        self._collection_check_current_company()
        if set(vals) & COLLECTION_MANAGER_FIELDS:
            if not self.env.user.has_group("freelance_collections.group_collections_manager"):
                raise AccessError(_("Only a collections manager can override a client's work stop."))
            self._collection_check_no_foreign_debt()
        if set(vals) <= COLLECTION_PARTNER_FIELDS and not self.browse().has_access("write"):
            if not self.env.user.has_group("freelance_collections.group_collections_user"):
                raise AccessError(_("Only collections users can change a client's collection settings."))
            self.check_access("read")
            return self.sudo()
        return self

    def _collection_check_current_company(self):
        """Refuse a context whose current company the user may not access, before a switch to sudo:
        Odoo checks the context's ``allowed_company_ids`` outside sudo only.

        :return: the current company
        :raise AccessError: for a company the user may not access
        """
        return self.env.company

    def _collection_check_no_foreign_debt(self):
        """Refuse a change that holds in every company (the work-stop override) when these clients
        have open invoices in a company the user may not access.

        :raise AccessError: naming the clients, not the companies
        """
        foreign = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    *OPEN_INVOICE_DOMAIN,
                    ("company_id", "not in", self.env.user.company_ids.ids),
                ],
                ["commercial_partner_id"],
            )
        )
        if foreign:
            raise AccessError(
                _(
                    "The work-stop override of %(clients)s would hold in companies you cannot access, where "
                    "they owe invoices too: ask a collections manager of every company they owe to.",
                    clients=", ".join(foreign.commercial_partner_id.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # BUSINESS METHODS AND ACTIONS
    # ------------------------------------------------------------------
    def _collection_effective_policy(self, company):
        """The policy governing the client in COMPANY: its own, else the company's default (also
        for no client: an empty SELF, as on a new document).

        :param company: a ``res.company`` record
        :return: a ``collection.policy`` record, possibly empty
        """
        return self[:1].commercial_partner_id.with_company(company).collection_policy_id or company.collection_policy_id

    def action_collection_resume(self):
        self.commercial_partner_id.write({"collection_pause_until": False, "collection_pause_reason": False})
        return True

    def action_view_collection_overdue_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            *OPEN_INVOICE_DOMAIN,
            ("collection_due_date", "<", fields.Date.context_today(self)),
        ]
        action["context"] = {"create": False}
        action["name"] = _("Overdue Invoices")
        return action
