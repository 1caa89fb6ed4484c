from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import compat


class CollectionRateIndex(models.Model):
    """A published reference rate (ECB, Bank of England, ...) with its dated values."""

    _name = "collection.rate.index"
    _description = "Collection Reference Rate Index"
    _order = "name"
    _rec_names_search = ["name", "code"]  # a CSV of rates may name its index by code (ECB_MRO)

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code, used when importing rates from a CSV file.",
    )
    active = fields.Boolean(default=True)
    note = fields.Text(translate=True, help="Where the rate comes from and how it is fixed.")
    rate_ids = fields.One2many("collection.reference.rate", "index_id", string="Rates")
    current_rate = fields.Float(compute="_compute_current_rate", digits=(16, 4), string="Rate Today (%)")

    compat.add_constraint(
        locals(), "code_unique", "unique(code)", "A reference rate index with this code already exists."
    )

    @api.depends("rate_ids.date", "rate_ids.rate")
    def _compute_current_rate(self):
        today = fields.Date.context_today(self)
        for index in self:
            rates = index.rate_ids.filtered(lambda r: r.date <= today).sorted("date")
            index.current_rate = rates[-1].rate if rates else 0.0

    def _get_rate_periods(self):
        """Return the index's values as a list of (start date, rate percent) tuples, oldest first."""
        self.ensure_one()
        return [(rate.date, rate.rate) for rate in self.rate_ids.sorted("date")]


class CollectionReferenceRate(models.Model):
    """One value of a reference rate index, in force from its date until the next one."""

    _name = "collection.reference.rate"
    _description = "Collection Reference Rate"
    _inherit = ["collection.bounds.mixin"]
    _order = "index_id, date desc"
    _rec_name = "date"

    index_id = fields.Many2one("collection.rate.index", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True, help="The rate applies from this date on.")
    rate = fields.Float(required=True, digits=(16, 4), string="Rate (%)", help="Annual rate, in percent.")

    compat.add_constraint(
        locals(),
        "index_date_unique",
        "unique(index_id, date)",
        "This index already has a rate on that date; edit it instead of adding another.",
    )

    @api.constrains("rate")
    def _check_rate(self):
        for rate in self:
            if rate.rate < -100 or rate.rate > 100:
                raise ValidationError(
                    _(
                        "The rate of %(index)s on %(date)s is %(rate)s%%; "
                        "enter an annual percentage between -100 and 100.",
                        index=rate.index_id.name,
                        date=rate.date,
                        rate=rate.rate,
                    )
                )

    @api.model
    def load(self, fields, data):
        """Odoo's import, refusing rows without a rate: an empty cell would silently import 0%."""
        if "rate" not in fields:
            return super().load(fields, data)
        column = fields.index("rate")
        date_column = fields.index("date") if "date" in fields else None
        messages = []
        for index, row in enumerate(data):
            if column < len(row) and not str(row[column] or "").strip():
                day = row[date_column] if date_column is not None and date_column < len(row) else ""
                messages.append(
                    {
                        "type": "error",
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": "rate",
                        "message": _(
                            "The rate on %(date)s is empty: enter the annual rate in percent "
                            "(0 if it really was 0).",
                            date=day,
                        )
                        if day
                        else _("A row has no rate: enter the annual rate in percent (0 if it really was 0)."),
                    }
                )
        if messages:
            return {"ids": False, "nextrow": 0, "messages": messages}
        return super().load(fields, data)
