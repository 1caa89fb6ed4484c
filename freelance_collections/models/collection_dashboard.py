from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

DSO_DAYS = 90


class CollectionDashboard(models.TransientModel):
    """Key figures of the current company's collections, each from one set-based query.

    - One basis for the receivables: the open receivable lines of posted entries (the Receivables
      Aging report, collection.aging.report), their ``amount_residual`` in the company currency,
      grouped by client (the commercial partner of the line's partner).
    - A client's balance = the sum of its residuals: invoices positive, credit notes and payments not
      yet matched with an invoice negative.
    - Open receivables = the sum of the positive balances: what the clients owe. Client credit = the
      sum of the negative balances, shown positive: what clients in credit have paid or been credited
      beyond what they owe. Open receivables - client credit = the aging report's total.
    - Overdue = for each client, its past-due invoice residuals (positive lines whose due date has
      passed), but no more than the client's balance and never below zero; summed over the clients.
      So overdue <= open receivables, for each client and in total.
    - DSO = open receivables today / credit sales of the last 90 days (today included) x 90.
    - Late fees: billed = late-fee invoices dated in the period; collected = what settled them
      other than a credit note (payments); waived = what credit notes settled.
    - Discounts granted = balance of the early-payment discount (loss) account on customer payments
      dated in the period.
    - Next actions = the dry run's plan for tonight (reused, nothing is done).
    """

    _name = "collection.dashboard"
    _description = "Collections Dashboard"
    _inherit = ["collection.bounds.mixin"]

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Today", default=fields.Date.context_today, readonly=True)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_date_from(),
        help="First day of the period of the late-fee and discount figures.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=fields.Date.context_today,
        help="Last day of the period of the late-fee and discount figures.",
    )

    receivable_amount = fields.Monetary(
        string="Open Receivables",
        compute="_compute_receivables",
        help="What the clients owe: for each client, its posted invoices still to be paid less its credit "
        "notes and payments not yet matched with an invoice, summed over the clients who owe something.",
    )
    client_credit_amount = fields.Monetary(
        string="Client Credit",
        compute="_compute_receivables",
        help="Credit notes and payments not yet matched beyond what those clients owe. Open receivables "
        "less client credit is the Receivables Aging report's total.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_receivables",
        help="For each client, what its invoices past their due date still owe, but no more than the "
        "client's balance (credit notes and payments not yet matched count against it) and never "
        "below zero; summed over the clients. Never more than the open receivables.",
    )
    credit_sales_amount = fields.Monetary(
        string="Credit Sales (90 days)",
        compute="_compute_receivables",
        help="Total, taxes included, of the customer invoices less credit notes dated in the last 90 days.",
    )
    dso = fields.Float(
        string="DSO (days)",
        digits=(16, 1),
        compute="_compute_receivables",
        help="Days sales outstanding: open receivables / credit sales of the last 90 days x 90.",
    )
    overdue_partner_count = fields.Integer(string="Overdue Clients", compute="_compute_receivables")

    fee_billed_amount = fields.Monetary(
        string="Late Fees Billed", compute="_compute_fees", help="Total of the late-fee invoices dated in the period."
    )
    fee_collected_amount = fields.Monetary(
        string="Late Fees Collected",
        compute="_compute_fees",
        help="What clients paid so far on the late-fee invoices dated in the period.",
    )
    fee_waived_amount = fields.Monetary(
        string="Late Fees Waived",
        compute="_compute_fees",
        help="What credit notes cancelled on the late-fee invoices dated in the period.",
    )
    fee_collected_percent = fields.Float(string="Late Fees Collected (%)", digits=(16, 1), compute="_compute_fees")

    discount_amount = fields.Monetary(
        string="Discounts Granted",
        compute="_compute_discounts",
        help="Early-payment discounts taken by clients on payments dated in the period "
        "(balance of the company's early-payment discount loss account).",
    )

    next_action_count = fields.Integer(string="Actions Tonight", compute="_compute_next_actions")
    next_action_waiting_count = fields.Integer(string="Actions Waiting", compute="_compute_next_actions")
    next_action_summary = fields.Text(string="Next Actions", compute="_compute_next_actions")
    undeliverable_partner_count = fields.Integer(
        string="Undeliverable Reminders",
        compute="_compute_undeliverable_partner_count",
        help="Clients whose last reminder could not be delivered: fix the address or call them.",
    )
    overpayment_unverified_count = fields.Integer(
        string="Unverified Overpayments",
        compute="_compute_overpayment_unverified_count",
        help="Customer payments received above what was owed, not yet matched with a bank statement "
        "line nor approved by a collections manager: no refund to those clients goes out.",
    )

    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self) - timedelta(days=DSO_DAYS - 1)

    @api.depends("company_id")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = _("Collections Dashboard")

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for dashboard in self:
            if dashboard.date_from > dashboard.date_to:
                raise ValidationError(
                    _("The period starts after it ends: choose a From date on or " "before the To date.")
                )

    def _valid_period(self):
        self.ensure_one()
        return self.date_from and self.date_to and self.date_from <= self.date_to

    @api.depends("company_id")
    def _compute_receivables(self):
        for dashboard in self:
            company = dashboard.company_id
            today = fields.Date.context_today(self)
            receivable, credit, overdue = dashboard._receivable_and_overdue()
            [[sales]] = self.env["account.move"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", today - timedelta(days=DSO_DAYS - 1)),
                    ("invoice_date", "<=", today),
                ],
                [],
                ["amount_total_signed:sum"],
            )
            sales = sales or 0.0
            currency = company.currency_id
            dashboard.receivable_amount = currency.round(receivable)
            dashboard.client_credit_amount = currency.round(credit)
            dashboard.overdue_amount = currency.round(overdue)
            dashboard.credit_sales_amount = currency.round(sales)
            dashboard.dso = receivable / sales * DSO_DAYS if currency.compare_amounts(sales, 0) > 0 else 0.0
            dashboard.overdue_partner_count = self.env["collection.overdue.partner"].search_count(
                [("company_id", "=", company.id)]
            )

    def _receivable_and_overdue(self):
        """(open receivables, client credit, overdue) of the company on the basis of the class
        docstring: two grouped queries on the aging report (per client: balance; past-due invoice
        residuals)."""
        self.ensure_one()
        Aging = self.env["collection.aging.report"]
        domain = [("company_id", "=", self.company_id.id)]
        balances = dict(Aging._read_group(domain, ["partner_id"], ["amount_residual:sum"]))
        past_due = Aging._read_group(
            [*domain, ("bucket", "!=", "0_current"), ("amount_residual", ">", 0)],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        overdue = sum(max(min(amount, balances.get(partner, 0.0)), 0.0) for partner, amount in past_due)
        owed = sum(balance for balance in balances.values() if balance > 0)
        credit = -sum(balance for balance in balances.values() if balance < 0)
        return owed, credit, overdue

    @api.depends("company_id", "date_from", "date_to")
    def _compute_fees(self):
        for dashboard in self:
            billed = collected = waived = 0.0
            if dashboard._valid_period():
                domain = [
                    ("company_id", "=", dashboard.company_id.id),
                    ("collection_fee_invoice", "=", True),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", dashboard.date_from),
                    ("invoice_date", "<=", dashboard.date_to),
                ]
                [[billed]] = self.env["account.move"]._read_group(domain, [], ["amount_total_signed:sum"])
                billed = billed or 0.0
                collected, waived = dashboard._fee_settlements()
            currency = dashboard.currency_id
            dashboard.fee_billed_amount = currency.round(billed)
            dashboard.fee_collected_amount = currency.round(collected)
            dashboard.fee_waived_amount = currency.round(waived)
            dashboard.fee_collected_percent = (
                collected / billed * 100 if currency.compare_amounts(billed, 0) > 0 else 0.0
            )

    def _fee_settlements(self):
        """(paid, cancelled by credit notes) on the late-fee invoices of the period, in one query,
        in the company currency."""
        self.ensure_one()
        self.env["account.move"].flush_model(
            ["collection_fee_invoice", "move_type", "state", "company_id", "invoice_date"]
        )
        self.env["account.move.line"].flush_model(["move_id", "account_id"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "credit_move_id", "amount"])
        self.env.cr.execute(
            SQL(
                """
            SELECT COALESCE(SUM(part.amount) FILTER (WHERE counterpart.move_type != 'out_refund'), 0),
                   COALESCE(SUM(part.amount) FILTER (WHERE counterpart.move_type = 'out_refund'), 0)
              FROM account_partial_reconcile part
              JOIN account_move_line fee_line ON fee_line.id = part.debit_move_id
              JOIN account_move fee ON fee.id = fee_line.move_id
              JOIN account_account fee_account ON fee_account.id = fee_line.account_id
              JOIN account_move_line counterpart_line ON counterpart_line.id = part.credit_move_id
              JOIN account_move counterpart ON counterpart.id = counterpart_line.move_id
             WHERE fee.collection_fee_invoice
               AND fee.move_type = 'out_invoice'
               AND fee.state = 'posted'
               AND fee.company_id = %(company)s
               AND fee.invoice_date BETWEEN %(date_from)s AND %(date_to)s
               AND fee_account.account_type = 'asset_receivable'
            """,
                company=self.company_id.id,
                date_from=self.date_from,
                date_to=self.date_to,
            )
        )
        return self.env.cr.fetchone()

    @api.depends("company_id", "date_from", "date_to")
    def _compute_discounts(self):
        for dashboard in self:
            account = dashboard.company_id.account_journal_early_pay_discount_loss_account_id
            granted = 0.0
            if account and dashboard._valid_period():
                [[granted]] = self.env["account.move.line"]._read_group(
                    [
                        ("company_id", "=", dashboard.company_id.id),
                        ("account_id", "=", account.id),
                        ("parent_state", "=", "posted"),
                        ("payment_id.partner_type", "=", "customer"),
                        ("date", ">=", dashboard.date_from),
                        ("date", "<=", dashboard.date_to),
                    ],
                    [],
                    ["balance:sum"],
                )
            dashboard.discount_amount = dashboard.currency_id.round(granted or 0.0)

    @api.depends("company_id")
    def _compute_next_actions(self):
        Dry = self.env["collection.dry.run"]
        today = fields.Date.context_today(self)
        for dashboard in self:
            moves = Dry._collection_run_moves(dashboard.company_id)
            totals = Dry._totals(Dry.with_company(dashboard.company_id)._plan_lines(moves, today) if moves else [])
            dashboard.next_action_count = sum(total["count"] for total in totals)
            dashboard.next_action_waiting_count = sum(total["waiting"] for total in totals)
            # one line per action, as the dry run's totals: what runs tonight (late fees with their
            # amounts) and what waits, together
            dashboard.next_action_summary = "\n".join(Dry._total_texts(totals)) or _("Nothing to do tonight.")

    @api.model
    def action_open(self):
        """Open the dashboard of the current company."""
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": _("Collections Dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _report_action(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    def action_open_overdue_partners(self):
        self.ensure_one()
        return self._report_action("freelance_collections.collection_overdue_partner_action")

    def action_open_aging(self):
        self.ensure_one()
        return self._report_action("freelance_collections.collection_aging_report_action")

    def action_open_dry_run(self):
        self.ensure_one()
        return self.env["collection.dry.run"].with_company(self.company_id).action_open()

    @api.depends("company_id")
    def _compute_undeliverable_partner_count(self):
        count = self.env["res.partner"].search_count(self._undeliverable_domain())
        for dashboard in self:
            dashboard.undeliverable_partner_count = count

    @api.model
    def _undeliverable_domain(self):
        return [("collection_undeliverable", "=", True)]

    def action_open_undeliverable_partners(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.res_partner_action_customer")
        action.update(
            {
                "name": _("Undeliverable Reminders"),
                "domain": [],
                "context": {"search_default_collection_undeliverable": 1},
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
            }
        )
        return action

    @api.depends("company_id")
    def _compute_overpayment_unverified_count(self):
        Payment = self.env["account.payment"]
        for dashboard in self:
            dashboard.overpayment_unverified_count = Payment.search_count(
                [("company_id", "=", dashboard.company_id.id), ("collection_overpaid_unverified", "=", True)]
            )

    def action_open_unverified_overpayments(self):
        self.ensure_one()
        payments = self.env["account.payment"].search(
            [("company_id", "=", self.company_id.id), ("collection_overpaid_unverified", "=", True)]
        )
        return self.env["res.partner"]._collection_overpayments_action(payments)
