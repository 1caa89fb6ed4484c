"""2.2.0: late fees are booked one invoice per client, each line saying which invoice it charges.

Every late-fee invoice booked before carries its overdue invoice on the invoice; its lines get it too
(what was charged, waived and reminded is read from the lines now) and the invoice is flagged as a
late-fee invoice. The reminder templates learn to list a late-fee invoice for several invoices once.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the shipped reminder templates' expressions (no quotes: the same in each translation's JSON text)
TEMPLATE_CHANGES = (
    (
        "i.collection_penalty_origin_id not in object.collection_reminder_invoice_ids",
        "not (i.collection_fee_invoice and i.collection_fee_origin_ids &amp; object.collection_reminder_invoice_ids)",
    ),
    (
        't-foreach=\\"invoice.collection_open_fee_ids\\"',
        't-foreach=\\"invoice._collection_fees_listed_here(object.collection_reminder_invoice_ids)\\"',
    ),
    ("fee.collection_penalty_origin_id.name or ''", "fee._collection_fee_origin_names() or ''"),
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
        UPDATE account_move
           SET collection_fee_invoice = TRUE
         WHERE collection_penalty_origin_id IS NOT NULL
           AND collection_fee_invoice IS NOT TRUE
            """
        )
    )
    cr.execute(
        SQL(
            """
        UPDATE account_move_line line
           SET collection_penalty_origin_id = fee.collection_penalty_origin_id
          FROM account_move fee
         WHERE line.move_id = fee.id
           AND fee.collection_penalty_origin_id IS NOT NULL
           AND line.display_type = 'product'
           AND line.collection_penalty_origin_id IS NULL
            """
        )
    )
    _logger.info("Late-fee lines: %s lines got the invoice they charge fees on", cr.rowcount)
    cr.execute(
        SQL("SELECT res_id FROM ir_model_data WHERE module = 'freelance_collections' AND model = 'mail.template'")
    )
    template_ids = [row[0] for row in cr.fetchall()]
    for old, new in TEMPLATE_CHANGES:
        cr.execute(
            SQL(
                "UPDATE mail_template SET body_html = replace(body_html::text, %s, %s)::jsonb WHERE id = ANY(%s)",
                old,
                new,
                template_ids,
            )
        )
