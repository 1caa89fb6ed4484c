from odoo import fields, models

ACTIONS = [
    ("email", "Email"),
    ("discount_nudge", "Discount reminder"),
    ("activity", "Activity"),
    ("work_stop", "Work stop"),
    ("formal_notice", "Formal notice"),
    ("agency", "Agency handoff"),
    ("write_off", "Write-off"),
    ("manual", "Manual confirmation"),
    ("penalty", "Late fee"),
]


class CollectionActionLog(models.Model):
    """One collection action taken (or waiting) for one invoice at one stage.

    The unique key (invoice, stage, action) is what makes the run idempotent: an action is done
    in the same transaction that records it, so a rerun or a crashed run never repeats it.
    """

    _name = "collection.action.log"
    _description = "Collection Action"
    _order = "date desc, id desc"
    _rec_name = "action"

    key = fields.Char(required=True, index=True, readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade",
                              index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, ondelete="cascade",
                                 index=True, readonly=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    stage_id = fields.Many2one("collection.stage", ondelete="set null", readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("pending", "Waiting for confirmation"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="done",
    )
    note = fields.Char()
    mail_message_id = fields.Many2one(
        "mail.message", string="Email", ondelete="set null", readonly=True, index="btree_not_null",
        help="The email sent to the client, for emails: re-queued by the run if the mail server refused it.")
    user_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)

    _sql_constraints = [
        ("key_unique", "unique(key)", "This collection action was already recorded."),
    ]
