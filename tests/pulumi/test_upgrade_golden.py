"""Stacks made by earlier releases keep working with today's code.

Every golden in tests/golden/<version>/<name>/ (recorded by `make golden`, see
scripts/golden.py) is imported into a fresh stack, exactly as exported, and driven with
the code of the day against an emulator that holds the records behind it (loaded from
the dump, same ids and dates, on the address the stack was made against):

- `refresh` reads every record and writes nothing;
- `up --expect-no-changes` with that release's program plans nothing and writes nothing;
- `destroy` deletes exactly the stack's records (a CSP is retained, as documented).

A failure here means an upgrade would break users' existing stacks: fix the code (or add
a migration), never the golden.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from cli_harness import PulumiProject, writes

from contextsms_emulator import DEMO_PASSWORD, EmulatorProcess
from contextsms_emulator.process import EmulatorStartupError

pytestmark = pytest.mark.pulumi_cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
GOLDENS = sorted(p.parent for p in GOLDEN.glob("*/*/meta.json"))
PORT_WAIT = 120.0  # another run of this suite may hold the golden port for a while


def golden_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def start_emulator(records: Path, port: int) -> EmulatorProcess:
    """The records on the stack's own address; wait while another run holds the port."""
    deadline = time.monotonic() + PORT_WAIT
    while True:
        emulator = EmulatorProcess(port=port, extra_args=["--load-records", str(records)])
        try:
            return emulator.start()
        except EmulatorStartupError as exc:
            if "cannot listen" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(2)


def as_dumped(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The emulator's records as the release's dump holds them: dumps made before the two
    services were apart have no `service` (the emulator infers it when it loads them)."""
    return {
        kind: [{k: v for k, v in row.items() if k != "service"} for row in rows]
        for kind, rows in records.items()
    }


def resource_ids(stack: dict[str, Any]) -> dict[str, str]:
    """{type: id} of the stack's ContextSMS resources, a list per type."""
    found: dict[str, list[str]] = {}
    for resource in stack["deployment"]["resources"]:
        kind = resource["type"].rpartition(":")[2]
        if resource["type"].startswith("pulumi-python:dynamic/contextsms:"):
            found.setdefault(kind, []).append(resource["id"])
    return {kind: ",".join(sorted(ids)) for kind, ids in found.items()}


def test_goldens_cover_both_platforms_every_resource_and_this_version() -> None:
    """A test that found no goldens would pass silently: pin what must be there."""
    names = {golden_id(g) for g in GOLDENS}
    assert {"0.1.0/webex", "0.1.0/teams"} <= names
    kinds = {
        kind for g in GOLDENS for kind in resource_ids(json.loads((g / "stack.json").read_text()))
    }
    assert kinds == {"Csp", "Enterprise", "NumberMapping"}


@pytest.mark.parametrize("golden", GOLDENS, ids=golden_id)
def test_a_stack_from_an_earlier_release_refreshes_plans_nothing_and_destroys(
    golden: Path, tmp_path: Path, pulumi_env: dict[str, str]
) -> None:
    meta = json.loads((golden / "meta.json").read_text())
    config = json.loads((golden / "config.json").read_text())
    records = json.loads((golden / "records.json").read_text())
    stack = json.loads((golden / "stack.json").read_text())

    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text(
        f"name: {meta['project']}\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {Path(__file__).resolve().parents[2] / '.venv'}\n"
    )
    shutil.copy(golden / "__main__.py", root / "__main__.py")
    env = {**pulumi_env, "PULUMI_CONFIG_PASSPHRASE": meta["passphrase"]}
    if config["password_from_env"]:
        env["CONTEXTSMS_PASSWORD"] = DEMO_PASSWORD
    project = PulumiProject(root=root, stack=meta["stack"], env=env)

    emulator = start_emulator(golden / "records.json", meta["emulator_port"])
    try:
        loaded = emulator.records()
        assert as_dumped(loaded) == records
        services = {row["service"] for rows in loaded.values() for row in rows}
        assert services == {golden.name}  # each golden's records live on its platform's service
        project.run("stack", "init")
        values = {k: v.replace("{emulator}", emulator.url) for k, v in config["values"].items()}
        project.config_all(
            values, secrets=dict.fromkeys(config["secrets"], DEMO_PASSWORD), path=True
        )
        project.run("stack", "import", "--file", str(golden / "stack.json"))

        emulator.clear_requests()
        project.refresh()
        log = emulator.requests()
        assert writes(log) == []
        read = {r["path"].rsplit("/", 1)[1] for r in log if r["method"] == "GET"}
        assert set(resource_ids(stack)["Enterprise"].split(",")) <= read  # really refreshed
        assert as_dumped(emulator.records()) == records

        emulator.clear_requests()
        project.up("--expect-no-changes")
        assert writes(emulator.requests()) == []
        assert as_dumped(emulator.records()) == records

        emulator.clear_requests()
        project.destroy()
        deleted = sorted(r["path"].rsplit("/", 1)[1] for r in writes(emulator.requests()))
        ids = resource_ids(stack)
        expected = [
            *ids.get("Enterprise", "").split(","),
            *ids.get("NumberMapping", "").split(","),
        ]
        assert deleted == sorted(i for i in expected if i)
        after = as_dumped(emulator.records())
        assert after["mappings"] == []
        assert all(e["deleted"] for e in after["enterprises"])
        assert after["csps"] == records["csps"]  # the API cannot delete a CSP
        assert project.resources() == []
    finally:
        emulator.stop()
