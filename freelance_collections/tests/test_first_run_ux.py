"""What the owner and the client see on the first run over a real book (issue #25): every to-do goes to
a person, a reminder sent by hand speaks the words of the stage reached and goes to the client's
invoicing contact only, reminded invoices read as invoices (not proformas) on the portal, a held work
stop tells one story everywhere, a manager runs the collections now, and the labels say what they
mean."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..tools import compat
from .common import CollectionsCommon
from .common_run import RunCommon


@tagged("post_install", "-at_install")
class TestActivityAssignee(RunCommon):
    """Activities go to the collections responsible, else the invoice's salesperson, else a
    collections manager of the company: never OdooBot, the superuser or an archived user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        cls.call = cls.env.ref("freelance_collections.mail_activity_collection_call")
        cls.stage_firm.write({"action_activity": True, "activity_type_id": cls.call.id})
        cls.odoobot = cls.env.ref("base.user_root")
        cls.seller = new_test_user(cls.env, login="fc_ux_seller", groups="account.group_account_invoice")

    def _call_to(self, invoice):
        with freeze_time("2026-02-20"):
            self._run()
        activity = invoice.activity_ids.filtered(lambda a: a.activity_type_id == self.call)
        self.assertEqual(len(activity), 1)
        return activity.user_id

    def _firm_invoice(self, salesperson):
        with freeze_time("2026-02-20"):
            return self._invoice(due_date="2026-02-01", invoice_user_id=salesperson.id)

    def test_the_responsible_gets_them_before_the_salesperson(self):
        responsible = new_test_user(self.env, login="fc_ux_resp", groups="account.group_account_invoice")
        self.env.company.collection_responsible_id = responsible
        self.assertEqual(self._call_to(self._firm_invoice(self.seller)), responsible)

    def test_the_run_assigns_them_without_an_email_each(self):
        """Odoo emails "you have been assigned" for each activity given to another user: a night of
        120 to-dos would be 120 emails to the owner; the run's to-dos only show in their activities."""
        responsible = new_test_user(self.env, login="fc_ux_quiet", groups="account.group_account_invoice")
        self.env.company.collection_responsible_id = responsible
        invoice = self._firm_invoice(self.seller)
        before = self.env["mail.mail"].search([])
        self.assertEqual(self._call_to(invoice), responsible)
        to_responsible = (self.env["mail.mail"].search([]) - before).filtered(
            lambda mail: responsible.partner_id in mail.recipient_ids
        )
        self.assertFalse(to_responsible, "no assignment email to the responsible")

    def test_the_salesperson_when_no_responsible(self):
        self.env.company.collection_responsible_id = False
        self.assertEqual(self._call_to(self._firm_invoice(self.seller)), self.seller)

    def test_never_odoobot_nor_an_archived_user(self):
        archived = new_test_user(self.env, login="fc_ux_gone", groups="account.group_account_invoice")
        archived.active = False
        self.env.company.collection_responsible_id = archived  # skipped: archived
        invoice = self._firm_invoice(self.odoobot)  # skipped: the superuser
        user = self._call_to(invoice)
        self.assertNotIn(user, self.odoobot | archived)
        self.assertTrue(user.active)
        self.assertFalse(user.share)
        self.assertIn(self.env.company, user.company_ids)
        self.assertTrue(user.has_group("freelance_collections.group_collections_manager"))
        self.assertEqual(user, self.env.company._collection_fallback_responsible())

    def test_a_manual_confirmation_of_the_agency_stage_goes_to_a_person(self):
        self.env.company.collection_responsible_id = False
        self.stage_stop.write({"action_manual": True})
        with freeze_time("2026-03-05"):
            invoice = self._invoice(due_date="2026-02-01", invoice_user_id=self.odoobot.id)
            self._run()
            todo = invoice.activity_ids.filtered(lambda a: "Confirm collection stage" in (a.summary or ""))
            self.assertEqual(len(todo), 1)
            self.assertNotEqual(todo.user_id, self.odoobot)
            self.assertEqual(todo.user_id, self.env.company._collection_fallback_responsible())

    def test_settings_name_who_gets_them(self):
        self.env.company.collection_responsible_id = False
        fallback = self.env.company._collection_fallback_responsible()
        settings = self.env["res.config.settings"].create({})
        self.assertIn("salesperson", settings.collection_responsible_note)
        self.assertIn(fallback.name, settings.collection_responsible_note)
        settings.collection_responsible_id = self.seller
        self.assertEqual(settings.collection_responsible_note, f"Every collection activity goes to {self.seller.name}.")
        self.seller.active = False
        settings = self.env["res.config.settings"].create({"collection_responsible_id": self.seller.id})
        self.assertIn("cannot take activities", settings.collection_responsible_note)


@tagged("post_install", "-at_install")
class TestReminderByHand(RunCommon):
    """Send Reminder Now speaks the stage's words, to the invoicing contact only; nobody becomes a
    follower of the client; every invoice it lists is marked sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        cls.template_courtesy = cls.env.ref("freelance_collections.mail_template_courtesy")
        cls.template_notice = cls.env.ref("freelance_collections.mail_template_formal_notice")
        cls.stage_pre.mail_template_id = cls.template_courtesy

    def _sent_template_names(self):
        return self._logs(action="email").mapped("note")

    def test_the_firmest_stage_of_the_clients_invoices_speaks(self):
        with freeze_time("2026-02-20"):
            friendly = self._invoice(invoice_date="2026-02-01", due_date="2026-02-15")  # 5 days late
            firm = self._invoice(due_date="2026-02-01")  # 19 days late
            (friendly | firm).action_collection_send_reminder()
            email = self._client_emails()
            self.assertEqual(len(email), 1, "one email for the client")
            self.assertEqual(set(self._sent_template_names()), {f"sent by hand: {self.template_firm.name}"})
            self.assertIn("late fees now apply", email.subject)
            self.assertNotIn("slipped through", email.body)

    def test_a_stage_without_an_email_sends_the_last_one_below_it(self):
        with freeze_time("2026-03-05"):
            invoice = self._invoice(due_date="2026-02-01")  # 32 days: the work stop stage, no email
            self.assertEqual(invoice.collection_stage_id, self.stage_stop)
            self.client.action_collection_send_reminder()
            self.assertEqual(self._sent_template_names(), [f"sent by hand: {self.template_firm.name}"])

    def test_before_any_stage_the_courtesy_reminder(self):
        with freeze_time("2026-01-10"):
            invoice = self._invoice(invoice_date="2026-01-05", due_date="2026-01-31")
            self.assertFalse(invoice.collection_stage_id)
            invoice.action_collection_send_reminder()
            self.assertEqual(self._sent_template_names(), [f"sent by hand: {self.template_courtesy.name}"])

    def test_the_agency_stage_sends_the_formal_notice_with_the_demand_letter(self):
        policy = self.env.ref("freelance_collections.policy_freelancer_standard")
        self.client.collection_policy_id = policy
        with freeze_time("2026-05-11"):
            invoice = self._invoice(due_date="2026-02-01")  # 99 days late
            self.assertEqual(invoice.collection_stage_id.action_agency, True)
            invoice.action_collection_send_reminder()
            email = self._client_emails()
            self.assertEqual(self._sent_template_names(), [f"sent by hand: {self.template_notice.name}"])
            self.assertNotIn("slipped through", email.body)
            self.assertIn("formal notice", email.body)
            self.assertTrue(
                email.attachment_ids.filtered(lambda a: a.name.startswith("Demand letter")),
                "the letter the email speaks of is attached",
            )

    def test_only_the_invoicing_contact_is_emailed_and_nobody_follows(self):
        company_partner = self.env.company.partner_id
        company_partner.email = "info@company.example.com"
        colleague = new_test_user(self.env, login="fc_ux_colleague", groups="account.group_account_invoice")
        Partner = self.env["res.partner"].with_context(mail_create_nosubscribe=True)
        quiet, followed = Partner.create(
            [
                {"name": "Quiet Client", "is_company": True, "email": "quiet@example.com"},
                {"name": "Followed Client", "is_company": True, "email": "followed@example.com"},
            ]
        )
        contacts = self.env["res.partner"].create(
            [
                {"name": "Quiet Accounts", "parent_id": quiet.id, "type": "invoice", "email": "ap@quiet.example.com"},
                {"name": "Followed AP", "parent_id": followed.id, "type": "invoice", "email": "ap@followed.test"},
            ]
        )
        # a client someone follows already: the company (as an earlier version of the run made it), a
        # colleague who once wrote to it
        followed.message_subscribe((company_partner | colleague.partner_id).ids)
        with freeze_time("2026-02-20"):
            invoices = self._invoice(due_date="2026-02-01", partner=quiet) | self._invoice(
                due_date="2026-02-01", partner=followed
            )
            # as the scheduler does (OdooBot), then by hand; without the tests' mail context, which
            # subscribes nobody (DISABLED_MAIL_CONTEXT): the context replaced, on purpose
            scheduler = self.Run.with_user(self.env.ref("base.user_root"))
            scheduler.with_context({})._cron_run_collections()  # pylint: disable=context-overridden
            invoices.with_context({}).action_collection_send_reminder()  # pylint: disable=context-overridden
        self.env.invalidate_all()
        self.assertFalse(quiet.message_partner_ids, "nobody made a follower of the client")
        self.assertEqual(followed.message_partner_ids, company_partner | colleague.partner_id, "nobody added")
        for client, contact in zip(quiet | followed, contacts, strict=True):
            emails = self._client_emails(client)
            self.assertEqual(len(emails), 2, "the run's and the one sent by hand")
            for email in emails:
                with self.subTest(client=client.name, email=email.id):
                    self.assertEqual(email.partner_ids, contact)
                    self.assertEqual(email.notification_ids.res_partner_id, contact, "no copy to a follower")
                    mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", email.id)])
                    self.assertEqual(mails.recipient_ids, contact)

    def test_the_listed_invoices_and_their_late_fees_are_marked_sent(self):
        self.policy.write(
            {"fee_invoice_interval_days": 0, "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})]}
        )
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            self.assertFalse(invoice.is_move_sent)
            self.Run.with_context({})._cron_run_collections()  # pylint: disable=context-overridden
            fee = invoice.collection_open_fee_ids
            self.assertTrue(fee)
            self.assertTrue(invoice.is_move_sent, "reminded by the run: sent")
            tracked = invoice.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "is_move_sent")
            self.assertFalse(tracked, "no tracking line per invoice")
            self.client.action_collection_send_reminder()
            self.assertTrue(fee.is_move_sent, "a late-fee invoice a reminder lists is sent")
            self.assertEqual(fee.move_sent_values, "sent")


@tagged("post_install", "-at_install")
class TestSentInvoiceOnThePortal(CollectionsCommon, HttpCase):
    """The portal page the reminder links to calls a reminded invoice an invoice, not a proforma."""

    def _portal_html(self, invoice):
        response = self.url_open(invoice.get_portal_url(report_type="html"))
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_a_reminded_invoice_is_no_proforma(self):
        invoice = self._invoice(invoice_date="2026-01-01", due_date="2026-01-31")
        # 18.0 titles it "PROFORMA Invoice", 19.0 "Proforma Invoice"
        self.assertIn("proforma", self._portal_html(invoice).lower(), "Odoo's proforma until sent")
        self.client._collection_send_reminder(self.template_friendly, invoice)
        self.assertTrue(invoice.is_move_sent)
        html = self._portal_html(invoice)
        self.assertNotIn("proforma", html.lower())
        self.assertIn("Invoice", html)
        self.assertIn(invoice.name, html)
        # its PDF downloaded from the portal is named as an invoice too
        self.assertNotIn("proforma", invoice._get_invoice_pdf_proforma()["filename"])


@tagged("post_install", "-at_install")
class TestWorkStopHeld(RunCommon):
    """A paused invoice at a work-stop stage holds the work stop: the client is not stopped, and the
    client, its invoices, the kanban cards and the dry run all say why, in the same words."""

    def _stopped_invoice(self):
        invoice = self._invoice(due_date="2026-02-01")  # 32 days late on 2026-03-05
        self.assertEqual(invoice.collection_stage_id, self.stage_stop)
        self.assertTrue(self.client.collection_work_stop)
        return invoice

    def _dry_run_status(self, invoice, action):
        wizard = self.env["collection.dry.run"].browse(self.env["collection.dry.run"].action_open()["res_id"])
        return wizard.line_ids.filtered(lambda ln: ln.move_id == invoice and ln.action == action).status

    def _overdue_card(self):
        return self.env["collection.overdue.partner"].search([("partner_id", "=", self.client.id)])

    def _hold(self):
        """The client's held work stop, as a screen reads it (a new request: nothing cached)."""
        self.env.invalidate_all()
        return self.client.collection_work_stop_hold

    def test_a_dispute_holds_the_work_stop(self):
        with freeze_time("2026-03-05"):
            invoice = self._stopped_invoice()
            invoice.write(
                {
                    "collection_dispute": True,
                    "collection_dispute_reason": "Deliverable not accepted",
                    "collection_dispute_review_date": "2026-03-19",
                }
            )
            self.assertEqual(invoice.collection_stage_id, self.stage_stop, "the stage is held")
            self.assertFalse(self.client.collection_work_stop, "so is the work stop")
            said = "Work stop held: dispute until 03/19/2026"
            self.assertEqual(self._hold(), said)
            self.assertEqual(invoice.collection_work_stop_hold, said)
            self.assertEqual(self._dry_run_status(invoice, "work_stop"), "held: dispute until 03/19/2026")
            card = self._overdue_card()
            self.assertFalse(card.work_stop)
            self.assertEqual(card.work_stop_hold, said)
            self._invoice(due_date="2026-04-30")  # new work for the client is not refused
            invoice.action_collection_close_dispute()
            self.assertTrue(self.client.collection_work_stop, "the hold ends: work stops")
            self.assertFalse(self._hold())

    def test_a_client_pause_and_a_payment_plan_hold_it_too(self):
        with freeze_time("2026-03-05"):
            invoice = self._stopped_invoice()
            self.client.write({"collection_pause_until": "2026-03-31", "collection_pause_reason": "Valued client"})
            self.assertFalse(self.client.collection_work_stop)
            self.assertEqual(self._hold(), "Work stop held: paused until 03/31/2026")
            self.assertEqual(self._dry_run_status(invoice, "work_stop"), "held: paused until 03/31/2026")
            self.client.write({"collection_pause_until": False, "collection_pause_reason": False})
            self.assertTrue(self.client.collection_work_stop)
            plan = self.env["collection.payment.plan"].create(
                {"partner_id": self.client.id, "move_ids": [Command.set(invoice.ids)], "installment_count": 2}
            )
            plan.action_generate_lines()
            plan.action_confirm()
            self.assertFalse(self.client.collection_work_stop)
            last = max(plan.line_ids.mapped("date"))
            self.assertEqual(self._hold(), f"Work stop held: payment plan until {last.strftime('%m/%d/%Y')}")

    def test_a_held_invoice_does_not_hide_one_that_stops_work(self):
        with freeze_time("2026-03-05"):
            held = self._stopped_invoice()
            self._invoice(due_date="2026-02-02")
            held.write({"collection_dispute": True, "collection_dispute_reason": "Hours"})
            self.assertTrue(self.client.collection_work_stop, "the other invoice still stops work")
            self.assertFalse(self._hold())
            self.assertTrue(self._overdue_card().work_stop)

    def test_the_views_tell_the_hold(self):
        kanban = self.env["res.partner"].get_view(
            self.env.ref("freelance_collections.res_partner_view_kanban_collections").id, "kanban"
        )["arch"]
        self.assertIn("collection_work_stop_hold", kanban)
        for model, view in (
            ("res.partner", "freelance_collections.res_partner_view_form_collections"),
            ("account.move", "freelance_collections.account_move_view_form_collections"),
            ("collection.overdue.partner", "freelance_collections.collection_overdue_partner_view_kanban"),
        ):
            with self.subTest(model=model):
                self.assertIn("work_stop_hold", self.env.ref(view).arch)


@tagged("post_install", "-at_install")
class TestRunNow(RunCommon):
    """Collections › Run Now: a manager confirms, the scheduled action's run runs, its record opens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()
        cls.manager = new_test_user(cls.env, login="fc_ux_manager", groups="account.group_account_manager")
        cls.billing = new_test_user(cls.env, login="fc_ux_billing", groups="account.group_account_invoice")

    def test_a_manager_runs_it_and_sees_the_run(self):
        with freeze_time("2026-02-20"):
            invoice = self._invoice(due_date="2026-02-01")
            form = Form(self.env["collection.run.now"].with_user(self.manager))
            self.assertEqual(form.invoice_count, 1, "what it will look at, as the dialog shows it")
            wizard = form.save()
            preview = wizard.action_preview()
            self.assertEqual(preview["res_model"], "collection.dry.run")
            self.assertFalse(self._client_emails(), "the preview does nothing")
            action = wizard.action_run()
            run = self.env["collection.run"].browse(action["res_id"])
            self.assertEqual(action["res_model"], "collection.run")
            self.assertEqual(run.state, "done")
            self.assertEqual(run.actions["email"], 1)
            self.assertEqual(self._logs(invoice, "email").run_id, run)
            self.assertEqual(len(self._client_emails()), 1)
            again = self.env["collection.run.now"].with_user(self.manager).create({})
            self.assertEqual(again.invoice_count, 0, "nothing left for today")
            self.assertEqual(again.last_run_id, run)

    def test_managers_only(self):
        with self.assertRaises(AccessError):
            self.env["collection.run.now"].with_user(self.billing).create({})
        wizard = self.env["collection.run.now"].sudo().create({})
        with self.assertRaises(AccessError):
            wizard.with_user(self.billing).action_run()
        manager_group = self.env.ref("freelance_collections.group_collections_manager")
        self.assertEqual(self.env.ref("freelance_collections.menu_collections_run_now")[compat.GROUPS], manager_group)
        self.assertEqual(self.env.ref("freelance_collections.collection_run_now_action")[compat.GROUPS], manager_group)
        for user, shown in ((self.manager, True), (self.billing, False)):
            arch = self.env["collection.dashboard"].with_user(user).get_views([(False, "form")])["views"]["form"]
            with self.subTest(user=user.login):
                self.assertEqual("Run Now" in arch["arch"], shown)

    def test_a_run_already_working_is_said(self):
        wizard = self.env["collection.run.now"].with_user(self.manager).create({})
        with (
            patch.object(type(self.env["collection.run"]), "_cron_run_collections", return_value=False),
            self.assertRaisesRegex(UserError, "Another collections run is working"),
        ):
            wizard.action_run()


@tagged("post_install", "-at_install")
class TestLabels(RunCommon):
    """The words of the screens: the dashboard's counts and percentage, the run's title, a late
    fee's note, the list of invoices in collection."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._leave_out_existing_book()

    def test_the_dashboard_says_what_runs_and_waits_together(self):
        other = self.env["res.partner"].create({"name": "Held Co", "email": "held@example.com"})
        with freeze_time("2026-02-20"):
            self._invoice(due_date="2026-02-01")
            disputed = self._invoice(due_date="2026-02-01", partner=other)
            disputed.write({"collection_dispute": True, "collection_dispute_reason": "Hours"})
            dashboard = self.env["collection.dashboard"].create({})
            self.assertIn("Email: 1 tonight, 1 waiting", dashboard.next_action_summary.splitlines())
        arch = self.env.ref("freelance_collections.collection_dashboard_view_form").arch
        self.assertIn('<field name="fee_collected_percent" nolabel="1" class="oe_inline"/><span> %</span>', arch)

    def test_a_late_fee_note_says_its_amount_and_invoice(self):
        self.policy.write(
            {"fee_invoice_interval_days": 0, "penalty_tier_ids": [Command.create({"days_late": 15, "percent": 5})]}
        )
        with freeze_time("2026-02-20"):
            invoice = self._invoice(amount=1000, due_date="2026-02-01")
            self._run()
            fee = invoice.collection_penalty_ids
            log = self._logs(invoice, "penalty")
            self.assertEqual(log.note, f"{fee.currency_id.format(50.0)}, invoice {fee.name}")

    def test_the_run_title_and_the_invoices_in_collection(self):
        run_form = self.env.ref("freelance_collections.collection_run_view_form").arch
        self.assertIn('<h1><field name="display_name" readonly="1"/></h1>', run_form)
        action = self.env.ref("freelance_collections.account_move_action_collections")
        arch = self.env["account.move"].get_view(action.view_id.id, "list")["arch"]
        self.assertRegex(arch, r'name="amount_residual_signed"[^>]*optional="show"')
        self.assertRegex(arch, r'name="amount_untaxed_in_currency_signed"[^>]*optional="hide"')
        ladder = self.env["collection.stage"].get_view(
            self.env.ref("freelance_collections.collection_stage_view_list").id, "list"
        )["arch"]
        self.assertIn('string="Day"', ladder)
