from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.freelance_collections.tests.common import CollectionsCommon

OVERRIDE_MARK = "manager override"


class TimesheetWorkStopMixin:
    # Use assertRaises, not assertRaisesRegex: only the former rolls back to a savepoint in Odoo 18,
    # and the lines are refused after their creation.
    @classmethod
    def _setup_timesheet_users(cls, company):
        cls.timesheet_user = new_test_user(
            cls.env,
            login="fc_ts_user",
            company_id=company.id,
            groups="hr_timesheet.group_hr_timesheet_user,freelance_collections.group_collections_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="fc_ts_manager",
            company_id=company.id,
            groups="hr_timesheet.group_hr_timesheet_user,freelance_collections.group_collections_manager",
        )
        cls.env["hr.employee"].sudo().create(
            [
                {"name": "Timesheet User", "user_id": cls.timesheet_user.id, "company_id": company.id},
                {"name": "Collections Manager", "user_id": cls.manager.id, "company_id": company.id},
            ]
        )

    @classmethod
    def _project(cls, partner, name, company):
        return (
            cls.env["project.project"]
            .sudo()
            .create(
                {
                    "name": name,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "allow_timesheets": True,
                    "privacy_visibility": "employees",
                }
            )
        )

    def _log(self, project, user=None, hours=1.0, **extra):
        vals = {"project_id": project.id, "name": "Work", "unit_amount": hours, **extra}
        return self.env["account.analytic.line"].with_user(user or self.timesheet_user).create(vals)

    def _override_messages(self, record):
        return record.message_ids.filtered(lambda m: OVERRIDE_MARK in str(m.body))


@tagged("post_install", "-at_install")
class TestTimesheetWorkStop(TimesheetWorkStopMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls._setup_timesheet_users(company)
        cls.client = cls.env["res.partner"].create({"name": "Stopped Client Co", "is_company": True})
        cls.client_contact = cls.env["res.partner"].create({"name": "Stopped Client PM", "parent_id": cls.client.id})
        cls.good_client = cls.env["res.partner"].create({"name": "Good Payer Co", "is_company": True})
        cls.project = cls._project(cls.client_contact, "Website redesign", company)
        cls.good_project = cls._project(cls.good_client, "Maintenance", company)
        cls.task = cls.env["project.task"].create({"name": "Mockups", "project_id": cls.project.id})

    def _stop(self, partner, override="stop"):
        partner.write({"collection_work_stop_override": override, "collection_work_stop_reason": "Test"})

    def test_user_groups(self):
        self.assertTrue(self.timesheet_user.has_group("freelance_collections.group_collections_user"))
        self.assertFalse(self.timesheet_user.has_group("freelance_collections.group_collections_manager"))
        self.assertTrue(self.manager.has_group("freelance_collections.group_collections_manager"))

    def test_related_field_and_banner(self):
        self.assertFalse(self.project.collection_work_stop)
        self._stop(self.client)
        self.project.invalidate_recordset(["collection_work_stop"])  # a banner is read afresh by the form
        self.assertTrue(self.project.collection_work_stop, "read from the commercial partner of the contact")
        self.assertFalse(self.good_project.collection_work_stop)
        form_view = self.env["project.project"].get_view(self.env.ref("project.edit_project").id, "form")
        self.assertIn("alert-danger", form_view["arch"])
        self.assertIn('invisible="not collection_work_stop"', form_view["arch"])
        dependents = {
            str(field)
            for field in self.env.registry.get_dependent_fields(self.env["account.move"]._fields["payment_state"])
        }
        self.assertNotIn("project.project.collection_work_stop", dependents, "not in the accounting fields' triggers")

    def test_stopped_client_user_refused(self):
        self._stop(self.client)
        with self.assertRaises(UserError) as refused:
            self._log(self.project)
        self.assertIn("Work is stopped for Stopped Client Co", str(refused.exception))
        self.assertIn("Website redesign", str(refused.exception))
        with self.assertRaises(UserError):
            self._log(self.project, task_id=self.task.id)
        with self.assertRaises(UserError, msg="project taken from the task"):
            self.env["account.analytic.line"].with_user(self.timesheet_user).create(
                {"task_id": self.task.id, "name": "Work", "unit_amount": 1.0}
            )
        self.assertFalse(self.env["account.analytic.line"].search([("project_id", "=", self.project.id)]))
        self.assertFalse(self._override_messages(self.project))

    def test_stopped_client_manager_allowed_and_logged(self):
        self._stop(self.client)
        line = self._log(self.project, user=self.manager, task_id=self.task.id)
        self.assertEqual(line.project_id, self.project)
        self.assertEqual(line.employee_id.user_id, self.manager)
        logged = self._override_messages(self.project)
        self.assertEqual(len(logged), 1)
        self.assertIn(self.manager.name, str(logged.body))
        self.assertIn("Timesheet logged by", str(logged.body))

    def test_client_not_stopped(self):
        line = self._log(self.project)
        self.assertEqual(line.project_id, self.project)
        self._log(self.good_project, user=self.manager)
        self.assertFalse(self._override_messages(self.project | self.good_project))

    def test_batch(self):
        self._stop(self.client)

        def vals_list():  # fresh each time: hr_timesheet's create fills in the dicts it gets
            return [
                {"project_id": project.id, "name": f"Work {i}", "unit_amount": 0.5}
                for i in range(5)
                for project in (self.good_project, self.project)
            ]

        Line = self.env["account.analytic.line"]
        with self.assertRaises(UserError) as refused:
            Line.with_user(self.timesheet_user).create(vals_list())
        self.assertIn("Stopped Client Co", str(refused.exception))
        self.assertNotIn("Good Payer Co", str(refused.exception))
        self.assertFalse(Line.search([("project_id", "in", (self.project | self.good_project).ids)]))
        lines = Line.with_user(self.manager).create(vals_list())
        self.assertEqual(len(lines), 10)
        self.assertEqual(len(self._override_messages(self.project)), 1, "one message per project and batch")
        self.assertFalse(self._override_messages(self.good_project))

    def test_other_analytic_lines_unaffected(self):
        self._stop(self.client)
        # sudo() keeps a non-manager as env.user: a wrongly flagged line would raise.
        line = (
            self.env["account.analytic.line"]
            .with_user(self.timesheet_user)
            .sudo()
            .create(
                {
                    "name": "Not a timesheet",
                    "account_id": self.project.account_id.id,
                    "partner_id": self.client.id,
                    "amount": -100.0,
                }
            )
        )
        self.assertFalse(line.project_id)
        self.assertFalse(self._override_messages(self.project))

    def test_work_stop_lifted(self):
        self._stop(self.client)
        with self.assertRaises(UserError):
            self._log(self.project)
        self.client.collection_work_stop_override = False  # back to the stages: no open invoice
        self.project.invalidate_recordset(["collection_work_stop"])
        self.assertFalse(self.project.collection_work_stop)
        self.assertTrue(self._log(self.project))
        self._stop(self.client, override="release")
        self.assertTrue(self._log(self.project))
        self.assertFalse(self._override_messages(self.project))


@tagged("post_install", "-at_install")
class TestTimesheetWorkStopFromStages(TimesheetWorkStopMixin, CollectionsCommon):
    """The work-stop computed from a real overdue invoice, then lifted by its payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timesheet_users(cls.env.company)
        cls.project = cls._project(cls.client_contact, "Website redesign", cls.env.company)

    def test_overdue_invoice_stops_then_payment_lifts(self):
        with freeze_time("2026-03-15"):
            invoice = self._invoice(invoice_date="2026-01-01", due_date="2026-02-01")  # 42 days late
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            self.assertTrue(self.project.collection_work_stop)
            with self.assertRaises(UserError):
                self._log(self.project, date="2026-03-15")
            self._pay(invoice)
            self.project.invalidate_recordset(["collection_work_stop"])  # the form reads it afresh
            self.assertFalse(self.project.collection_work_stop, "work-stop lifts once paid")
            self.assertTrue(self._log(self.project, date="2026-03-15"))  # the check, in this transaction
            self.assertFalse(self._override_messages(self.project))
