"""18.0.2.0.0 moves the daily run to its own model, collection.run (a record per run).

The scheduled action is kept as the user left it (time, active); only the model it calls changes
(its record is not updated by upgrades: noupdate).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("freelance_collections.ir_cron_run_collections", raise_if_not_found=False)
    if cron and cron.model_id.model != "collection.run":
        cron.write({"model_id": env["ir.model"]._get_id("collection.run"), "code": "model._cron_run_collections()"})
