"""The differences between Odoo 18.0 and 19.0 the addons meet, in one place.

Every version check of the three addons lives here; models, controllers and tests import the names
below instead of testing ``odoo.release`` themselves. Patterns for new code: docs/compat.md.
"""

import functools
import subprocess

from odoo import models, release

#: the Odoo series the addons run on (18 or 19)
SERIES = release.version_info[0]
ODOO_19 = SERIES >= 19

#: the route ``type`` of a JSON-RPC controller (``json`` until 18.0, ``jsonrpc`` from 19.0)
JSON_ROUTE = "jsonrpc" if ODOO_19 else "json"

#: the groups of a user, an action, a report or a menu (``groups_id`` until 18.0, ``group_ids`` from 19.0)
GROUPS = "group_ids" if ODOO_19 else "groups_id"

#: what QWeb raises around an error in a template it renders (its ``__cause__`` is the error)
if ODOO_19:
    from odoo.addons.base.models.ir_qweb import QWebError as QWebException  # noqa: F401 (re-exported)
else:
    from odoo.addons.base.models.ir_qweb import QWebException  # noqa: F401 (re-exported)

#: the users of a group (``users`` until 18.0, ``user_ids`` from 19.0)
GROUP_USERS = "user_ids" if ODOO_19 else "users"

#: the context of a message posted without making anybody a follower: 18.0 subscribes the author
#: unless ``mail_create_nosubscribe``; 19.0 reads ``mail_post_autofollow_author_skip`` for the author
#: and ``mail_post_autofollow`` (False) for a customer among the recipients
NO_SUBSCRIBE_CONTEXT = (
    {"mail_post_autofollow_author_skip": True, "mail_post_autofollow": False}
    if ODOO_19
    else {"mail_create_nosubscribe": True}
)


def add_constraint(namespace, name, definition, message):
    """Declare the SQL constraint NAME on the model whose class body is NAMESPACE.

    Odoo 19.0 reads ``models.Constraint`` attributes and warns on ``_sql_constraints``; 18.0 knows only
    ``_sql_constraints``. Call it in the class body with ``locals()``; the constraint gets the same
    database name (``<table>_<name>``) on both.

    :param dict namespace: the class body's ``locals()``
    :param str name: the constraint's name, without the table's
    :param str definition: its SQL, e.g. ``"unique(key)"``
    :param str message: what the user reads when a write breaks it
    """
    if ODOO_19:
        namespace[f"_{name}"] = models.Constraint(definition, message)
    else:
        namespace.setdefault("_sql_constraints", []).append((name, definition, message))


def group_privilege_field():
    """The field a group hangs on in the user form: 18.0 ``category_id``, 19.0 ``privilege_id``."""
    return "privilege_id" if ODOO_19 else "category_id"


#: the taxes of a sales order line (``tax_id`` until 18.0, ``tax_ids`` from 19.0)
SALE_LINE_TAXES = "tax_ids" if ODOO_19 else "tax_id"


#: the cookies a browser tour starts with: 19.0 stops a tour whose page unloads unless its step says
#: ``expectUnloadPage``, a key 18.0 refuses; static/tests/tours/tour_compat.js reads this cookie
TOUR_COOKIES = {"fc_tour_expect_unload": "1"} if ODOO_19 else {}


#: the ``ir.mail_server`` method that opens the SMTP connection (``connect`` until 18.0, ``_connect__`` from 19.0)
MAIL_SERVER_CONNECT = "_connect__" if ODOO_19 else "connect"


def fake_smtp(mail_server_class, send_email):
    """In tests, a context manager: ``ir.mail_server`` (its registry class MAIL_SERVER_CLASS) opens no
    SMTP connection and sends with SEND_EMAIL (called as ``send_email(server, message, ...)``). The
    connection is ``MAIL_SERVER_CONNECT``; 19.0 also skips sending inside tests unless ``_disable_send``
    says False."""
    from contextlib import ExitStack  # noqa: PLC0415 - for tests only
    from unittest.mock import patch  # noqa: PLC0415

    stack = ExitStack()
    stack.enter_context(patch.object(mail_server_class, MAIL_SERVER_CONNECT, lambda *args, **kwargs: None))
    stack.enter_context(patch.object(mail_server_class, "send_email", send_email))
    if ODOO_19:
        stack.enter_context(patch.object(mail_server_class, "_disable_send", lambda *args: False))
    return stack


def web_read_group(model, domain, groupby, aggregates):
    """The web client's grouped read of MODEL: ``web_read_group`` takes ``(domain, fields, groupby)`` on
    18.0, ``(domain, groupby, aggregates)`` on 19.0."""
    if ODOO_19:
        return model.web_read_group(domain, groupby, aggregates)
    return model.web_read_group(domain, aggregates, groupby)


def notify_cron_progress(env, done, remaining):
    """Report a cron job's progress (DONE, REMAINING: absolute counts) without committing.

    18.0: ``ir.cron._notify_progress``. 19.0 deprecates it for ``_commit_progress``, which commits and
    counts DONE by increments; the run commits its batches itself (never inside tests), so on 19.0 the
    progress record of the job is written here as ``_notify_progress`` writes it.
    """
    if not ODOO_19:
        env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return
    progress_id = env.context.get("ir_cron_progress_id")
    if not progress_id:
        return
    if done < 0 or remaining < 0:
        raise ValueError("`done` and `remaining` must be positive integers.")
    env["ir.cron.progress"].sudo().browse(progress_id).write({"done": done, "remaining": remaining})


def run_cron_now(test, cron):
    """Run CRON at once from TEST (a TransactionCase), as "Run manually" does.

    18.0's ``method_direct_trigger`` runs the job on the test's cursor; 19.0's runs it as the scheduler
    does, on a new cursor, which must be the test's (registry test mode) to see the test's data and
    commit nothing.
    """
    if ODOO_19:
        with test.enter_registry_test_mode():
            return cron.method_direct_trigger()
    return cron.method_direct_trigger()


def running_tests():
    """Whether Odoo's tests are running in this process (where committing is refused).

    18.0 (and pytest-odoo) flag the thread (``testing``); 19.0's own test runner sets
    ``odoo.modules.module.current_test`` instead.
    """
    import threading  # noqa: PLC0415

    if getattr(threading.current_thread(), "testing", False):
        return True
    if ODOO_19:
        from odoo.modules import module  # noqa: PLC0415

        return bool(module.current_test)
    return False


def early_discount_tax_lines(move):
    """The journal items whose amounts Odoo's early-discount booking lowers: 18.0 the tax lines
    (``display_type == 'tax'``), 19.0 every item with a tax repartition line (also a tax rounding)."""
    if ODOO_19:
        return move.line_ids.filtered("tax_repartition_line_id")
    return move.line_ids.filtered(lambda line: line.display_type == "tax")


def early_discount_analytic_distribution(move, discount_account):
    """The analytic distribution Odoo gives its early-discount items on DISCOUNT_ACCOUNT: 19.0 the one
    of the distribution models matching the account (``{}`` without one), 18.0 none (None)."""
    if not ODOO_19:
        return None
    return move.env["account.analytic.distribution.model"]._get_distribution(
        {
            "account_prefix": discount_account.code,
            "company_id": move.company_id.id,
            "partner_id": move.commercial_partner_id.id,
            "partner_category_id": move.partner_id.category_id.ids,
        }
    )


#: Odoo 19.0 names every receivable line after the invoice's payment reference (``_compute_name``);
#: 18.0 keeps a label it did not set itself (a deposit installment's)
TERM_LINE_NAME_FOLLOWS_REFERENCE = ODOO_19


@functools.cache
def wkhtmltopdf_prints_many():
    """Whether wkhtmltopdf prints several HTML documents into one PDF, as Odoo does to render many records
    in one call: a build "with patched qt" (Odoo's recommended one) does, Debian's does not (19.0 refuses
    to try; 18.0 gets an empty PDF). Asked once per process."""
    from odoo.addons.base.models import ir_actions_report  # noqa: PLC0415

    if ODOO_19:
        return ir_actions_report._wkhtml().is_patched_qt
    try:
        version = subprocess.run(
            [ir_actions_report._get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"(with patched qt)" in version
