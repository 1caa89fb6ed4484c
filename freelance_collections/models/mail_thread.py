"""The reminders of a batch share their author lookup.

Odoo's composer finds a reminder's author from the template's sender address (the company's), searching
users, partners and aliases by email: three to four queries for every email, the same answer for each.
While the run works on a batch (``collection.run._collection_run_batch``, and each handler's
``_collection_per_client``), the answer is kept for the batch; outside of it, Odoo's own lookup as always.
"""

from contextlib import contextmanager

from odoo import models

AUTHORS_KEY = "freelance_collections.reminder_authors"


@contextmanager
def shared_reminder_authors(cr):
    """While inside, reminders' author lookups are kept on CR (the outermost use owns and ends them)."""
    owned = AUTHORS_KEY not in cr.cache
    if owned:
        cr.cache[AUTHORS_KEY] = {}
    try:
        yield
    finally:
        if owned:
            cr.cache.pop(AUTHORS_KEY, None)


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
