"""The client's statement of account for a period: what it owed, what happened, what is still open.

Everything is read from the posted receivable journal items of the client (its commercial partner and
the contacts under it) in one company, in that company's currency, with three set-based queries:
the opening balance, the movements of the period (one row per journal entry) and the open items at the
end of the period (each receivable line less what was reconciled with it up to that date).
"""

import base64
import io
import logging

import qrcode
from dateutil.relativedelta import relativedelta
from reportlab.graphics.utils import RenderPMError

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# (key, first day late, last day late): a line is in the first bucket whose last day it does not pass
AGEING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)
STATEMENT_MONTHS_BACK = 3
QR_SIZE = 120

_logger = logging.getLogger(__name__)


def ageing_bucket(days_late):
    """The key of the ageing bucket of an item DAYS_LATE days past its due date (<= 0: current)."""
    for key, _first, last in AGEING_BUCKETS:
        if last is None or days_late <= last:
            return key
    return AGEING_BUCKETS[-1][0]  # pragma: no cover


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def _collection_letter_date(self):
        """The date a demand letter bears: today where the user is (Odoo's context_today, the clock the
        statements read too)."""
        return fields.Date.context_today(self)

    def action_collection_statement(self):
        """Open the statement wizard for this client (choose the period, then print)."""
        self.ensure_one()
        return self.env["collection.statement.wizard"].action_open(self)

    # ------------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------------
    @api.model
    def _collection_statement_default_period(self, date_to=None):
        """(date_from, date_to) of a statement nobody chose a period for: up to today, from the first
        day of the month three months back (2026-03-15 -> 2025-12-01 .. 2026-03-15)."""
        date_to = date_to or fields.Date.context_today(self)
        return (date_to - relativedelta(months=STATEMENT_MONTHS_BACK)).replace(day=1), date_to

    @api.model
    def _collection_statement_period(self, date_from=None, date_to=None):
        """The period asked for: the arguments, else the context (``collection_statement_date_from``
        and ``collection_statement_date_to``, what the wizard passes), else the default period."""
        context = self.env.context
        date_to = fields.Date.to_date(date_to or context.get("collection_statement_date_to"))
        date_from = fields.Date.to_date(date_from or context.get("collection_statement_date_from"))
        default_from, default_to = self._collection_statement_default_period(date_to)
        date_from, date_to = date_from or default_from, date_to or default_to
        if date_from > date_to:
            raise ValidationError(
                _(
                    "The statement period starts on %(date_from)s, after its end on %(date_to)s: choose a "
                    "start date on or before the end date.",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        return date_from, date_to

    def _collection_statement_partner_ids(self):
        """Ids of the client's commercial partner and every contact under it, archived ones too."""
        self.ensure_one()
        # ids only, to filter the journal items of one company: contacts of other companies count too
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", self.commercial_partner_id.id)])
            .ids
        )

    def _collection_statement_where(self, company):
        self.ensure_one()
        return SQL(
            """l.partner_id = ANY(%(partners)s)
               AND l.company_id = %(company)s
               AND l.parent_state = 'posted'
               AND l.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')""",
            partners=self._collection_statement_partner_ids(),
            company=company.id,
        )

    def _collection_statement_data(self, date_from=None, date_to=None):
        """Everything the statement of account prints for this client in the current company.

        :param date_from: first day of the period (default: see ``_collection_statement_period``)
        :param date_to: last day of the period, the date the open items are aged at
        :return: dict with ``company``, ``currency`` (the company's: every balance is in it),
            ``date_from``, ``date_to``, ``today``, ``opening_balance``, ``lines`` (the movements, in
            date order, each with ``debit``, ``credit`` and the running ``balance``), ``total_debit``,
            ``total_credit``, ``closing_balance``, ``open_items`` (late fees right after their invoice),
            ``open_totals`` (per document currency), ``ageing`` (company currency), ``ageing_total``,
            ``balance_url`` and ``retainers`` (``_collection_retainer_summary``)
        """
        self.ensure_one()
        self.check_access("read")
        self.env["account.move.line"].check_access("read")
        date_from, date_to = self._collection_statement_period(date_from, date_to)
        company = self.env.company
        currency = company.currency_id
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "company_id",
                "parent_state",
                "account_id",
                "move_id",
                "date",
                "date_maturity",
                "debit",
                "credit",
                "balance",
                "amount_currency",
                "currency_id",
            ]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "amount", "debit_amount_currency", "credit_amount_currency", "max_date"]
        )
        where = self._collection_statement_where(company)
        opening = currency.round(
            self.env.execute_query(
                SQL(
                    "SELECT COALESCE(SUM(l.balance), 0) FROM account_move_line l WHERE %s AND l.date < %s",
                    where,
                    date_from,
                )
            )[0][0]
        )
        open_items = self._collection_statement_open_items(where, date_to, currency)
        lines = self._collection_statement_movements(where, date_from, date_to, currency, opening, open_items)
        ageing = dict.fromkeys((key for key, _first, _last in AGEING_BUCKETS), 0.0)
        for item in open_items:
            ageing[item["bucket"]] += item["amount_company"]
        labels = self._collection_statement_bucket_labels()
        total_debit = currency.round(sum(line["debit"] for line in lines))
        total_credit = currency.round(sum(line["credit"] for line in lines))
        return {
            "company": company,
            "currency": currency,
            "date_from": date_from,
            "date_to": date_to,
            "today": fields.Date.context_today(self),
            "opening_balance": opening,
            "lines": lines,
            "total_debit": total_debit,
            "total_credit": total_credit,
            "closing_balance": currency.round(opening + total_debit - total_credit),
            "open_items": open_items,
            "open_totals": self._collection_statement_open_totals(open_items),
            "ageing": [
                {"key": key, "label": labels[key], "amount": currency.round(amount)} for key, amount in ageing.items()
            ],
            "ageing_total": currency.round(sum(ageing.values())),
            "balance_url": self._collection_balance_url(),
            "retainers": self._collection_retainer_summary(company),
        }

    def _collection_balance_qr_src(self, url=None):
        """``data:`` URI of a PNG QR code of URL (default: the client's balance link), inlined so the
        PDF needs no request to the server. Odoo's barcode generator (``ir.actions.report.barcode``,
        reportlab) draws it; where reportlab lacks its PNG renderer (reportlab 4 without rlPyCairo)
        the qrcode library Odoo requires (two-factor authentication uses it) does."""
        self.ensure_one()
        url = url or self._collection_balance_url()
        try:
            png = self.env["ir.actions.report"].barcode("QR", url, width=QR_SIZE, height=QR_SIZE)
        except (RenderPMError, ImportError, ValueError) as error:
            _logger.info("Balance QR code drawn with qrcode, reportlab cannot: %s", error)
            buffer = io.BytesIO()
            qrcode.make(url, box_size=4, border=1).save(buffer, format="PNG")
            png = buffer.getvalue()
        return f"data:image/png;base64,{base64.b64encode(png).decode()}"

    @api.model
    def _collection_statement_bucket_labels(self):
        return {
            "current": _("Current"),
            "1_30": _("1-30 days"),
            "31_60": _("31-60 days"),
            "61_90": _("61-90 days"),
            "over_90": _("Over 90 days"),
        }

    @api.model
    def _collection_statement_kind(self, move):
        """What a bookkeeper calls the journal entry MOVE on a statement."""
        if move.move_type == "out_invoice":
            return _("Late fees") if move.collection_fee_invoice else _("Invoice")
        if move.move_type == "out_refund":
            return _("Credit note")
        if move.move_type == "out_receipt":
            return _("Receipt")
        if move.collection_retainer_kind in ("draw", "return", "undo"):
            return _("Retainer")
        if move.origin_payment_id or move.statement_line_id:
            return _("Payment")
        return _("Journal entry")

    def _collection_statement_movements(self, where, date_from, date_to, currency, opening, open_items):
        """The period's journal entries in date order (one query), with the running balance; the
        payments and credits still unapplied at DATE_TO say how much of them is."""
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT l.move_id, MIN(l.date) AS date, MIN(l.date_maturity) AS date_maturity,
                   SUM(l.debit) AS debit, SUM(l.credit) AS credit,
                   SUM(l.amount_currency) AS amount_currency,
                   ARRAY_AGG(DISTINCT l.currency_id) AS currency_ids
              FROM account_move_line l
             WHERE %(where)s AND l.date BETWEEN %(date_from)s AND %(date_to)s
          GROUP BY l.move_id
          ORDER BY MIN(l.date), l.move_id
            """,
                where=where,
                date_from=date_from,
                date_to=date_to,
            )
        )
        moves = self.env["account.move"].browse([row["move_id"] for row in rows])
        unapplied = {}
        for item in open_items:
            if item["amount_company"] < 0:
                unapplied[item["move"].id] = unapplied.get(item["move"].id, 0.0) - item["amount_company"]
        lines = []
        balance = opening
        for row, move in zip(rows, moves, strict=True):
            debit, credit = currency.round(row["debit"]), currency.round(row["credit"])
            balance = currency.round(balance + debit - credit)
            foreign = self.env["res.currency"].browse(row["currency_ids"])
            if len(foreign) != 1 or foreign == currency:
                foreign = self.env["res.currency"]
            lines.append(
                {
                    "date": row["date"],
                    "move": move,
                    "name": move.name,
                    "kind": self._collection_statement_kind(move),
                    "reference": move.ref if move.ref != move.name else False,
                    "origin": move.collection_fee_origin_ids if move.collection_fee_invoice else move.browse(),
                    "due_date": row["date_maturity"] if move.is_invoice(include_receipts=True) and debit else False,
                    "debit": debit,
                    "credit": credit,
                    "balance": balance,
                    "foreign_currency": foreign,
                    "foreign_amount": abs(row["amount_currency"]) if foreign else 0.0,
                    "unapplied": currency.round(unapplied.get(move.id, 0.0)),
                }
            )
        return lines

    def _collection_statement_open_items(self, where, date_to, currency):
        """The receivable lines still open at DATE_TO (one query), aged at DATE_TO, each late-fee
        invoice right after the invoice it charges fees on when that one is open too."""
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT * FROM (
                SELECT l.id, l.move_id, l.date, l.date_maturity, l.currency_id,
                       l.balance - COALESCE(d.amount, 0) + COALESCE(c.amount, 0) AS residual,
                       l.amount_currency - COALESCE(d.amount_currency, 0) + COALESCE(c.amount_currency, 0)
                           AS residual_currency
                  FROM account_move_line l
             LEFT JOIN LATERAL (
                       SELECT SUM(p.amount) AS amount, SUM(p.debit_amount_currency) AS amount_currency
                         FROM account_partial_reconcile p
                        WHERE p.debit_move_id = l.id AND p.max_date <= %(date_to)s
                       ) d ON TRUE
             LEFT JOIN LATERAL (
                       SELECT SUM(p.amount) AS amount, SUM(p.credit_amount_currency) AS amount_currency
                         FROM account_partial_reconcile p
                        WHERE p.credit_move_id = l.id AND p.max_date <= %(date_to)s
                       ) c ON TRUE
                 WHERE %(where)s AND l.date <= %(date_to)s
            ) item
             WHERE ROUND(item.residual, %(digits)s) != 0 OR ROUND(item.residual_currency, %(digits)s) != 0
          ORDER BY COALESCE(item.date_maturity, item.date), item.move_id, item.id
            """,
                where=where,
                date_to=date_to,
                digits=currency.decimal_places,
            )
        )
        moves = self.env["account.move"].browse([row["move_id"] for row in rows])
        Currency = self.env["res.currency"]
        # the fees accrued since the last late-fee invoice (as of today), on the invoices' first line;
        # computed in one batch for the invoices under a policy (its own prefetch set: the compute
        # needs a policy on each invoice it runs for)
        fee_moves = self.env["account.move"].browse(
            moves.filtered(lambda m: m.move_type == "out_invoice" and m.collection_policy_id).ids
        )
        accrued = dict(zip(fee_moves.ids, fee_moves.mapped("collection_fee_accrued"), strict=True))
        fees_shown = set()
        items = []
        for row, move in zip(rows, moves, strict=True):
            item_currency = Currency.browse(row["currency_id"]) or currency
            due_date = row["date_maturity"] or row["date"]
            amount = item_currency.round(row["residual_currency"])
            days_late = (date_to - due_date).days
            fee = 0.0
            if move.id in accrued and move.id not in fees_shown:
                fees_shown.add(move.id)
                fee = accrued[move.id]
            items.append(
                {
                    "move": move,
                    "name": move.name,
                    "kind": self._collection_statement_kind(move),
                    "origin": move.collection_fee_origin_ids if move.collection_fee_invoice else move.browse(),
                    "invoice_date": move.invoice_date or row["date"],
                    "due_date": due_date,
                    "days_late": max(days_late, 0) if amount > 0 else 0,
                    "bucket": ageing_bucket(days_late),
                    "currency": item_currency,
                    "amount": amount,
                    "amount_company": currency.round(row["residual"]),
                    "fee_accrued": move.currency_id.round(fee),
                }
            )
        return self._collection_statement_group_fees(items)

    @api.model
    def _collection_statement_group_fees(self, items):
        """ITEMS with each late-fee invoice moved right after the last line of its origin invoice
        (when that one is open; otherwise it keeps its place)."""
        open_moves = {item["move"].id for item in items if not item["origin"]}

        def anchor(item):  # the open invoice a late-fee invoice goes under: the first of its origins
            return next((origin.id for origin in item["origin"] if origin.id in open_moves), None)

        fees = {}
        for item in items:
            if anchor(item):
                fees.setdefault(anchor(item), []).append(item)
        result = []
        for index, item in enumerate(items):
            if anchor(item):
                continue
            result.append(item)
            next_move = items[index + 1]["move"] if index + 1 < len(items) else None
            if next_move != item["move"]:  # after the origin's (first run of) lines
                result.extend(fees.pop(item["move"].id, []))
        return result

    @api.model
    def _collection_statement_open_totals(self, items):
        """[{currency, amount, fee_accrued}] of the open ITEMS, one per document currency."""
        totals = {}
        for item in items:
            total = totals.setdefault(
                item["currency"], {"currency": item["currency"], "amount": 0.0, "fee_accrued": 0.0}
            )
            total["amount"] += item["amount"]
            total["fee_accrued"] += item["fee_accrued"]
        for total in totals.values():
            total["amount"] = total["currency"].round(total["amount"])
            total["fee_accrued"] = total["currency"].round(total["fee_accrued"])
        return list(totals.values())
