"""2.1.0: the run emails a late-fee invoice that no reminder listed (``fee_notice``); the reminders list
the client's open credits and read right to left in Hebrew.

The late-fee invoices booked before were listed in the reminders that followed them: they count as
sent, so the first run after the upgrade does not email each of them again on its own.

The email templates are shipped ``noupdate``: those nobody edited (last written by the system) are reset
to the new bodies with Odoo's own reset; an edited one keeps its text and a warning says how to get the
new one (Email Templates > Reset Template).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TEMPLATES = (
    "courtesy",
    "friendly",
    "firm",
    "work_stop",
    "formal_notice",
    "discount_nudge",
    "autopay_notice",
    "autopay_failed",
    "retainer_request",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE account_move SET is_move_sent = TRUE "
            "WHERE collection_penalty_origin_id IS NOT NULL AND state = 'posted' AND is_move_sent IS NOT TRUE"
        )
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name in TEMPLATES:
        template = env.ref(f"freelance_collections.mail_template_{name}", raise_if_not_found=False)
        if not template or "_collection_bidi" in (template.body_html or ""):
            continue
        if template.write_uid.id == SUPERUSER_ID:
            template.reset_template()
            _logger.info("Collections: email template %s reset to its 2.1.0 text.", template.name)
        else:
            _logger.warning(
                "Collections: email template %s was edited and keeps its text; reset it (Email Templates > "
                "Reset Template) to list open credits and read right to left in Hebrew.",
                template.name,
            )
