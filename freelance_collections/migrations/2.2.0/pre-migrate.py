"""2.2.0: the shipped reference rates gain the fixings of 1 January 2026.

The rate data is ``noupdate``: the upgrade creates the new values, unless the database already has a
value on that date (entered by hand, or by an update): that value is kept, and the shipped record is
bound to it so that loading the data does not add a second value on the same day.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MODULE = "freelance_collections"

# shipped value xml id -> (index xml id, date)
NEW_FIXINGS = {
    "rate_index_ecb_semester_20260101": ("rate_index_ecb_semester", "2026-01-01"),
    "rate_index_boe_semester_20260101": ("rate_index_boe_semester", "2026-01-01"),
}


def migrate(cr, version):
    if not version:
        return
    for name, (index_name, day) in NEW_FIXINGS.items():
        cr.execute(
            SQL(
                "SELECT rate.id FROM collection_reference_rate rate "
                "JOIN ir_model_data index_data ON index_data.model = 'collection.rate.index' "
                "AND index_data.res_id = rate.index_id AND index_data.module = %s AND index_data.name = %s "
                "WHERE rate.date = %s "
                "AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = %s AND name = %s)",
                MODULE,
                index_name,
                day,
                MODULE,
                name,
            )
        )
        row = cr.fetchone()
        if not row:
            continue
        cr.execute(
            SQL(
                "INSERT INTO ir_model_data (module, name, model, res_id, noupdate) "
                "VALUES (%s, %s, 'collection.reference.rate', %s, TRUE)",
                MODULE,
                name,
                row[0],
            )
        )
        _logger.info("Collections: %s already has a value on %s; it is kept.", index_name, day)
