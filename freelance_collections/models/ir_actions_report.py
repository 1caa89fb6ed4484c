"""The invoice report: a posted invoice the client was sent (``account_move_sent.py``) is titled
"Invoice", not "Proforma Invoice", on its portal page and in the PDF downloaded from there."""

from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        data = super()._get_rendering_context(report, docids, data)
        if data.get("proforma") and report.model == "account.move" and docids:
            moves = self.env["account.move"].sudo().browse(docids)
            if moves._collection_is_sent_invoice():
                data["proforma"] = False
        return data
