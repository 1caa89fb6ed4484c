"""Upgrading to 2.1.0 makes a client's pause per company: each pause of 2.0.0 moves to the companies
where the client has invoices (migrations/2.1.0/pre-migrate.py), on a database whose columns are put
back as 2.0.0 had them."""

import json

import odoo.release

SERIES = odoo.release.version_info[0]
WITHOUT_DEMO = ["--without-demo=all"] if SERIES < 19 else []  # 19.0 installs no demo data by default

BOOK = """
from odoo import Command
A = env.ref('base.main_company')
B = env['res.company'].create({'name': 'Company B', 'currency_id': A.currency_id.id})
if not env['account.journal'].search([('company_id', '=', A.id), ('type', '=', 'sale')]):
    env['account.chart.template'].try_loading('generic_coa', company=A, install_demo=False)
env['account.chart.template'].try_loading('generic_coa', company=B, install_demo=False)
def invoice(partner, company):
    move = env['account.move'].with_company(company).create({
        'move_type': 'out_invoice', 'partner_id': partner.id, 'company_id': company.id,
        'invoice_line_ids': [Command.create({'name': 'Work', 'price_unit': 100, 'tax_ids': []})]})
    move.action_post()
clients = {name: env['res.partner'].create({'name': name, 'is_company': True, **extra}) for name, extra in [
    ('both', {}), ('only_b', {}), ('nothing_of_b', {'company_id': B.id}), ('nothing_shared', {})]}
invoice(clients['both'], A)
invoice(clients['both'], B)
invoice(clients['only_b'], B)
contact = env['res.partner'].create({'name': 'Contact of both', 'parent_id': clients['both'].id})
env.cr.commit()
env.cr.execute("ALTER TABLE res_partner DROP COLUMN collection_pause_until, DROP COLUMN collection_pause_reason")
env.cr.execute("ALTER TABLE res_partner ADD COLUMN collection_pause_until date, "
               "ADD COLUMN collection_pause_reason varchar")
for partner in [*clients.values(), contact]:
    env.cr.execute("UPDATE res_partner SET collection_pause_until = '2099-01-31', collection_pause_reason = %s "
                   "WHERE id = %s", (partner.name, partner.id))
env.cr.execute("UPDATE ir_module_module SET latest_version = %s WHERE name = 'freelance_collections'",
               (f"{SERIES}.0.2.0.0",))
env.cr.commit()
import json
print(json.dumps({'A': A.id, 'B': B.id, **{name: p.id for name, p in clients.items()}, 'contact': contact.id}))
"""

AFTER = """
import json
ids = json.loads({ids!r})
result = {{}}
for name in ('both', 'only_b', 'nothing_of_b', 'nothing_shared', 'contact'):
    partner = env['res.partner'].browse(ids[name])
    result[name] = {{
        company: [str(partner.with_company(ids[company]).collection_pause_until or ''),
                  partner.with_company(ids[company]).collection_pause_reason or '']
        for company in ('A', 'B')
    }}
result['column'] = env['res.partner']._fields['collection_pause_until'].company_dependent
print(json.dumps(result))
"""


def test_pauses_move_to_the_companies_of_the_clients_invoices(odoo_db):
    odoo_db.run("-i", "freelance_collections", *WITHOUT_DEMO)
    ids = odoo_db.shell(BOOK.replace("{SERIES}", str(SERIES))).strip().splitlines()[-1]
    odoo_db.run("-u", "freelance_collections")
    after = json.loads(odoo_db.shell(AFTER.format(ids=ids)).strip().splitlines()[-1])
    paused = "2099-01-31"
    assert after.pop("column") is True
    assert after == {
        "both": {"A": [paused, "both"], "B": [paused, "both"]},
        "only_b": {"A": ["", ""], "B": [paused, "only_b"]},
        "nothing_of_b": {"A": ["", ""], "B": [paused, "nothing_of_b"]},
        "nothing_shared": {"A": [paused, "nothing_shared"], "B": [paused, "nothing_shared"]},
        "contact": {"A": [paused, "Contact of both"], "B": [paused, "Contact of both"]},
    }
