from odoo import _, api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Not a related field: saving the settings form for the preview (its button) must not apply the
    # choice; it is applied by set_values when the settings are saved.
    collection_policy_id = fields.Many2one(
        "collection.policy",
        string="Default Collection Policy",
        compute="_compute_collection_policy_id",
        store=True,
        readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    collection_responsible_id = fields.Many2one(related="company_id.collection_responsible_id", readonly=False)
    collection_responsible_note = fields.Char(
        string="Who Gets the Activities",
        compute="_compute_collection_responsible_note",
        help="Who gets the collection activities with the responsible chosen above.",
    )

    collection_rate_auto_update = fields.Boolean(
        string="Update Reference Rates Daily",
        help="Each day, fetch the reference rates (ECB, Bank of England, Bundesbank) from their publishers and "
        "record the new half-year fixings. Turn off on a server without internet: enter the rates by hand.",
    )

    @api.depends("company_id")
    def _compute_collection_policy_id(self):
        for settings in self:
            settings.collection_policy_id = settings.company_id.collection_policy_id

    @api.depends("collection_responsible_id", "company_id")
    def _compute_collection_responsible_note(self):
        for settings in self:
            company = settings.company_id
            chosen = settings.collection_responsible_id
            if chosen and company._collection_may_act(chosen):
                settings.collection_responsible_note = _(
                    "Every collection activity goes to %(user)s.", user=chosen.display_name
                )
                continue
            fallback = company._collection_fallback_responsible()
            if fallback:
                note = _(
                    "Each activity goes to its invoice's salesperson, or to %(user)s when the salesperson "
                    "is not an active user of the company (OdooBot, archived, none).",
                    user=fallback.display_name,
                )
            else:
                note = _(
                    "Each activity goes to its invoice's salesperson; no collections manager can take those "
                    "of invoices without one: choose a responsible."
                )
            if chosen:
                note = (
                    _(
                        "%(user)s cannot take activities (archived, or not an internal user of the company).",
                        user=chosen.display_name,
                    )
                    + " "
                    + note
                )
            settings.collection_responsible_note = note

    @api.model
    def get_values(self):
        values = super().get_values()
        values["collection_rate_auto_update"] = self.env["collection.rate.index"]._collection_auto_update()
        return values

    def set_values(self):
        result = super().set_values()
        if self.env.user.has_group("base.group_system"):
            self.env["ir.config_parameter"].sudo().set_param(
                "freelance_collections.rate_auto_update", "1" if self[:1].collection_rate_auto_update else "0"
            )
        for settings in self:
            if settings.company_id.collection_policy_id != settings.collection_policy_id:
                settings.company_id.collection_policy_id = settings.collection_policy_id
        return result

    collection_policy_move_count = fields.Integer(
        string="Open Invoices Moved",
        compute="_compute_collection_policy_move_count",
        help="Open customer invoices of the company that follow the default policy (their client has "
        "no policy of its own, nobody chose one on the invoice) and will move to the chosen one on saving.",
    )

    @api.depends("collection_policy_id", "company_id")
    def _compute_collection_policy_move_count(self):
        for settings in self:
            settings.collection_policy_move_count = settings.company_id._collection_policy_move_count(
                settings.collection_policy_id
            )

    def action_collection_policy_preview(self):
        """The dry run of tonight as if the chosen default were saved (nothing is saved or done)."""
        self.ensure_one()
        company = self.company_id
        Move = self.env["account.move"].with_company(company)
        lines = []
        # apply the choice in a savepoint, plan, and roll it back: the preview is the real planning
        savepoint = self.env.cr.savepoint()
        try:
            company.sudo().collection_policy_id = self.collection_policy_id
            self.env.flush_all()
            moves = Move.browse(Move._collection_open_invoice_ids(company))
            lines = self.env["collection.dry.run"]._plan_lines(moves, fields.Date.context_today(self))
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return self.env["collection.dry.run"]._collection_open_lines(lines)
