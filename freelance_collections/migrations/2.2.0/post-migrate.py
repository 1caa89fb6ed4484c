"""2.2.0: the reference rate indexes update themselves.

The indexes the addon ships (and those it knows by code) get their publisher, so the daily update
fetches them; the ECB's main refinancing rate changes on each decision, not per half-year, so no
stale warning is given for it. An index whose publisher a user already chose keeps it.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.freelance_collections.policy.rates import PROVIDER_BY_CODE

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    indexes = (
        env["collection.rate.index"]
        .with_context(active_test=False)
        .search([("code", "in", list(PROVIDER_BY_CODE)), ("provider", "=", "manual")])
    )
    for index in indexes:
        values = {"provider": PROVIDER_BY_CODE[index.code]}
        if index.code == "ECB_MRO":
            values["half_yearly"] = False
        index.write(values)
        _logger.info("Collections: reference rate %s is now updated from %s.", index.code, values["provider"])
