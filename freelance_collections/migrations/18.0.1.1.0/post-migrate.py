"""18.0.1.1.0: the reminder templates carry pay links and the balance link.

They are shipped ``noupdate``, so an upgrade would keep the old bodies: the templates nobody edited
(last written by the system, not by a user) are reset to the new ones with Odoo's own reset; an
edited one is kept and a warning says to reset it (Email Templates > Reset Template) or add the links.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

TEMPLATES = ("courtesy", "friendly", "firm", "work_stop", "formal_notice", "discount_nudge")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name in TEMPLATES:
        template = env.ref(f"freelance_collections.mail_template_{name}", raise_if_not_found=False)
        if not template or "_collection_balance_url" in (template.body_html or ""):
            continue
        if template.write_uid.id == SUPERUSER_ID:
            template.reset_template()
            _logger.info("Collections: email template %s reset to carry the pay links.", template.name)
        else:
            _logger.warning(
                "Collections: email template %s was edited and keeps its text; reset it (Email Templates > "
                "Reset Template) or add the pay links to get them in the reminders.",
                template.name,
            )
