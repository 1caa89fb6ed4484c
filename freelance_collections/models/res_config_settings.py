from odoo import api, fields, models


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
    collection_responsible_id = fields.Many2one(
        related="company_id.collection_responsible_id", readonly=False
    )

    @api.depends("company_id")
    def _compute_collection_policy_id(self):
        for settings in self:
            settings.collection_policy_id = settings.company_id.collection_policy_id

    def set_values(self):
        super().set_values()
        for settings in self:
            if settings.company_id.collection_policy_id != settings.collection_policy_id:
                settings.company_id.collection_policy_id = settings.collection_policy_id
