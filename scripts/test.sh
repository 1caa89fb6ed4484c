#!/usr/bin/env bash
# Run every test: pure policy tests, the addon installed into a fresh database with Odoo's own
# accounting tests, the addon's Odoo tests (pytest-odoo) on a database installed with demo data (as
# OCA's CI does), the bridges, the portal tour, end-to-end checks (install with demo data,
# upgrade, uninstall), and the queue_job bridge with OCA's queue_job (its tests, two job workers). Python and Odoo: see scripts/_common.sh (its own .venv/, Odoo set up from
# ODOO_SRC when that environment has none; PYTHON=python3 uses an interpreter that has Odoo already).
#
#   scripts/test.sh                      # every step
#   TEST_STEPS="1 4" scripts/test.sh     # only the steps named (numbers as printed)
source "$(dirname "$0")/_common.sh"
install_requirements

STEPS="${TEST_STEPS:-1 2 3 4 5 6 7 8}"
want() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
step_started=""
step() {  # step "N/8 what": print how long the previous step took, then this one's title
    [ -z "$step_started" ] || echo "   ($((SECONDS - step_started)) s)"
    step_started=$SECONDS
    echo "== $*"
}
DB="${TEST_DB:-fc_test_$$}"
DEMO_DB="${DB}_demo"
# Odoo's test runs start an HTTP server: use a free port, not a running server's 8069.
TEST_PORT="${TEST_PORT:-$("$PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}"
LOGDIR="${LOGDIR:-$(mktemp -d)}"
cleanup() {
    [ -n "${KEEP_DB:-}" ] || for db in "$DB" "$DEMO_DB" "${DB}_bridges" "${DB}_portal" "${DB}_queue"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT
cd "$REPO"

# install ADDONS into a new database DB (extra odoo options after); fails on an error in the log
install_db() {
    local db="$1" log="$2"; shift 2
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    if ! odoo -d "$db" --stop-after-init --log-level=warn "$@" > "$log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$log"; then
        tail -50 "$log"; die "installing into '$db' failed (log: $log)"
    fi
}

if want 1; then
    step "1/8 Pure policy tests (plain pytest + hypothesis)"
    "$PYTHON" -m pytest -p no:cacheprovider -p no:odoo -q tests/unit
fi

if want 2 || want 3; then
    step "2/8 Install freelance_collections into a fresh database '$DB' (no demo data)"
    install_db "$DB" "$LOGDIR/install.log" -i freelance_collections "$WITHOUT_DEMO"
    version="$(psql -tA -d "$DB" -c "SELECT latest_version FROM ir_module_module
        WHERE name = 'freelance_collections' AND state = 'installed'")"
    [ -n "$version" ] || die "freelance_collections is not installed in '$DB' (log: $LOGDIR/install.log)"
    echo "freelance_collections $version installed"
fi

if want 3; then
    step "3/8 Odoo's own accounting tests with the addon installed"
    ODOO_TAGS="${ODOO_CORE_TEST_TAGS:-/account:TestAccountPaymentTerms,/account:TestAccountMoveOutInvoiceOnchanges,/account:TestAccountPaymentRegister,/account:TestAccountEarlyPaymentDiscount,/account_payment}"
    if ! odoo -d "$DB" --http-port="$TEST_PORT" --test-enable --test-tags "$ODOO_TAGS" --stop-after-init --log-level=test \
            > "$LOGDIR/core.log" 2>&1; then
        { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/core.log" || tail -30 "$LOGDIR/core.log"; } | head -40
        die "Odoo's own accounting tests failed with the addon installed (log: $LOGDIR/core.log)"
    fi
    grep -E "tests in |post-tests in|failed, .* error" "$LOGDIR/core.log" | tail -3 || true
fi

if want 4; then
    step "4/8 Addon tests (pytest-odoo) on a database installed with demo data '$DEMO_DB' (as OCA's CI)"
    install_db "$DEMO_DB" "$LOGDIR/install_demo.log" -i freelance_collections "${WITH_DEMO[@]}"
    "$PYTHON" -m pytest -p no:cacheprovider -q --odoo-database="$DEMO_DB" \
        --odoo-addons-path="$ODOO_ADDONS_PATH" --odoo-log-level=warn freelance_collections/tests
    # the batched PDFs again with a wkhtmltopdf that prints many documents per call (Debian's does not:
    # there the page-by-page comparisons skip); FC_REQUIRE_BATCHED_PDF turns such a skip into a failure
    patched="$(patched_wkhtmltopdf_dir)"
    echo "-- the batched demand letters and statements with $("$patched/wkhtmltopdf" --version)"
    PATH="$patched:$PATH" FC_REQUIRE_BATCHED_PDF=1 "$PYTHON" -m pytest -p no:cacheprovider -q \
        --odoo-database="$DEMO_DB" --odoo-addons-path="$ODOO_ADDONS_PATH" --odoo-log-level=warn \
        freelance_collections/tests/test_reminder_batch.py
    dropdb --if-exists "$DEMO_DB" >/dev/null 2>&1 || true
fi

if want 5; then
    step "5/8 Bridges: sales and timesheets installed next to the addon, with demo data (auto-installed bridges)"
    BRIDGE_DB="${DB}_bridges"
    dropdb --if-exists "$BRIDGE_DB" >/dev/null 2>&1 || true
    if ! odoo -d "$BRIDGE_DB" --http-port="$TEST_PORT" -i freelance_collections,sale,hr_timesheet "${WITH_DEMO[@]}" --test-enable \
            --test-tags /freelance_collections_sale,/freelance_collections_timesheet --stop-after-init \
            --log-level=test > "$LOGDIR/bridges.log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$LOGDIR/bridges.log"; then
        { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/bridges.log" || tail -30 "$LOGDIR/bridges.log"; } | head -40
        die "the sales/timesheet bridges failed (log: $LOGDIR/bridges.log)"
    fi
    installed="$(psql -tA -d "$BRIDGE_DB" -c "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN
        ('freelance_collections_sale', 'freelance_collections_timesheet')")"
    [ "$installed" = 2 ] || die "the bridges were not auto-installed next to sale and hr_timesheet"
    grep -E "tests in |post-tests in" "$LOGDIR/bridges.log" | tail -2 || true
    dropdb --if-exists "$BRIDGE_DB" >/dev/null 2>&1 || true
fi

if want 6; then
    step "6/8 Browser: the portal tours (payment_demo), the portal access checks and autopay (payment_demo's cards)"
    PORTAL_DB="${DB}_portal"
    dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true
    # Odoo drives Chromium through the DevTools websocket: without websocket-client the tour is skipped.
    "$PYTHON" -c "import websocket" 2>/dev/null \
        || die "the browser tour needs the Python package websocket-client (pip install websocket-client)"
    if ! odoo -d "$PORTAL_DB" --http-port="$TEST_PORT" -i freelance_collections,payment_demo "$WITHOUT_DEMO" --test-enable \
            --test-tags fc_portal_tour --stop-after-init \
            --log-level=test > "$LOGDIR/portal.log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$LOGDIR/portal.log"; then
        { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/portal.log" || tail -30 "$LOGDIR/portal.log"; } | head -40
        die "the portal tour or access checks failed (log: $LOGDIR/portal.log)"
    fi
    if grep -qE "skipped Test(Portal|Autopay)" "$LOGDIR/portal.log" || ! grep -q "TestPortalPayTour.*tour succeeded" "$LOGDIR/portal.log" \
            || ! grep -q "TestPortalAutopayTour.*tour succeeded" "$LOGDIR/portal.log"; then
        grep -E "skipped|Chrome|websocket" "$LOGDIR/portal.log" | head -5 || true
        die "the portal tour did not run (skipped: no Chromium or websocket-client?) (log: $LOGDIR/portal.log)"
    fi
    grep -E "tests in |post-tests in" "$LOGDIR/portal.log" | tail -1 || true
    dropdb --if-exists "$PORTAL_DB" >/dev/null 2>&1 || true
fi

if want 7; then
    step "7/8 End-to-end checks (install with demo data, upgrade, uninstall; the run as real processes; SMTP)"
    # TEST_E2E: the e2e files to run (default all of tests/e2e but the queue_job one, which is step 8)
    # shellcheck disable=SC2086 # a list of paths
    "$PYTHON" -m pytest -p no:cacheprovider -p no:odoo -q ${TEST_E2E:-tests/e2e --ignore=tests/e2e/test_queue_job.py}
fi
if want 8; then
    step "8/8 queue_job: the bridge's tests with OCA's queue_job (auto-installed bridge), then two job workers"
    QUEUE_DB="${DB}_queue"
    dropdb --if-exists "$QUEUE_DB" >/dev/null 2>&1 || true
    if ! odoo -d "$QUEUE_DB" --http-port="$TEST_PORT" -i freelance_collections,queue_job --test-enable \
            --test-tags /freelance_collections_queue_job --stop-after-init \
            --log-level=test > "$LOGDIR/queue_job.log" 2>&1 || grep -qE " (ERROR|CRITICAL) " "$LOGDIR/queue_job.log"; then
        { grep -E " (ERROR|FAIL|CRITICAL) " "$LOGDIR/queue_job.log" || tail -30 "$LOGDIR/queue_job.log"; } | head -40
        die "the queue_job bridge failed (log: $LOGDIR/queue_job.log)"
    fi
    installed="$(psql -tA -d "$QUEUE_DB" -c "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name =
        'freelance_collections_queue_job'")"
    [ "$installed" = 1 ] || die "the queue_job bridge was not auto-installed next to queue_job"
    grep -qE "Starting TestQueueJobRun" "$LOGDIR/queue_job.log" || die "the queue_job bridge's tests did not run"
    grep -E "tests in |post-tests in" "$LOGDIR/queue_job.log" | tail -1 || true
    dropdb --if-exists "$QUEUE_DB" >/dev/null 2>&1 || true
    "$PYTHON" -m pytest -p no:cacheprovider -p no:odoo -q -rs tests/e2e/test_queue_job.py
fi
step "All tests passed (steps: $STEPS)."
