from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..policy import bounds, stages
from ..policy.actions import STAGE_ACTIONS
from ..tools.engine_messages import render_messages

# The stage's checkboxes that call for an action (policy/actions.py holds the list and the order).
ACTION_FIELDS = tuple(action.stage_field for action in STAGE_ACTIONS)


class CollectionStage(models.Model):
    """One rung of a policy's escalation ladder, reached DAYS after the due date.

    The ladder is ordered by days: a stage is reached once the invoice is that many days late.
    """

    _name = "collection.stage"
    _description = "Collection Stage"
    _order = "policy_id, days, id"
    _inherit = ["collection.policy.line"]

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    days = fields.Integer(
        required=True,
        string="Days From Due Date",
        help="Reached this many days after the due date; negative before it (-3: three days before).",
    )
    color = fields.Integer()
    severity = fields.Selection(
        [("info", "Courteous"), ("warning", "Firm"), ("danger", "Serious")],
        default="info",
        required=True,
        help="Colour of the stage badge and tone of the portal message.",
    )
    portal_message = fields.Text(translate=True, help="Shown to the client on the invoice portal page at this stage.")

    action_email = fields.Boolean(string="Send Email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'res.partner')]",
        help="Rendered on the client; one email lists all its invoices that reached the stage.",
    )
    action_activity = fields.Boolean(string="Schedule Activity")
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type")
    activity_note = fields.Html(translate=True)
    action_work_stop = fields.Boolean(string="Stop Work", help="From this stage on, the client is flagged work-stop.")
    action_formal_notice = fields.Boolean(
        string="Formal Notice", help="Print the demand letter, attach it to the invoice and send it."
    )
    action_agency = fields.Boolean(string="Hand Over to Agency")
    agency_partner_id = fields.Many2one("res.partner", string="Collection Agency")
    agency_commission = fields.Float(string="Agency Commission (%)", digits=(5, 2))
    action_write_off = fields.Boolean(string="Write Off")
    action_manual = fields.Boolean(string="Manual Confirmation", help="The run waits for a user to confirm this stage.")
    stops_work = fields.Boolean(
        compute="_compute_stops_work",
        store=True,
        help="This stage or an earlier one of the ladder stops work.",
    )

    invoice_fees = fields.Boolean(
        string="Invoice Late Fees From Here",
        help="From this stage on, the late fees accrued are invoiced (at most once per the policy's "
        "interval). When no stage of the ladder is marked, they are invoiced from the first day late. "
        "They are always invoiced when the overdue invoice is paid.",
    )
    repeat_days = fields.Integer(
        string="Repeat Email Every (days)",
        help="While the invoice stays unpaid at this stage, its email is sent again every this many "
        "days (the client's reminder interval and quiet days still apply; nothing is repeated while "
        "the invoice is disputed or paused). 0: sent once.",
    )

    @api.depends("days", "action_work_stop", "policy_id.stage_ids.action_work_stop", "policy_id.stage_ids.days")
    def _compute_stops_work(self):
        for stage in self:
            stage.stops_work = any(
                other.action_work_stop for other in stage.policy_id.stage_ids if other.days <= stage.days
            )

    @api.constrains(
        "name", "days", *ACTION_FIELDS, "mail_template_id", "activity_type_id", "agency_partner_id", "agency_commission"
    )
    def _check_actions(self):
        for stage in self:
            if not any(stage[name] for name in ACTION_FIELDS):
                raise ValidationError(
                    _(
                        "Stage %(stage)s of %(policy)s does nothing: tick at least one action "
                        "(email, activity, work stop, formal notice, agency, write-off or manual "
                        "confirmation).",
                        stage=stage.name,
                        policy=stage.policy_id.name,
                    )
                )
            if stage.action_email and not stage.mail_template_id:
                raise ValidationError(_("Stage %(stage)s sends an email: choose its email template.", stage=stage.name))
            if stage.mail_template_id and stage.mail_template_id.model != "res.partner":
                raise ValidationError(
                    _(
                        "Stage %(stage)s: the email goes to the client, so its template must be one for "
                        "Contacts, not for %(model)s (%(template)s).",
                        stage=stage.name,
                        model=stage.mail_template_id.model_id.name or stage.mail_template_id.model,
                        template=stage.mail_template_id.name,
                    )
                )
            if stage.action_activity and not stage.activity_type_id:
                raise ValidationError(
                    _("Stage %(stage)s schedules an activity: choose its activity type.", stage=stage.name)
                )
            if not 0 <= stage.agency_commission <= 100:
                raise ValidationError(
                    _(
                        "Stage %(stage)s: the agency commission must be between 0 and 100%%.",
                        stage=stage.name,
                    )
                )

    @api.constrains("days", "policy_id")
    def _check_order(self):
        self.policy_id._check_stages()

    def _collection_template(self, action):
        """The template the run emails for ACTION ('email', 'formal_notice' or 'discount_nudge') when
        these stages call for it together: the firmest stage's (empty for an email stage without one)."""
        stage = max(self, key=lambda s: s.days, default=self.browse())
        if action == "formal_notice":
            return (stage.action_email and stage.mail_template_id) or self.env.ref(
                "freelance_collections.mail_template_formal_notice"
            )
        if action == "discount_nudge":
            return self.env.ref("freelance_collections.mail_template_discount_nudge")
        if action == "email":
            return stage.mail_template_id
        return self.env["mail.template"]

    def _collection_reminder_template(self):
        """The email a reminder sent by hand for invoices at these stages carries: the firmest stage's,
        else that of the nearest stage below it on its ladder that sends one (an agency stage sends
        none: the formal notice's comes before it). Never a gentler one than the ladder has reached.

        :return: (``mail.template``, the ``collection.stage`` it comes from); both empty when no stage
            at or below the firmest sends an email
        """
        firmest = max(self, key=lambda s: s.days, default=self.browse())
        ladder = firmest.policy_id.stage_ids.filtered(lambda s: s.days <= firmest.days)
        for stage in ladder.sorted(lambda s: (s.days, s.id), reverse=True):
            template = stage._collection_template("formal_notice" if stage.action_formal_notice else "email")
            if template:
                return template, stage
        return self.env["mail.template"], self.browse()

    def _get_actions(self):
        """Names of the actions this stage performs, in execution order."""
        self.ensure_one()
        return [action.code for action in STAGE_ACTIONS if self[action.stage_field]]

    @api.constrains("repeat_days", "action_email")
    def _check_repeat_days(self):
        for stage in self:
            label = stage._fields["repeat_days"]._description_string(stage.env)
            stage.policy_id._raise_errors(render_messages(stage.env, bounds.check_days(label, stage.repeat_days)))
            if stage.repeat_days < 0:
                stage.policy_id._raise_errors(
                    [
                        _(
                            "Stage %(stage)s: the email cannot repeat every negative number of days; enter 0 "
                            "to send it once.",
                            stage=stage.name,
                        )
                    ]
                )
            if stage.repeat_days and not stage.action_email:
                stage.policy_id._raise_errors(
                    [
                        _(
                            "Stage %(stage)s repeats its email every %(days)s days but sends none: tick Send "
                            "Email or set the repeat to 0.",
                            stage=stage.name,
                            days=stage.repeat_days,
                        )
                    ]
                )

    def _collection_invoices_fees(self):
        """Whether an invoice at this stage has its accrued fees invoiced (the interval permitting)."""
        self.ensure_one()
        ladder = self.policy_id.stage_ids
        marked = ladder.filtered("invoice_fees")
        return not marked or any(stage.days <= self.days for stage in marked)

    def _collection_stage_rules(self):
        """These stages for the pure engine, by days (``stages.StageRule``: the ladder)."""
        return [
            stages.StageRule(key=stage.id, sequence=rank, days=stage.days, name=stage.name)
            for rank, stage in enumerate(self.sorted(lambda s: (s.days, s.id)))
        ]
