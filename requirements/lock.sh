#!/usr/bin/env bash
# Re-lock mlrig's own test and dev dependencies with hashes: one universal resolution
# per lock, valid for every Python mlrig supports (3.10 to 3.13) on Linux.
#
#   bash requirements/lock.sh
#
# uv runs at the version (and hashes) pinned in requirements/uv-tool.lock, from a
# throw-away virtual environment, so every developer re-locks the same way. CI and
# .ci/run install from the locks with --require-hashes, then mlrig itself with
# --no-deps (its build backend, hatchling, is in the locks through build.in).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --require-hashes --no-deps -r requirements/uv-tool.lock

compile() {
  "$scratch/venv/bin/uv" pip compile pyproject.toml requirements/build.in \
    --universal --python-version 3.10 --generate-hashes --no-header "$@"
}
compile --extra test -o requirements/test.lock
compile --extra dev -o requirements/dev.lock
