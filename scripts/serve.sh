#!/usr/bin/env bash
# Create (or update) the demo database with freelance_collections and its demo data, and Odoo's demo
# payment provider (payment_demo, in test mode), then serve Odoo on http://localhost:8069 (login
# admin / admin). Python and Odoo: see scripts/_common.sh (its own .venv/, Odoo set up from ODOO_SRC
# when that environment has none).
#
#   DB=name PORT=8070 INTERFACE=0.0.0.0 scripts/serve.sh    # another database, port, interface
#   scripts/serve.sh --dev=xml                                # extra options go to Odoo
source "$(dirname "$0")/_common.sh"
DB="${DB:-freelance_demo}"
PORT="${PORT:-8069}"
# 127.0.0.1: this machine only; 0.0.0.0 (or an address of this machine): reachable from the network
INTERFACE="${INTERFACE:-127.0.0.1}"
# payment_demo: Odoo's demo payment provider, so that Pay Now and the balance page's Pay all work on the
# demo (test mode: no money moves); the addon itself does not depend on it
if psql -tA -d "$DB" -c "SELECT 1" >/dev/null 2>&1; then
    echo "Updating freelance_collections in database '$DB'..."
    odoo -d "$DB" -i payment_demo -u freelance_collections --stop-after-init --log-level=warn
else
    echo "Creating database '$DB' with demo data (a few minutes)..."
    odoo -d "$DB" -i freelance_collections,payment_demo "${WITH_DEMO[@]}" --stop-after-init --log-level=warn
fi
echo "Enabling the demo payment provider (test mode) in '$DB'..."
"$PYTHON" -m odoo shell --addons-path="$ODOO_ADDONS_PATH" -d "$DB" --no-http --log-level=warn >/dev/null <<'PY'
from odoo import Command
method = env.ref("payment_demo.payment_method_demo")
method.active = True
env.ref("payment.payment_provider_demo").write({
    "state": "test",
    "is_published": True,
    "company_id": env.ref("base.main_company").id,
    "payment_method_ids": [Command.link(method.id)],
})
env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
env.cr.commit()
PY
shown="$INTERFACE"
[ "$INTERFACE" = 0.0.0.0 ] && shown=localhost
echo "Serving Odoo on http://$shown:$PORT (listening on $INTERFACE; login: admin, password: admin). Ctrl+C stops it."
exec "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --http-interface="$INTERFACE" "$@"
