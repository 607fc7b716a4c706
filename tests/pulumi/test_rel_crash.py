"""Crash safety: `pulumi up` killed with SIGKILL part-way through its creates; the
documented recovery (cancel the stale lock, refresh clearing pending creates, up)
converges with no duplicate and no orphan, in both Idempotency-Key modes, and on
another machine with the one extra step the README gives."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_harness import DETAILED_PROGRAM, PULUMI, api_requests, creates, file_backend_root
from reliability_support import assert_live_records_match, report

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (the engine starts each plugin in its own process
    group, so a group kill would miss them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _kill_tree(pid: int) -> None:
    """SIGKILL `pid` and everything below it at once, like a machine going down."""
    for victim in [pid, *_descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


def _wait_for_mappings(emulator: EmulatorProcess, count: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        made = len(emulator.records()["mappings"])
        if made >= count:
            return made
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} mappings were created in {timeout} s")


# "take it over with adopt_id="NTMAP..." ...": the id, and the number it maps
_ADOPTABLE = re.compile(
    r"(\+1555987\d{4}) is already mapped by (NTMAP\d+) .*?take it over with adopt_id=\"\2\""
)


# creates whose answers the emulator holds back when the kill comes: committed, never
# recorded in the state, so every crash leaves at least this many leftovers
IN_FLIGHT_AT_KILL = 3


def _wait_for_held_answers(emulator: EmulatorProcess, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while emulator.faults()["held"] < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} creates were stalled in {timeout} s")
        time.sleep(0.02)


def _crash_mid_up(project, emulator: EmulatorProcess, mappings: int) -> int:  # type: ignore[no-untyped-def]
    """Start `pulumi up`; once a third of the mappings exist, stall the next creates'
    answers and SIGKILL everything while they are held (committed in ContextSMS, unknown
    to the state: what a crash mid-call leaves). The number of mappings that existed."""
    crashed = subprocess.Popen(
        [str(PULUMI), "up", "--yes", "--skip-preview", "--non-interactive"],
        cwd=project.root,
        env=project.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_mappings(emulator, mappings // 3)
        emulator.fault_next("stall", IN_FLIGHT_AT_KILL, "POST", r"/mapping/add/")
        _wait_for_held_answers(emulator, IN_FLIGHT_AT_KILL)
    finally:
        # The CLI, the language host, the program and the provider die at once.
        _kill_tree(crashed.pid)
        crashed.wait()
    time.sleep(0.5)  # let in-flight requests land in the emulator
    emulator.clear_faults()
    return len(emulator.records()["mappings"])


@pytest.mark.parametrize(
    ("keys", "mappings"),
    [
        pytest.param("ignored", 40, id="keys-ignored-short"),
        pytest.param("trusted", 40, id="keys-trusted-short"),
        pytest.param("ignored", 100, id="keys-ignored-long", marks=pytest.mark.slow),
        pytest.param("trusted", 100, id="keys-trusted-long", marks=pytest.mark.slow),
    ],
)
def test_sigkill_mid_up_then_documented_recovery_converges_without_duplicates(
    project_factory, mappings, keys
):
    """Recovery on the machine that ran the killed `up`: the providers' record of creates
    in flight shows which leftovers are this stack's (keys ignored: adopted after a 409;
    keys trusted: the same key is sent again and the service answers with the record)."""
    trusted = keys == "trusted"
    with EmulatorProcess(latency_ms=40, honour_idempotency_keys=trusted) as emulator:
        project = project_factory(DETAILED_PROGRAM)
        extra = {"test:mappings": str(mappings)}
        if trusted:
            extra["contextsms:trustIdempotencyKeys"] = "true"
        project.connect(emulator, "webex", extra=extra)
        made_before = _crash_mid_up(project, emulator, mappings)

        # The documented recovery (README, "Reliability").
        project.run("cancel", "--yes")
        project.refresh("--clear-pending-creates")
        emulator.clear_requests()
        project.up()

        outputs = project.outputs()
        assert_live_records_match(emulator, outputs)
        assert len(outputs["mappings"]) == mappings
        log = api_requests(emulator)
        conflicts = sum(1 for r in log if r["status"] == 409)
        report(
            f"crash_recovery[keys-{keys}]",
            mappings=mappings,
            created_before_kill=made_before,
            create_posts_after=len(creates(log)),
            adopted_after_409=conflicts,
            duplicates=0,
            orphans=0,
        )
        if trusted:
            assert conflicts == 0  # every lost create was answered through its key
        else:  # each held create was shown to be this stack's by the record, and taken over
            assert conflicts >= IN_FLIGHT_AT_KILL
        project.destroy()


def test_sigkill_mid_up_recovered_on_another_machine_needs_the_named_adopt_ids(
    project_factory, pulumi_env
):
    """Without the killed run's record of creates in flight (a fresh CI runner), no
    leftover can be shown to be this stack's: the up names each one and its adopt_id,
    and exactly that step converges, with no duplicate and no orphan."""
    with EmulatorProcess(latency_ms=40, honour_idempotency_keys=False) as emulator:
        project = project_factory(DETAILED_PROGRAM)
        project.connect(emulator, "webex", extra={"test:mappings": "30"})
        made_before = _crash_mid_up(project, emulator, 30)
        shutil.rmtree(pulumi_env["XDG_STATE_HOME"])  # another machine

        project.run("cancel", "--yes")
        project.refresh("--clear-pending-creates")
        # --continue-on-error: every other create goes on, every conflict is named at once
        refused = project.up("--continue-on-error", check=False)
        named = dict(_ADOPTABLE.findall(refused.stdout))
        recorded = {  # the stack outputs of a failed up are not written: read the state
            r["outputs"]["phone_number"]
            for r in project.resources()
            if r["type"].endswith("contextsms:NumberMapping")
        }
        leftovers = {
            m["phone_number"]: m["mapping_id"]
            for m in emulator.records()["mappings"]
            if m["phone_number"] not in recorded
        }
        assert refused.returncode != 0 and len(leftovers) >= IN_FLIGHT_AT_KILL, refused.stdout
        assert named == leftovers  # every leftover named, with its own id

        # The documented step: adopt_id for each mapping the up named, then up again.
        project.config_all({f"test:adopt{int(number[-4:])}": id_ for number, id_ in named.items()})
        project.up()
        outputs = project.outputs()
        assert_live_records_match(emulator, outputs)
        assert len(outputs["mappings"]) == 30
        report(
            "crash_recovery[another-machine]", created_before_kill=made_before, adopted=len(named)
        )
        project.destroy()


def test_the_harness_backend_leaves_no_non_atomic_sidecar_for_a_crash_to_truncate(
    project_factory, emulator, pulumi_env
):
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "2"})
    project.up()
    state = file_backend_root(pulumi_env["PULUMI_BACKEND_URL"])
    assert sorted(p.name for p in state.rglob("*.attrs")) == []
    assert (state / ".pulumi" / "stacks").exists()


def test_documented_recovery_from_a_sidecar_truncated_by_a_crash_on_the_default_backend(
    project_factory, emulator, pulumi_env
):
    """On a plain `file://` backend a crash can leave `<stack>.json.attrs` empty; the
    README's recovery (delete the empty sidecars) brings the stack back intact."""
    state = file_backend_root(pulumi_env["PULUMI_BACKEND_URL"])
    pulumi_env["PULUMI_BACKEND_URL"] = f"file://{state}"
    project = project_factory(DETAILED_PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "2"})
    project.up()
    before = project.outputs()
    (sidecar,) = state.rglob(f"stacks/*/{project.stack}.json.attrs")
    sidecar.write_bytes(b"")  # what a SIGKILL between truncate and write leaves

    broken = project.run("cancel", "--yes", check=False)
    assert broken.returncode != 0
    assert "failed to load checkpoint: EOF" in broken.stderr

    # the README's command, verbatim
    subprocess.run(
        ["find", str(state / ".pulumi"), "-name", "*.attrs", "-empty", "-delete"], check=True
    )
    project.run("cancel", "--yes")
    assert project.outputs() == before
    emulator.clear_requests()
    project.preview("--expect-no-changes")
    assert_live_records_match(emulator, before)
