"""Numbers and dates given to the addon, refused with a message before Odoo stores them.

Odoo converts a float field's value when it is written: NaN or an infinity end in ``ValueError`` or
``OverflowError``, a whole number beyond PostgreSQL's ``integer`` in a database error, a date of
year 9999 is stored as it is. Each model of the addon that takes input inherits this mixin (Odoo's
models extended by the addon too, for the addon's ``collection_*`` fields only): every float,
monetary, integer and date value of a ``create`` or ``write`` is checked against ``policy/bounds.py``
first, and refused with the field's label and what to enter. The checks of meaning (percents from 0
to 100, days at most ten years, amounts not negative) stay with each model's constraints.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..policy import bounds
from ..tools.engine_messages import render_messages


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _integer(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


class CollectionBoundsMixin(models.AbstractModel):
    _name = "collection.bounds.mixin"
    _description = "Collections: Numbers and Dates Within Bounds"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._collection_check_bounds(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._collection_check_bounds(vals)
        return super().write(vals)

    @api.model
    def _collection_check_bounds(self, vals):
        """Refuse VALS when a number of the addon is not finite or a number or date is beyond the
        bounds of ``policy/bounds.py``.

        :raise ValidationError: one line per value refused, naming the field
        """
        own = self._name.startswith("collection.")
        errors = []
        for name, value in vals.items():
            if value is False or value is None or not (own or name.startswith("collection_")):
                continue
            field = self._fields.get(name)
            if field is None or field.type not in ("float", "monetary", "integer", "date"):
                continue
            label = field._description_string(self.env)
            if field.type in ("float", "monetary"):
                errors += bounds.check_number(label, _float(value))
            elif field.type == "integer":
                errors += bounds.check_integer(label, _integer(value))
            else:
                try:
                    day = fields.Date.to_date(value)
                except (TypeError, ValueError):
                    errors.append(bounds.not_a_date(label, value))
                    continue
                errors += bounds.check_date(label, day)
        if errors:
            raise ValidationError("\n".join(render_messages(self.env, errors)))
