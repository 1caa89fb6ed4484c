"""Reminded means sent: an invoice listed in a reminder (and its late-fee invoices) is marked sent, as
Odoo's *Send* would mark it, so its portal page and PDF call it an invoice, not a proforma.

Odoo calls a posted invoice a proforma on the portal while it has no generated PDF
(``invoice_pdf_report_id``: its *Send & Print* makes one). A reminder is how the client received the
invoice here: once marked sent (``is_move_sent``) it reads as an invoice (``ir_actions_report.py``).
"""

from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def _collection_mark_sent(self):
        """Mark these posted invoices sent (``is_move_sent``) in one query: no write per invoice, no
        send wizard, no tracking line in each chatter (the reminder is logged there already)."""
        todo = self.filtered(lambda move: move.state == "posted" and not move.is_move_sent)
        if not todo:
            return
        todo.flush_recordset(["is_move_sent"])
        self.env.cr.execute(
            SQL("UPDATE account_move SET is_move_sent = TRUE WHERE id = ANY(%s) AND is_move_sent IS NOT TRUE", todo.ids)
        )
        todo.invalidate_recordset(["is_move_sent"])
        todo.modified(["is_move_sent"])

    def _collection_is_sent_invoice(self):
        """Whether these are posted invoices the client was sent (by a reminder or Odoo's Send)."""
        return bool(self) and all(move.state == "posted" and move.is_move_sent for move in self)

    def _get_invoice_proforma_pdf_report_filename(self):
        # the portal's download of an invoice without a generated PDF: a sent one is no proforma
        if self._collection_is_sent_invoice():
            return self._get_invoice_report_filename()
        return super()._get_invoice_proforma_pdf_report_filename()
