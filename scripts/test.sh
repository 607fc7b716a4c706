#!/usr/bin/env bash
# The whole test suite from a fresh clone: venvs (Python 3.11 and 3.13, at the locked
# versions), the Pulumi CLI, then
#   0. the linters (scripts/lint.sh: ruff, ruff format, mypy strict, go vet), reported
#      with the tests' status so a lint slip fails the run but hides no test result;
#   1. go test of our language host (tools/);
#   2. the unit, emulator, client and security tests on Python 3.13 (.venv-3.13);
#   3. everything on Python 3.11: those again, the real Pulumi CLI against the emulator,
#      the upgrade tests of golden stacks and the compat lane (the built wheel in fresh
#      venvs: the SDK floor and the newest SDK on Python 3.11 and 3.13, the newest on 3.12).
# With arguments, only step 3 runs, with them (e.g. `scripts/test.sh tests/compat -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh
if [ $# -gt 0 ]; then
    exec .venv/bin/python -m pytest "$@"
fi

scripts/bootstrap.sh 3.13
(cd tools && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go test -trimpath ./...)
status=0
scripts/lint.sh || status=$?
.venv-3.13/bin/python -m pytest -p no:cacheprovider \
    tests/client tests/emulator tests/providers tests/security tests/integration tests/packaging \
    || status=$?
.venv/bin/python -m pytest || status=$?
exit "$status"
