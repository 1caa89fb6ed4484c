from odoo import api, fields, models

from ..policy import actions
from ..tools import compat


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
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    stage_id = fields.Many2one("collection.stage", ondelete="set null", readonly=True)
    action = fields.Selection(actions.selection(), required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("pending", "Waiting for confirmation"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="done",
    )
    note = fields.Char()
    mail_message_id = fields.Many2one(
        "mail.message",
        string="Email",
        ondelete="set null",
        readonly=True,
        index="btree_not_null",
        help="The email sent to the client, for emails: re-queued by the run if the mail server refused it.",
    )
    user_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)
    run_id = fields.Many2one(
        "collection.run",
        string="Run",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The collections run that took the action (empty: taken by hand).",
    )

    compat.add_constraint(locals(), "key_unique", "unique(key)", "This collection action was already recorded.")

    @api.model
    def _record(self, vals_list, run=None):
        """Record the actions of VALS_LIST whose key is not on the log yet (one query to know which).

        The one way actions reach the log: a key already there, or twice in VALS_LIST, is recorded
        once, so whatever calls this again (a rerun, a retried batch) records nothing twice.

        :param list vals_list: values of ``collection.action.log`` records, each with its ``key``
        :param run: the ``collection.run`` taking the actions, if one does
        :return: the log records created
        """
        Log = self.sudo()
        keys = [vals["key"] for vals in vals_list]
        if not keys:
            return Log
        known = set(Log.search([("key", "in", keys)]).mapped("key"))
        new = {}
        for vals in vals_list:
            if vals["key"] not in known and vals["key"] not in new:
                new[vals["key"]] = dict(vals, run_id=run.id) if run and len(run) == 1 else vals
        return Log.create(list(new.values()))
