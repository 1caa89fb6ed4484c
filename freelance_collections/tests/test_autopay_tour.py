"""Autopay in a browser: a portal client saves a card (payment_demo) and turns autopay on with the
consent; the back office shows it. Tagged ``fc_portal_tour`` (``scripts/test.sh`` step 6, with
``payment_demo``); skipped without payment_demo."""

import re

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..tools import compat
from .test_autopay import AutopayCommon
from .test_portal_tour import PortalClientsCommon


@tagged("post_install", "-at_install", "fc_portal_tour", "fc_autopay")
class TestPortalAutopayTour(AutopayCommon, PortalClientsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.demo_installed:
            # Only the demo provider in this company.
            (cls.env["payment.provider"].sudo().search([("company_id", "=", cls.env.company.id)]) - cls.provider).write(
                {"state": "disabled"}
            )
            cls.token.action_archive()  # the client saves its card in the browser

    def test_portal_client_turns_autopay_on(self):
        self.start_tour(
            "/my/payment_method",
            "freelance_collections_portal_autopay",
            login="fc_portal_a",
            cookies=compat.TOUR_COOKIES,
        )
        token = self.client.collection_autopay_token_id
        self.assertTrue(token, "autopay is on")
        self.assertEqual(token.partner_id, self.user_a.partner_id, "the card the client saved")
        self.assertIn("4242", token.payment_details)
        self.assertIn("3 days before", self.client.collection_autopay_consent)
        self.assertTrue(self.client.collection_autopay_since)
        self.assertTrue(self.client.message_ids.filtered(lambda m: "Autopay turned on" in m.body))
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.env.company.id)], "company_id": self.env.company.id})
        action = self.env.ref("account.res_partner_action_customer")
        self.start_tour(
            f"/odoo/action-{action.id}/{self.client.id}",
            "freelance_collections_backoffice_autopay",
            login="admin",
            cookies=compat.TOUR_COOKIES,
        )

    def _post(self, path, **data):
        page = self.url_open("/my/autopay")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(path, data={"csrf_token": csrf, **data})

    def test_portal_refuses_another_clients_card_and_turns_off(self):
        other_token = self._token(self.user_b.partner_id, "done")
        own_token = self._token(self.user_a.partner_id, "done")
        self.authenticate("fc_portal_a", "fc_portal_a")
        page = self._post("/my/autopay/enable", token_id=str(other_token.id), consent="on")
        self.assertIn("belongs to Other Client Ltd", page.text)
        self.assertFalse(self.client.collection_autopay_token_id, "nothing changed")
        page = self._post("/my/autopay/enable", token_id="abc", consent="on")
        self.assertIn("Choose one of your saved payment methods", page.text)
        page = self._post("/my/autopay/enable", token_id=str(own_token.id), consent="on")
        self.assertIn("Autopay is on", page.text)
        self.assertEqual(self.client.collection_autopay_token_id, own_token)
        self.assertFalse(self.other_client.collection_autopay_token_id)
        page = self._post("/my/autopay/disable")
        self.assertIn("Autopay is off", page.text)
        self.assertFalse(self.client.collection_autopay_token_id)
        self.assertTrue(self.client.message_ids.filtered(lambda m: "on the portal" in m.body))
