"""The addon installs with demo data, upgrades, and uninstalls leaving Odoo's accounting working."""

import json

from conftest import with_demo


def test_demo_install_upgrade_uninstall(odoo_db):
    odoo_db.run("-i", "freelance_collections", *with_demo())

    demo = json.loads(
        odoo_db.shell(
            "import json\n"
            "partners = env['res.partner'].search([('name', 'like', '(demo)'), ('is_company', '=', True)])\n"
            "print(json.dumps({p.name: [p.collection_stage_id.name or None, p.collection_work_stop]"
            " for p in partners}))\n"
        )
        .strip()
        .splitlines()[-1]
    )
    assert demo["Punctual Studio (demo)"] == [None, False]
    assert demo["Due Soon Agency (demo)"] == ["Courtesy reminder", False]
    assert demo["Ten Days Late Ltd (demo)"] == ["Friendly reminder", False]
    assert demo["Forty Days Late SARL (demo)"] == ["Work stop", True]
    assert demo["Seventy Days Late GmbH (demo)"] == ["Formal notice", True]
    assert demo["Hundred Days Late Inc (demo)"] == ["Collection agency", True]
    assert demo["Disputing Corp (demo)"] == ["Work stop", True], "held at the stage it had"
    assert demo["Valued Client Co (demo)"] == ["Firm reminder", False], "paused at the stage it had"
    assert demo["Deposit Client BV (demo)"] == [None, False], "deposit paid, balance not yet due"
    odoo_own = json.loads(
        odoo_db.shell(
            "import json\n"
            # Odoo's own demo clients of the main company (Deco Addict... on 18.0, Azure Interior... on 19.0)
            "moves = env['account.move'].search([('partner_id.name', 'not like', '(demo)'), "
            "('company_id', '=', env.ref('base.main_company').id), "
            "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), ('payment_state', '!=', 'paid')])\n"
            "print(json.dumps([[m.collection_policy_id.name, bool(m.collection_stage_id)] for m in moves]))\n"
        )
        .strip()
        .splitlines()[-1]
    )
    assert odoo_own and all(
        policy == "Freelancer standard" for policy, _staged in odoo_own
    ), "Odoo's own demo invoices are under collection"
    assert any(staged for _policy, staged in odoo_own), odoo_own

    odoo_db.run("-u", "freelance_collections")

    out = odoo_db.shell(
        "module = env['ir.module.module'].search([('name', '=', 'freelance_collections')])\n"
        "module.button_immediate_uninstall()\n"
        "env.cr.commit()\n"
    )
    after = json.loads(
        odoo_db.shell(
            "import json\n"
            "from odoo import Command\n"
            "partner = env['res.partner'].create({'name': 'After uninstall'})\n"
            "move = env['account.move'].create({'move_type': 'out_invoice', 'partner_id': partner.id,"
            " 'invoice_line_ids': [Command.create({'name': 'x', 'price_unit': 100})]})\n"
            "move.action_post()\n"
            'env.cr.execute("SELECT count(*) FROM information_schema.tables "\n'
            "               \"WHERE table_name LIKE 'collection_%%'\")\n"
            "tables = env.cr.fetchone()[0]\n"
            "print(json.dumps({'state': move.state,"
            " 'module': env['ir.module.module'].search([('name', '=', 'freelance_collections')]).state,"
            " 'tables': tables,"
            " 'field': 'collection_stage_id' in env['account.move']._fields}))\n"
        )
        .strip()
        .splitlines()[-1]
    )
    assert after == {"state": "posted", "module": "uninstalled", "tables": 0, "field": False}, out
