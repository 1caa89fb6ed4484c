# Mixins first: the models below inherit them.
from . import collection_bounds_mixin
from . import collection_policy_line
from . import collection_run_actions
from . import collection_run_actions_pdf
from . import collection_run_autopay
from . import collection_run_delivery
from . import collection_run_pieces

# The addon's own models, one file each.
from . import collection_rate_index
from . import collection_deposit_template
from . import collection_policy
from . import collection_policy_autopay
from . import collection_discount_tier
from . import collection_penalty_tier
from . import collection_fee_band
from . import collection_stage
from . import collection_action_log
from . import collection_run
from . import collection_payment_plan
from . import collection_dashboard
from . import collection_dashboard_autopay
from . import collection_demo
from . import collection_retainer

# Odoo's models, extended per feature (<model>_<feature>.py); no file relies on another's override.
from . import res_company
from . import res_groups
from . import res_users
from . import res_config_settings
from . import res_partner
from . import res_partner_work_stop
from . import res_partner_payer_score
from . import res_partner_reminder
from . import res_partner_net_position
from . import res_partner_reminder_batch
from . import res_partner_delivery
from . import res_partner_pay_link
from . import res_partner_statement
from . import res_partner_overpayment
from . import res_partner_retainer
from . import res_company_retainer
from . import res_partner_autopay
from . import account_move
from . import account_move_policy
from . import account_move_work_stop
from . import account_move_deposit
from . import account_move_discount
from . import account_move_discount_payment
from . import account_move_line_discount
from . import account_move_line_deposit
from . import account_move_line_penalty
from . import account_move_portal
from . import account_move_pay_link
from . import account_move_sent
from . import account_move_penalty
from . import account_move_net_position
from . import account_move_fee_invoicing
from . import account_move_run_plan
from . import account_move_actions
from . import account_move_write_off
from . import account_move_next_run
from . import account_move_retainer
from . import payment_transaction
from . import payment_transaction_autopay
from . import payment_token
from . import account_move_autopay
from . import account_payment_overpayment
from . import ir_qweb
from . import mail_render_mixin
from . import ir_actions_report

# Reports read from SQL views over the columns above: created last.
from . import collection_aging_report
from . import collection_overdue_partner
from . import collection_rate_warning
from . import mail_thread
