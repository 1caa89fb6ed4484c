from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..policy import scoring, stages
from .account_move import OPEN_INVOICE_DOMAIN


# What a collections user may set on a client (the pause), a collections manager too (the override).
COLLECTION_MANAGER_FIELDS = {"collection_work_stop_override", "collection_work_stop_reason"}
COLLECTION_PARTNER_FIELDS = COLLECTION_MANAGER_FIELDS | {
    "collection_exception_until", "collection_exception_reason", "collection_policy_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        compute="_compute_collection_stage_id",
        store=True,
        index=True,
        tracking=True,
        help="The stage of the client's worst open invoice.",
    )
    collection_work_stop = fields.Boolean(
        string="Work Stopped",
        compute="_compute_collection_work_stop",
        store=True,
        tracking=True,
        help="Set while an open invoice of the client is at or past a work-stop stage, "
        "unless overridden by hand.",
    )
    collection_work_stop_override = fields.Selection(
        [("stop", "Always stop work"), ("release", "Never stop work")],
        string="Work-Stop Override",
        tracking=True,
        help="Decide by hand instead of from the collection stages.",
    )
    collection_work_stop_reason = fields.Char(string="Override Reason", tracking=True)
    collection_exception_until = fields.Date(
        string="Escalation Paused Until",
        tracking=True,
        help="A valued client: no reminder, penalty or escalation until this date.",
    )
    collection_exception_reason = fields.Char(string="Pause Reason", tracking=True)
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
    collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_collection_amounts"
    )
    collection_overdue_count = fields.Integer(
        string="Overdue Invoices", compute="_compute_collection_amounts"
    )
    collection_avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        compute="_compute_collection_avg_days_late",
        help="Average lateness of the client's invoices: paid ones at their last payment, "
        "overdue ones as of today.",
    )
    # Payer score (policy/scoring.py): the client's payment history in the current company over
    # the last scoring.WINDOW_MONTHS months, computed for all the partners at once in one query.
    collection_payer_score = fields.Integer(
        string="Payer Score",
        compute="_compute_collection_payer_score",
        help="0-100 from the client's payment history in this company over the last 24 months: "
        "70% punctuality (1 / (1 + weighted days late / 45)) and 30% share of invoices paid on time. "
        "Empty without history.",
    )
    collection_payer_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
        string="Payer Grade",
        compute="_compute_collection_payer_score",
        help="A (85+), B (70+), C (55+), D (40+), E (below 40). Empty without history.",
    )
    collection_payer_invoice_count = fields.Integer(
        string="Invoices Scored",
        compute="_compute_collection_payer_score",
        help="Customer invoices of the last 24 months (late fees excluded) with at least one "
        "installment due or fully paid.",
    )
    collection_payer_on_time_rate = fields.Float(
        string="Paid On Time (%)",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="Share of the invoices scored whose installments were all fully paid (payments or "
        "credit notes) by their due dates.",
    )
    collection_payer_paid_days_late = fields.Float(
        string="Days Late When Paid",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="Average days between due date and payment of the money paid, weighted by amount: each "
        "payment or credit note counts from its installment's due date to its own date.",
    )
    collection_payer_days_late = fields.Float(
        string="Days Late (with Overdue)",
        digits=(16, 1),
        compute="_compute_collection_payer_score",
        help="As Days Late When Paid, with the money still overdue counted up to today: "
        "the lateness the score uses.",
    )
    collection_payer_invoiced = fields.Monetary(
        string="Invoiced (Scored)",
        compute="_compute_collection_payer_score",
        currency_field="collection_payer_currency_id",
    )
    collection_payer_paid = fields.Monetary(
        string="Paid (Scored)",
        compute="_compute_collection_payer_score",
        currency_field="collection_payer_currency_id",
        help="Paid through payments and credit notes, on the invoices scored.",
    )
    collection_payer_currency_id = fields.Many2one("res.currency", compute="_compute_collection_payer_score")

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
            mine = chosen.filtered(lambda m: m.commercial_partner_id == partner.commercial_partner_id)
            partner.collection_reminder_invoice_ids = mine or partner.collection_open_invoice_ids

    @api.depends(
        "commercial_partner_id",
        "commercial_partner_id.collection_invoice_ids.collection_stage_id",
    )
    def _compute_collection_stage_id(self):
        for partner in self:
            invoice_stages = partner.commercial_partner_id.collection_invoice_ids.collection_stage_id
            ladder = [
                stages.StageRule(key=stage.id, sequence=stage.days, days=stage.days)
                for stage in invoice_stages
            ]
            worst = stages.worst_stage(ladder, invoice_stages.ids)
            partner.collection_stage_id = worst or False

    @api.depends_context("company")
    def _compute_collection_amounts(self):
        """Due and overdue receivable amounts in the current company's currency, in one query."""
        today = fields.Date.context_today(self)
        company = self.env.company
        commercial_ids = self.commercial_partner_id.ids
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "child_of", commercial_ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "=", company.id),
            ],
            ["partner_id", "date_maturity:day"],
            ["amount_residual:sum"],
        ) if commercial_ids else []
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
            self.env.cr.execute(SQL(
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
            ))
            averages = dict(self.env.cr.fetchall())
        for partner in self:
            partner.collection_avg_days_late = float(averages.get(partner.commercial_partner_id.id) or 0.0)

    @api.depends_context("company")
    def _compute_collection_payer_score(self):
        """Score every partner of SELF from one aggregate query (see policy/scoring.py)."""
        histories = self._collection_payer_histories()
        currency = self.env.company.currency_id
        for partner in self:
            partner.collection_payer_currency_id = currency
            history = histories.get(partner.commercial_partner_id.id, scoring.PayerHistory())
            score = scoring.payer_score(history)
            partner.collection_payer_score = score or 0
            partner.collection_payer_grade = scoring.grade(score) or False
            partner.collection_payer_invoice_count = history.invoice_count
            share = history.on_time_share
            partner.collection_payer_on_time_rate = float(share * 100) if share is not None else 0.0
            partner.collection_payer_paid_days_late = float(history.paid_days_late or 0)
            partner.collection_payer_days_late = float(history.days_late or 0)
            partner.collection_payer_invoiced = float(history.invoiced)
            partner.collection_payer_paid = float(history.paid)

    def _collection_payer_window_start(self):
        today = fields.Date.context_today(self)
        return today - relativedelta(months=scoring.WINDOW_MONTHS)

    def _collection_payer_histories(self):
        """{commercial partner id: scoring.PayerHistory} for SELF in the current company, one query.

        Per receivable line (installment) of the posted customer invoices dated within the window
        (late fees excluded): what reconciled it (payments and credit notes, account.partial.reconcile
        whose debit side is the installment: amount in company currency and max_date, the later of
        both entries' dates, i.e. when that money arrived), weighted by days late; the rest still due
        counts up to today once the installment is overdue. Then per invoice, then per client.
        """
        commercial_ids = self.commercial_partner_id.ids
        if not commercial_ids:
            return {}
        self.env["account.move"].flush_model([
            "commercial_partner_id", "company_id", "move_type", "state", "invoice_date",
            "collection_penalty_origin_id"])
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "date_maturity", "balance", "amount_residual", "reconciled"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "amount", "max_date"])
        today = fields.Date.context_today(self)
        rows = self.env.execute_query_dict(SQL(
            """
            WITH installment AS (
                SELECT m.id AS move_id, m.commercial_partner_id AS partner_id, l.id AS line_id,
                       l.date_maturity, l.balance, l.amount_residual, l.reconciled,
                       (l.reconciled OR l.date_maturity < %(today)s) AS considered
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'payment_term'
                 WHERE m.commercial_partner_id = ANY(%(partners)s)
                   AND m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.collection_penalty_origin_id IS NULL
                   AND m.invoice_date >= %(since)s
                   AND l.balance > 0
            ),
            settled AS (
                SELECT i.line_id,
                       SUM(apr.amount) AS amount,
                       SUM(apr.amount * GREATEST(apr.max_date - i.date_maturity, 0)) AS amount_days,
                       MAX(apr.max_date) AS last_date
                  FROM installment i
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = i.line_id
                 WHERE i.considered
              GROUP BY i.line_id
            ),
            invoice AS (
                SELECT i.move_id, i.partner_id,
                       SUM(i.balance) AS invoiced,
                       SUM(i.balance - i.amount_residual) AS paid,
                       SUM(COALESCE(s.amount, 0)) AS settled,
                       SUM(COALESCE(s.amount_days, 0)) AS settled_days,
                       SUM(CASE WHEN i.considered AND NOT i.reconciled THEN i.amount_residual ELSE 0 END)
                           AS overdue,
                       SUM(CASE WHEN i.considered AND NOT i.reconciled
                                THEN i.amount_residual * GREATEST(%(today)s - i.date_maturity, 0) ELSE 0 END)
                           AS overdue_days,
                       BOOL_AND(i.reconciled AND COALESCE(s.last_date <= i.date_maturity, TRUE))
                           FILTER (WHERE i.considered) AS on_time
                  FROM installment i
             LEFT JOIN settled s ON s.line_id = i.line_id
              GROUP BY i.move_id, i.partner_id
                HAVING BOOL_OR(i.considered)
            )
            SELECT partner_id, COUNT(*) AS invoice_count, COUNT(*) FILTER (WHERE on_time) AS on_time_count,
                   SUM(invoiced) AS invoiced, SUM(paid) AS paid, SUM(settled) AS settled,
                   SUM(settled_days) AS settled_days, SUM(overdue) AS overdue,
                   SUM(overdue_days) AS overdue_days
              FROM invoice
          GROUP BY partner_id
            """,
            partners=commercial_ids,
            company=self.env.company.id,
            today=today,
            since=self._collection_payer_window_start(),
        ))
        return {
            row.pop("partner_id"): scoring.PayerHistory(
                invoice_count=row.pop("invoice_count"),
                on_time_count=row.pop("on_time_count"),
                **{key: Decimal(str(value or 0)) for key, value in row.items()},
            )
            for row in rows
        }

    def _collection_send_reminder(self, template, moves, attachments=None):
        """Post TEMPLATE on the client (queued email to its invoicing contact) listing MOVES."""
        self.ensure_one()
        if attachments is None and moves[:1].collection_policy_id.attach_statement:
            attachments = self._collection_statement_attachment()
        partner = self.with_context(collection_invoice_ids=moves.ids, mail_notify_force_send=False)
        return partner.message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            attachment_ids=attachments.ids if attachments else [],
        )

    def _collection_statement_attachment(self):
        """The client's statement of account (every open invoice) as a PDF attachment on the client."""
        self.ensure_one()
        report = self.env.ref("freelance_collections.action_report_statement")
        content, _type = self.env["ir.actions.report"].with_context(
            collection_invoice_ids=False)._render_qweb_pdf(report, self.ids)
        return self.env["ir.attachment"].create({
            "name": _("Statement of account - %(client)s - %(date)s.pdf", client=self.display_name,
                      date=fields.Date.context_today(self)),
            "raw": content, "res_model": "res.partner", "res_id": self.id, "mimetype": "application/pdf",
        })

    def _collection_attach_demand_letter(self, moves):
        """Render the demand letter for MOVES and attach it to each of them; return the attachments."""
        self.ensure_one()
        report = self.env.ref("freelance_collections.action_report_demand_letter")
        content, _type = self.env["ir.actions.report"].with_context(
            collection_invoice_ids=moves.ids)._render_qweb_pdf(report, self.ids)
        name = _("Demand letter - %(client)s - %(date)s.pdf", client=self.display_name,
                 date=fields.Date.context_today(self))
        return self.env["ir.attachment"].create([{
            "name": name, "raw": content, "res_model": "account.move", "res_id": move.id,
            "mimetype": "application/pdf",
        } for move in moves])

    def write(self, vals):
        if vals.get("collection_exception_until"):
            self.env["account.move"].search([
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                *OPEN_INVOICE_DOMAIN,
            ])._collection_hold_stage()
        if set(vals) & COLLECTION_MANAGER_FIELDS and not self.env.su \
                and not self.env.user.has_group("freelance_collections.group_collections_manager"):
            raise AccessError(_("Only a collections manager can override a client's work stop."))
        if vals and set(vals) <= COLLECTION_PARTNER_FIELDS and not self.env.su \
                and not self.browse().has_access("write"):
            # collections users manage a client's collection settings without the right to edit
            # contacts; the work-stop override is for collections managers
            if not self.env.user.has_group("freelance_collections.group_collections_user"):
                raise AccessError(_("Only collections users can change a client's collection settings."))
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    @api.constrains("collection_policy_id")
    def _check_collection_policy_company(self):
        company = self.env.company
        for partner in self:
            policy = partner.collection_policy_id
            if policy.company_id and policy.company_id != company:
                raise ValidationError(_(
                    "Policy %(policy)s belongs to %(owner)s: choose a policy of %(company)s (or one shared "
                    "by all companies) for %(client)s.", policy=policy.name, owner=policy.company_id.name,
                    company=company.name, client=partner.display_name))

    def action_collection_send_reminder(self):
        invoices = self.env["account.move"].search([
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            *OPEN_INVOICE_DOMAIN,
        ])
        return invoices.action_collection_send_reminder()

    def action_collection_resume(self):
        self.commercial_partner_id.write(
            {"collection_exception_until": False, "collection_exception_reason": False})
        return True

    def action_view_collection_payer_invoices(self):
        """The invoices the payer score considers (the window, late fees excluded)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("company_id", "=", self.env.company.id),
            ("collection_penalty_origin_id", "=", False),
            ("invoice_date", ">=", self._collection_payer_window_start()),
        ]
        action["context"] = {"create": False}
        action["name"] = _("Invoices Scored")
        return action

    def action_collection_evidence_pack(self):
        """Build the client's evidence pack (one zip on its chatter) and download it."""
        self.ensure_one()
        attachment = self.env["collection.evidence.pack"]._build(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

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
