from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_french_and_hebrew_load_and_render(self):
        for code in ("fr_FR", "he_IL"):
            self.env["res.lang"]._activate_lang(code)
        module = self.env["ir.module.module"].search([("name", "=", "freelance_collections")])
        module._update_translations(["fr_FR", "he_IL"], overwrite=True)
        template = self.env.ref("freelance_collections.mail_template_friendly")
        self.assertIn("rappel de paiement", template.with_context(lang="fr_FR").subject)
        self.assertIn("תזכורת תשלום", template.with_context(lang="he_IL").subject)
        self.assertIn("Cordialement", template.with_context(lang="fr_FR").body_html)
        stage_field = self.env["collection.action.log"].with_context(lang="fr_FR")._fields["action"]
        labels = dict(stage_field._description_selection(self.env(context={"lang": "fr_FR"})))
        self.assertNotEqual(labels["formal_notice"], "Formal notice", "selection values are translated")
        client = self.env["res.partner"].create({"name": "Client FR", "lang": "fr_FR"})
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("freelance_collections.action_report_statement", client.ids)[0]
            .decode()
        )
        self.assertIn("Relevé de compte", html, "reports render in the client's language")

    def test_translated_mail_bodies_have_the_pay_links(self):
        """The French and Hebrew bodies are the current ones (pay links, balance button), not older bodies."""
        for code in ("fr_FR", "he_IL"):
            self.env["res.lang"]._activate_lang(code)
        module = self.env["ir.module.module"].search([("name", "=", "freelance_collections")])
        module._update_translations(["fr_FR", "he_IL"], overwrite=True)
        english_button = "View and pay your whole balance"
        for xmlid in ("courtesy", "friendly", "firm", "work_stop", "formal_notice", "discount_nudge"):
            template = self.env.ref(f"freelance_collections.mail_template_{xmlid}")
            for code in ("fr_FR", "he_IL"):
                with self.subTest(template=xmlid, lang=code):
                    body = template.with_context(lang=code).body_html
                    self.assertIn("_collection_balance_url", body)
                    self.assertIn("_collection_pay_url", body)
                    self.assertIn("collection_open_fee_ids", body, "the open late fees are listed under their invoice")
                    self.assertNotIn(english_button, body, "the body is translated")
                    self.assertNotIn(">Pay now<", body, "the body is translated")
