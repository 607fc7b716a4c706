#!/usr/bin/env bash
# The performance benchmark from a fresh clone: venv, Pulumi CLI, then `python -m bench`
# (the real CLI against the emulator, side by side with a do-nothing provider; see
# docs/performance.md). N sets the base size (`make bench N=500`, the default);
# BENCH_QUICK=1 runs the short development variant. Extra arguments go to the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh
exec .venv/bin/python -m bench ${N:+--n "$N"} "$@"
