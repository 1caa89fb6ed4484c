from odoo import models


class CollectionDepositTemplate(models.Model):
    _inherit = "collection.deposit.template"

    def _collection_upfront_percent(self):
        """The share asked before work starts: the first installment's."""
        self.ensure_one()
        return self.line_ids.sorted("sequence")[:1].percent or 0.0
