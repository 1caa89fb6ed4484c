from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..policy import schedule
from ..policy.money import to_decimal
from ..tools.engine_messages import render_messages


class CollectionDepositTemplate(models.Model):
    """A deposit schedule such as 50/50 or 30/30/40, split into installments on invoices."""

    _name = "collection.deposit.template"
    _description = "Deposit Schedule Template"
    _inherit = ["collection.bounds.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to share the template with every company.")
    line_ids = fields.One2many("collection.deposit.line", "template_id", string="Installments", copy=True)
    summary = fields.Char(compute="_compute_summary")

    @api.depends("line_ids.percent")
    def _compute_summary(self):
        for template in self:
            template.summary = "/".join(f"{line.percent:g}" for line in template.line_ids.sorted("sequence"))

    @api.constrains("name", "line_ids")  # name: a template created without lines is checked too
    def _check_lines(self):
        for template in self:
            errors = render_messages(template.env, schedule.validate_deposit_lines(template._get_policy_lines()))
            if errors:
                raise ValidationError(
                    _("Deposit schedule %(name)s: %(errors)s", name=template.name, errors=" ".join(errors))
                )

    def _get_policy_lines(self):
        """Return the template's lines as pure-engine DepositLine values."""
        self.ensure_one()
        return [
            schedule.DepositLine(
                percent=to_decimal(line.percent),
                trigger=line.trigger,
                days=line.days,
                fixed_date=line.fixed_date or None,
                label=line.label or "",
            )
            for line in self.line_ids.sorted("sequence")
        ]


class CollectionDepositLine(models.Model):
    _name = "collection.deposit.line"
    _description = "Deposit Schedule Line"
    _inherit = ["collection.bounds.mixin"]
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("collection.deposit.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    label = fields.Char(translate=True, help="Shown on the installment, e.g. 'Upfront deposit'.")
    percent = fields.Float(required=True, digits=(5, 2), string="Share (%)")
    trigger = fields.Selection(
        [
            ("on_issue", "On issue"),
            ("days_after", "Days after issue"),
            ("fixed_date", "Fixed date"),
            ("milestone", "Milestone reached"),
            ("before_final", "Before final delivery"),
        ],
        required=True,
        default="on_issue",
    )
    days = fields.Integer(
        help="Days after the invoice date (days after issue), or the expected "
        "number of days until the milestone or the final delivery."
    )
    fixed_date = fields.Date()

    @api.constrains("percent", "trigger", "days", "fixed_date")
    def _check_template(self):
        self.template_id._check_lines()

    def unlink(self):
        """Deleting a line must leave a schedule that still adds up to 100%."""
        templates = self.template_id
        result = super().unlink()
        templates.exists()._check_lines()
        return result
