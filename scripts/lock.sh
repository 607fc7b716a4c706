#!/usr/bin/env bash
# Re-resolve every environment `make test` installs to today's newest versions and write
# them to requirements/*.txt with `uv pip compile` (see scripts/lock.py); then run
# `make test`. Names of locks as arguments re-resolve only those. uv, at the version
# pinned here, is installed once into a venv outside the clone (`make test` needs no uv).
set -euo pipefail
cd "$(dirname "$0")/.."

uv_version=0.13.8
python=$(scripts/python-for.sh 3.11)
uv_venv=${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-contextsms/uv-$uv_version
if [ "$("$uv_venv/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$uv_version" ]; then
    rm -rf "$uv_venv"
    "$python" -m venv "$uv_venv"
    "$uv_venv/bin/python" -m pip --disable-pip-version-check --quiet install "uv==$uv_version"
fi
CONTEXTSMS_UV=$uv_venv/bin/uv exec "$python" scripts/lock.py "$@"
