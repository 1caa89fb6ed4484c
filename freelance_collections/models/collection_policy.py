from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..policy import bounds, discounts, penalties, stages
from ..policy.money import to_decimal
from ..tools.engine_messages import render_messages

# The policy's counts of days: at most ten years each (policy/bounds.py); each field's own check says
# what a negative count means.
DAY_FIELDS = (
    "default_due_days",
    "fixed_fee_days",
    "grace_days",
    "waiver_days",
    "reminder_interval_days",
    "discount_nudge_days",
    "fee_invoice_interval_days",
)


class CollectionPolicy(models.Model):
    """How a company gets paid: deposits, discounts, penalties and the escalation ladder."""

    _name = "collection.policy"
    _description = "Collection Policy"
    _inherit = ["mail.thread", "collection.bounds.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        tracking=True,
        help="Leave empty to offer the policy to every company (shipped presets are shared).",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of the fixed amounts of this policy (fixed fees, caps, minimum charge); "
        "they are converted to the invoice currency when charged.",
    )
    description = fields.Text(translate=True, help="What this policy is for, for your colleagues.")
    penalty_clause = fields.Html(
        translate=True,
        sanitize=True,
        help="Late-payment clause printed on invoices and shown on the portal.",
    )
    stage_ids = fields.One2many("collection.stage", "policy_id", string="Escalation Ladder", copy=True)
    stage_count = fields.Integer(compute="_compute_stage_count")

    # Deposits and terms
    deposit_template_id = fields.Many2one(
        "collection.deposit.template",
        string="Deposit Schedule",
        check_company=True,
        help="The schedule proposed on this policy's quotations (sales); on an invoice, choose it in "
        "its Deposit Schedule field.",
    )
    default_due_days = fields.Integer(
        help="Days after the invoice date (or completion) when no due date was agreed "
        "(30 under the NYC Freelance Isn't Free Act). 0: use the payment terms.",
    )
    contract_threshold_amount = fields.Monetary(
        string="Written Contract From",
        help="Invoices of this amount or more need a written contract (800 USD in NYC). 0: no threshold.",
    )

    # Early-payment discounts
    discount_tier_ids = fields.One2many(
        "collection.discount.tier", "policy_id", string="Early-Payment Discounts", copy=True
    )

    # Late penalties
    penalty_tier_ids = fields.One2many("collection.penalty.tier", "policy_id", string="Penalty Tiers", copy=True)
    fixed_fee = fields.Monetary(help="Fixed recovery fee (40 EUR in the EU).")
    fee_band_ids = fields.One2many(
        "collection.fee.band",
        "policy_id",
        string="Fixed Fee by Debt",
        copy=True,
        help="When set, the fixed fee depends on the size of the debt (UK: 40 / 70 / 100 GBP).",
    )
    fixed_fee_mode = fields.Selection(
        [("once", "Once per invoice"), ("per_tier", "At every penalty tier")],
        default="once",
        required=True,
    )
    fixed_fee_days = fields.Integer(
        string="Fixed Fee After (days late)", default=1, help="Days late before the fixed fee is due."
    )
    interest_mode = fields.Selection(
        [
            ("none", "No interest"),
            ("fixed", "Fixed annual rate"),
            ("reference", "Reference rate + points"),
        ],
        default="none",
        required=True,
    )
    annual_rate = fields.Float(
        digits=(16, 4),
        string="Annual Rate / Points (%)",
        help="The annual interest rate, or the points added to the reference rate.",
    )
    rate_index_id = fields.Many2one("collection.rate.index", string="Reference Rate")
    rate_fixed_at_due = fields.Boolean(
        string="Rate Fixed When the Debt Falls Due",
        help="The reference rate of the first day late applies until the invoice is paid, whatever later "
        "fixings say (UK Late Payment Act 1998, Ireland). Unticked, each half-year's days bear that "
        "half-year's rate (France, Germany, Spain, Italy, the Netherlands, Belgium).",
    )
    day_count = fields.Selection(
        [("365", "Actual/365"), ("360", "Actual/360"), ("366", "Actual/366")],
        default="365",
        required=True,
    )
    grace_days = fields.Integer(help="No penalty at all while the invoice is at most this many days late.")
    cap_percent = fields.Float(
        digits=(5, 2),
        string="Cap (% of invoice)",
        help="Total penalties never exceed this share of the invoice. 0: no cap.",
    )
    cap_amount = fields.Monetary(string="Cap (amount)", help="0: no cap.")
    minimum_charge = fields.Monetary(
        string="Minimum Worth Charging",
        help="Smaller amounts are not invoiced yet; they are charged once they reach it.",
    )
    waiver_days = fields.Integer(
        string="Goodwill Waiver (days)",
        help="Fees are waived when the invoice is paid within this many days of the late-fee notice. " "0: no waiver.",
    )
    late_fee_product_id = fields.Many2one(
        "product.product",
        string="Late Fee Product",
        default=lambda self: self.env.ref("freelance_collections.product_late_fee", raise_if_not_found=False),
        help="Product of late-fee invoice lines; its income account is used unless one is set here.",
    )
    late_fee_account_id = fields.Many2one(
        "account.account",
        string="Late Fee Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )
    late_fee_tax_ids = fields.Many2many(
        "account.tax",
        string="Late Fee Taxes",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
        help="Usually none: late-payment interest and fixed indemnities are outside VAT in the EU.",
    )

    write_off_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Write-offs are booked to this account.",
    )

    # Reminders
    reminder_interval_days = fields.Integer(
        string="At Most One Reminder Every (days)",
        default=7,
        help="A client never gets two reminder emails closer than this.",
    )
    discount_computation = fields.Selection(
        [
            ("included", "On the total, taxes adjusted"),
            ("excluded", "On the untaxed amount, taxes kept"),
            ("mixed", "On the untaxed amount, tax always on the discounted base"),
        ],
        default="included",
        required=True,
        help="As Odoo's early-payment discount: 'included' takes the percentage of the total and lowers "
        "the tax accordingly when the discount is taken; 'excluded' takes it of the untaxed amount only; "
        "'mixed' takes it of the untaxed amount and computes the tax upon invoice on the base less the "
        "best tier offered, whether or not the discount is taken (Belgium).",
    )
    attach_statement = fields.Boolean(
        string="Attach Statement of Account",
        default=True,
        help="Reminder emails carry a PDF statement of the client's open invoices.",
    )
    discount_nudge_days = fields.Integer(
        string="Discount Expiry Nudge (days before)",
        default=2,
        help="Remind the client this many days before an early-payment offer expires. 0: no nudge.",
    )
    quiet_days = fields.Selection(
        [
            ("none", "Send every day"),
            ("sat_sun", "Not on Saturday and Sunday"),
            ("fri_sat", "Not on Friday and Saturday"),
        ],
        default="sat_sun",
        required=True,
        help="Reminders are only sent on business days.",
    )

    work_stop_min_amount = fields.Monetary(
        string="Stop Work From (Overdue)",
        help="Work stops at a work-stop stage only when the client owes at least this much overdue "
        "(all its overdue invoices in the company, in the policy currency, converted at the day's rate). "
        "0: whatever the amount.",
    )
    fee_invoice_interval_days = fields.Integer(
        string="Invoice Late Fees Every (days)",
        default=30,
        help="At most one late-fee invoice per overdue invoice in this many days (fees keep accruing "
        "in between and are shown as accrued); the fees are also invoiced when the overdue invoice "
        "is paid. 0: at every run.",
    )
    fee_invoice_grouping = fields.Selection(
        [("client", "One invoice per client"), ("invoice", "One invoice per overdue invoice")],
        string="Late-Fee Invoices",
        required=True,
        default="client",
        tracking=True,
        help="One invoice per client: the late fees a run invoices to a client make one late-fee invoice, "
        "with a line per overdue invoice. One invoice per overdue invoice: a late-fee invoice for each. "
        "The fees are computed, waived and reminded per overdue invoice either way.",
    )

    @api.depends("stage_ids")
    def _compute_stage_count(self):
        for policy in self:
            policy.stage_count = len(policy.stage_ids)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    def _raise_errors(self, errors):
        if errors:
            raise ValidationError(_("Collection policy %(name)s: %(errors)s", name=self.name, errors=" ".join(errors)))

    @api.constrains("discount_tier_ids")
    def _check_discount_tiers(self):
        for policy in self:
            policy._raise_errors(render_messages(policy.env, discounts.validate_tiers(policy._get_discount_tiers())))

    @api.constrains(
        "penalty_tier_ids",
        "fee_band_ids",
        "fixed_fee",
        "fixed_fee_mode",
        "fixed_fee_days",
        "interest_mode",
        "annual_rate",
        "rate_index_id",
        "rate_fixed_at_due",
        "grace_days",
        "cap_percent",
        "cap_amount",
        "minimum_charge",
        "waiver_days",
        "late_fee_product_id",
    )
    def _check_penalty_rules(self):
        for policy in self:
            errors = render_messages(policy.env, penalties.validate_rules(policy._get_penalty_rules()))
            if policy.interest_mode == "reference" and not policy.rate_index_id:
                errors.append(_("Choose the reference rate that the interest is based on."))
            if policy.fixed_fee_days < 0:
                errors.append(_("The fixed fee delay cannot be negative."))
            if policy.waiver_days < 0:
                errors.append(_("The goodwill waiver period cannot be negative."))
            if policy.cap_amount > 0 and policy.minimum_charge > policy.cap_amount:
                errors.append(
                    _(
                        "The cap (%(cap)s) is below the minimum worth charging (%(minimum)s), so nothing would "
                        "ever be charged: lower the minimum or raise the cap.",
                        cap=policy.currency_id.format(policy.cap_amount),
                        minimum=policy.currency_id.format(policy.minimum_charge),
                    )
                )
            if policy._has_penalties() and not policy.late_fee_product_id:
                errors.append(_("Choose a late fee product: penalties are invoiced with it."))
            policy._raise_errors(errors)

    @api.constrains(*DAY_FIELDS, "contract_threshold_amount")
    def _check_day_counts(self):
        for policy in self:
            too_many = []
            for name in DAY_FIELDS:
                too_many += bounds.check_days(policy._fields[name]._description_string(policy.env), policy[name])
            policy._raise_errors(render_messages(policy.env, too_many))
            if min(policy.reminder_interval_days, policy.discount_nudge_days, policy.default_due_days) < 0:
                policy._raise_errors([_("Reminder intervals and due days must be zero or positive numbers of days.")])
            if policy.contract_threshold_amount < 0:
                policy._raise_errors(
                    [_("The written-contract threshold cannot be negative: enter 0 for no threshold.")]
                )
            if policy.fee_invoice_interval_days < 0:
                policy._raise_errors(
                    [
                        _(
                            "The late-fee invoice interval cannot be negative: enter the number of days between "
                            "two late-fee invoices (30: monthly), or 0 to invoice them at every run."
                        )
                    ]
                )

    @api.constrains("work_stop_min_amount", "currency_id", "company_id")
    def _check_work_stop_min_amount(self):
        for policy in self:
            if policy.work_stop_min_amount < 0:
                policy._raise_errors(
                    [
                        _(
                            "The work-stop threshold cannot be negative: enter 0 to stop work whatever the "
                            "amount overdue."
                        )
                    ]
                )
            company = policy.company_id
            if (
                policy.work_stop_min_amount
                and company
                and policy.currency_id != company.currency_id
                and not policy.currency_id.with_company(company).rate_ids
            ):
                policy._raise_errors(
                    [
                        _(
                            "The work-stop threshold is in %(currency)s but %(company)s keeps its books in "
                            "%(company_currency)s and has no %(currency)s exchange rate to convert it: add a "
                            "rate (Accounting > Configuration > Currencies) or set the policy currency to "
                            "%(company_currency)s.",
                            currency=policy.currency_id.name,
                            company=company.name,
                            company_currency=company.currency_id.name,
                        )
                    ]
                )

    @api.constrains("stage_ids")
    def _check_stages(self):
        for policy in self:
            policy._raise_errors(render_messages(policy.env, stages.validate_stages(policy._get_stage_rules())))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        self._collection_reschedule()
        return result

    # ------------------------------------------------------------------
    # Pure-engine adapters
    # ------------------------------------------------------------------
    def _has_penalties(self):
        self.ensure_one()
        return bool(self.penalty_tier_ids or self.fixed_fee or self.fee_band_ids or self.interest_mode != "none")

    def _get_discount_tiers(self):
        self.ensure_one()
        return self.discount_tier_ids._collection_engine_tiers()

    def _get_penalty_rules(self):
        self.ensure_one()
        return penalties.PenaltyRules(
            penalty_tiers=self.penalty_tier_ids._collection_engine_tiers(),
            fixed_fee=to_decimal(self.fixed_fee),
            fee_bands=self.fee_band_ids._collection_engine_bands(),
            fixed_fee_mode=self.fixed_fee_mode,
            fixed_fee_days=self.fixed_fee_days,
            interest_mode=self.interest_mode,
            annual_rate=to_decimal(self.annual_rate),
            rate_fixed_at_due=self.rate_fixed_at_due,
            day_count=int(self.day_count),
            grace_days=self.grace_days,
            cap_percent=to_decimal(self.cap_percent) if self.cap_percent else None,
            cap_amount=to_decimal(self.cap_amount) if self.cap_amount else None,
            minimum_charge=to_decimal(self.minimum_charge),
        )

    def _get_reference_rates(self):
        """Dated reference rates for the penalty engine (empty unless interest is indexed)."""
        self.ensure_one()
        if self.interest_mode != "reference" or not self.rate_index_id:
            return []
        return [
            penalties.RatePeriod(start=start, rate=to_decimal(rate))
            for start, rate in self.rate_index_id._get_rate_periods()
        ]

    def _get_stage_rules(self):
        self.ensure_one()
        return self.stage_ids._collection_stage_rules()

    # ------------------------------------------------------------------
    # BUSINESS METHODS AND ACTIONS
    # ------------------------------------------------------------------
    def _collection_reschedule(self):
        """Settings of these policies changed: their open invoices are looked at in the next run."""
        if not self.ids:
            return
        self.env["account.move"].flush_model(["collection_policy_id", "collection_next_run_date"])
        self.env.cr.execute(
            SQL(
                """
            UPDATE account_move SET collection_next_run_date = NULL
             WHERE collection_policy_id = ANY(%s) AND collection_next_run_date IS NOT NULL
            """,
                self.ids,
            )
        )
        self.env["account.move"].invalidate_model(["collection_next_run_date"])

    def action_open_stages(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Escalation Ladder"),
            "res_model": "collection.stage",
            "view_mode": "list,form",
            "domain": [("policy_id", "=", self.id)],
            "context": {"default_policy_id": self.id},
        }
