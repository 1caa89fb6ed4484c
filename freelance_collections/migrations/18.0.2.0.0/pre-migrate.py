"""18.0.2.0.0 renames the client's escalation pause (collection_exception_* -> collection_pause_*) and
the fixed-fee mode "per_step" -> "per_tier" (one word per concept: penalty tier).

The columns and their field records are renamed before the models load, so the values, their
tracking history and the translations of the labels stay.
"""

from odoo.tools import SQL

RENAMED = {
    "collection_exception_until": "collection_pause_until",
    "collection_exception_reason": "collection_pause_reason",
}


def migrate(cr, version):
    if not version:
        return
    for old, new in RENAMED.items():
        cr.execute(
            SQL("SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' AND column_name = %s", old)
        )
        if cr.fetchone():
            cr.execute(SQL("ALTER TABLE res_partner RENAME COLUMN %s TO %s", SQL.identifier(old), SQL.identifier(new)))
        cr.execute(SQL("UPDATE ir_model_fields SET name = %s WHERE model = 'res.partner' AND name = %s", new, old))
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s"
                " WHERE module = 'freelance_collections' AND model = 'ir.model.fields' AND name = %s",
                f"field_res_partner__{new}",
                f"field_res_partner__{old}",
            )
        )
    cr.execute(SQL("UPDATE collection_policy SET fixed_fee_mode = 'per_tier' WHERE fixed_fee_mode = 'per_step'"))
