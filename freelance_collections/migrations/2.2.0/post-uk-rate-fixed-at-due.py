"""2.2.0: the UK Late Payment Act preset fixes its reference rate when the debt falls due.

The Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002 (art. 4) takes the Bank of
England rate in force on the 30 June or 31 December before interest starts to run, for the life of the
debt. The preset is shipped ``noupdate``, so an existing database keeps its old record: tick the new
field on it, unless someone already changed its interest (another index or mode), which then stays theirs.
The new presets and indexes (Germany, Spain, Italy, the Netherlands, Belgium, Ireland) are new records:
the update creates them.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    uk = env.ref("freelance_collections.policy_uk_late_payment", raise_if_not_found=False)
    boe = env.ref("freelance_collections.rate_index_boe_semester", raise_if_not_found=False)
    if not uk or not boe:
        return
    uk = uk.with_context(active_test=False)
    if uk.interest_mode == "reference" and uk.rate_index_id == boe and not uk.rate_fixed_at_due:
        uk.rate_fixed_at_due = True
        _logger.info("UK Late Payment Act preset: the reference rate is now fixed when the debt falls due.")
