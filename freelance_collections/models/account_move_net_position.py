"""What a client really owes: its open credit notes and unmatched payments count against its invoices.

The rule is ``policy/net_position.py`` (credits of the same company and currency applied to the
oldest invoices first, from the credit's date on); this file reads the facts for it: the credits
(receivable lines of the client left with money in its favour: credit notes, customer payments not
yet matched) and the client's open invoices. The ladder places an invoice on what it owes net
(``account_move.py``), late fees accrue on it (``account_move_penalty.py``), and a client covered in
full is left alone. Matching the credits in the books is Odoo's own reconciliation
(``action_collection_match_credits``).
"""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..policy import net_position
from ..policy.money import round_money, to_decimal
from .account_move import OPEN_INVOICE_DOMAIN


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_credit_covered = fields.Monetary(
        string="Covered by Credits",
        compute="_compute_collection_credit_covered",
        help="The part of the amount due that the client's open credit notes and payments not yet matched "
        "cover (applied to the oldest invoices first): it is not chased, and no late fee accrues on it.",
    )
    collection_net_residual = fields.Monetary(
        string="Owed Net",
        compute="_compute_collection_credit_covered",
        help="The amount due less what the client's open credits cover: what collections chase.",
    )

    def _compute_collection_credit_covered(self):
        allocations = self._collection_credit_allocations()
        for move in self:
            covered = float(net_position.covered_total(allocations, move.id))
            move.collection_credit_covered = covered
            move.collection_net_residual = move.amount_residual - covered if move._is_collection_open() else 0.0

    # ------------------------------------------------------------------
    # FACTS
    # ------------------------------------------------------------------
    @api.model
    def _collection_open_credit_lines(self, partners, companies=None):
        """The receivable lines of PARTNERS (commercial entities, their contacts included; None: every
        client) that hold money
        in the client's favour: posted, not fully matched, credit side (credit notes, customer payments
        and other entries not yet matched with an invoice), oldest first."""
        if partners is not None and not partners:
            return self.env["account.move.line"]
        domain = [
            # by the client's commercial entity: a subquery of this one query, where child_of would
            # search the contacts first (this runs when an invoice is posted or paid, docs/benchmark.md)
            *(
                [("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids)]
                if partners is not None
                else [("partner_id", "!=", False)]
            ),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual_currency", "<", 0),
        ]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        return self.env["account.move.line"].search(domain, order="date, id")

    @api.model
    def _collection_credited_invoice_ids(self, company):
        """Ids of COMPANY's open invoices at a stage whose client has open credits (two queries): a
        credit note or payment posted since changes what they owe net, the run looks at them again."""
        credits = self.sudo()._collection_open_credit_lines(None, company)
        if not credits:
            return []
        return self.search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "in", credits.partner_id.commercial_partner_id.ids),
                ("collection_stage_id", "!=", False),
                *OPEN_INVOICE_DOMAIN,
            ]
        ).ids

    def _collection_credit_allocations(self):
        """{move id: ((credit date, amount covered), ...)} for those of these invoices that their
        client's open credits cover, in the invoice currency (``policy.net_position.allocate`` over all
        the client's open invoices of that company and currency). Two queries at most: the credits of
        the clients, then, only when there are some, the clients' open invoices."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        if not invoices:
            return {}
        credits = self.sudo()._collection_open_credit_lines(invoices.commercial_partner_id, invoices.company_id)
        if not credits:
            return {}
        by_key = defaultdict(list)
        for line in credits:
            key = (line.partner_id.commercial_partner_id.id, line.company_id.id, line.currency_id.id)
            by_key[key].append(
                net_position.Credit(
                    date=line.date,
                    amount=round_money(-to_decimal(line.amount_residual_currency), line.currency_id.decimal_places),
                )
            )
        clients = self.env["res.partner"].browse({key[0] for key in by_key})
        debts = defaultdict(list)
        for move in (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("commercial_partner_id", "in", clients.ids), *OPEN_INVOICE_DOMAIN],
                ["commercial_partner_id", "company_id", "currency_id", "collection_due_date", "amount_residual"],
            )
        ):
            key = (move.commercial_partner_id.id, move.company_id.id, move.currency_id.id)
            if key in by_key and move.collection_due_date:
                debts[key].append(
                    net_position.Debt(
                        key=move.id,
                        due_date=move.collection_due_date,
                        residual=round_money(to_decimal(move.amount_residual), move.currency_id.decimal_places),
                    )
                )
        wanted = set(invoices.ids)
        result = {}
        for key, client_debts in debts.items():
            for move_id, parts in net_position.allocate(client_debts, by_key[key]).items():
                if move_id in wanted:
                    result[move_id] = parts
        return result

    def _collection_fully_covered_ids(self, allocations=None):
        """Ids of these open invoices that their client's credits cover in full (nothing owed net)."""
        allocations = self._collection_credit_allocations() if allocations is None else allocations
        return {
            move.id
            for move in self
            if move.id in allocations
            and move.currency_id.compare_amounts(
                float(net_position.covered_total(allocations, move.id)), move.amount_residual
            )
            >= 0
        }

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def _collection_match_credits(self):
        """Match these invoices' clients' open credits with their open invoices, oldest invoice first,
        through Odoo's own reconciliation (as the invoice form's *Outstanding credits* 'Add' does).

        :return: the number of invoices a credit was matched with
        """
        matched = 0
        allocations = self._collection_credit_allocations()
        if not allocations:
            return 0
        moves = self.browse(list(allocations)).sorted(lambda m: (m.collection_due_date or fields.Date.today(), m.id))
        credits = self._collection_open_credit_lines(moves.commercial_partner_id, moves.company_id)
        for move in moves:
            for line in credits.filtered(
                lambda c: (
                    c.company_id == move.company_id  # noqa: B023 - called at once, within the loop
                    and c.currency_id == move.currency_id  # noqa: B023
                    and c.partner_id.commercial_partner_id == move.commercial_partner_id  # noqa: B023
                    and not c.reconciled
                )
            ):
                if not move._is_collection_open():
                    break
                move.js_assign_outstanding_line(line.id)
            matched += 1
        return matched

    def action_collection_match_credits(self):
        """Match the clients' open credit notes and payments with these invoices (Odoo's reconciliation)."""
        if not self._collection_credit_allocations():
            raise UserError(_("These clients have no open credit note or payment to match with their invoices."))
        count = self._collection_match_credits()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Credits matched with %(count)s invoices, oldest first.", count=count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
