from odoo.tests import TransactionCase, tagged

# What each shipped language shows once loaded: words of the friendly reminder's subject and of its
# body (the closing), the label of the 'formal_notice' action, and the statement's title.
EXPECTED = {
    "fr_FR": ("rappel de paiement", "Cordialement", "Mise en demeure", "Relevé de compte"),
    "he_IL": ("תזכורת תשלום", "בברכה", "התראה רשמית", "דף חשבון"),
    "de_DE": ("Zahlungserinnerung", "Mit freundlichen Grüßen", "Letzte Mahnung", "Kontoauszug"),
    "nl_NL": ("betalingsherinnering", "Met vriendelijke groet", "Ingebrekestelling", "Rekeningoverzicht"),
    "es_ES": ("recordatorio de pago", "Atentamente", "Requerimiento formal de pago", "Extracto de cuenta"),
    "it_IT": ("sollecito di pagamento", "Cordiali saluti", "Diffida ad adempiere", "Estratto conto"),
}
LANGUAGES = [code for code, expected in EXPECTED.items() if expected]


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        module = cls.env["ir.module.module"].search([("name", "=", "freelance_collections")])
        module._update_translations(LANGUAGES, overwrite=True)

    def test_languages_load_and_render(self):
        template = self.env.ref("freelance_collections.mail_template_friendly")
        action_field = self.env["collection.action.log"]._fields["action"]
        for code in LANGUAGES:
            subject, closing, formal_notice, statement_title = EXPECTED[code]
            with self.subTest(lang=code):
                self.assertIn(subject, template.with_context(lang=code).subject)
                self.assertIn(closing, template.with_context(lang=code).body_html)
                labels = dict(action_field._description_selection(self.env(context={"lang": code})))
                self.assertEqual(labels["formal_notice"], formal_notice, "selection values are translated")
                client = self.env["res.partner"].create({"name": f"Client {code}", "lang": code})
                html = (
                    self.env["ir.actions.report"]
                    ._render_qweb_html("freelance_collections.action_report_statement", client.ids)[0]
                    .decode()
                )
                self.assertIn(statement_title, html, "reports render in the client's language")

    def test_translated_mail_bodies_have_the_pay_links(self):
        """Every language's bodies are the current ones (pay links, balance button), not older bodies."""
        english_button = "View and pay your whole balance"
        for xmlid in ("courtesy", "friendly", "firm", "work_stop", "formal_notice", "discount_nudge"):
            template = self.env.ref(f"freelance_collections.mail_template_{xmlid}")
            for code in LANGUAGES:
                with self.subTest(template=xmlid, lang=code):
                    body = template.with_context(lang=code).body_html
                    self.assertIn("_collection_balance_url", body)
                    self.assertIn("_collection_pay_url", body)
                    self.assertIn("_collection_fees_listed_here", body, "the late fees under their invoice")
                    self.assertIn("_collection_bidi", body, "the body reads in the language's direction")
                    self.assertIn("_collection_reminder_credits", body, "the open credits are listed")
                    self.assertNotIn(english_button, body, "the body is translated")
                    self.assertNotIn(">Pay now<", body, "the body is translated")
