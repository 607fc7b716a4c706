"""Start-up: what our package adds to the two processes of every Pulumi command.

`python -m bench.startup [--runs 15]` times, in fresh interpreters, side by side (the
floor's run and ours alternate), each path a command pays before its first request:

* program: the program process importing the resources and constructing 1 enterprise
  and 10 mappings (under the SDK's mocks, so no engine is needed), against the same
  with the do-nothing floor's resources (`bench.floor`);
* check/diff: the provider process unpickling our providers, configure(), check() and
  diff() of an enterprise and a mapping (what a preview and a no-op up need), against
  the floor's provider doing the same (the SDK's default check and diff);
* read path: the provider process unpickling a mapping provider, configure() and
  building the API client (what a refresh or destroy needs before its first request),
  against the floor unpickling its provider.

Our sources are compiled first, as pip compiles an installed wheel (`cli.ensure_bytecode`).
Each side's time runs from the first statement to the last (interpreter start-up is
the same for both and left out) and includes ``import pulumi.dynamic``, which both
pay; the figure is median(ours) - median(floor). The modules each side imports are
counted too: a deterministic measure of the same thing (tests/providers/
test_providers_import_cost.py pins budgets on it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .cli import ensure_bytecode

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.10

CONFIG = {
    "contextsms:platform": "webex",
    "contextsms:apiBase": "http://127.0.0.1:9/api/v1",
    "contextsms:username": "ops@example.com",
    "contextsms:password": "not-a-secret",
    "contextsms:cspId": "CSP0000001",
}
OWNER = "org/project/stack"
ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "default_mms_selection": True,
    "owner": OWNER,
}
MAPPING = {
    "enterprise_id": "E0000001",
    "phone_number": "+15551230000",
    "messaging_app_id": "webex-bot-0",
    "mms_enabled": True,
    "owner": OWNER,
}

_CLOCK = "import time, sys, json\nstarted = time.perf_counter()\n"
_DONE = (
    "print(json.dumps({'seconds': time.perf_counter() - started,"
    " 'modules': sorted(sys.modules)}))\n"
)

PROGRAM = """
import asyncio
import pulumi
import pulumi.dynamic
from pulumi.runtime import stack


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", dict(args.inputs)]

    def call(self, args):
        return {{}}


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), project="bench", stack="startup", preview=True)
import {module} as resources

enterprise = resources.Enterprise(
    "acme", name="ABC Marketing Company", contact="Sarah Johnson",
    phone_number="+15551234567", email="sarah@abcmarketing.com", default_mms_selection=True,
)
for i in range(10):
    resources.NumberMapping(
        f"m{{i}}", enterprise_id=enterprise.enterprise_id, phone_number=f"+155512{{i:05d}}",
        messaging_app_id=f"webex-bot-{{i}}", mms_enabled=True,
    )
loop.run_until_complete(stack.wait_for_rpcs())
"""

# Runs in the provider process's place: the blobs are pickles made by this harness.
CHECK_DIFF = """
import base64
import dill
import pulumi.dynamic
from pulumi.dynamic import Config, ConfigureRequest

setup = {setup}
for blob, props in setup["resources"]:
    provider = dill.loads(base64.b64decode(blob))
    provider.configure(ConfigureRequest(Config(setup["config"], "bench")))
    checked = provider.check({{}}, dict(props))
    assert not checked.failures, [(f.property, f.reason) for f in checked.failures]
    provider.diff("id-1", dict(checked.inputs), dict(checked.inputs))
"""

READ_PATH = """
import base64
import dill
import pulumi.dynamic
from pulumi.dynamic import Config, ConfigureRequest

setup = {setup}
provider = dill.loads(base64.b64decode(setup["resources"][1][0]))
provider.configure(ConfigureRequest(Config(setup["config"], "bench")))
{client}
"""
OUR_CLIENT = "from pulumi_contextsms import session\nsession.client(None)"


@dataclass(frozen=True)
class Scenario:
    name: str
    floor: str
    ours: str


@dataclass(frozen=True)
class Result:
    path: str
    floor_s: float
    ours_s: float
    floor_modules: int
    ours_modules: int
    added_modules: tuple[str, ...]

    @property
    def added_s(self) -> float:
        return self.ours_s - self.floor_s


def _blob(provider: object) -> str:
    from pulumi.dynamic.dynamic import serialize_provider

    return str(serialize_provider(provider))


def paths() -> list[Scenario]:
    from bench.floor import FloorEnterpriseProvider, FloorMappingProvider
    from pulumi_contextsms.resources import enterprise, mapping

    # the provider classes the resources instantiate: what the state's pickles name
    ours = {
        "config": CONFIG,
        "resources": [
            [_blob(getattr(enterprise, "EnterpriseProvider")()), ENTERPRISE],  # noqa: B009
            [_blob(getattr(mapping, "NumberMappingProvider")()), MAPPING],  # noqa: B009
        ],
    }
    floor = {
        "config": CONFIG,
        "resources": [
            [_blob(FloorEnterpriseProvider()), ENTERPRISE],
            [_blob(FloorMappingProvider()), MAPPING],
        ],
    }
    return [
        Scenario(
            "program",
            PROGRAM.format(module="bench.floor"),
            PROGRAM.format(module="pulumi_contextsms"),
        ),
        Scenario(
            "check/diff",
            CHECK_DIFF.format(setup=repr(floor)),
            CHECK_DIFF.format(setup=repr(ours)),
        ),
        Scenario(
            "read path",
            READ_PATH.format(setup=repr(floor), client=""),
            READ_PATH.format(setup=repr(ours), client=OUR_CLIENT),
        ),
    ]


def run_once(code: str) -> tuple[float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _CLOCK + code + _DONE],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    answer = json.loads(result.stdout.splitlines()[-1])
    return float(answer["seconds"]), list(answer["modules"])


def measure(path: Scenario, runs: int) -> Result:
    """`runs` fresh interpreters per side, alternating (which side starts alternates too)."""
    floor: list[float] = []
    ours: list[float] = []
    floor_modules: list[str] = []
    our_modules: list[str] = []
    for i in range(runs):
        order = ((path.floor, floor), (path.ours, ours))
        for code, times in order if i % 2 == 0 else order[::-1]:
            seconds, modules = run_once(code)
            times.append(seconds)
            if code is path.floor:
                floor_modules = modules
            else:
                our_modules = modules
    added = tuple(sorted(set(our_modules) - set(floor_modules)))
    return Result(
        path.name,
        statistics.median(floor),
        statistics.median(ours),
        len(floor_modules),
        len(our_modules),
        added,
    )


def top_packages(modules: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in modules:
        top = name.split(".")[0]
        counts[top] = counts.get(top, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def main() -> None:
    ensure_bytecode()
    parser = argparse.ArgumentParser(
        prog="python -m bench.startup", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=15, help="fresh interpreters per side (15)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results = [measure(path, args.runs) for path in paths()]
    if args.json:
        print(json.dumps([{**r.__dict__, "added_s": r.added_s} for r in results], indent=2))
        return
    print(f"median of {args.runs} fresh interpreters per side, load {os.getloadavg()[0]:.2f}")
    for r in results:
        verdict = "" if r.path == "read path" else (" PASS" if r.added_s <= TARGET_S else " MISS")
        print(
            f"{r.path:<11} floor {r.floor_s:.3f} s, ours {r.ours_s:.3f} s: "
            f"+{r.added_s:.3f} s (target <= {TARGET_S:.2f} s){verdict}; "
            f"modules {r.floor_modules} -> {r.ours_modules}: {top_packages(r.added_modules)}"
        )


if __name__ == "__main__":
    main()
