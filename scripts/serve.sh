#!/usr/bin/env bash
# Create (or update) the demo database with freelance_collections and its demo data, then serve
# Odoo on http://localhost:8069 (login admin / admin). Python and Odoo: see scripts/_common.sh (its
# own .venv/, Odoo set up from ODOO_SRC when that environment has none).
#
#   DB=name PORT=8070 INTERFACE=0.0.0.0 scripts/serve.sh    # another database, port, interface
#   scripts/serve.sh --dev=xml                                # extra options go to Odoo
source "$(dirname "$0")/_common.sh"
DB="${DB:-freelance_demo}"
PORT="${PORT:-8069}"
# 127.0.0.1: this machine only; 0.0.0.0 (or an address of this machine): reachable from the network
INTERFACE="${INTERFACE:-127.0.0.1}"
if psql -tA -d "$DB" -c "SELECT 1" >/dev/null 2>&1; then
    echo "Updating freelance_collections in database '$DB'..."
    odoo -d "$DB" -u freelance_collections --stop-after-init --log-level=warn
else
    echo "Creating database '$DB' with demo data (a few minutes)..."
    odoo -d "$DB" -i freelance_collections "${WITH_DEMO[@]}" --stop-after-init --log-level=warn
fi
shown="$INTERFACE"
[ "$INTERFACE" = 0.0.0.0 ] && shown=localhost
echo "Serving Odoo on http://$shown:$PORT (listening on $INTERFACE; login: admin, password: admin). Ctrl+C stops it."
exec "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --http-interface="$INTERFACE" "$@"
