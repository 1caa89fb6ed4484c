"""The company's retainer settings: the customer-advance account and the journal of the draws."""

from odoo import _, fields, models
from odoo.exceptions import UserError

DEFAULT_ADVANCE_CODE = "219000"


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_retainer_account_id = fields.Many2one(
        "account.account",
        string="Customer Advance Account",
        check_company=True,
        domain="[('account_type', '=', 'liability_current')]",
        help="Holds what clients pay on their retainers until invoices draw on it (a current liability). "
        "Created on first use when empty.",
    )
    collection_retainer_journal_id = fields.Many2one(
        "account.journal",
        string="Retainer Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the entries paying invoices from retainers (default: the first miscellaneous journal).",
    )

    def _collection_retainer_account(self):
        """The company's customer-advance account, created (a current liability) on first use."""
        self.ensure_one()
        if self.collection_retainer_account_id:
            return self.collection_retainer_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        start = Account.search([("account_type", "=", "liability_current"), ("company_ids", "in", self.ids)], limit=1)
        code = Account._search_new_account_code(start.code or DEFAULT_ADVANCE_CODE)
        account = Account.create(
            {
                "name": _("Customer advances (retainers)"),
                "code": code,
                "account_type": "liability_current",
                "reconcile": False,
                "company_ids": [self.id],
            }
        )
        self.sudo().collection_retainer_account_id = account
        return account

    def _collection_retainer_journal(self):
        self.ensure_one()
        journal = self.collection_retainer_journal_id or self.env["account.journal"].sudo().search(
            [("type", "=", "general"), ("company_id", "=", self.id)], limit=1
        )
        if not journal:
            raise UserError(
                _("%(company)s has no miscellaneous journal for the retainer entries: create one.", company=self.name)
            )
        return journal


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_retainer_account_id = fields.Many2one(
        related="company_id.collection_retainer_account_id", readonly=False
    )
    collection_retainer_journal_id = fields.Many2one(
        related="company_id.collection_retainer_journal_id", readonly=False
    )
