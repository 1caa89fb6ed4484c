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
        html = self.env["ir.actions.report"]._render_qweb_html(
            "freelance_collections.action_report_statement", client.ids)[0].decode()
        self.assertIn("Relevé de compte", html, "reports render in the client's language")
