# Shared set-up for scripts/serve.sh and scripts/test.sh (sourced, not run).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

die() { echo "ERROR: $*" >&2; exit 2; }

if ! "$PYTHON" -c "import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)" 2>/dev/null; then
    die "'$PYTHON' cannot import Odoo 18.0. Put an Odoo 18.0 source tree on its path (for example a
       .pth file in site-packages naming the folder that holds 'odoo/' and 'addons/'), install Odoo's
       requirements, and try again. See README.md, 'Prerequisites'."
fi
if ! pg_isready -q 2>/dev/null; then
    die "PostgreSQL is not answering. Start it (for example 'pg_ctlcluster 15 main start') and make
       sure the current user can create databases."
fi

ODOO_ROOT="$("$PYTHON" -c "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))")"
if [ -z "${ODOO_ADDONS_PATH:-}" ]; then
    ODOO_ADDONS_PATH="$REPO"
    [ -d "$ODOO_ROOT/addons" ] && ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$ODOO_ROOT/addons"
    ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$ODOO_ROOT/odoo/addons"
fi
export ODOO_ADDONS_PATH PYTHON REPO

odoo() { "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" "$@"; }

install_requirements() {
    "$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$REPO/requirements.txt"
}
