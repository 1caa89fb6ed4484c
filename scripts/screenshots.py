#!/usr/bin/env python3
"""Take the README's screenshots from a running demo server (scripts/serve.sh) with headless Chromium.

    python3 scripts/screenshots.py [--url http://localhost:8069] [--db freelance_demo]

Needs `pip install playwright` and Debian's chromium (no browser download: the system one is used).
Writes docs/screenshots/*.png.
"""

import argparse
import os
import shutil

from playwright.sync_api import sync_playwright

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "docs", "screenshots")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="freelance_demo")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        page.goto(f"{args.url}/web/login?db={args.db}")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar", timeout=60000)

        def shot(name, url, selector, wait=1500):
            page.goto(f"{args.url}{url}")
            page.wait_for_selector(selector, timeout=60000)
            page.wait_for_timeout(wait)
            page.screenshot(path=os.path.join(OUT, f"{name}.png"))
            print("wrote", name)

        shot("clients_by_stage", "/odoo/action-freelance_collections.res_partner_action_collections",
             ".o_kanban_renderer")
        shot("policy_ladder", "/odoo/action-freelance_collections.collection_policy_action",
             ".o_list_renderer, .o_kanban_renderer")
        page.get_by_text("Freelancer standard", exact=True).click()
        page.wait_for_selector(".o_form_view", timeout=60000)
        page.wait_for_timeout(1500)
        page.screenshot(path=os.path.join(OUT, "policy_form.png"))
        print("wrote policy_form")
        shot("invoices_in_collection", "/odoo/action-freelance_collections.account_move_action_collections",
             ".o_list_renderer")
        page.locator(".o_group_name", has_text="Work stop").first.click()
        page.locator(".o_data_row", has_text="Forty Days Late").first.locator("td.o_data_cell").nth(1).click()
        page.wait_for_selector(".o_form_view .alert-danger", timeout=60000)
        page.wait_for_timeout(1500)
        page.screenshot(path=os.path.join(OUT, "invoice_work_stop.png"))
        print("wrote invoice_work_stop")
        shot("dry_run", "/odoo/action-freelance_collections.action_collection_dry_run", ".o_form_view, .o_list_renderer")
        browser.close()


if __name__ == "__main__":
    main()
