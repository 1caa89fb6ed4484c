from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import tagged

from .common import CollectionsCommon

STATEMENT = "freelance_collections.action_report_statement"
DEMAND_LETTER = "freelance_collections.action_report_demand_letter"
CLIENT_TEMPLATES = (
    "courtesy",
    "friendly",
    "firm",
    "work_stop",
    "formal_notice",
    "discount_nudge",
    "autopay_notice",
    "autopay_failed",
)
LATIN_NAME = "Hundred Days Late Inc (demo)"


def _has_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@tagged("post_install", "-at_install")
class TestLetters(CollectionsCommon):
    """What the client reads: the statement and the demand letter stand alone as letters (sender,
    recipient, date and reference in the page body, which every wkhtmltopdf prints, not in the page
    header that Debian's drops), dated in the client's language; the emails and the PDFs read right
    to left for a Hebrew client, with the Latin names and references in them isolated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("fr_FR", "he_IL"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env.user.lang = "en_US"  # the one printing reads English
        cls.env.company.partner_id.write({"street": "1 Sender Street", "zip": "1000", "city": "Senderville"})
        cls.client.write(
            {
                "lang": "fr_FR",
                "street": "12 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.hebrew = cls.env["res.partner"].create(
            {
                "name": LATIN_NAME,
                "is_company": True,
                "lang": "he_IL",
                "email": "billing@hundred.example.com",
                "street": "Herzl 5",
                "city": "Tel Aviv",
            }
        )
        cls.english = cls.env["res.partner"].create(
            {"name": "English Client Ltd", "is_company": True, "lang": "en_US", "email": "ap@english.example.com"}
        )
        with freeze_time("2026-11-01"):
            cls.french_invoice = cls._invoice(amount=2400, invoice_date="2026-09-28", due_date="2026-10-28")
            cls.hebrew_invoice = cls._invoice(
                amount=5000, invoice_date="2026-07-30", due_date="2026-08-29", partner=cls.hebrew
            )
            cls.english_invoice = cls._invoice(
                amount=500, invoice_date="2026-09-01", due_date="2026-10-01", partner=cls.english
            )

    def _html(self, report, partner, invoices=None):
        content = (
            self.env["ir.actions.report"]
            .with_context(collection_invoice_ids=invoices.ids if invoices else False)
            ._render_qweb_html(report, partner.ids)[0]
            .decode()
        )
        return content, lxml_html.fromstring(content)

    def _page(self, root):
        return root.xpath(f"//div[{_has_class('article')}]//div[{_has_class('page')}]")[0]

    def _text(self, node):
        return " ".join(node.text_content().split())

    def _body(self, template, record, invoices):
        template = template.with_context(collection_invoice_ids=invoices.ids)
        body = template._generate_template([record.id], ["body_html"])[record.id]["body_html"]
        return lxml_html.fromstring(str(body))

    @freeze_time("2026-12-07 10:00:00")
    def test_letters_carry_sender_recipient_date_and_reference_in_the_page_body(self):
        company = self.env.company
        for report in (STATEMENT, DEMAND_LETTER):
            with self.subTest(report=report):
                _content, root = self._html(report, self.client, self.french_invoice)
                page = self._page(root)
                sender = self._text(page.xpath(".//*[@name='collection_sender']")[0])
                self.assertIn(company.name, sender)
                self.assertIn("1 Sender Street", sender)
                self.assertIn("Senderville", sender)
                recipient = self._text(page.xpath(".//*[@name='collection_recipient']")[0])
                self.assertIn(self.client.name, recipient)
                self.assertIn("12 rue de la Paix", recipient)
                self.assertIn("75002 Paris", recipient)
                self.assertIn("07/12/2026", self._text(page.xpath(".//*[@name='collection_letter_date']")[0]))
                # the page header (which Debian's wkhtmltopdf drops) is empty: no sender printed twice
                for header in root.xpath(f"//div[{_has_class('header')}]"):
                    self.assertFalse(self._text(header), "nothing in the page header")
                # the top margin of a page without header, not the paper format's 52 mm
                self.assertEqual(root.get("data-report-margin-top"), "12")
                self.assertEqual(root.get("data-report-margin-bottom"), "16")
        _content, root = self._html(DEMAND_LETTER, self.client, self.french_invoice)
        reference = self._text(self._page(root).xpath(".//*[@name='collection_letter_date']")[0])
        self.assertIn(self.french_invoice.name, reference, "the demand letter refers to the invoices it claims")

    @freeze_time("2026-12-07 10:00:00")
    def test_letter_footer_gives_the_sender_contact_details(self):
        company = self.env.company
        company.write({"phone": "+33 1 23 45 67 89", "email": "billing@sender.example.com", "report_footer": False})
        _content, root = self._html(DEMAND_LETTER, self.client, self.french_invoice)
        footer = self._text(self._page(root).xpath(".//*[@name='collection_sender_contact']")[0])
        self.assertIn("+33 1 23 45 67 89", footer)
        self.assertIn("billing@sender.example.com", footer)
        company.report_footer = "<p>IBAN FR76 0000 0000 0000</p>"
        _content, root = self._html(DEMAND_LETTER, self.client, self.french_invoice)
        footer = self._text(self._page(root).xpath(".//*[@name='collection_sender_contact']")[0])
        self.assertEqual(footer, "IBAN FR76 0000 0000 0000", "the company's own report footer when it has one")

    @freeze_time("2026-12-07 10:00:00")
    def test_demand_letter_date_in_the_client_language(self):
        for partner, invoice, expected in (
            (self.client, self.french_invoice, "07/12/2026"),
            (self.english, self.english_invoice, "12/07/2026"),
        ):
            with self.subTest(lang=partner.lang):
                content, root = self._html(DEMAND_LETTER, partner, invoice)
                date = self._text(self._page(root).xpath(".//*[@name='collection_letter_date']")[0])
                self.assertIn(expected, date)
                self.assertNotIn("2026-12-07", content, "no ISO date for the client")
        content, root = self._html(DEMAND_LETTER, self.english, self.english_invoice)
        self.assertIn("Date: 12/07/2026", self._text(self._page(root)))

    @freeze_time("2026-12-07 10:00:00")
    def test_hebrew_letters_isolate_the_latin_client_name(self):
        for report in (STATEMENT, DEMAND_LETTER):
            with self.subTest(report=report):
                _content, root = self._html(report, self.hebrew, self.hebrew_invoice)
                page = self._page(root)
                self.assertEqual(page.get("dir"), "rtl")
                names = [node for node in page.iter() if LATIN_NAME in (node.text or "")]
                self.assertTrue(names, "the client's name is in the letter")
                for node in names:
                    self.assertTrue(
                        node.xpath("ancestor-or-self::*[@dir='auto']"),
                        "the Latin name reads in its own direction, its brackets with it",
                    )
        _content, root = self._html(DEMAND_LETTER, self.hebrew, self.hebrew_invoice)
        amount = self._page(root).xpath(".//strong[@dir='auto']")
        self.assertTrue(amount and "5,000.00" in self._text(amount[0]), "the amount claimed is isolated too")

    def test_hebrew_emails_read_right_to_left(self):
        for name in CLIENT_TEMPLATES:
            template = self.env.ref(f"freelance_collections.mail_template_{name}")
            with self.subTest(template=name):
                body = self._body(template, self.hebrew, self.hebrew_invoice)
                self.assertEqual(body.get("dir"), "rtl", "the outer element reads right to left")
                greeting = [node for node in body.iter() if node.text == LATIN_NAME]
                self.assertEqual([node.get("dir") for node in greeting], ["auto"], "the name is isolated")
                for cell in body.xpath("//th[contains(@style, 'text-align')]")[:1]:
                    self.assertIn("text-align: right", cell.get("style"), "the first column starts on the right")
                english = self._body(template, self.english, self.english_invoice)
                self.assertEqual(english.get("dir"), "ltr")
                for cell in english.xpath("//th[contains(@style, 'text-align')]")[:1]:
                    self.assertIn("text-align: left", cell.get("style"))
        retainer = self.env.ref("freelance_collections.mail_template_retainer_request")
        self.assertEqual(self._body(retainer, self.hebrew_invoice, self.hebrew_invoice).get("dir"), "rtl")
        self.assertEqual(self._body(retainer, self.english_invoice, self.english_invoice).get("dir"), "ltr")

    def test_hebrew_reminder_as_sent_keeps_its_direction(self):
        """The email as the client receives it (the queued mail, after Odoo's sanitizing)."""
        message = self.hebrew._collection_send_reminder(
            self.template_friendly, self.hebrew_invoice, self.env["ir.attachment"]
        )
        mail = self.env["mail.mail"].search([("mail_message_id", "in", message.ids)])
        self.assertEqual(len(mail), 1)
        outer = lxml_html.fromstring(mail.body_html).xpath("//*[@dir]")[0]
        self.assertEqual(outer.get("dir"), "rtl")
        self.assertIn(self.hebrew_invoice.name, outer.text_content())
