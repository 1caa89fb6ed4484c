"""The reminders of a batch share their author and reply-to lookups.

Odoo's composer finds a reminder's author from the template's sender address (the company's), searching
users, partners and aliases by email: three to four queries for every email, the same answer for each.
While the run works on a batch (``collection.run._collection_run_batch``, and each handler's
``_collection_per_client``), the answer is kept for the batch; outside of it, Odoo's own lookup as always.

The same for the reply-to address Odoo gives each email (``_notify_get_reply_to``: the aliases of the
client, then the company's catchall, a query or two per email): looked up once for all the clients of
the handler's batch, with the answer Odoo gives each of them.
"""

from contextlib import contextmanager

from odoo import models

AUTHORS_KEY = "freelance_collections.reminder_authors"
REPLY_TO_KEY = "freelance_collections.reminder_reply_to"


@contextmanager
def _kept_on_cursor(cr, key, value):
    """While inside, VALUE is kept on CR under KEY (the outermost use owns it and drops it)."""
    owned = key not in cr.cache
    if owned:
        cr.cache[key] = value
    try:
        yield
    finally:
        if owned:
            cr.cache.pop(key, None)


def shared_reminder_authors(cr):
    """While inside, reminders' author lookups are kept on CR."""
    return _kept_on_cursor(cr, AUTHORS_KEY, {})


def shared_reminder_reply_to(cr, partners):
    """While inside, the reply-to addresses of the reminders to PARTNERS are looked up once for all."""
    return _kept_on_cursor(cr, REPLY_TO_KEY, {"ids": frozenset(partners.ids), "answers": {}})


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_compute_author(self, author_id=None, email_from=None, *args, **kwargs):
        authors = self.env.cr.cache.get(AUTHORS_KEY)
        if authors is None or author_id is not None or not email_from:
            return super()._message_compute_author(author_id, email_from, *args, **kwargs)
        key = (email_from, self.env.uid, self.env.su, args, tuple(sorted(kwargs.items())))
        if key not in authors:
            authors[key] = super()._message_compute_author(author_id, email_from, *args, **kwargs)
        return authors[key]


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _notify_get_reply_to(self, default=None, *args, **kwargs):  # 19.0 added author_id
        shared = self.env.cr.cache.get(REPLY_TO_KEY)
        if not shared or not self.ids or not shared["ids"].issuperset(self.ids):
            return super()._notify_get_reply_to(default, *args, **kwargs)
        env = self.env
        key = (default, args, tuple(sorted(kwargs.items())), env.uid, env.su, env.company.id, env.lang)
        if key not in shared["answers"]:
            everyone = self.browse(sorted(shared["ids"]))
            shared["answers"][key] = super(ResPartner, everyone)._notify_get_reply_to(default, *args, **kwargs)
        answers = shared["answers"][key]
        return {res_id: answers[res_id] for res_id in self.ids}
