"""The retainer on the customer portal: its balance and history for the client's portal users, and
nothing for anyone else (another client, a visitor, a retainer of another company).

An HttpCase tagged ``fc_portal_tour``: ``scripts/test.sh`` runs it with Odoo's runner in its portal
step (pytest-odoo skips HttpCase).
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_retainer import RetainerCommon


@tagged("post_install", "-at_install", "fc_portal_tour")
class TestRetainerPortal(RetainerCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_client = cls.env["res.partner"].create({"name": "Other Client Ltd", "is_company": True})
        cls.user_a = cls._portal_user("fc_retainer_a", cls.client)
        cls.user_b = cls._portal_user("fc_retainer_b", cls.other_client)
        cls.retainer_a = cls._retainer()
        cls.retainer_b = cls._retainer(amount=999.0, threshold=0.0, partner=cls.other_client)
        cls.invoice_a = cls._invoice(800.0, invoice_date=cls.env.cr.now().date())
        company_2 = cls.setup_other_company(name="Retainer Portal Co 2")["company"]
        cls.retainer_a2 = cls.Retainer.with_company(company_2).create(
            {"partner_id": cls.client.id, "amount": 4321.0, "state": "active"}
        )

    @classmethod
    def _portal_user(cls, login, company_partner):
        contact = cls.env["res.partner"].create(
            {"name": f"{company_partner.name} buyer", "parent_id": company_partner.id, "email": f"{login}@example.com"}
        )
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )

    def _get(self, path):
        return self.url_open(path, allow_redirects=False)

    def test_the_client_sees_its_balance_and_history(self):
        self.authenticate("fc_retainer_a", "fc_retainer_a")
        page = self._get(f"/my/retainers/{self.retainer_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_collections_retainer_history", page.text)
        self.assertIn("1,200.00", page.text, "the balance")
        self.assertIn(self.invoice_a.name, page.text, "the drawn invoice in the history")
        listing = self._get("/my/retainers")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(f"/my/retainers/{self.retainer_a.id}", listing.text)
        self.assertNotIn("999.00", listing.text)
        self.assertNotIn("4,321.00", listing.text, "not the retainer of another company")
        invoices = self._get("/my/invoices")
        self.assertIn("o_collections_retainer_balance", invoices.text, "the balance on /my/invoices too")

    def test_no_one_else_sees_it(self):
        self.authenticate("fc_retainer_b", "fc_retainer_b")
        page = self._get(f"/my/retainers/{self.retainer_a.id}")
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("1,200.00", page.text)
        self.assertNotIn(f"/my/retainers/{self.retainer_a.id}", self._get("/my/retainers").text)
        self.authenticate("fc_retainer_a", "fc_retainer_a")
        self.assertEqual(self._get(f"/my/retainers/{self.retainer_b.id}").status_code, 404)
        self.assertEqual(self._get(f"/my/retainers/{self.retainer_a2.id}").status_code, 404, "another company")
        self.assertEqual(self._get("/my/retainers/999999").status_code, 404)
        self.authenticate(None, None)
        visitor = self._get(f"/my/retainers/{self.retainer_a.id}")
        self.assertIn(visitor.status_code, (301, 302, 303))
        self.assertIn("/web/login", visitor.headers["Location"])
