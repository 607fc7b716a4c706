#!/usr/bin/env bash
# The long variants of the reliability tests (marked slow; `make test` runs the short
# ones), each appending its figures to bench/results/reliability.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh
mkdir -p bench/results
export CONTEXTSMS_RELIABILITY_REPORT="$PWD/bench/results/reliability.jsonl"
exec .venv/bin/python -m pytest -m slow tests/pulumi -k "test_rel_" -s "$@"
