#!/usr/bin/env bash
# Run every test: pure policy tests, the addon installed into a fresh database with its Odoo tests
# (pytest-odoo), Odoo's own accounting tests with the addon installed, and end-to-end checks
# (install with demo data, upgrade, uninstall).
source "$(dirname "$0")/_common.sh"
install_requirements

DB="${TEST_DB:-fc_test_$$}"
# Odoo's test runs start an HTTP server: use a free port, not a running server's 8069.
TEST_PORT="${TEST_PORT:-$("$PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}"
LOGDIR="${LOGDIR:-$(mktemp -d)}"
cleanup() {
    [ -n "${KEEP_DB:-}" ] || { dropdb --if-exists "$DB"; dropdb --if-exists "${DB}_bridges"; dropdb --if-exists "${DB}_portal"; } >/dev/null 2>&1 || true
}
trap cleanup EXIT
cd "$REPO"

echo "== 1/6 Pure policy tests (plain pytest + hypothesis)"
"$PYTHON" -m pytest -p no:cacheprovider -p no:odoo -q tests/unit

echo "== 2/6 Install freelance_collections into a fresh database '$DB' (no demo data)"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
if ! odoo -d "$DB" -i freelance_collections --without-demo=all --stop-after-init \
        --log-level=warn > "$LOGDIR/install.log" 2>&1 || grep -q " ERROR " "$LOGDIR/install.log"; then
    tail -50 "$LOGDIR/install.log"; die "installing the addon failed (log: $LOGDIR/install.log)"
fi

echo "== 3/6 Addon tests (pytest-odoo) and Odoo's own accounting tests with the addon installed"
"$PYTHON" -m pytest -p no:cacheprovider -q --odoo-database="$DB" \
    --odoo-addons-path="$ODOO_ADDONS_PATH" --odoo-log-level=warn freelance_collections/tests
ODOO_TAGS="${ODOO_CORE_TEST_TAGS:-/account:TestAccountPaymentTerms,/account:TestAccountMoveOutInvoiceOnchanges,/account:TestAccountPaymentRegister,/account:TestAccountEarlyPaymentDiscount,/account_payment}"
if ! odoo -d "$DB" --http-port="$TEST_PORT" --test-enable --test-tags "$ODOO_TAGS" --stop-after-init --log-level=test \
        > "$LOGDIR/core.log" 2>&1; then
    { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/core.log" || tail -30 "$LOGDIR/core.log"; } | head -40
    die "Odoo's own accounting tests failed with the addon installed (log: $LOGDIR/core.log)"
fi
grep -E "tests in |post-tests in|failed, .* error" "$LOGDIR/core.log" | tail -3 || true

echo "== 4/6 Bridges: sales and timesheets installed next to the addon (auto-installed bridges)"
BRIDGE_DB="${DB}_bridges"
dropdb --if-exists "$BRIDGE_DB" >/dev/null 2>&1 || true
if ! odoo -d "$BRIDGE_DB" --http-port="$TEST_PORT" -i freelance_collections,sale,hr_timesheet --without-demo=all --test-enable \
        --test-tags /freelance_collections_sale,/freelance_collections_timesheet --stop-after-init \
        --log-level=test > "$LOGDIR/bridges.log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$LOGDIR/bridges.log"; then
    { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/bridges.log" || tail -30 "$LOGDIR/bridges.log"; } | head -40
    dropdb --if-exists "$BRIDGE_DB" >/dev/null 2>&1 || true
    die "the sales/timesheet bridges failed (log: $LOGDIR/bridges.log)"
fi
"$PYTHON" - "$BRIDGE_DB" <<'PY' || { dropdb --if-exists "$BRIDGE_DB"; die "the bridges were not auto-installed"; }
import subprocess, sys
out = subprocess.run(["psql", "-tA", "-d", sys.argv[1], "-c",
    "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN "
    "('freelance_collections_sale', 'freelance_collections_timesheet')"], capture_output=True, text=True).stdout
sys.exit(0 if out.strip() == "2" else 1)
PY
grep -E "tests in |post-tests in" "$LOGDIR/bridges.log" | tail -2 || true
dropdb --if-exists "$BRIDGE_DB" >/dev/null 2>&1 || true

echo "== 5/6 Browser: the portal tour (payment_demo) and the portal access checks"
PORTAL_DB="${DB}_portal"
dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true
# Odoo drives Chromium through the DevTools websocket: without websocket-client the tour is skipped.
"$PYTHON" -c "import websocket" 2>/dev/null \
    || "$PYTHON" -m pip install --quiet --disable-pip-version-check "websocket-client>=1.0" \
    || die "the browser tour needs the Python package websocket-client (pip install websocket-client)"
if ! odoo -d "$PORTAL_DB" --http-port="$TEST_PORT" -i freelance_collections,payment_demo --without-demo=all --test-enable \
        --test-tags fc_portal_tour --stop-after-init \
        --log-level=test > "$LOGDIR/portal.log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$LOGDIR/portal.log"; then
    { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/portal.log" || tail -30 "$LOGDIR/portal.log"; } | head -40
    dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true
    die "the portal tour or access checks failed (log: $LOGDIR/portal.log)"
fi
if grep -q "skipped TestPortal" "$LOGDIR/portal.log" || ! grep -q "TestPortalPayTour.*tour succeeded" "$LOGDIR/portal.log"; then
    grep -E "skipped|Chrome|websocket" "$LOGDIR/portal.log" | head -5 || true
    dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true
    die "the portal tour did not run (skipped: no Chromium or websocket-client?) (log: $LOGDIR/portal.log)"
fi
grep -E "tests in |post-tests in" "$LOGDIR/portal.log" | tail -1 || true
dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true

echo "== 6/6 End-to-end checks (install with demo data, upgrade, uninstall; the run as real processes; SMTP)"
"$PYTHON" -m pytest -p no:cacheprovider -p no:odoo -q tests/e2e
echo "All tests passed."
