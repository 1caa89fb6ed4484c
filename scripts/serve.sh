#!/usr/bin/env bash
# Create (or update) the demo database with freelance_collections and its demo data, then serve
# Odoo on http://localhost:8069 (login admin / admin).
source "$(dirname "$0")/_common.sh"
DB="${DB:-freelance_demo}"
PORT="${PORT:-8069}"
if "$PYTHON" - "$DB" <<'PY'
import sys, psycopg2
try:
    psycopg2.connect(dbname=sys.argv[1]).close()
except psycopg2.OperationalError:
    sys.exit(1)
PY
then
    echo "Updating freelance_collections in database '$DB'..."
    odoo -d "$DB" -u freelance_collections --stop-after-init --log-level=warn
else
    echo "Creating database '$DB' with demo data (a few minutes)..."
    odoo -d "$DB" -i freelance_collections --stop-after-init --log-level=warn
fi
echo "Serving Odoo on http://localhost:$PORT (login: admin, password: admin). Ctrl+C stops it."
exec "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --http-interface=127.0.0.1 "$@"
