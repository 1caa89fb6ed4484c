#!/usr/bin/env python3
"""Take the README's retainer screenshots (docs/screenshots/retainer_form.png, portal_retainer.png).

    python3 scripts/screenshots_retainer.py --db fc_shots --port 18169

On a database with the addon (demo data or not), the script prepares once (committed, idempotent) a
client *Retainer Client (demo)* with a portal user `portal.retainer@example.com` (password `portal`),
a retainer of 2,000 (threshold 500) paid, and invoices of 800, 900 and 700 drawn on it (the top-up
of 1,700 is open, work stopped); then it starts its own Odoo server (as ``scripts/screenshots.py``
does), shoots the back-office form as admin/admin and the portal page as the portal user.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its output

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from screenshots import OUT, PORTAL_PASSWORD, chromium_browser, logged_in, odoo_registry, shot_parser, with_server

CLIENT = "Retainer Client (demo)"
LOGIN = "portal.retainer@example.com"


def prepare(registry):
    """The client, its portal user and its retainer with three invoices drawn; returns its id."""
    from odoo import SUPERUSER_ID, Command, api, fields

    from odoo.addons.freelance_collections.tools import compat

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        client = env["res.partner"].search([("name", "=", CLIENT)], limit=1)
        if not client:
            client = env["res.partner"].create({"name": CLIENT, "is_company": True, "email": "retainer@example.com"})
            contact = env["res.partner"].create({"name": "Rita Keller", "parent_id": client.id, "email": LOGIN})
            env["res.users"].with_context(no_reset_password=True).create(
                {
                    "name": "Rita Keller",
                    "login": LOGIN,
                    "partner_id": contact.id,
                    compat.GROUPS: [Command.set(env.ref("base.group_portal").ids)],
                }
            )
        env["res.users"].search([("login", "=", LOGIN)]).password = PORTAL_PASSWORD
        retainer = env["collection.retainer"].search([("partner_id", "=", client.id)], limit=1)
        if not retainer:
            retainer = env["collection.retainer"].create({"partner_id": client.id, "amount": 2000, "threshold": 500})
            retainer.action_start()
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=retainer.invoice_ids.ids
            ).create({})._create_payments()
            for amount, name in ((800, "Website design"), (900, "Development sprint"), (700, "Maintenance")):
                env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": client.id,
                        "invoice_date": fields.Date.today(),
                        "invoice_line_ids": [
                            Command.create({"name": name, "quantity": 1, "price_unit": amount, "tax_ids": []})
                        ],
                    }
                ).action_post()
        return retainer.id


def shots(url, db, retainer_id):
    with chromium_browser() as browser:
        login = logged_in(browser, url, db)

        context, page = login("admin", "admin", ".o_main_navbar")
        page.goto(f"{url}/odoo/action-freelance_collections.collection_retainer_action/{retainer_id}")
        page.wait_for_selector(".o_form_view .o_field_one2many .o_data_row", timeout=60000)
        page.wait_for_timeout(1500)
        page.screenshot(path=os.path.join(OUT, "retainer_form.png"))
        print("wrote retainer_form")
        context.close()
        context, page = login(LOGIN, PORTAL_PASSWORD, "#wrapwrap")
        page.goto(f"{url}/my/retainers/{retainer_id}")
        page.wait_for_selector(".o_collections_retainer_history", timeout=60000)
        page.wait_for_timeout(1500)
        page.screenshot(path=os.path.join(OUT, "portal_retainer.png"), full_page=True)
        print("wrote portal_retainer")
        context.close()


def main():
    args = shot_parser(__doc__).parse_args()
    os.makedirs(OUT, exist_ok=True)
    retainer_id = prepare(odoo_registry(args.db))
    with_server(args, lambda url: shots(url, args.db, retainer_id))


if __name__ == "__main__":
    main()
