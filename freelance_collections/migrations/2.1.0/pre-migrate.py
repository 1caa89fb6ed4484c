"""2.1.0 makes a client's pause per company (collection_pause_until and collection_pause_reason become
company-dependent, as the invoices they hold): a pause set in one company no longer holds the
client's invoices of another.

Odoo cannot cast a date column to the jsonb of a company-dependent field, so the columns are
converted here, before the models load. Each pause moves to the companies where the client (the
contact's commercial partner) has customer invoices; a client without any keeps it in its own
company, or in every company for a contact shared by all (the pause held everywhere before). Runs on
both series (the folder has no series: 18.0.2.1.0 and 19.0.2.1.0).
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

COLUMNS = ("collection_pause_until", "collection_pause_reason")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'res_partner' AND column_name IN %s AND data_type != 'jsonb'",
            COLUMNS,
        )
    )
    if {row[0] for row in cr.fetchall()} != set(COLUMNS):
        return  # converted already
    for column in COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE res_partner RENAME COLUMN %s TO %s",
                SQL.identifier(column),
                SQL.identifier(f"{column}_global"),
            )
        )
        cr.execute(SQL("ALTER TABLE res_partner ADD COLUMN %s jsonb", SQL.identifier(column)))
    cr.execute(
        SQL(
            """
        WITH paused AS (
            SELECT id, commercial_partner_id, company_id,
                   collection_pause_until_global AS until,
                   NULLIF(collection_pause_reason_global, '') AS reason
              FROM res_partner
             WHERE collection_pause_until_global IS NOT NULL
                OR NULLIF(collection_pause_reason_global, '') IS NOT NULL
        ), invoiced AS (
            SELECT DISTINCT p.id AS partner_id, m.company_id
              FROM paused p
              JOIN account_move m ON m.commercial_partner_id = COALESCE(p.commercial_partner_id, p.id)
             WHERE m.move_type = 'out_invoice'
        ), homes AS (
            SELECT partner_id, company_id FROM invoiced
             UNION ALL
            SELECT p.id, c.id
              FROM paused p
              JOIN res_company c ON p.company_id IS NULL OR c.id = p.company_id
             WHERE NOT EXISTS (SELECT 1 FROM invoiced i WHERE i.partner_id = p.id)
        ), moved AS (
            SELECT p.id,
                   jsonb_object_agg(h.company_id::text, to_jsonb(p.until::text))
                       FILTER (WHERE p.until IS NOT NULL) AS until,
                   jsonb_object_agg(h.company_id::text, to_jsonb(p.reason))
                       FILTER (WHERE p.reason IS NOT NULL) AS reason
              FROM paused p
              JOIN homes h ON h.partner_id = p.id
          GROUP BY p.id
        )
        UPDATE res_partner
           SET collection_pause_until = moved.until, collection_pause_reason = moved.reason
          FROM moved
         WHERE moved.id = res_partner.id
            """
        )
    )
    _logger.info("Client pauses made per company: %s clients", cr.rowcount)
    for column in COLUMNS:
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(f"{column}_global")))
