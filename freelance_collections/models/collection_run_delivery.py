"""Reminders that cannot reach the client: a hard bounce, a blacklisted or a missing address.

Before a reminder is sent, the client's invoicing contact (the template's recipient,
``address_get(['invoice'])``) is checked: no usable email address, or an address on the blacklist, and
the email is not sent. After the run, the reminders of the last days are checked against what the mail
queue did with them: refused for good by the mail server (an SMTP 5xx reply, "550 no such user"), bounced
back, or without a recipient address. A temporary refusal (4xx) is not one: the run queues it again.

Each case is recorded once on the client's action log (action ``undeliverable``), flags the client and
gives the collections responsible one activity to fix the address or call. The flag says that the
client's most recent reminder could not be delivered: it is cleared when a later one is, or when an
email address of the client changes.
"""

import logging
import re
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..policy.actions import EMAIL_ACTIONS
from .collection_run_actions import QUIET_ACTIVITY

_logger = logging.getLogger(__name__)

# SMTPRecipientsRefused: "{'a@b.c': (550, b'5.1.1 no such user')}", a recipient refused for good (a 5xx
# reply to RCPT TO); the server's code and text. A refused sender or message is no address problem.
PERMANENT_SMTP_REPLY = re.compile(r"['\"]:\s*\((5\d\d), b?['\"]([^'\"]*)")
# "(451, b'4.3.0 Try again later')", "{'a@b.c': (450, b'Mailbox busy')}": a temporary refusal
TEMPORARY_SMTP_REPLY = re.compile(r"\(4\d\d, b?['\"]")
CHECK_DAYS = 7
CHECK_LOCK_KEY = 0x46434F4D  # "FCOM", the run's lock + 1: one delivery check at a time (transaction lock)
ACTIVITY_TYPE = "freelance_collections.mail_activity_collection_undeliverable"


class CollectionRunDelivery(models.AbstractModel):
    _name = "collection.run.delivery"
    _description = "Collection Reminder Delivery Checks"

    # ------------------------------------------------------------------
    # BEFORE SENDING: the invoicing contact's address
    # ------------------------------------------------------------------
    @api.model
    def _collection_unreachable_clients(self, partners):
        """{client id: (reason, note)} for the clients among PARTNERS whose invoicing contact has no
        valid email address or a blacklisted one; one blacklist query for all."""
        contacts = {partner.id: partner.browse(partner.address_get(["invoice"])["invoice"]) for partner in partners}
        emails = [contact.email_normalized for contact in contacts.values() if contact.email_normalized]
        blacklisted = (
            set(self.env["mail.blacklist"].sudo().search([("email", "in", emails)]).mapped("email"))
            if emails
            else set()
        )
        problems = {}
        for partner_id, contact in contacts.items():
            if not contact.email:
                problems[partner_id] = (
                    "no_email",
                    _("%(contact)s has no email address.", contact=contact.display_name),
                )
            elif not contact.email_normalized:
                problems[partner_id] = (
                    "no_email",
                    _(
                        "%(email)s (%(contact)s) is not a valid email address.",
                        email=contact.email,
                        contact=contact.display_name,
                    ),
                )
            elif contact.email_normalized in blacklisted:
                problems[partner_id] = (
                    "blacklisted",
                    _(
                        "%(email)s (%(contact)s) is on the email blacklist.",
                        email=contact.email_normalized,
                        contact=contact.display_name,
                    ),
                )
        return problems

    def _collection_block_unreachable(self, items, unreachable, states):
        """Record ITEMS (the planned emails of clients that cannot receive them) as failed in STATES,
        with the reason, and their clients as undeliverable.

        :param dict unreachable: {client id: (reason, note)} (``_collection_unreachable_clients``)
        """
        today = fields.Date.context_today(self)
        events = {}
        for item in items:
            partner = item.move.commercial_partner_id
            reason, note = unreachable[partner.id]
            states[item.key] = "failed"
            item.note = note
            events.setdefault(
                partner.id,
                {
                    "key": f"undeliverable:{reason}:{partner.id}:{today}",
                    "partner_id": partner.id,
                    "move_id": item.move.id,
                    "reason": reason,
                    "note": note,
                    "mail_message_id": False,
                },
            )
        # the address is checked at each attempt: the client is flagged again even if today's
        # attempt is on the log already (once per reason and day)
        self._collection_record_undeliverable(list(events.values()), flag_known=True)

    # ------------------------------------------------------------------
    # MAIL QUEUE: a refusal for now is tried again
    # ------------------------------------------------------------------
    @api.model
    def _collection_requeue_refused_mails(self, days=7):
        """Put back in the mail queue the reminders of the last DAYS days that the mail server could
        not be reached for or refused for now (an SMTP 4xx reply); Odoo leaves those in exception:
        they are retried, not lost. A permanent refusal (5xx: no such address) stays in exception."""
        since = fields.Date.context_today(self) - timedelta(days=days)
        messages = (
            self.env["collection.action.log"]
            .sudo()
            .search([("date", ">=", since), ("mail_message_id", "!=", False)])
            .mail_message_id
        )
        if not messages:
            return 0
        refused = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("state", "=", "exception"),
                ]
            )
        )
        smtp_failed = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_mail_id", "in", refused.ids),
                    ("failure_type", "=", "mail_smtp"),
                ]
            )
            .mail_mail_id
        )
        # a server that answered "try again later" (an SMTP 4xx reply) refused for now, not for good
        smtp_failed |= refused.filtered(lambda mail: TEMPORARY_SMTP_REPLY.search(mail.failure_reason or ""))
        smtp_failed.write({"state": "outgoing", "failure_reason": False})
        if smtp_failed:
            _logger.info("Collections: %s reminder(s) refused by the mail server queued again.", len(smtp_failed))
        return len(smtp_failed)

    # ------------------------------------------------------------------
    # AFTER SENDING: what the mail queue did with the reminders
    # ------------------------------------------------------------------
    @api.model
    def _collection_check_deliveries(self, days=CHECK_DAYS):
        """Record the reminders of the last DAYS days that could not be delivered, flag their clients
        and clear the flag of the clients whose latest reminder was delivered. Returns how many new
        undeliverable reminders were recorded. Three queries, whatever the number of reminders."""
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", CHECK_LOCK_KEY))
        if not cr.fetchone()[0]:
            return 0
        since = fields.Date.context_today(self) - timedelta(days=days)
        for model, names in (
            ("collection.action.log", ["date", "action", "partner_id", "move_id", "mail_message_id"]),
            (
                "mail.notification",
                [
                    "mail_message_id",
                    "mail_mail_id",
                    "notification_type",
                    "notification_status",
                    "failure_type",
                    "failure_reason",
                ],
            ),
            ("mail.mail", ["failure_reason"]),
        ):
            self.env[model].flush_model(names)
        # per reminder email: its client, first invoice, first log line (its place in the client's
        # history) and what became of it
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT log.mail_message_id AS message_id, log.partner_id, MIN(log.move_id) AS move_id,
                   MIN(log.id) AS position,
                   BOOL_OR(notif.notification_status = 'sent') AS delivered,
                   BOOL_OR(notif.notification_status = 'bounce') AS bounced,
                   BOOL_OR(notif.failure_type IN ('mail_email_missing', 'mail_email_invalid')) AS no_email,
                   STRING_AGG(COALESCE(notif.failure_reason, mail.failure_reason), ' ')
                       FILTER (WHERE notif.notification_status IN ('exception', 'bounce')
                                 -- the server could not be reached: the run queues it again
                                 AND notif.failure_type IS DISTINCT FROM 'mail_smtp') AS failure
              FROM collection_action_log log
              JOIN mail_notification notif ON notif.mail_message_id = log.mail_message_id
                                          AND notif.notification_type = 'email'
         LEFT JOIN mail_mail mail ON mail.id = notif.mail_mail_id
             WHERE log.date >= %(since)s
               AND log.action IN %(actions)s
               AND log.mail_message_id IS NOT NULL
          GROUP BY log.mail_message_id, log.partner_id
            """,
                since=since,
                actions=EMAIL_ACTIONS,
            )
        )
        delivered = defaultdict(int)  # client: position of its latest delivered reminder
        for row in rows:
            if row["delivered"]:
                delivered[row["partner_id"]] = max(delivered[row["partner_id"]], row["position"])
        events = []
        for row in rows:
            reason, note = self._collection_undeliverable_reason(row)
            if reason and row["position"] > delivered[row["partner_id"]]:
                events.append(
                    {
                        "key": f"undeliverable:message:{row['message_id']}",
                        "partner_id": row["partner_id"],
                        "move_id": row["move_id"],
                        "reason": reason,
                        "note": note,
                        "mail_message_id": row["message_id"],
                    }
                )
        self._collection_clear_delivered(delivered, since)
        return len(self._collection_record_undeliverable(events))

    @api.model
    def _collection_undeliverable_reason(self, row):
        """(reason, note) of one reminder that could not be delivered, or (False, False)."""
        failure = (row["failure"] or "").strip()
        reply = PERMANENT_SMTP_REPLY.search(failure)
        if reply:
            return "bounce", _(
                "The mail server refused the reminder: %(code)s %(reply)s", code=reply.group(1), reply=reply.group(2)
            )
        if row["bounced"]:
            return "bounce", _("The reminder bounced: %(reply)s", reply=failure[:200] or _("no details"))
        if row["no_email"]:
            return "no_email", _("The reminder had no valid recipient address.")
        return False, False

    @api.model
    def _collection_clear_delivered(self, delivered, since):
        """Clear the flag of the clients whose latest reminder (DELIVERED: client id -> position)
        came after their latest undeliverable one."""
        flagged = (
            self.env["res.partner"]
            .sudo()
            .search([("id", "in", list(delivered)), ("collection_undeliverable", "=", True)])
        )
        if not flagged:
            return
        # an undeliverable reminder sits at its email's first log line, a blocked one at its own line
        positions = dict(
            self.env.execute_query(
                SQL(
                    """
            SELECT und.partner_id, MAX(COALESCE(
                       (SELECT MIN(mail_log.id) FROM collection_action_log mail_log
                         WHERE mail_log.mail_message_id = und.mail_message_id
                           AND mail_log.action IN %(actions)s), und.id))
              FROM collection_action_log und
             WHERE und.action = 'undeliverable' AND und.partner_id IN %(partners)s AND und.date >= %(since)s
          GROUP BY und.partner_id
            """,
                    actions=EMAIL_ACTIONS,
                    partners=tuple(flagged.ids),
                    since=since,
                )
            )
        )
        flagged.filtered(
            lambda partner: delivered[partner.id] > positions.get(partner.id, 0)
        )._collection_clear_undeliverable()

    @api.model
    def _collection_record_undeliverable(self, events, flag_known=False):
        """Record EVENTS (dicts: key, partner_id, move_id, reason, note, mail_message_id) not yet on the
        action log, flag their clients (with FLAG_KNOWN, those of the events already recorded too) and
        schedule one activity per flagged client that has no open one. Returns the new log lines."""
        logs = self.env["collection.action.log"]._record(
            [
                {
                    "key": event["key"],
                    "partner_id": event["partner_id"],
                    "move_id": event["move_id"],
                    "action": "undeliverable",
                    "state": "failed",
                    "note": event["note"][:250],
                    "mail_message_id": event["mail_message_id"],
                }
                for event in events
            ],
            run=self,
        )
        if not flag_known:
            recorded = set(logs.mapped("key"))
            events = [event for event in events if event["key"] in recorded]
        if not events:
            return logs
        today = fields.Date.context_today(self)
        last_by_partner = {event["partner_id"]: event for event in events}
        by_problem = defaultdict(list)
        for partner_id, event in last_by_partner.items():
            by_problem[event["reason"], event["note"][:250]].append(partner_id)
        for (reason, note), partner_ids in by_problem.items():
            self.env["res.partner"].sudo().browse(partner_ids).write(
                {
                    "collection_undeliverable": True,
                    "collection_undeliverable_reason": reason,
                    "collection_undeliverable_note": note,
                    "collection_undeliverable_date": today,
                }
            )
        self._collection_schedule_undeliverable_activities(last_by_partner)
        if logs:
            _logger.info("Collections: %s undeliverable reminder(s) recorded.", len(logs))
        return logs

    @api.model
    def _collection_schedule_undeliverable_activities(self, events_by_partner):
        activity_type = self.env.ref(ACTIVITY_TYPE, raise_if_not_found=False)
        if not activity_type:
            return
        open_for = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", list(events_by_partner)),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        Move = self.env["account.move"].sudo()
        for partner_id, event in events_by_partner.items():
            if partner_id in open_for:
                continue
            self.env["res.partner"].sudo().browse(partner_id).with_context(**QUIET_ACTIVITY).activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Reminder undeliverable: fix the address or call"),
                note=Markup("<p>%s</p>") % event["note"],
                user_id=Move.browse(event["move_id"])._collection_responsible().id,
            )
