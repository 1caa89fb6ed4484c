"""A book that existed before the addon: invoices posted with Odoo alone, then the addon installed,
the default policy chosen in Settings, one client given another policy on its form, and the run."""

import json

BOOK = """
import json
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env['res.partner'])
env.company.email = 'billing@freelancer.example.com'
def invoice(name, days_late, amount=1000):
    partner = env['res.partner'].search([('name', '=', name)]) or env['res.partner'].create(
        {'name': name, 'is_company': True, 'email': name.split()[0].lower() + '@example.com'})
    move = env['account.move'].create({
        'move_type': 'out_invoice', 'partner_id': partner.id,
        'invoice_date': today - timedelta(days=days_late + 30),
        'invoice_date_due': today - timedelta(days=days_late),
        'invoice_line_ids': [Command.create({'name': 'Design work', 'quantity': 1, 'price_unit': amount,
                                             'tax_ids': []})],
    })
    move.action_post()
    return move
invoice('Alpha Studio', 10)
invoice('Alpha Studio', 40)
invoice('Beta Agency', 20)
paid = invoice('Gamma Ltd', 5)
register = env['account.payment.register'].with_context(active_model='account.move', active_ids=paid.ids)
register.create({})._create_payments()
invoice('Delta SARL', -10)
env.cr.commit()
print('BOOK', env['account.move'].search_count([('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]))
"""

FIRST_RUN = """
import json
before = env['account.move'].search_count([('collection_policy_id', '!=', False)])
standard = env.ref('freelance_collections.policy_freelancer_standard')
france = env.ref('freelance_collections.policy_france_b2b')
# the presets send no reminder on Saturdays and Sundays: the test must pass on any day of the week
(standard | france).quiet_days = 'none'
settings = env['res.config.settings'].create({'collection_policy_id': standard.id})
count = settings.collection_policy_move_count
settings.execute()
env['res.partner'].search([('name', '=', 'Beta Agency')]).collection_policy_id = france
env.cr.commit()
env['collection.run']._cron_run_collections()
env.cr.commit()
moves = env['account.move'].search([('move_type', '=', 'out_invoice')], order='id')
print('RESULT', json.dumps({
    'before': before, 'count': count,
    'invoices': [[m.partner_id.name, m.payment_state, m.collection_policy_id.name or None,
                  m.collection_stage_id.name or None] for m in moves if not m.collection_fee_invoice],
    'fees': [[m.commercial_partner_id.name, m.amount_total] for m in moves if m.collection_fee_invoice],
    'mailed': sorted(set(
        env['mail.mail'].search([('model', '=', 'res.partner')]).recipient_ids.mapped('email'))),
    'actions': sorted({(log.partner_id.name, log.stage_id.name, log.action)
                       for log in env['collection.action.log'].search([])}),
}))
"""


def test_install_on_an_existing_book_then_choose_the_default(odoo_db):
    odoo_db.run("-i", "account", "--without-demo=all")
    assert "BOOK 5" in odoo_db.shell(BOOK)
    odoo_db.run("-i", "freelance_collections", "--without-demo=all")
    out = odoo_db.shell(FIRST_RUN)
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    assert result["before"] == 0, "installing puts nothing under collection by itself"
    assert result["count"] == 4, "Settings says how many open invoices the default moves"
    by_client = {}
    for name, state, policy, stage in result["invoices"]:
        by_client.setdefault(name, []).append([state, policy, stage])
    assert by_client["Alpha Studio"] == [
        ["not_paid", "Freelancer standard", "Friendly reminder"],
        ["not_paid", "Freelancer standard", "Work stop"],
    ]
    assert by_client["Beta Agency"] == [["not_paid", "France B2B (Code de commerce L441-10, D441-5)", "Firm reminder"]]
    assert by_client["Gamma Ltd"] == [["paid", None, None]], "paid before: left alone"
    assert by_client["Delta SARL"] == [["not_paid", "Freelancer standard", None]]
    # each invoice acts at the stage it is in now, not at every stage it skipped
    actions = [tuple(a) for a in result["actions"]]
    assert ("Alpha Studio", "Work stop", "work_stop") in actions
    assert ("Alpha Studio", "Friendly reminder", "email") in actions, "the 10-days-late one"
    assert not [a for a in actions if a[0] == "Alpha Studio" and a[1] in ("Firm reminder", "Phone call")]
    assert ("Beta Agency", "Firm reminder", "email") in actions
    # fees from the firm stage on: Alpha's invoice 40 days late (standard steps), Beta's 20 days late
    # (France: 40 EUR + interest); none on the invoices before that stage
    assert sorted(fee[0] for fee in result["fees"]) == ["Alpha Studio", "Beta Agency"]
    assert [fee[1] for fee in result["fees"] if fee[0] == "Beta Agency"][0] > 40
    assert {"alpha@example.com", "beta@example.com"} <= set(result["mailed"]), result["mailed"]
