#!/usr/bin/env bash
# The whole test suite from a fresh clone: venv, Pulumi CLI, then pytest (unit, emulator
# contract, client against the emulator, and the real Pulumi CLI against the emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh
exec .venv/bin/python -m pytest "$@"
