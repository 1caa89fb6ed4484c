"""18.0.2.1.0: the run emails a late-fee invoice that no reminder listed (``fee_notice``).

The late-fee invoices booked before were listed in the reminders that followed them: they count as
sent, so the first run after the upgrade does not email each of them again on its own.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE account_move SET is_move_sent = TRUE "
            "WHERE collection_penalty_origin_id IS NOT NULL AND state = 'posted' AND is_move_sent IS NOT TRUE"
        )
    )
