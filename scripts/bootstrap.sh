#!/usr/bin/env bash
# Creates a venv and installs the package (editable) with its emulator extra and a
# dependency group, at exactly the versions of requirements/ci-pyX.Y.txt (`make lock`
# writes them), so a new release of anything cannot change what the tests run on.
# Idempotent: it installs again only when pyproject.toml or the lock changed.
#
#   scripts/bootstrap.sh        .venv, Python 3.11, the dev group (tests, lint, build)
#   scripts/bootstrap.sh 3.13   .venv-3.13 (gitignored), the test group
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-3.11}
lock=requirements/ci-py$version.txt
[ -f "$lock" ] || { echo "bootstrap: $lock is missing (\`make lock\` writes it)" >&2; exit 1; }
if [ "$version" = 3.11 ]; then
    venv=.venv group=dev
    python=${PYTHON:-$(scripts/python-for.sh 3.11)}
else
    venv=.venv-$version group=test
    python=$(scripts/python-for.sh "$version")
fi

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi

stamp=$venv/.contextsms-installed
want=$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
    "${pip[@]}" install --constraint "$lock" pip   # --group needs pip 25.1
    "${pip[@]}" install --constraint "$lock" --editable '.[emulator]' --group "$group"
    # and nothing else: whatever an earlier install left that the lock does not name goes
    extra=$("$venv/bin/python" - "$lock" <<'PY'
import re, sys
from importlib import metadata
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
locked = {norm(line.split("==")[0]) for line in open(sys.argv[1]) if not line.startswith("#")}
print(" ".join(sorted({d.metadata["Name"] for d in metadata.distributions()
                       if norm(d.metadata["Name"]) not in locked | {"pulumi-contextsms"}})))
PY
)
    [ -z "$extra" ] || "${pip[@]}" uninstall --yes $extra
    echo "$want" >"$stamp"
fi
