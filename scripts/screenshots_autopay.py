#!/usr/bin/env python3
"""Take the autopay screenshots (docs/screenshots/portal_autopay.png, client_autopay.png) of a database
with the addon's demo data and ``payment_demo``:

    python3 -m odoo -d fc_shots -i freelance_collections,payment_demo --stop-after-init
    python3 scripts/screenshots_autopay.py --db fc_shots --port 18169

Prepares the database (committed, idempotent) as ``scripts/screenshots.py`` does (its portal users),
then enables the demo payment provider in the demo company, saves a demo card for Joost de Vries
(portal.deposit@example.com, Deposit Client BV) and turns autopay on for the client with the consent
text; then shoots the client's *Automatic payments* portal page and the client's *Collections* tab.
Same needs as ``scripts/screenshots.py``.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its output

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screenshots

CLIENT = screenshots.PORTAL_USERS[1]


def prepare_autopay(registry):
    """Autopay on for the demo client (committed, idempotent); returns its id."""
    from odoo import SUPERUSER_ID, Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if env["ir.module.module"]._get("payment_demo").state != "installed":
            sys.exit("Install payment_demo in this database first (-i payment_demo).")
        login, _contact, client_name, _lang = CLIENT
        user = env["res.users"].search([("login", "=", login)])
        client = user.partner_id.commercial_partner_id.with_company(user.company_id)
        provider = env.ref("payment.payment_provider_demo")
        method = env.ref("payment_demo.payment_method_demo")
        method.active = True
        provider.write(
            {
                "state": "test",
                "is_published": True,
                "allow_tokenization": True,
                "company_id": user.company_id.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        if not client.collection_autopay_token_id:
            token = env["payment.token"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "partner_id": user.partner_id.id,
                    "provider_ref": "demo-shots",
                    "payment_details": "4242",
                    "demo_simulated_state": "done",
                }
            )
            client = client.with_company(user.company_id)
            client._collection_autopay_on(token, client._collection_autopay_consent_text(token, user.company_id))
        print("autopay on for", client_name)
        return client.id


def shots(url, db, client_id):
    with screenshots.chromium_browser() as browser:
        login = screenshots.logged_in(browser, url, db)

        context, page = login(CLIENT[0], screenshots.PORTAL_PASSWORD, "#wrapwrap")
        page.goto(f"{url}/my/autopay")
        page.wait_for_selector(".o_collection_autopay_on", timeout=60000)
        page.wait_for_timeout(1500)
        page.set_viewport_size({"width": 1400, "height": 420})
        page.screenshot(path=os.path.join(screenshots.OUT, "portal_autopay.png"))
        print("wrote portal_autopay")
        context.close()

        context, page = login("admin", "admin", ".o_main_navbar")
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(f"{url}/odoo/res.partner/{client_id}")
        page.wait_for_selector(".o_form_view .o_notebook", timeout=60000)
        page.locator(".o_notebook_headers a", has_text="Collections").first.click()
        page.wait_for_selector("div[name=collection_autopay_token_id]", timeout=60000)
        page.locator("div[name=collection_autopay_consent]").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=os.path.join(screenshots.OUT, "client_autopay.png"))
        print("wrote client_autopay")
        context.close()


def main():
    args = screenshots.shot_parser(__doc__).parse_args()
    os.makedirs(screenshots.OUT, exist_ok=True)
    registry = screenshots.odoo_registry(args.db)
    screenshots.prepare(registry)
    client_id = prepare_autopay(registry)
    screenshots.with_server(args, lambda url: shots(url, args.db, client_id))


if __name__ == "__main__":
    main()
