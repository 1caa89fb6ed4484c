"""The statutory presets, computed by hand: 10,000 late 45 days, inside one half-year and across one.

Every figure: Actual/365 simple interest on 10,000 from the day after the due date, summed exactly and
rounded once to the cent, plus the preset's fixed compensation. The reference rates are the shipped
ones (data/collection_rate_data.xml, data/collection_rate_extra_data.xml):

    index                       from 2025-01-01   from 2025-07-01
    ECB_SEMESTER (ES IT NL IE)   3.15              2.15
    BBK_BASISZINS (DE)           2.27              1.27
    BE_SEMESTER (BE, full rate)  11.5              10.5
    BOE_SEMESTER (UK)            4.75              4.25

Inside one half-year: due 31 January 2025, 45 days late on 17 March 2025 (28 days of February + 17).
Across the boundary: due 10 June 2025, 45 days late on 25 July 2025 (20 days of June, 25 of July).
"""

from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import CollectionsCommon

D = Decimal

# xml id: (currency, interest and compensation inside one half-year, interest and compensation across it)
CASES = {
    # 2.27 + 9 = 11.27%: 10000 x 11.27% x 45 / 365 = 50715 / 365 = 138.9452 -> 138.95; + 40 (§ 288(5) BGB)
    # across: (20 x 11.27 + 25 x 10.27) x 100 / 365 = 48215 / 365 = 132.0959 -> 132.10; + 40
    "policy_de_bgb_288": ("EUR", ("138.95", "40.00"), ("132.10", "40.00")),
    # 3.15 + 8 = 11.15%: 1115 x 45 / 365 = 50175 / 365 = 137.4658 -> 137.47; + 40
    # across: (20 x 11.15 + 25 x 10.15) x 100 / 365 = 47675 / 365 = 130.6164 -> 130.62; + 40
    "policy_es_ley_3_2004": ("EUR", ("137.47", "40.00"), ("130.62", "40.00")),
    "policy_it_dlgs_231_2002": ("EUR", ("137.47", "40.00"), ("130.62", "40.00")),
    "policy_nl_bw_6_119a": ("EUR", ("137.47", "40.00"), ("130.62", "40.00")),
    # 11.5 + 0 = 11.5%: 1150 x 45 / 365 = 51750 / 365 = 141.7808 -> 141.78; + 40
    # across: (20 x 11.5 + 25 x 10.5) x 100 / 365 = 49250 / 365 = 134.9315 -> 134.93; + 40
    "policy_be_law_2002": ("EUR", ("141.78", "40.00"), ("134.93", "40.00")),
    # 11.15% fixed when the debt falls due: inside 137.47; across, still 11.15% for all 45 days (the rate of
    # 11 June, the first day late) = 137.47, not 130.62; + 100 EUR (debt of 10,000 or more)
    "policy_ie_si_580_2012": ("EUR", ("137.47", "100.00"), ("137.47", "100.00")),
    # 4.75 + 8 = 12.75%: 1275 x 45 / 365 = 57375 / 365 = 157.1918 -> 157.19; + 100 GBP (10,000 and over);
    # across, fixed at due: 12.75% for all 45 days = 157.19 (moving, it would be 56125 / 365 = 153.77)
    "policy_uk_late_payment": ("GBP", ("157.19", "100.00"), ("157.19", "100.00")),
}
INSIDE = ("2025-01-31", date(2025, 3, 17))
ACROSS = ("2025-06-10", date(2025, 7, 25))


@tagged("post_install", "-at_install")
class TestLawPresets(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currencies = {
            "EUR": cls.setup_other_currency("EUR", rates=[("2025-01-01", 0.9)]),
            "GBP": cls.setup_other_currency("GBP", rates=[("2025-01-01", 0.8)]),
        }

    def _late_invoice(self, xmlid, due):
        policy = self.env.ref(f"freelance_collections.{xmlid}")
        client = self.env["res.partner"].create({"name": f"Client {xmlid}"})
        client.collection_policy_id = policy
        currency = self.currencies[policy.currency_id.name]
        with freeze_time(due):
            return self._invoice(amount=10000, invoice_date=due, due_date=due, partner=client, currency=currency)

    def _assert_penalty(self, invoice, on_date, interest, fixed):
        with freeze_time(on_date):
            breakdown = invoice._collection_penalty_breakdowns(on_date)[invoice]
        self.assertEqual(breakdown.days_late, 45)
        self.assertEqual((breakdown.interest, breakdown.fixed), (D(interest), D(fixed)))
        self.assertEqual(breakdown.total, D(interest) + D(fixed))

    def test_each_preset_inside_one_half_year(self):
        for xmlid, (currency, (interest, fixed), _across) in CASES.items():
            with self.subTest(preset=xmlid):
                invoice = self._late_invoice(xmlid, INSIDE[0])
                self.assertEqual(invoice.currency_id.name, currency)
                self._assert_penalty(invoice, INSIDE[1], interest, fixed)

    def test_each_preset_across_a_half_year_boundary(self):
        for xmlid, (_currency, _inside, (interest, fixed)) in CASES.items():
            with self.subTest(preset=xmlid):
                self._assert_penalty(self._late_invoice(xmlid, ACROSS[0]), ACROSS[1], interest, fixed)

    def test_the_run_books_what_the_hand_computed(self):
        """The nightly run books the German and Irish figures as a late-fee invoice, to the cent."""
        for xmlid, expected in (("policy_de_bgb_288", 178.95), ("policy_ie_si_580_2012", 237.47)):
            with self.subTest(preset=xmlid):
                invoice = self._late_invoice(xmlid, INSIDE[0])
                with freeze_time(INSIDE[1]):
                    self.env["collection.run"]._cron_run_collections()
                fees = invoice.collection_penalty_ids.filtered(lambda m: m.state == "posted")
                self.assertEqual(fees.mapped("amount_untaxed"), [expected])

    def test_presets_cite_their_law_in_the_country_language_and_english(self):
        words = {
            "policy_de_bgb_288": ("§ 288 Abs. 2 BGB", "Basiszinssatz", "Late payment"),
            "policy_es_ley_3_2004": ("Ley 3/2004", "intereses de demora", "Late payment"),
            "policy_it_dlgs_231_2002": ("D.Lgs. 231/2002", "interessi moratori", "Late payment"),
            "policy_nl_bw_6_119a": ("6:119a", "wettelijke handelsrente", "Late payment"),
            "policy_be_law_2002": ("loi du 2 août 2002", "wet van 2 augustus 2002", "Late payment"),
            "policy_ie_si_580_2012": ("S.I. No. 580 of 2012", "Late payment"),
        }
        for xmlid, expected in words.items():
            policy = self.env.ref(f"freelance_collections.{xmlid}")
            for word in expected:
                self.assertIn(word, policy.penalty_clause, xmlid)
            self.assertEqual(policy.interest_mode, "reference", xmlid)
        indexes = {
            "policy_de_bgb_288": ("BBK_BASISZINS", 9, False),
            "policy_es_ley_3_2004": ("ECB_SEMESTER", 8, False),
            "policy_it_dlgs_231_2002": ("ECB_SEMESTER", 8, False),
            "policy_nl_bw_6_119a": ("ECB_SEMESTER", 8, False),
            "policy_be_law_2002": ("BE_SEMESTER", 0, False),
            "policy_ie_si_580_2012": ("ECB_SEMESTER", 8, True),
            "policy_uk_late_payment": ("BOE_SEMESTER", 8, True),
            "policy_france_b2b": ("ECB_SEMESTER", 10, False),
            "policy_eu_directive": ("ECB_SEMESTER", 8, False),
        }
        for xmlid, (code, points, fixed) in indexes.items():
            policy = self.env.ref(f"freelance_collections.{xmlid}")
            self.assertEqual(
                (policy.rate_index_id.code, policy.annual_rate, policy.rate_fixed_at_due), (code, points, fixed), xmlid
            )
        ireland = self.env.ref("freelance_collections.policy_ie_si_580_2012")
        self.assertEqual(
            ireland.fee_band_ids.mapped(lambda b: (b.min_debt, b.amount)), [(0, 40), (1000, 70), (10000, 100)]
        )

    def test_the_invoice_pdf_prints_the_clause(self):
        invoice = self._late_invoice("policy_de_bgb_288", INSIDE[0])
        html = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)[0].decode()
        self.assertIn("neun Prozentpunkten über dem Basiszinssatz (§ 288 Abs. 2 BGB)", html)
        self.assertIn("a flat fee of 40 EUR (BGB § 288(5))", html)

    def test_the_rate_fixed_at_due_shows_on_the_policy_form(self):
        with Form(self.env["collection.policy"]) as form:
            form.name = "Contract rate, fixed"
            form.interest_mode = "reference"
            form.rate_index_id = self.env.ref("freelance_collections.rate_index_boe_semester")
            form.annual_rate = 8
            form.rate_fixed_at_due = True
        self.assertTrue(form.record.rate_fixed_at_due)
        self.assertTrue(form.record._get_penalty_rules().rate_fixed_at_due)
