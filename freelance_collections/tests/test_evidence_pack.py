import csv
import io
import zipfile

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestEvidencePack(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user = new_test_user(
            cls.env, login="fc_pack_billing", groups="account.group_account_invoice", company_id=cls.env.company.id
        )

    def _open_zip(self, attachment):
        archive = zipfile.ZipFile(io.BytesIO(attachment.raw))
        self.assertIsNone(archive.testzip())
        return archive

    def test_evidence_pack(self):
        with freeze_time("2026-02-10 09:00:00"):
            first = self._invoice(amount=1000, invoice_date="2026-01-01", due_date="2026-01-31")
            second = self._invoice(amount=400, invoice_date="2026-01-20", due_date="2026-02-19")
            paid = self._invoice(amount=300, invoice_date="2026-01-02", due_date="2026-01-15")
            self._pay(paid, date="2026-01-15")
            (first + second).action_collection_send_reminder()
            self.env["collection.action.log"].create(
                {
                    "key": f"{first.id}:test:work_stop",
                    "move_id": first.id,
                    "partner_id": self.client.id,
                    "stage_id": self.stage_stop.id,
                    "action": "work_stop",
                    "date": "2026-02-09",
                }
            )
        with freeze_time("2026-02-12 10:00:00"):
            action = self.client.with_user(self.billing_user).action_collection_evidence_pack()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        self.assertTrue(action["url"].endswith("?download=true"))
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual((attachment.res_model, attachment.res_id), ("res.partner", self.client.id))
        self.assertEqual(attachment.mimetype, "application/zip")
        self.assertIn(attachment, self.client.message_ids.attachment_ids, "posted on the client's chatter")

        archive = self._open_zip(attachment)
        invoice_files = sorted(f"invoices/{move._get_invoice_report_filename()}" for move in first + second)
        self.assertEqual(
            sorted(archive.namelist()),
            sorted(
                [
                    *invoice_files,
                    "statement_of_account.pdf",
                    "demand_letter.pdf",
                    "reminder_history.csv",
                    "CONTENTS.txt",
                ]
            ),
            "open invoices only: the paid one is not in the pack",
        )
        for name in archive.namelist():
            if name.endswith(".pdf"):
                self.assertTrue(archive.read(name).startswith(b"%PDF"), name)

        rows = list(csv.DictReader(io.StringIO(archive.read("reminder_history.csv").decode("utf-8-sig"))))
        emails = [row for row in rows if row["Source"] == "Collection action" and row["Action"] == "Email"]
        self.assertEqual(sorted(row["Invoice"] for row in emails), sorted([first.name, second.name]))
        self.assertTrue(all(row["Date"] == "2026-02-10" for row in emails))
        self.assertTrue(all(row["Email template"] for row in emails if row["Invoice"] == first.name))
        work_stop = [row for row in rows if row["Action"] == "Work stop"]
        self.assertEqual([(row["Date"], row["Stage"]) for row in work_stop], [("2026-02-09", "Work stop")])
        sent = [row for row in rows if row["Source"] == "Email to the client"]
        self.assertTrue(sent, "the reminder email of the chatter is listed")
        self.assertTrue(sent[0]["Date"].startswith("2026-02-10"))
        self.assertIn("Client Accountant", sent[0]["From / to / by"], "to the invoicing contact")
        self.assertEqual([row["Date"][:10] for row in rows], sorted(row["Date"][:10] for row in rows), "oldest first")

        contents = archive.read("CONTENTS.txt").decode()
        self.assertIn("statement_of_account.pdf", contents)
        self.assertIn("1400.00", contents)

    def test_no_open_invoice(self):
        with freeze_time("2026-02-10"):
            paid = self._invoice(due_date="2026-01-31")
            self._pay(paid)
            with self.assertRaisesRegex(UserError, "no open invoice"):
                self.client.with_user(self.billing_user).action_collection_evidence_pack()
            nobody = self.env["res.partner"].create({"name": "Nobody"})
            with self.assertRaisesRegex(UserError, "no open invoice"):
                nobody.with_user(self.billing_user).action_collection_evidence_pack()

    def test_other_company(self):
        company_2 = self.setup_other_company(name="Second Co")["company"]
        with freeze_time("2026-02-10"):
            theirs = self.env["res.partner"].create({"name": "Their client", "company_id": company_2.id})
            self._invoice(partner=theirs, due_date="2026-01-31", company=company_2)
            with self.assertRaises(AccessError):
                theirs.with_user(self.billing_user).action_collection_evidence_pack()
            # a shared client whose open invoices are the other company's: nothing to claim here
            self._invoice(due_date="2026-01-31", company=company_2)
            with self.assertRaisesRegex(UserError, "no open invoice"):
                self.client.with_user(self.billing_user).action_collection_evidence_pack()

    def test_collections_users_only(self):
        employee = new_test_user(self.env, login="fc_pack_employee", groups="base.group_user")
        with freeze_time("2026-02-10"):
            self._invoice(due_date="2026-01-31")
            with self.assertRaises(AccessError):
                self.client.with_user(employee).action_collection_evidence_pack()
