#!/usr/bin/env bash
# Re-resolve every environment `make test` installs to today's newest versions and write
# them to requirements/*.txt (see scripts/lock.py); then run `make test`. Names of locks
# as arguments re-resolve only those.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "$(scripts/python-for.sh 3.11)" scripts/lock.py "$@"
