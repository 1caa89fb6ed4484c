"""Pure collection policy arithmetic: no Odoo import, Decimal money, plain dates."""

from .discounts import (
    DiscountOffer,
    DiscountTier,
    best_tier,
    discount_amount,
    discounted_total,
    next_tier,
    offer_on,
    tier_deadline,
    validate_tiers,
)
from .fee_invoicing import fee_invoice_due, next_fee_invoice_date, next_repeat_date, repeat_cycle
from .messages import CODES, Message, PolicyError
from .money import round_money, to_decimal
from .penalties import (
    BalanceChange,
    FeeBand,
    InstallmentDebt,
    PenaltyBreakdown,
    PenaltyRules,
    PenaltyTier,
    RatePeriod,
    compute_invoice_penalty,
    compute_penalty,
    validate_rules,
)
from .schedule import TRIGGERS, DepositLine, Installment, split_equal, split_installments, validate_deposit_lines
from .stages import InvoiceFacts, StageRule, days_late, decide_stage, validate_stages, worst_stage
from . import retainer
