#!/usr/bin/env bash
# Build the four addons' wheels with whool (`pip wheel ./<addon>`), install them into a fresh virtual
# environment next to Odoo, and install freelance_collections from its wheel into a new database whose
# addons path holds only Odoo's own addons: Odoo finds it in site-packages (odoo/addons/ from the
# wheel, through the odoo.addons namespace), not in this repository.
#
#   scripts/check_wheels.sh             # WHEEL_DB names the database (dropped at the end)
#
# Python and Odoo as for scripts/test.sh (scripts/_common.sh). The wheels are built from what git
# tracks (whool copies `git ls-files`; the version comes from the manifest and the git history).
source "$(dirname "$0")/_common.sh"
ADDONS=(freelance_collections freelance_collections_sale freelance_collections_timesheet freelance_collections_queue_job)
WORK="$(mktemp -d)"
WHEEL_DB="${WHEEL_DB:-fc_wheel_$$}"
cleanup() { dropdb --if-exists "$WHEEL_DB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$REPO"

echo "== Building the wheels (pip wheel, whool)"
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$WORK/dist" "${ADDONS[@]/#/./}" \
    || die "pip wheel could not build the addons (its message is above). whool installs from PyPI into pip's
       build environment and needs git: the addons must be in a git work tree."
for addon in "${ADDONS[@]}"; do
    version="$("$PYTHON" -c "import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())['version'])" "$addon/__manifest__.py")"
    wheel="$(ls "$WORK/dist/odoo_addon_${addon}-${version}"*-py3-none-any.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || die "no odoo_addon_${addon}-${version}*-py3-none-any.whl was built (got: $(ls "$WORK/dist"))"
    echo "$(basename "$wheel")"
done
# the metadata pip resolves on: Odoo 18.0, and the bridges on the main addon
"$PYTHON" - "$WORK/dist" <<'PY' || die "the wheels' metadata is not what pip needs (see above)"
import email, sys, zipfile
from pathlib import Path
for wheel in sorted(Path(sys.argv[1]).glob("*.whl")):
    with zipfile.ZipFile(wheel) as archive:
        metadata = email.message_from_bytes(archive.read(next(n for n in archive.namelist() if n.endswith("/METADATA"))))
        addon = metadata["Name"].removeprefix("odoo-addon-")
        assert any(n.startswith(f"odoo/addons/{addon}/__manifest__.py") for n in archive.namelist()), wheel.name
    requires = metadata.get_all("Requires-Dist") or []
    expected = {"odoo==18.0.*"} | ({"odoo-addon-freelance_collections==18.0.*"} if addon != "freelance_collections" else set())
    if addon == "freelance_collections_queue_job":
        expected.add("odoo-addon-queue_job==18.0.*")  # OCA's, from PyPI
    missing = expected - set(requires)
    assert not missing, f"{wheel.name}: Requires-Dist lacks {missing} (has {requires})"
    print(f"{metadata['Name']} {metadata['Version']}: requires {', '.join(sorted(requires))}")
PY

echo "== A fresh virtual environment next to Odoo, the wheels installed in it"
base="$("$PYTHON" -c "import sys; print(getattr(sys, '_base_executable', sys.executable))")"
"$base" -m venv "$WORK/venv" || die "could not create a virtual environment with $base (Debian: apt-get install python3-venv)"
# Odoo and its requirements as $PYTHON sees them, after the environment's own site-packages
"$PYTHON" -c "
import os, sys, odoo
print(os.path.dirname(os.path.dirname(odoo.__file__)))
print('\n'.join(p for p in sys.path if p.endswith(('site-packages', 'dist-packages'))))" \
    > "$("$WORK/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/next-to-odoo.pth"
# --no-deps: this Odoo runs from a source tree, not as the pip distribution 'odoo' the wheels require
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$WORK"/dist/*.whl \
    || die "pip could not install the wheels into $WORK/venv (its message is above)"
"$WORK/venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -i "^odoo-addon" || true

echo "== Odoo installs freelance_collections from the wheel (addons path: Odoo's own addons only)"
ODOO_ONLY="$ODOO_ROOT/odoo/addons"
[ -d "$ODOO_ROOT/addons" ] && ODOO_ONLY="$ODOO_ROOT/addons,$ODOO_ONLY"
cd "$WORK"  # not the repository: nothing of it on sys.path either
dropdb --if-exists "$WHEEL_DB" >/dev/null 2>&1 || true
if ! "$WORK/venv/bin/python" -m odoo --addons-path="$ODOO_ONLY" -d "$WHEEL_DB" -i freelance_collections \
        --without-demo=all --stop-after-init --log-level=warn > "$WORK/install.log" 2>&1 \
        || grep -qE " (ERROR|CRITICAL) " "$WORK/install.log"; then
    tail -40 "$WORK/install.log"; die "Odoo could not install freelance_collections from its wheel"
fi
where="$(echo "print('FROM', __import__('odoo').modules.module.get_module_path('freelance_collections'));
print('STATE', env['ir.module.module'].search([('name', '=', 'freelance_collections')]).state)" \
    | "$WORK/venv/bin/python" -m odoo shell --addons-path="$ODOO_ONLY" -d "$WHEEL_DB" --no-http --log-level=warn 2>&1)"
echo "$where" | grep -E "^(FROM|STATE) "
site="$("$WORK/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")"
echo "$where" | grep -q "^FROM $site/odoo/addons/freelance_collections$" \
    || die "Odoo did not take freelance_collections from the wheel in $site: $where"
echo "$where" | grep -q "^STATE installed$" || die "freelance_collections is not installed in '$WHEEL_DB': $where"
echo "The wheels install, and Odoo installs freelance_collections from its wheel."
