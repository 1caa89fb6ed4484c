"""The client's retainers: the work-stop reason of a used-up retainer and what its statement shows."""

from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_retainer_ids = fields.One2many("collection.retainer", "partner_id", string="Retainers")

    @api.depends("commercial_partner_id.collection_retainer_ids.work_stop")
    def _compute_collection_standing(self):
        return super()._compute_collection_standing()

    # ------------------------------------------------------------------
    # HOOKS
    # ------------------------------------------------------------------
    def _collection_work_stop_other_reasons(self):
        reasons = super()._collection_work_stop_other_reasons()
        saved = self.filtered("id")
        if not saved or not self.env["collection.retainer"]._collection_any_retainer():
            return reasons
        stopped = (
            self.env["collection.retainer"].sudo().search([("partner_id", "in", saved.ids), ("work_stop", "=", True)])
        )
        for retainer in stopped:
            topup = retainer._collection_open_topups()[:1]
            reasons.setdefault(
                retainer.partner_id.id,
                _(
                    "The retainer of %(client)s in %(company)s is used up: its top-up invoice %(invoice)s must be "
                    "paid before work goes on.",
                    client=retainer.partner_id.display_name,
                    company=retainer.company_id.name,
                    invoice=topup.name or "",
                ),
            )
        return reasons

    # ------------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------------
    def _collection_retainer_summary(self, company):
        """[{retainer, balance, currency, threshold, topup}] of the client's running retainers in
        COMPANY (what its statement and portal show), read in sudo after the caller's checks."""
        self.ensure_one()
        retainers = (
            self.env["collection.retainer"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                ]
            )
        )
        return [
            {
                "retainer": retainer,
                "balance": retainer.balance,
                "currency": retainer.currency_id,
                "amount": retainer.amount,
                "threshold": retainer.threshold,
                "topup": retainer.topup_move_id,
            }
            for retainer in retainers
        ]
