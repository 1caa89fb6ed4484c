"""A collections manager approves the refund of an overpayment not yet seen on the bank account,
with a reason; the approval is kept on the payment (who, when, why) and logged in the chatter of
the payment and of its client."""

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "freelance_collections.group_collections_manager"


class CollectionOverpaymentApproval(models.TransientModel):
    _name = "collection.overpayment.approval"
    _description = "Approve the Refund of an Overpayment"

    payment_id = fields.Many2one("account.payment", string="Payment", required=True, readonly=True)
    partner_id = fields.Many2one(related="payment_id.partner_id", string="Client")
    currency_id = fields.Many2one(related="payment_id.currency_id")
    overpaid_amount = fields.Monetary(
        related="payment_id.collection_overpaid_amount", string="Received Above What Was Owed"
    )
    reason = fields.Text(
        help="Why the refund may go out before the money is matched with a bank statement line "
        "(for example: the bank confirmed the cheque cleared).",
    )

    def action_approve(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a collections manager can approve the refund of an overpayment."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(
                _(
                    "Give the reason for approving the refund of %(payment)s: it is kept on the "
                    "payment and in the client's history.",
                    payment=self.payment_id.name,
                )
            )
        payment = self.payment_id
        if not payment.collection_overpaid_unverified:
            raise UserError(
                _(
                    "%(payment)s has no overpayment waiting for approval: it was received within what the "
                    "client owed, is already matched with a bank statement line, or was approved already.",
                    payment=payment.name,
                )
            )
        payment.sudo().write(
            {
                "collection_overpaid_approved_uid": self.env.uid,
                "collection_overpaid_approved_date": fields.Datetime.now(),
                "collection_overpaid_approval_reason": reason,
            }
        )
        payment._collection_log_approval()
        return {"type": "ir.actions.act_window_close"}
