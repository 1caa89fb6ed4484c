"""The policy's autopay settings: the notice before a charge and the days a failed charge is retried."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..policy import autopay, bounds
from ..policy.messages import PolicyError
from ..tools.engine_messages import render_messages


class CollectionPolicy(models.Model):
    _inherit = "collection.policy"

    autopay_notice_days = fields.Integer(
        string="Autopay Notice (days)",
        default=3,
        help="Days before an automatic charge the client is told the amount and the date (0: no notice).",
    )
    autopay_retry_days = fields.Char(
        string="Autopay Retries",
        default="1, 3, 7",
        help="Days after the charge day a failed automatic charge is tried again, separated by commas "
        "(empty: no retry). After the last one, the escalation ladder takes over.",
    )

    @api.constrains("autopay_notice_days", "autopay_retry_days")
    def _check_autopay(self):
        for policy in self:
            if policy.autopay_notice_days < 0:
                raise ValidationError(
                    _("Policy %(policy)s: the autopay notice cannot be negative.", policy=policy.name)
                )
            label = policy._fields["autopay_notice_days"]._description_string(policy.env)
            policy._raise_errors(render_messages(policy.env, bounds.check_days(label, policy.autopay_notice_days)))
            try:
                autopay.parse_offsets(policy.autopay_retry_days)
            except PolicyError as error:
                policy._raise_errors(render_messages(policy.env, error.messages))

    def _get_autopay_rules(self):
        """The pure engine's ``autopay.Rules`` of this policy."""
        self.ensure_one()
        return autopay.Rules(
            notice_days=self.autopay_notice_days, retry_offsets=autopay.parse_offsets(self.autopay_retry_days)
        )
