"""Reference rates that update themselves, and never silently stale (no network: the session is mocked)."""

from pathlib import Path
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_run import RunCommon

DATA = Path(__file__).parent / "data" / "rates"


class _Answer:
    def __init__(self, text="", status=200):
        self.text = text
        self.status_code = status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} Server Error", response=self)


def _publisher(answers):
    """A fake ``requests.Session.get``: the answer whose key is in the URL (text, an _Answer or an error)."""
    calls = []

    def get(session, url, **kwargs):
        calls.append(url)
        assert kwargs.get("timeout"), "every fetch has a timeout"
        for key, answer in answers.items():
            if key in url:
                if isinstance(answer, Exception):
                    raise answer
                return answer if isinstance(answer, _Answer) else _Answer(answer)
        raise requests.ConnectionError("no route to host")

    get.calls = calls
    return get


@tagged("post_install", "-at_install")
class TestRateUpdate(RunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Index = cls.env["collection.rate.index"]
        cls.ecb_semester = cls.env.ref("freelance_collections.rate_index_ecb_semester")
        cls.ecb_mro = cls.env.ref("freelance_collections.rate_index_ecb_mro")
        cls.boe = cls.env.ref("freelance_collections.rate_index_boe_semester")
        cls.ecb_text = (DATA / "ecb_mro_csvdata.csv").read_text()
        cls.boe_text = (DATA / "boe_iudbedr.csv").read_text()
        cls.env["ir.config_parameter"].sudo().set_param("freelance_collections.rate_auto_update", "1")

    def _values(self, index):
        return {str(rate.date): rate.rate for rate in index.rate_ids}

    def _update(self, answers, indexes=None):
        get = _publisher(answers)
        with patch.object(requests.Session, "get", get):
            if indexes is None:
                self.Index._cron_update_rates()
            else:
                indexes._collection_update_rates()
        return get

    # --- updates ---------------------------------------------------------------------------------

    def test_shipped_indexes_have_their_publisher(self):
        self.assertEqual(self.ecb_semester.provider, "ecb_semester")
        self.assertEqual(self.ecb_mro.provider, "ecb_mro")
        self.assertFalse(self.ecb_mro.half_yearly)
        self.assertEqual(self.boe.provider, "boe_semester")
        self.assertEqual(self._values(self.boe)["2026-01-01"], 3.75)
        self.assertEqual(self._values(self.ecb_semester)["2026-01-01"], 2.15)
        # an index created with a code the addon knows gets its publisher (another data file, an import)
        belgium = self.Index.with_context(active_test=False).search([("code", "=", "BE_SEMESTER")])
        belgium = belgium or self.Index.create({"name": "Belgian rate", "code": "BE_SEMESTER"})
        self.assertEqual(belgium.provider, "be_semester")
        self.assertEqual(self.Index.create({"name": "Mine", "code": "MY_RATE"}).provider, "manual")

    @freeze_time("2026-07-02")
    def test_daily_update_records_the_new_fixings_once(self):
        self.boe.rate_ids.filtered(lambda rate: str(rate.date) == "2026-01-01").unlink()
        bbk_text = (DATA / "bbk_basiszins_en.csv").read_text()
        get = self._update(
            {"data-api.ecb.europa.eu": self.ecb_text, "bankofengland": self.boe_text, "bundesbank": bbk_text}
        )
        hosts = sorted(url.split("/")[2] for url in get.calls)
        self.assertEqual(len(hosts), len(set(hosts)), f"each publisher fetched once for all its indexes: {hosts}")
        self.assertEqual(self._values(self.ecb_semester)["2026-07-01"], 2.15)
        belgium = self.env.ref("freelance_collections.rate_index_be_semester")
        self.assertEqual(self._values(belgium)["2026-07-01"], 10.5, "2.15 + 8 rounded up to the half point")
        self.assertEqual(self._values(self.boe)["2026-01-01"], 3.75)
        self.assertNotIn("2026-07-01", self._values(self.boe), "the BoE answer stops in February")
        # old history is not imported: the ECB's decisions before 1 January 2023
        self.assertFalse(self.ecb_mro.rate_ids.filtered(lambda rate: rate.date.year < 2022))
        for index in self.ecb_semester | self.ecb_mro | self.boe:
            self.assertEqual(index.rate_update_state, "ok", index.rate_update_message)
            self.assertTrue(index.rate_update_date)
        self.assertIn("1 new value", self.ecb_semester.rate_update_message)
        count = len(self.ecb_semester.rate_ids)
        self._update({"data-api.ecb.europa.eu": self.ecb_text, "bankofengland": self.boe_text})
        self.assertEqual(len(self.ecb_semester.rate_ids), count, "an equal value is left as it is")
        self.assertIn("no new value", self.ecb_semester.rate_update_message)

    @freeze_time("2026-07-02")
    def test_failed_fetch_leaves_the_rates_and_says_why(self):
        before = {index.id: self._values(index) for index in self.ecb_semester | self.boe}
        cases = [
            (requests.Timeout("read timed out"), "did not answer"),
            (_Answer("<html>Internal Server Error</html>", status=500), "HTTP 500"),
            ("<!DOCTYPE html><html><body>Maintenance</body></html>", "not understood"),
            ("KEY,SOMETHING\nx,y\n", "not understood"),
            (requests.ConnectionError("Name or service not known"), "could not be reached"),
        ]
        for answer, why in cases:
            with self.subTest(why=why):
                self._update({"data-api.ecb.europa.eu": answer, "bankofengland": answer})
                for index in self.ecb_semester | self.boe:
                    self.assertEqual(self._values(index), before[index.id])
                    self.assertEqual(index.rate_update_state, "error")
                    self.assertIn("the rates are as they were", index.rate_update_message)
                    self.assertIn(why, index.rate_update_message)
        # the stale warning says the last update failed
        self.assertIn("failed", self.boe._collection_stale_warning())

    @freeze_time("2026-07-02")
    def test_one_publisher_down_the_others_update(self):
        self._update({"data-api.ecb.europa.eu": _Answer("", status=503), "bankofengland": self.boe_text})
        self.assertEqual(self.ecb_semester.rate_update_state, "error")
        self.assertEqual(self.boe.rate_update_state, "ok")

    @freeze_time("2026-07-02")
    def test_contradicting_value_is_flagged_not_overwritten(self):
        recorded = self.ecb_semester.rate_ids.filtered(lambda rate: str(rate.date) == "2025-07-01")
        recorded.rate = 2.4  # someone typed it wrong, or the publisher revised it
        manager = new_test_user(
            self.env, login="fc_rates_manager", groups="freelance_collections.group_collections_manager"
        )
        self.env.company.collection_responsible_id = manager
        self._update({"data-api.ecb.europa.eu": self.ecb_text}, self.ecb_semester)
        self.assertEqual(recorded.rate, 2.4, "never overwritten")
        conflict = self.ecb_semester.conflict_ids
        self.assertEqual(len(conflict), 1)
        self.assertEqual(
            (str(conflict.date), conflict.recorded_rate, conflict.published_rate), ("2025-07-01", 2.4, 2.15)
        )
        self.assertIn("contradict", self.ecb_semester.rate_update_message)
        self.assertIn("contradict", self.ecb_semester.message_ids[:1].body)
        activity = self.ecb_semester.activity_ids
        self.assertEqual(activity.user_id, manager)
        # flagged once, not every day
        self._update({"data-api.ecb.europa.eu": self.ecb_text}, self.ecb_semester)
        self.assertEqual(len(self.ecb_semester.conflict_ids), 1)
        # checked and kept: not flagged again
        conflict.with_user(manager).action_keep_recorded()
        self._update({"data-api.ecb.europa.eu": self.ecb_text}, self.ecb_semester)
        self.assertFalse(self.ecb_semester.conflict_ids)
        self.assertEqual(recorded.rate, 2.4)

    def test_use_published_value(self):
        recorded = self.ecb_semester.rate_ids.filtered(lambda rate: str(rate.date) == "2025-07-01")
        recorded.rate = 2.4
        with freeze_time("2026-07-02"):
            self._update({"data-api.ecb.europa.eu": self.ecb_text}, self.ecb_semester)
        self.ecb_semester.conflict_ids.action_use_published()
        self.assertEqual(recorded.rate, 2.15)
        self.assertFalse(self.ecb_semester.conflict_ids)

    def test_cron_off_by_setting_fetches_nothing(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.collection_rate_auto_update, "on by default")
        settings.collection_rate_auto_update = False
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("freelance_collections.rate_auto_update"), "0"
        )
        get = self._update({"data-api.ecb.europa.eu": self.ecb_text, "bankofengland": self.boe_text})
        self.assertEqual(get.calls, [])
        self.assertFalse(self.ecb_semester.rate_update_date)
        with freeze_time("2026-07-15"):
            self.assertIn("automatic updates are off", self.boe._collection_stale_warning())
        # Update Now still works for a manager who asks
        with freeze_time("2026-07-02"), patch.object(requests.Session, "get", _publisher({"ecb": self.ecb_text})):
            action = self.ecb_semester.action_update_rates()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._values(self.ecb_semester)["2026-07-01"], 2.15)

    def test_update_now_needs_a_manager(self):
        user = new_test_user(self.env, login="fc_rates_user", groups="freelance_collections.group_collections_user")
        with self.assertRaises(AccessError):
            self.boe.with_user(user).action_update_rates()

    def test_update_now_says_when_it_failed(self):
        with patch.object(requests.Session, "get", _publisher({})):
            action = self.boe.action_update_rates()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("www.bankofengland.co.uk could not be reached", action["params"]["message"])
        self.assertIn("turn the daily update off in Settings", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload", "the form then shows the outcome")

    # --- never silently stale ----------------------------------------------------------------------

    def _uk_policy(self):
        return self.Policy.create(
            self._policy_vals("UK rates", interest_mode="reference", rate_index_id=self.boe.id, annual_rate=8)
        )

    def test_stale_warning_a_half_year_after_the_last_value_and_gone_once_entered(self):
        policy = self._uk_policy()
        self.boe.rate_ids.filtered(lambda rate: rate.date.year >= 2026).unlink()
        with freeze_time("2026-03-10"):
            # the last value is of 1 July 2025: the half-year from 1 January 2026 has none
            warning = self.boe._collection_stale_warning()
            self.assertIn("Bank of England base rate (fixed per half-year)", warning)
            self.assertIn("01/01/2026", warning)
            self.assertIn("4.25% from 07/01/2025, is used meanwhile", warning)
            self.assertIn("enter it or update now", warning)
            self.assertEqual(policy._collection_rate_warning(), warning)
            action = policy.action_open_rate_index()
            self.assertEqual((action["res_model"], action["res_id"]), ("collection.rate.index", self.boe.id))
            policy.invalidate_recordset(["rate_warning"])
            self.assertEqual(policy.rate_warning, warning)
            self.boe.invalidate_recordset(["stale_warning"])
            self.assertEqual(self.boe.stale_warning, warning)
            dashboard = self.env["collection.dashboard"].create({})
            self.assertNotIn(
                "Bank of England", dashboard.rate_warning or "", "a policy nobody uses: no dashboard noise"
            )
            self.env.company.collection_policy_id = policy
            dashboard = self.env["collection.dashboard"].create({})
            self.assertIn(warning, dashboard.rate_warning)
            self.boe.rate_ids = [Command.create({"date": "2026-01-01", "rate": 3.75})]
            self.assertEqual(self.boe._collection_stale_warning(), "")
            self.assertEqual(policy._collection_rate_warning(), "")
            self.assertNotIn("Bank of England", self.env["collection.dashboard"].create({}).rate_warning or "")

    def test_no_warning_for_an_unused_index_or_a_decision_index(self):
        with freeze_time("2026-12-07"):
            self.assertEqual(self.ecb_mro._collection_stale_warning(), "", "changes on each decision")
            policy = self._uk_policy()
            policy.active = False
            self.assertEqual(policy._collection_rate_warning(), "")
            policy.active = True
            policy.interest_mode = "fixed"
            self.assertEqual(policy._collection_rate_warning(), "")

    def test_run_record_and_dry_run_say_the_rate_is_stale(self):
        self._leave_out_existing_book()
        policy = self._uk_policy()
        self.client.collection_policy_id = policy
        with freeze_time("2026-06-01"):
            invoice = self._invoice(amount=10000, invoice_date="2026-05-01", due_date="2026-06-01")
        with freeze_time("2026-07-16"):
            lines = self.env["collection.dry.run"]._plan_lines(
                invoice, invoice.invoice_date_due.replace(month=7, day=16)
            )
            penalty = [line for line in lines if line["action"] == "penalty" and line["will_run"]]
            self.assertEqual(len(penalty), 1)
            self.assertIn("no rate for the half-year from 07/01/2026", penalty[0]["status"])
            self.assertIn("3.75% from 01/01/2026, is used meanwhile", penalty[0]["status"])
            self._run()
            run = self.Run.search([], order="id desc", limit=1)
            self.assertIn("Bank of England", run.rate_warning)
        with freeze_time("2026-07-17"):
            self.boe.rate_ids = [Command.create({"date": "2026-07-01", "rate": 3.75})]
            lines = self.env["collection.dry.run"]._plan_lines(
                invoice, invoice.invoice_date_due.replace(month=7, day=17)
            )
            penalty = [line for line in lines if line["action"] == "penalty" and line["will_run"]]
            for line in penalty:
                self.assertNotIn("no rate for the half-year", line["status"])
