"""Deposit schedules on journal items: each installment keeps its label.

The installments of a deposit schedule are receivable lines labelled by the schedule ("Upfront
deposit (30%)", see ``account_move_deposit.py``). Odoo 18.0 keeps a label it did not set itself;
19.0 renames every receivable line after the invoice's payment reference (``_compute_name``), the
invoice's number once posted. Here they keep their label on both.
"""

from odoo import models

from ..tools import compat


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # -------------------------------------------------------------------------
    # COMPUTE METHODS
    # -------------------------------------------------------------------------

    # missing-return: a compute method assigns and returns nothing, as Odoo's own.
    def _compute_name(self):  # pylint: disable=missing-return
        """Odoo's labels, but a deposit installment keeps the schedule's label (as on 18.0)."""
        labels = self._collection_installment_labels() if compat.TERM_LINE_NAME_FOLLOWS_REFERENCE else {}
        super()._compute_name()
        for line, label in labels.items():
            line.name = label

    # -------------------------------------------------------------------------
    # BUSINESS METHODS
    # -------------------------------------------------------------------------

    def _collection_installment_labels(self):
        """The labels these lines carry as installments of a deposit schedule.

        :return: ``{line: label}`` for the receivable lines of customer invoices with a deposit schedule
            whose label is not one Odoo derives from the invoice's references.
        """
        labels = {}
        for line in self:
            move = line.move_id
            if (
                line.display_type != "payment_term"
                or move.move_type != "out_invoice"
                or not move.collection_deposit_template_id
                or not line.name
            ):
                continue
            references = {move.payment_reference, move.ref}
            if move.payment_reference and move.ref:
                references.add(f"{move.ref} - {move.payment_reference}")
            if line.name not in references:
                labels[line] = line.name
        return labels
