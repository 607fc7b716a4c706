#!/usr/bin/env bash
# The main job: set up everything, start the emulator, `pulumi up` the quickstart
# (examples/quickstart) with a local state backend, print the stack outputs.
# Running it again changes nothing: the emulator's database and the state live in .demo/
# and the emulator listens on a fixed port, so the stack config stays the same.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/install-pulumi.sh
source scripts/pulumi-env.sh

demo_dir=${CONTEXTSMS_DEMO_DIR:-$PWD/.demo}
port=${CONTEXTSMS_DEMO_PORT:-18765}
mkdir -p "$demo_dir/state"
# metadata=skip: the file backend then writes no `.attrs` sidecars, whose non-atomic
# writes can leave a stack unreadable after a crash (README, "Reliability").
export PULUMI_BACKEND_URL="file://$demo_dir/state?metadata=skip"
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-contextsms-demo}
export PULUMI_HOME="$demo_dir/pulumi-home"
# The provider's record of creates in flight lives with the state it guards: a fresh
# .demo (another clone) has an emulator and a state of its own, and a note left by
# another clone's demo of the same stack would read as this one's interrupted create.
export CONTEXTSMS_STATE_DIR=${CONTEXTSMS_STATE_DIR-$demo_dir/creates-in-flight}

contextsms-emulator --port "$port" --db "$demo_dir/emulator.db" >"$demo_dir/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q 'listening on' "$demo_dir/emulator.log" && break
    kill -0 "$emulator" 2>/dev/null || { cat "$demo_dir/emulator.log" >&2; exit 1; }
    sleep 0.1
done
echo "emulator: http://127.0.0.1:$port (log: $demo_dir/emulator.log)"

cd examples/quickstart
pulumi stack select demo --create --non-interactive >/dev/null
pulumi config set contextsms:platform webex
pulumi config set contextsms:apiBase "http://127.0.0.1:$port/api/v1"
pulumi config set contextsms:username demo@contextsms.test
# The password through the environment, not the stack config: the engine copies the
# whole stack config into the state (README, "Where credentials go"); this keeps it out.
pulumi config rm contextsms:password >/dev/null 2>&1 || true
export CONTEXTSMS_PASSWORD=demo-password
pulumi config set contextsms:cspId CSP0000001

pulumi up --yes --non-interactive --skip-preview
echo
echo "Stack outputs:"
pulumi stack output --json
