#!/usr/bin/env bash
# Lint as OCA's CI does for 18.0: every hook of .pre-commit-config.yaml on every file of the
# repository (pylint-odoo with .pylintrc-mandatory, ruff with .ruff.toml, oca-checks-odoo-module and
# oca-checks-po, pre-commit-hooks' file checks, README.rst up to date with readme/). Fails on any
# finding; fixers (ruff, ruff format, whitespace) leave their fixes in the work tree and the diff in
# the output.
#
#   scripts/lint.sh                          # every hook, every file, fixes left in the work tree
#   scripts/lint.sh ruff-format              # one hook (its id in .pre-commit-config.yaml)
#   scripts/lint.sh --files a.py b.xml       # some files
#   scripts/lint.sh --check                  # the last commit, in a throw-away work tree: nothing
#                                            # here changes (what .ci/run does)
#
# pre-commit lives in a virtual environment of its own (LINT_VENV, default .venv-lint/, created
# when missing); each hook is installed from PyPI into pre-commit's cache on first use.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINT_VENV="${LINT_VENV:-$REPO/.venv-lint}"
PRE_COMMIT_VERSION="4.6.0"
die() { echo "ERROR: $*" >&2; exit 2; }

cd "$REPO"
git rev-parse --git-dir >/dev/null 2>&1 || die "$REPO is not a git work tree: pre-commit lints the files git tracks."
if [ ! -x "$LINT_VENV/bin/pre-commit" ]; then
    echo "== Installing pre-commit $PRE_COMMIT_VERSION into $LINT_VENV"
    python3 -m venv "$LINT_VENV" \
        || die "could not create the virtual environment $LINT_VENV (on Debian: apt-get install python3-venv)."
    "$LINT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION" \
        || die "could not install pre-commit from PyPI into $LINT_VENV (see pip's message above)."
fi
check=""
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
# no file named: every file
case " $* " in *" --files "*|*" --all-files "*) ;; *) set -- "$@" --all-files ;; esac

tree="$REPO"
if [ -n "$check" ]; then
    tree="$(mktemp -d)/lint"
    git worktree add --quiet --detach "$tree" HEAD || die "could not check HEAD out into $tree (git worktree add)."
    trap 'git -C "$REPO" worktree remove --force "$tree"; rmdir "$(dirname "$tree")"' EXIT
    echo "== Linting commit $(git rev-parse --short HEAD) in $tree"
fi
cd "$tree"
if "$LINT_VENV/bin/pre-commit" run --color=never "$@"; then
    exit 0
fi
if ! git diff --quiet; then
    echo "== Files the fixers changed${check:+ (in the throw-away tree; run scripts/lint.sh to fix them here)}:"
    git diff --stat | tail -25
fi
echo "== Lint failed: fix the findings above (or justify them inline, e.g. '# pylint: disable=<check>' with a reason)." >&2
exit 1
