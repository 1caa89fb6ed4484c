#!/usr/bin/env python3
"""Take the README's screenshots (docs/screenshots/*.png) of a database with the addon's demo data.

    # a database of your own (created with the demo data, e.g. by scripts/serve.sh, or
    # `python3 -m odoo -d fc_shots -i freelance_collections --stop-after-init`): the script prepares
    # it, starts its own Odoo server on --port (no cron threads), takes the shots and stops the server
    python3 scripts/screenshots.py --db fc_shots --port 18169

    # against a server already running on that database (scripts/serve.sh)
    python3 scripts/screenshots.py --db freelance_demo --url http://localhost:8069

What it does, each time the same way:
1. prepares the database (committed, idempotent): runs the collections daily run once if no late-fee
   invoice exists yet (so the late clients have their fees), activates Hebrew (he_IL) with the
   translations of every installed module, and makes three portal users (password `portal`):
   `portal.late@example.com` (Forty Days Late SARL), `portal.deposit@example.com` (Deposit Client BV)
   and `portal.he@example.com` (Forty Days Late SARL, reads Hebrew);
2. back office, as admin/admin: clients by stage, the policies, a preset's form, invoices in
   collection, an invoice of a stopped client, the dry run, the Collections dashboard, the
   Receivables Aging pivot and the Overdue Clients by Stage kanban; the overpayment scam (an invoice
   of 1,000 of Overpaid Cheque Ltd, a cheque of 1,500 registered on it, a draft refund of 500, made
   once): the client's banner and the refund refused;
3. customer portal, as the portal users: the invoice page of Forty Days Late SARL (stage message,
   late-fee invoice, penalty clause), the same in Hebrew (right to left), and of Deposit Client BV
   (installments, one paid);
4. PDFs, rendered with `ir.actions.report._render_qweb_pdf` (wkhtmltopdf loads the styles from the
   server) and turned into a PNG of page 1 with `pdftoppm -png -r 80 -f 1 -l 1`: the demand letter of
   Seventy Days Late GmbH, in English and in Hebrew (the client's language switched to he_IL in a
   transaction that is rolled back, so the database keeps its English client).

Needs `pip install playwright`, Debian's chromium (no browser download: the system one is used),
wkhtmltopdf and poppler-utils (pdftoppm), and Odoo importable by the Python that runs it (18.0, or
19.0 from its venv; there, create the database with --with-demo). Right-to-left styles (bootstrap
flipped for Hebrew) need Odoo's `rtlcss` (`npm install -g rtlcss`); without it the Hebrew PDF is
still written right to left (dir="rtl") but keeps left-to-right alignments, and an `.rtl` asset
bundle built before rtlcss was installed stays cached in ir.attachment (delete the
`/web/assets/%.rtl.%` attachments to rebuild them).
`--only NAME[,NAME]` takes only some shots (names of the PNGs, without .png).
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its output

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("SCREENSHOTS_DIR") or os.path.join(REPO, "docs", "screenshots")  # elsewhere: SCREENSHOTS_DIR
PORTAL_PASSWORD = "portal"
# (login, contact name, demo client, language) of the portal users the script makes
PORTAL_USERS = [
    ("portal.late@example.com", "Claire Martin", "Forty Days Late SARL (demo)", "en_US"),
    ("portal.deposit@example.com", "Joost de Vries", "Deposit Client BV (demo)", "en_US"),
    ("portal.he@example.com", "Noa Levi", "Forty Days Late SARL (demo)", "he_IL"),
]
DEMAND_LETTER_CLIENT = "Seventy Days Late GmbH (demo)"
OVERPAID_CLIENT = "Overpaid Cheque Ltd (demo)"


def addons_path():
    import odoo.release  # odoo.__file__ is None on 19.0 (a namespace package)

    root = os.path.dirname(os.path.dirname(odoo.release.__file__))
    paths = [REPO, os.path.join(root, "addons"), os.path.join(root, "odoo", "addons")]
    return os.environ.get("ODOO_ADDONS_PATH") or ",".join(p for p in paths if os.path.isdir(p))


def odoo_registry(db):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", db, "--log-level=warn"])
    return Registry(db)


def prepare(registry):
    """Late fees, portal users and Hebrew; returns {demo client name: the id of its invoice}."""
    from odoo import SUPERUSER_ID, Command, api

    from odoo.addons.freelance_collections.tools import compat

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["account.move"].search_count([("collection_fee_invoice", "=", True)]):
            print("running the collections daily run once (late fees of the demo clients)")
            env["collection.run"]._cron_run_collections()
        env["res.lang"]._activate_lang("he_IL")  # as Settings > Languages does: every module's terms
        env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["he_IL"])
        invoices = {}
        for login, contact_name, client_name, lang in PORTAL_USERS:
            client = env["res.partner"].search([("name", "=", client_name), ("is_company", "=", True)], limit=1)
            if not client:
                sys.exit(f"Demo client {client_name!r} not found: create the database with the demo data.")
            user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
            if not user:
                contact = env["res.partner"].create(
                    {
                        "name": contact_name,
                        "parent_id": client.id,
                        "email": login,
                        "type": "invoice",
                        "lang": lang,
                    }
                )
                user = (
                    env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "name": contact_name,
                            "login": login,
                            "partner_id": contact.id,
                            compat.GROUPS: [Command.set(env.ref("base.group_portal").ids)],
                        }
                    )
                )
            user.write({"password": PORTAL_PASSWORD, "active": True, "lang": lang})
            invoice = env["account.move"].search(
                [
                    ("partner_id", "child_of", client.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("collection_fee_invoice", "=", False),
                ],
                order="id",
                limit=1,
            )
            invoices[client_name] = invoice.id
        return invoices


def prepare_overpayment(registry):
    """The overpayment scam (committed, idempotent): an invoice of 1,000, a cheque of 1,500 registered
    on it and a draft refund of the 500; returns (client id, refund id)."""
    from odoo import SUPERUSER_ID, Command, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        client = env["res.partner"].search([("name", "=", OVERPAID_CLIENT)], limit=1)
        if not client:
            client = env["res.partner"].create(
                {"name": OVERPAID_CLIENT, "is_company": True, "email": "accounts@overpaid.example.com"}
            )
        Payment = env["account.payment"]
        if not Payment.search_count([("partner_id", "=", client.id), ("collection_overpaid_amount", ">", 0)]):
            today = fields.Date.context_today(client)
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": client.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create({"name": "Website redesign", "quantity": 1, "price_unit": 1000.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
                {"amount": 1500.0, "payment_date": today, "communication": "Cheque 0042"}
            )._create_payments()
        refund = Payment.search(
            [("partner_id", "=", client.id), ("payment_type", "=", "outbound"), ("state", "=", "draft")], limit=1
        )
        if not refund:
            refund = Payment.create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": client.id,
                    "amount": 500.0,
                    "memo": "Refund of the overpayment",
                }
            )
        return client.id, refund.id


def start_server(db, port):
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        db,
        f"--addons-path={addons_path()}",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    server = subprocess.Popen(cmd)
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(180):
        if server.poll() is not None:
            sys.exit(f"The Odoo server stopped (exit code {server.returncode}); is port {port} free?")
        with contextlib.suppress(OSError):  # not listening yet
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                if response.status == 200:
                    return server, url
        time.sleep(1)
    server.terminate()
    sys.exit(f"The Odoo server did not answer on {url} within 3 minutes.")


@contextlib.contextmanager
def chromium_browser():
    """Headless Chromium (Debian's) driven by playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def logged_in(browser, url, db):
    """A function login(user, password, ready) -> (context, page): a new browser context logged in as
    USER on DB, once the selector READY shows."""

    def login(user, password, ready):
        context = browser.new_context(viewport={"width": 1400, "height": 860})
        page = context.new_page()
        page.goto(f"{url}/web/login?db={db}")
        page.fill("input[name=login]", user)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_selector(ready, timeout=60000)
        return context, page

    return login


def browser_shots(url, db, invoices, wanted, overpayment=(None, None)):
    with chromium_browser() as browser:
        login = logged_in(browser, url, db)

        def save(page, name, **kwargs):
            page.screenshot(path=os.path.join(OUT, f"{name}.png"), **kwargs)
            print("wrote", name)

        context, page = login("admin", "admin", ".o_main_navbar")

        def shot(name, path, selector, wait=1500):
            if name not in wanted:
                return False
            page.goto(f"{url}{path}")
            page.wait_for_selector(selector, timeout=60000)
            page.wait_for_timeout(wait)
            save(page, name)
            return True

        shot(
            "clients_by_stage",
            "/odoo/action-freelance_collections.res_partner_action_collections",
            ".o_kanban_renderer",
        )
        if (
            shot(
                "policy_ladder",
                "/odoo/action-freelance_collections.collection_policy_action",
                ".o_list_renderer, .o_kanban_renderer",
            )
            and "policy_form" in wanted
        ):
            page.get_by_text("Freelancer standard", exact=True).click()
            page.wait_for_selector(".o_form_view", timeout=60000)
            page.wait_for_timeout(1500)
            save(page, "policy_form")
        if (
            shot(
                "invoices_in_collection",
                "/odoo/action-freelance_collections.account_move_action_collections",
                ".o_list_renderer",
            )
            and "invoice_work_stop" in wanted
        ):
            page.locator(".o_group_name", has_text="Work stop").first.click()
            page.locator(".o_data_row", has_text="Forty Days Late").first.locator("td.o_data_cell").nth(1).click()
            page.wait_for_selector(".o_form_view .alert-danger", timeout=60000)
            page.wait_for_timeout(1500)
            save(page, "invoice_work_stop")
        shot(
            "dry_run",
            "/odoo/action-freelance_collections.action_collection_dry_run",
            ".o_form_view, .o_list_renderer",
        )
        if (
            shot(
                "collection_runs",
                "/odoo/action-freelance_collections.collection_run_action",
                ".o_list_renderer",
            )
            and "collection_run" in wanted
        ):
            page.locator(".o_data_row td.o_data_cell").first.click()
            page.wait_for_selector(".o_form_view .o_field_one2many", timeout=60000)
            page.wait_for_timeout(1500)
            save(page, "collection_run")
        if "dashboard" in wanted:  # through the menu: a server action's URL alone shows another app's menu
            page.goto(f"{url}/odoo/action-freelance_collections.account_move_action_collections")
            page.wait_for_selector(".o_list_renderer", timeout=60000)
            page.locator(".o_menu_sections button", has_text="Collections").first.click()
            page.locator(".dropdown-menu .dropdown-item", has_text="Dashboard").first.click()
            page.wait_for_selector(".o_form_view .o_field_monetary", timeout=60000)
            page.wait_for_timeout(1500)
            save(page, "dashboard")
        client_id, refund_id = overpayment
        shot("overpayment_client_banner", f"/odoo/res.partner/{client_id}", ".o_form_view .alert-warning")
        if shot(
            "overpayment_refund_refused", f"/odoo/account.payment/{refund_id}", ".o_form_view .alert-danger", wait=500
        ):
            page.locator(".o_form_view button[name=action_post]").first.click()
            page.wait_for_selector(".modal .modal-body", timeout=60000)
            page.wait_for_timeout(1000)
            save(page, "overpayment_refund_refused")
        shot(
            "receivables_aging",
            "/odoo/action-freelance_collections.collection_aging_report_action",
            ".o_pivot table tbody tr",
        )
        page.set_viewport_size({"width": 1800, "height": 700})  # every stage column
        shot(
            "overdue_clients_by_stage",
            "/odoo/action-freelance_collections.collection_overdue_partner_action",
            ".o_kanban_renderer .o_kanban_record",
        )
        context.close()

        portal_shots = [
            ("portal_invoice_late_fees", PORTAL_USERS[0]),
            ("portal_invoice_installments", PORTAL_USERS[1]),
            ("portal_invoice_he", PORTAL_USERS[2]),
        ]
        for name, (login_name, _contact, client, lang) in portal_shots:
            if name not in wanted:
                continue
            context, page = login(login_name, PORTAL_PASSWORD, "#wrapwrap")
            # the login page left the default language in the frontend_lang cookie, which the portal
            # prefers to the user's: the language's URL prefix (/he/...) switches it, as the footer's
            # language selector does
            prefix = "" if lang == "en_US" else "/" + lang.split("_")[0]
            page.goto(f"{url}{prefix}/my/invoices/{invoices[client]}")
            page.wait_for_selector("#invoice_collections", timeout=60000)
            page.wait_for_timeout(2000)
            save(page, name, full_page=True)
            context.close()


def pdf_shots(registry, url, wanted):
    """Page 1 of the demand letter, in English and in Hebrew, as PNGs (nothing is committed)."""
    from odoo import SUPERUSER_ID, api

    jobs = [(name, lang) for name, lang in [("demand_letter", None), ("demand_letter_he", "he_IL")] if name in wanted]
    if not jobs:
        return
    if not shutil.which("pdftoppm"):
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    cr = registry.cursor()
    try:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
        env["ir.config_parameter"].set_param("report.url", url)  # wkhtmltopdf loads the styles from there
        client = env["res.partner"].search([("name", "=", DEMAND_LETTER_CLIENT)], limit=1)
        for name, lang in jobs:
            client.lang = lang or "en_US"
            pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(
                "freelance_collections.action_report_demand_letter", client.ids
            )
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, f"{name}.pdf")
                with open(path, "wb") as handle:
                    handle.write(pdf)
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        path,
                        os.path.join(OUT, name),
                    ],
                    check=True,
                )
            print("wrote", name)
    finally:
        cr.rollback()
        cr.close()


ALL_SHOTS = [
    "clients_by_stage",
    "policy_ladder",
    "policy_form",
    "invoices_in_collection",
    "invoice_work_stop",
    "dry_run",
    "collection_runs",
    "collection_run",
    "dashboard",
    "receivables_aging",
    "overdue_clients_by_stage",
    "overpayment_client_banner",
    "overpayment_refund_refused",
    "portal_invoice_late_fees",
    "portal_invoice_installments",
    "portal_invoice_he",
    "demand_letter",
    "demand_letter_he",
]


def shot_parser(doc):
    """The options every screenshot script takes: --db, --url, --port."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--db", default="freelance_demo")
    parser.add_argument("--url", help="a server already running on --db (else the script starts one)")
    parser.add_argument("--port", type=int, default=18169, help="port of the server the script starts")
    return parser


def with_server(args, shoot):
    """Call shoot(url) on the server at --url, else on one started for --db on --port (stopped after)."""
    server, url = (None, args.url) if args.url else start_server(args.db, args.port)
    try:
        shoot(url)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)


def main():
    parser = shot_parser(__doc__)
    parser.add_argument("--only", help="comma-separated shot names: " + ", ".join(ALL_SHOTS))
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else set(ALL_SHOTS)
    if wanted - set(ALL_SHOTS):
        parser.error(f"unknown shots: {', '.join(sorted(wanted - set(ALL_SHOTS)))}")
    os.makedirs(OUT, exist_ok=True)
    registry = odoo_registry(args.db)
    invoices = prepare(registry)
    overpayment = prepare_overpayment(registry)

    def shoot(url):
        browser_shots(url, args.db, invoices, wanted, overpayment)
        pdf_shots(registry, url, wanted)

    with_server(args, shoot)


if __name__ == "__main__":
    main()
