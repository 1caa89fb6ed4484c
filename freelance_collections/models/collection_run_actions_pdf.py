"""The PDFs the handlers' reminders carry, rendered for the whole batch before the emails are sent
(see ``res_partner_reminder_batch.py``): the demand letters of the formal notices and, when the policy
attaches it, the statement of account of each client reminded."""

from odoo import models

from .res_partner_reminder_batch import DEMAND_LETTER, STATEMENT


class CollectionRunActions(models.AbstractModel):
    _inherit = "collection.run.actions"

    def _collection_render_demand_letters(self, items):
        """The demand letter of each client of ITEMS (the formal notices of a batch) that can receive it,
        listing its invoices among ITEMS."""
        moves = self.env["account.move"].union(*(item.move for item in items))
        self._collection_reachable(moves.commercial_partner_id)._collection_render_pdfs(DEMAND_LETTER, moves)

    def _collection_render_statements(self, items):
        """The statement of account of each client of ITEMS whose reminder attaches it (its first
        invoice's policy says so, as ``res.partner._collection_send_reminder`` reads it)."""
        firsts = {}
        for item in items:
            firsts.setdefault(item.move.commercial_partner_id, item.move)
        clients = self.env["res.partner"].union(
            *(client for client, move in firsts.items() if move.collection_policy_id.attach_statement)
        )
        self._collection_reachable(clients)._collection_render_pdfs(STATEMENT)

    def _collection_reachable(self, clients):
        unreachable = self._collection_unreachable_clients(clients) if clients else {}
        return clients.filtered(lambda client: client.id not in unreachable)
