"""The company's collection settings: its default policy and who gets the collection activities."""

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import compat


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
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Gets every collection activity (phone calls, confirmations, reminders that could not be "
        "delivered). Empty: the invoice's salesperson gets them, or a collections manager of the company "
        "when the salesperson is not an active user (OdooBot, archived).",
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

    def _collection_responsible(self, salesperson=None):
        """The person who gets a collection activity of this company (the one home of the rule): the
        collections responsible, else SALESPERSON (an invoice's), else a collections manager of the
        company (``_collection_fallback_responsible``); each only when it can act on it (an active
        internal user of the company, never OdooBot or the superuser).

        :param salesperson: ``res.users`` (the invoice's salesperson), may be empty
        :return: ``res.users``: one user, or empty when the company has nobody who can
        """
        self.ensure_one()
        for user in (self.collection_responsible_id, salesperson):
            if user and self._collection_may_act(user):
                return user
        return self._collection_fallback_responsible()

    def _collection_fallback_responsible(self):
        """The first collections manager of the company who can act (by id), else its first
        administrator; empty when there is none."""
        self.ensure_one()
        Users = self.env["res.users"].sudo()
        for group in ("freelance_collections.group_collections_manager", "base.group_system"):
            candidates = Users.search(
                [
                    (compat.GROUPS, "in", self.env.ref(group).ids),
                    ("share", "=", False),
                    ("company_ids", "in", self.ids),
                    ("id", "!=", SUPERUSER_ID),
                ],
                order="id",
            )
            for user in candidates:
                if self._collection_may_act(user):
                    return user.with_env(self.env)
        return self.env["res.users"]

    def _collection_may_act(self, user):
        """Whether USER can take this company's collection activities: an active internal user of the
        company, not the superuser (OdooBot, ``__system__``)."""
        self.ensure_one()
        user = user.sudo()
        return bool(user.active and not user.share and not user._is_superuser() and self in user.company_ids)
