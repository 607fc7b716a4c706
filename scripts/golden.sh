#!/usr/bin/env bash
# Record this release's golden stacks (tests/golden/<version>/, see scripts/golden.py):
# run it once per release, before tagging; `make test` then imports every golden ever
# recorded with the code of the day. Extra arguments go to scripts/golden.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh
exec .venv/bin/python scripts/golden.py "$@"
