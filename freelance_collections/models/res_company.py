"""The company's collection settings: its default policy and who gets the collection activities."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "collection.policy",
        string="Default Collection Policy",
        domain="['|', ('company_id', '=', False), ('company_id', '=', id)]",
        help="Applies to every customer without a policy of its own.",
    )
    collection_responsible_id = fields.Many2one(
        "res.users",
        string="Collections Responsible",
        help="Gets the collection activities (phone calls, confirmations) of invoices without a salesperson.",
    )

    @api.constrains("collection_policy_id")
    def _check_collection_policy_company(self):
        for company in self:
            owner = company.collection_policy_id.company_id
            if owner and owner != company:
                raise ValidationError(
                    _(
                        "Policy %(policy)s belongs to %(owner)s: choose a policy of %(company)s (or one shared "
                        "by all companies) as its default.",
                        policy=company.collection_policy_id.name,
                        owner=owner.name,
                        company=company.name,
                    )
                )

    def write(self, vals):
        previous = {company.id: company.collection_policy_id for company in self}
        result = super().write(vals)
        if "collection_policy_id" in vals:
            for company in self.filtered(lambda c: c.collection_policy_id != previous[c.id]):
                self.env["account.move"].sudo()._collection_follow_policies(
                    company, reason=_("the company's default policy changed.")
                )
        return result

    def _collection_policy_move_count(self, policy):
        """How many open invoices of the company choosing POLICY as its default would move."""
        self.ensure_one()
        return (
            self.env["account.move"]
            .with_company(self)
            .search_count(
                [
                    *self.env["account.move"]._collection_governed_domain(self),
                    ("collection_policy_id", "!=", policy.id or False),
                    ("commercial_partner_id.collection_policy_id", "=", False),
                ]
            )
        )
