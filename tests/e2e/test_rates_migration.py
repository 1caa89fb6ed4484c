"""Upgrading to 2.2.0 on a database of 2.1.0 (put back as 2.1.0 had it): the reference rates gain the
fixings of 1 January 2026 without overwriting one entered by hand (migrations/2.2.0/pre-migrate.py),
the shipped indexes get their publisher and the daily update its scheduled action (post-migrate.py),
the UK preset fixes its rate when the debt falls due unless its interest was changed
(post-uk-rate-fixed-at-due.py), and the new country presets and indexes appear."""

import json

import odoo.release

SERIES = odoo.release.version_info[0]
WITHOUT_DEMO = ["--without-demo=all"] if SERIES < 19 else []  # 19.0 installs no demo data by default

# what 2.1.0 had: no 2026 fixings, no publishers, no update cron, no country presets beyond France,
# the EU and the UK (whose rate moved per half-year); and a Bank of England rate of 1 January 2026
# that the owner entered by hand, at a value of their own
AS_2_1_0 = """
ref = env.ref
for name in ('rate_index_ecb_semester_20260101', 'rate_index_boe_semester_20260101'):
    ref('freelance_collections.' + name).unlink()
ref('freelance_collections.policy_de_bgb_288').unlink()
ref('freelance_collections.rate_index_bbk_basiszins').unlink()
ref('freelance_collections.ir_cron_update_rates').unlink()
ref('freelance_collections.policy_uk_late_payment').rate_fixed_at_due = False
boe = ref('freelance_collections.rate_index_boe_semester')
env['collection.reference.rate'].create({'index_id': boe.id, 'date': '2026-01-01', 'rate': 3.8})
env.cr.execute("UPDATE collection_rate_index SET provider = 'manual', half_yearly = TRUE")
env.cr.execute("UPDATE ir_module_module SET latest_version = %s WHERE name = 'freelance_collections'",
               ("{SERIES}.0.2.1.0",))
env.cr.commit()
print('READY')
"""

AFTER = """
import json
ref = env.ref
def values(xmlid):
    index = ref('freelance_collections.' + xmlid)
    return {str(rate.date): rate.rate for rate in index.rate_ids if rate.date.year == 2026}
indexes = env['collection.rate.index'].with_context(active_test=False).search([])
germany = env.ref('freelance_collections.policy_de_bgb_288', raise_if_not_found=False)
print(json.dumps({
    'ecb': values('rate_index_ecb_semester'),
    'boe': values('rate_index_boe_semester'),
    'providers': {index.code: index.provider for index in indexes},
    'mro_half_yearly': ref('freelance_collections.rate_index_ecb_mro').half_yearly,
    'cron': bool(env.ref('freelance_collections.ir_cron_update_rates', raise_if_not_found=False)),
    'uk_fixed': ref('freelance_collections.policy_uk_late_payment').rate_fixed_at_due,
    'germany': germany and [germany.rate_index_id.code, germany.annual_rate, germany.fixed_fee],
}))
"""


def test_rates_current_after_the_upgrade_and_a_hand_entered_value_kept(odoo_db):
    odoo_db.run("-i", "freelance_collections", *WITHOUT_DEMO)
    assert "READY" in odoo_db.shell(AS_2_1_0.replace("{SERIES}", str(SERIES)))
    odoo_db.run("-u", "freelance_collections")
    after = json.loads(odoo_db.shell(AFTER).strip().splitlines()[-1])
    assert after["ecb"] == {"2026-01-01": 2.15}, after
    assert after["boe"] == {"2026-01-01": 3.8}, f"the owner's value is kept, not doubled: {after}"
    assert after["providers"] == {
        "ECB_SEMESTER": "ecb_semester",
        "ECB_MRO": "ecb_mro",
        "BOE_SEMESTER": "boe_semester",
        "BBK_BASISZINS": "bbk_basiszins",
        "BE_SEMESTER": "be_semester",
    }, after
    assert after["mro_half_yearly"] is False
    assert after["cron"] is True
    assert after["uk_fixed"] is True
    assert after["germany"] == ["BBK_BASISZINS", 9.0, 40.0], after
