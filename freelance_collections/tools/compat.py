"""The differences between Odoo 18.0 and 19.0 the addons meet, in one place.

Every version check of the three addons lives here; models, controllers and tests import the names
below instead of testing ``odoo.release`` themselves. Patterns for new code: docs/compat.md.
"""

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
    from odoo.addons.base.models.ir_qweb import QWebError as QWebException  # noqa: F401 (a name of this module)
else:
    from odoo.addons.base.models.ir_qweb import QWebException  # noqa: F401 (a name of this module)

#: the users of a group (``users`` until 18.0, ``user_ids`` from 19.0)
GROUP_USERS = "user_ids" if ODOO_19 else "users"


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
