"""Markup and template syntax typed into names, reasons, messages and references come out as text in
the reminder, the portal panel, the statement and the demand letter (what the hostile tester found
held, kept so)."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon

SCRIPT = '<script>alert("fc")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 7*7 }} ${7*7} <t t-out='7*7'/>"


@tagged("post_install", "-at_install")
class TestInjection(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.name = f"Evil {SCRIPT} {TEMPLATE}"
        cls.stage_firm.portal_message = f"Pay now {SCRIPT}"

    def _assert_text(self, html, *raw):
        html = str(html)
        for markup in raw:
            self.assertNotIn(markup, html)
        self.assertNotIn("<script>", html)
        self.assertNotIn("onerror=alert", html.replace("onerror=alert(1)&gt;", ""))
        self.assertIn("&lt;script&gt;", html)

    @freeze_time("2026-02-20")
    def test_reminder_portal_statement_and_letter(self):
        invoice = self._invoice(due_date="2026-02-01", ref=IMAGE, payment_reference=IMAGE)
        self.assertEqual(invoice.collection_stage_id, self.stage_firm)
        message = self.client._collection_send_reminder(self.template_firm, invoice)
        self._assert_text(message.body, SCRIPT, IMAGE)
        self.assertIn("{{ 7*7 }}", message.body, "a name is not a template")
        self.assertNotIn("Evil 49", message.body)
        invoice.write({"collection_dispute": True, "collection_dispute_reason": f"Hours {SCRIPT} {IMAGE}"})
        panel = self.env["ir.qweb"]._render("freelance_collections.portal_invoice_collections", {"invoice": invoice})
        self._assert_text(panel, SCRIPT, IMAGE)
        self.assertIn("Pay now", panel)
        Report = self.env["ir.actions.report"]
        for report in ("action_report_statement", "action_report_demand_letter"):
            with self.subTest(report=report):
                html, _type = Report.with_context(collection_invoice_ids=invoice.ids)._render_qweb_html(
                    f"freelance_collections.{report}", self.client.ids
                )
                self._assert_text(html.decode(), SCRIPT, IMAGE)
                self.assertNotIn("Evil 49", html.decode())
