"""A run's reminders cost less, and are the same: their template body compiled once (not at every
email), their PDFs rendered for the whole batch in one wkhtmltopdf call and split per client."""

import os
import shutil
import subprocess
import tempfile
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.freelance_collections.models import ir_qweb, mail_render_mixin, res_partner_reminder_batch
from odoo.addons.freelance_collections.tools import compat

from .common import CollectionsCommon
from .common_run import RunCommon

DEMAND_LETTER = res_partner_reminder_batch.DEMAND_LETTER
STATEMENT = res_partner_reminder_batch.STATEMENT


def _listed(moves, client):
    """The invoices of MOVES a reminder to CLIENT lists (None: the report lists every open invoice)."""
    return moves.filtered(lambda move: move.commercial_partner_id == client) if moves else None


class _Uncached:
    """The render cache off: Odoo's own rendering, compiled at every email."""

    def __enter__(self):
        self.patches = [
            patch.object(ir_qweb, "RENDER_CACHE_CONTEXT", "no such key"),
            patch.object(mail_render_mixin, "RENDER_CACHE_CONTEXT", "no such key"),
        ]
        for one in self.patches:
            one.start()

    def __exit__(self, *exc):
        for one in self.patches:
            one.stop()


@tagged("post_install", "-at_install")
class TestReminderRenderCache(CollectionsCommon):
    """The body of a reminder's template is compiled once per body text and language: the same
    email as Odoo renders it, every translation, and a template edited in the editor used at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.ref("base.module_freelance_collections")._update_translations(["fr_FR"], overwrite=True)
        cls.french = cls.env["res.partner"].create(
            {"name": "Client Français", "is_company": True, "email": "fr@example.com", "lang": "fr_FR"}
        )
        cls.invoice = cls._invoice(amount=1000)
        cls.second = cls._invoice(amount=250, due_date="2026-02-10")
        cls.french_invoice = cls._invoice(amount=400, partner=cls.french)

    def _render(self, template, partner, invoices):
        rendered = template.with_context(collection_invoice_ids=invoices.ids)._render_field(
            "body_html", partner.ids, compute_lang=True
        )
        return str(rendered[partner.id])

    def _generated(self):
        return patch.object(
            type(self.env["ir.qweb"]),
            "_generate_code",
            autospec=True,
            side_effect=type(self.env["ir.qweb"])._generate_code,
        )

    def test_the_same_body_as_odoo_compiled_once(self):
        invoices = self.invoice | self.second
        for template in (self.template_friendly, self.template_firm):
            with _Uncached():
                expected = self._render(template, self.client, invoices)
            self.assertIn(self.invoice.name, expected)
            with self._generated() as generate:
                first = self._render(template, self.client, invoices)
                self.assertLessEqual(generate.call_count, 2, "compiled once, checked once")
                generate.reset_mock()
                again = self._render(template, self.client, self.invoice)
                self.assertEqual(generate.call_count, 0, "the second email: nothing compiled")
            french = self._render(template, self.french, self.french_invoice)
            self.assertEqual(first, expected, "the very body Odoo renders")
            self.assertNotIn(self.second.name, again, "the second email lists its own invoices")
            with _Uncached():
                self.assertEqual(again, self._render(template, self.client, self.invoice))
                self.assertEqual(french, self._render(template, self.french, self.french_invoice))

    def test_translated_body(self):
        body = self._render(self.template_friendly, self.french, self.french_invoice)
        with _Uncached():
            self.assertEqual(body, self._render(self.template_friendly, self.french, self.french_invoice))
        self.assertIn(self.french_invoice.name, body)
        self.assertNotIn("Dear ", body, "the French translation, not the English body")

    def test_edited_template_used_at_once(self):
        template = self.template_friendly
        self._render(template, self.client, self.invoice)  # compiled and kept
        template.body_html = (
            '<p>Edited: <t t-out="object.name"/> owes <t t-out="len(object.collection_reminder_invoice_ids)"/></p>'
        )
        self.assertEqual(self._render(template, self.client, self.invoice), "<p>Edited: Client Co owes 1</p>")
        template.with_context(lang="fr_FR").body_html = '<p>Modifié : <t t-out="object.name"/></p>'
        self.assertEqual(self._render(template, self.french, self.french_invoice), "<p>Modifié : Client Français</p>")
        self.assertEqual(self._render(template, self.client, self.invoice), "<p>Edited: Client Co owes 1</p>")

    def test_template_attachments_go_with_the_reminder(self):
        """A file a user attaches to the reminder template goes with every reminder, with the statement
        or without, as Odoo sends a template's attachments."""
        template = self.template_friendly
        terms = self.env["ir.attachment"].create(
            {"name": "terms.pdf", "datas": "JVBERi0=", "res_model": "mail.template", "res_id": template.id}
        )
        template.attachment_ids = terms
        none = self.env["ir.attachment"]
        alone = self.client._collection_send_reminder(template, self.invoice, attachments=none)
        self.assertEqual(alone.attachment_ids.mapped("name"), ["terms.pdf"])
        statement = self.client._collection_statement_attachment()
        both = self.client._collection_send_reminder(template, self.invoice, attachments=statement)
        self.assertEqual(sorted(both.attachment_ids.mapped("name")), sorted(["terms.pdf", statement.name]))
        self.assertEqual(terms.res_model, "mail.template", "the template keeps its own file (Odoo sends a copy)")
        template.attachment_ids = False
        self.assertFalse(self.client._collection_send_reminder(template, self.invoice, attachments=none).attachment_ids)

    def test_reminder_message_is_the_same(self):
        with _Uncached():
            expected = self.client._collection_send_reminder(self.template_firm, self.invoice)
        message = self.client._collection_send_reminder(self.template_firm, self.invoice)
        self.assertEqual(str(message.body), str(expected.body))
        self.assertEqual(message.subject, expected.subject)
        self.assertEqual(message.partner_ids, expected.partner_ids)


@tagged("post_install", "-at_install")
class TestReminderPdfBatch(CollectionsCommon):
    """The demand letters and statements of a batch rendered in one wkhtmltopdf call, split per
    client by Odoo: each client's PDF is the one it gets rendered alone, page by page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("he_IL")
        cls.env.ref("base.module_freelance_collections")._update_translations(["he_IL"], overwrite=True)
        cls.hebrew = cls.env["res.partner"].create(
            {"name": "Hebrew Client", "is_company": True, "email": "he@example.com", "lang": "he_IL"}
        )
        cls.third = cls.env["res.partner"].create(
            {"name": "Third Client", "is_company": True, "email": "t@example.com"}
        )
        cls.moves = (
            cls._invoice(amount=1000)
            | cls._invoice(amount=300, due_date="2026-01-15")
            | cls._invoice(amount=700, partner=cls.hebrew)
            | cls._invoice(amount=90, partner=cls.third)
        )
        cls.clients = cls.client | cls.hebrew | cls.third

    def setUp(self):
        super().setUp()
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is needed to compare the PDFs' pages")
        self.Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if self.Report.get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed")
        # no server answers the PDFs' asset requests during these tests: a closed port fails them at once
        # (the test server would leave wkhtmltopdf waiting), the same for a PDF batched or rendered alone
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def _needs_patched_qt(self):
        if not compat.wkhtmltopdf_prints_many():
            # scripts/test.sh runs this file again with a patched build, where the comparison must happen
            self.assertFalse(os.environ.get("FC_REQUIRE_BATCHED_PDF"), "this wkhtmltopdf does not print many")
            self.skipTest(
                "this wkhtmltopdf prints one document per call (not 'with patched qt'): nothing is batched here "
                "(test_unpatched_wkhtmltopdf_renders_one_by_one)"
            )

    def _pages(self, pdf):
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"], capture_output=True, check=True, text=True
            ).stdout
        return text.rstrip("\f").split("\f")

    def _compare(self, report, moves):
        self._needs_patched_qt()
        clients = self.clients.with_context(force_report_rendering=True)
        wkhtmltopdf = type(self.env["ir.actions.report"])._run_wkhtmltopdf
        with patch.object(
            type(self.env["ir.actions.report"]), "_run_wkhtmltopdf", autospec=True, side_effect=wkhtmltopdf
        ) as calls:
            self.assertEqual(clients._collection_render_pdfs(report, moves), 3)
            batched = {client: client._collection_report_pdf(report, _listed(moves, client)) for client in clients}
        self.assertEqual(calls.call_count, 1, "one wkhtmltopdf call for the three clients")
        for client, pdf in batched.items():
            listed = _listed(moves, client)
            alone, _kind = self.Report.with_context(
                collection_invoice_ids=listed.ids if listed else False
            )._render_qweb_pdf(report, client.ids)
            pages = self._pages(pdf)
            self.assertEqual(pages, self._pages(alone), f"{client.name}: the same pages as rendered alone")
            self.assertIn(client.name, " ".join(pages[0].split()))  # the layout may wrap a name
        self.assertIn(self.moves[0].name, self._pages(batched[self.client])[0])
        self.assertNotIn(self.moves[2].name, self._pages(batched[self.client])[0])

    def test_demand_letters_batched(self):
        self._compare(DEMAND_LETTER, self.moves)

    def test_statements_batched(self):
        self._compare(STATEMENT, None)

    def test_unpatched_wkhtmltopdf_renders_one_by_one(self):
        clients = self.clients.with_context(force_report_rendering=True)
        with (
            patch.object(compat, "wkhtmltopdf_prints_many", return_value=False),
            patch.object(type(self.env["ir.actions.report"]), "_run_wkhtmltopdf") as wkhtmltopdf,
        ):
            self.assertEqual(clients._collection_render_pdfs(STATEMENT), 0)
        wkhtmltopdf.assert_not_called()

    def test_taken_once_then_rendered_alone(self):
        self._needs_patched_qt()
        clients = self.clients.with_context(force_report_rendering=True)
        clients._collection_render_pdfs(STATEMENT)
        first = self.client.with_context(force_report_rendering=True)._collection_report_pdf(STATEMENT)
        with patch.object(type(self.env["ir.actions.report"]), "_render_qweb_pdf", return_value=(b"alone", "pdf")):
            self.assertEqual(self.client._collection_report_pdf(STATEMENT), b"alone", "kept PDFs are served once")
            self.assertEqual(
                self.hebrew._collection_report_pdf(DEMAND_LETTER, self.moves[2]), b"alone", "another report: rendered"
            )
        self.assertTrue(first.startswith(b"%PDF"))

    def test_failed_chunk_falls_back_to_one_by_one(self):
        clients = self.clients.with_context(force_report_rendering=True)
        with (
            patch.object(compat, "wkhtmltopdf_prints_many", return_value=True),
            patch.object(type(self.env["ir.actions.report"]), "_run_wkhtmltopdf", side_effect=OSError("broken")),
        ):
            self.assertEqual(clients._collection_render_pdfs(STATEMENT), 0)
        self.assertTrue(
            self.third.with_context(force_report_rendering=True)._collection_report_pdf(STATEMENT).startswith(b"%PDF")
        )


@tagged("post_install", "-at_install")
class TestReminderAuthorShared(RunCommon):
    """The composer finds a reminder's author from the template's sender address (three to four queries
    an email, the same answer): a batch looks it up once, and the author is the one Odoo finds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        cls.env.company.email = "billing@freelancer.example.com"
        cls.clients = cls.env["res.partner"].create(
            [{"name": f"Author client {n}", "is_company": True, "email": f"author{n}@example.com"} for n in range(3)]
        )

    def test_one_lookup_per_batch_and_the_same_author(self):
        Thread = type(self.env["mail.thread"])
        # the lookup by address: 19.0 renamed it
        finder = "_partner_find_from_emails_single" if compat.ODOO_19 else "_mail_find_partner_from_emails"
        original = getattr(Thread, finder)
        with freeze_time("2026-02-20"):
            for client in self.clients:
                self._invoice(partner=client, invoice_date="2026-01-01", due_date="2026-02-01")
            with patch.object(Thread, finder, autospec=True, side_effect=original) as find:
                self._run()
        emails = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.clients.ids), ("message_type", "=", "comment")]
        )
        self.assertEqual(len(emails), 3)
        senders = [
            call.args[1] for call in find.call_args_list if "billing@freelancer.example.com" in str(call.args[1])
        ]
        self.assertEqual(len(senders), 1, "the sender's author looked up once for the batch's three emails")
        kwargs = {} if compat.ODOO_19 else {"raise_on_email": False}  # 19.0 dropped the argument
        expected, _email = self.env["mail.thread"]._message_compute_author(None, emails[0].email_from, **kwargs)
        self.assertEqual(set(emails.author_id.ids), {expected}, "the author Odoo finds without the batch")
        self.assertNotIn(
            "freelance_collections.reminder_authors", self.env.cr.cache, "nothing kept once the batch is done"
        )

    def test_one_reply_to_lookup_per_batch_and_the_same_address(self):
        # mail's own method (its class is named BaseModel in 18.0, Base in 19.0)
        Base = next(
            cls
            for cls in type(self.env["res.partner"]).__mro__
            if cls.__module__ == "odoo.addons.mail.models.models" and "_notify_get_reply_to" in vars(cls)
        )
        original = Base._notify_get_reply_to
        with freeze_time("2026-02-20"):
            for client in self.clients:
                self._invoice(partner=client, invoice_date="2026-01-01", due_date="2026-02-01")
            with patch.object(Base, "_notify_get_reply_to", autospec=True, side_effect=original) as lookup:
                self._run()
        emails = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.clients.ids), ("message_type", "=", "comment")]
        )
        self.assertEqual(len(emails), 3)
        on_clients = [call for call in lookup.call_args_list if call.args[0]._name == "res.partner"]
        self.assertEqual(len(on_clients), 1, "the reply-to of the batch's three emails looked up once")
        self.assertEqual(set(on_clients[0].args[0].ids), set(self.clients.ids))
        for email in emails:
            client = self.env["res.partner"].browse(email.res_id)
            extra = {"author_id": email.author_id.id} if compat.ODOO_19 else {}  # 19.0: per author too
            expected = client._notify_get_reply_to(default=email.email_from, **extra)[client.id]
            self.assertEqual(email.reply_to, expected, "the address Odoo gives without the batch")
        self.assertNotIn("freelance_collections.reminder_reply_to", self.env.cr.cache)
