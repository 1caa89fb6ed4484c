import re
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon

START = date(2026, 1, 1)
DAYS = 150


@tagged("post_install", "-at_install")
class TestCollectionTimeline(CollectionsCommon):
    """One client, three invoices (paid on time, paid late, never paid), 150 days of daily runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.agency = cls.env["res.partner"].create({"name": "Recover Ltd", "is_company": True})
        cls.call = ref("freelance_collections.mail_activity_collection_call")
        cls.timeline_policy = cls.env["collection.policy"].create(
            {
                "name": "Timeline policy",
                "reminder_interval_days": 5,
                "quiet_days": "sat_sun",
                "stage_ids": [
                    Command.create(
                        {
                            "name": "Courtesy",
                            "days": -3,
                            "action_email": True,
                            "mail_template_id": ref("freelance_collections.mail_template_courtesy").id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Friendly",
                            "days": 1,
                            "action_email": True,
                            "mail_template_id": ref("freelance_collections.mail_template_friendly").id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Firm",
                            "days": 15,
                            "action_email": True,
                            "mail_template_id": ref("freelance_collections.mail_template_firm").id,
                        }
                    ),
                    Command.create(
                        {"name": "Call", "days": 30, "action_activity": True, "activity_type_id": cls.call.id}
                    ),
                    Command.create(
                        {
                            "name": "Work stop",
                            "days": 45,
                            "action_work_stop": True,
                            "action_email": True,
                            "mail_template_id": ref("freelance_collections.mail_template_work_stop").id,
                        }
                    ),
                    Command.create({"name": "Formal notice", "days": 60, "action_formal_notice": True}),
                    Command.create(
                        {
                            "name": "Agency",
                            "days": 90,
                            "action_agency": True,
                            "agency_partner_id": cls.agency.id,
                            "agency_commission": 20,
                        }
                    ),
                ],
            }
        )
        cls.client.collection_policy_id = cls.timeline_policy
        cls.client_contact.email = "accounts@client.example.com"
        cls.subjects = {
            key: ref(f"freelance_collections.mail_template_{key}")._render_field("subject", cls.client.ids)[
                cls.client.id
            ]
            for key in ("courtesy", "friendly", "firm", "work_stop", "formal_notice")
        }

    def _snapshot(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.client.id), ("message_type", "=", "comment")]
        )
        pdfs = self.env["ir.attachment"].search([("res_model", "=", "account.move"), ("name", "like", "Demand letter")])
        activities = self.env["mail.activity"].search([("res_model", "=", "account.move")])
        return set(messages.ids), set(pdfs.ids), set(activities.ids)

    def _events_since(self, before, day, invoices):
        messages, pdfs, activities = before
        events = []
        names = {move.name: key for key, move in invoices.items()}
        subject_keys = {subject: key for key, subject in self.subjects.items()}
        for message in self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.client.id),
                ("message_type", "=", "comment"),
                ("id", "not in", list(messages)),
            ],
            order="id",
        ):
            listed = sorted(key for name, key in names.items() if re.search(re.escape(name) + r"\b", message.body))
            events.append(
                (
                    day,
                    "email",
                    subject_keys.get(message.subject, message.subject),
                    "".join(listed),
                    len(message.attachment_ids),
                )
            )
        for attachment in self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("name", "like", "Demand letter"), ("id", "not in", list(pdfs))],
            order="id",
        ):
            move = self.env["account.move"].browse(attachment.res_id)
            events.append((day, "pdf", names[move.name]))
        for activity in self.env["mail.activity"].search(
            [("res_model", "=", "account.move"), ("id", "not in", list(activities))], order="id"
        ):
            move = self.env["account.move"].browse(activity.res_id)
            events.append((day, "activity", activity.activity_type_id.name, names[move.name]))
        return events

    def test_150_days(self):
        plan = {  # invoice: (invoice date, due date, paid on)
            "A": (date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 31)),
            "B": (date(2026, 1, 10), date(2026, 2, 9), date(2026, 3, 5)),
            "C": (date(2026, 1, 15), date(2026, 2, 14), None),
        }
        invoices = {}
        events = []
        work_stop = False
        agency_seen = set()
        run_count = 0
        for offset in range(DAYS):
            day = START + timedelta(days=offset)
            with freeze_time(day):
                for key, (invoice_date, due_date, paid_on) in plan.items():
                    if invoice_date == day:
                        invoices[key] = self._invoice(amount=1000, invoice_date=invoice_date, due_date=due_date)
                    if paid_on == day:
                        self._pay(invoices[key])
                        self.assertEqual(invoices[key].payment_state, "paid")
                before = self._snapshot()
                runs = 2 if offset % 3 == 0 or day.day in (11, 15, 16, 31) else 1
                for _run in range(runs):
                    self.env["collection.run"]._cron_run_collections()
                    run_count += 1
                events += self._events_since(before, day, invoices)
                if self.client.collection_work_stop != work_stop:
                    work_stop = self.client.collection_work_stop
                    events.append((day, "work_stop", work_stop))
                for key, move in invoices.items():
                    if move.collection_agency_id and key not in agency_seen:
                        agency_seen.add(key)
                        events.append(
                            (day, "agency", key, move.collection_agency_id.name, move.collection_agency_commission)
                        )
        d = date
        # every reminder carries the statement of account; the formal notice carries the demand letter
        expected = [
            (d(2026, 1, 28), "email", "courtesy", "A", 1),
            (d(2026, 2, 6), "email", "courtesy", "B", 1),
            # B friendly due on 10 Feb waits for the 5-day throttle, then leaves with C's courtesy
            (d(2026, 2, 11), "email", "friendly", "BC", 1),
            # C friendly due on Sunday 15 Feb: next business day
            (d(2026, 2, 16), "email", "friendly", "C", 1),
            (d(2026, 2, 24), "email", "firm", "B", 1),
            # C firm due on Sunday 1 March: Monday
            (d(2026, 3, 2), "email", "firm", "C", 1),
            (d(2026, 3, 16), "activity", self.call.name, "C"),
            (d(2026, 3, 31), "email", "work_stop", "C", 1),
            (d(2026, 3, 31), "work_stop", True),
            (d(2026, 4, 15), "email", "formal_notice", "C", 1),
            (d(2026, 4, 15), "pdf", "C"),
            (d(2026, 5, 15), "agency", "C", "Recover Ltd", 20.0),
        ]
        self.assertEqual(events, expected)
        self.assertGreater(run_count, DAYS)
        logs = self.env["collection.action.log"].search([("partner_id", "=", self.client.id)])
        self.assertEqual(len(logs), len(set(logs.mapped("key"))), "no action recorded twice")
        self.assertEqual(
            sorted((log.move_id.id, log.stage_id.name, log.action) for log in logs),
            sorted(
                [
                    (invoices["A"].id, "Courtesy", "email"),
                    (invoices["B"].id, "Courtesy", "email"),
                    (invoices["B"].id, "Friendly", "email"),
                    (invoices["B"].id, "Firm", "email"),
                    (invoices["C"].id, "Courtesy", "email"),
                    (invoices["C"].id, "Friendly", "email"),
                    (invoices["C"].id, "Firm", "email"),
                    (invoices["C"].id, "Call", "activity"),
                    (invoices["C"].id, "Work stop", "work_stop"),
                    (invoices["C"].id, "Work stop", "email"),
                    (invoices["C"].id, "Formal notice", "formal_notice"),
                    (invoices["C"].id, "Agency", "agency"),
                ]
            ),
        )
        queued = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.client.id)])
        self.assertEqual(len(queued), 8, "one outgoing email per reminder")
        self.assertEqual(queued.recipient_ids, self.client_contact)
        self.assertEqual(invoices["A"].payment_state, "paid")
        self.assertFalse(invoices["B"].collection_stage_id)
        self.assertEqual(invoices["C"].collection_stage_id.name, "Agency")
