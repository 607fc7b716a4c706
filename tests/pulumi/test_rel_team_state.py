"""Team state: the lifecycle on an S3-compatible backend (moto's server on loopback),
and a second concurrent `pulumi up` on the same stack refused by the state lock."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_harness import DETAILED_PROGRAM, PULUMI, VENV, PulumiProject, write_program
from reliability_support import assert_live_records_match, assert_no_live_records, report

from contextsms_emulator.process import EmulatorProcess

pytestmark = pytest.mark.pulumi_cli

BUCKET = "pulumi-state"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "moto",
    "AWS_SECRET_ACCESS_KEY": "moto",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def s3_endpoint(tmp_path: Path) -> Iterator[str]:
    """moto's S3 server on a free loopback port, with an empty state bucket."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = (tmp_path / "moto.log").open("w")
    server = subprocess.Popen(
        [str(VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.put(f"{endpoint}/{BUCKET}", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _s3_keys(endpoint: str, prefix: str) -> list[str]:
    listing = httpx.get(f"{endpoint}/{BUCKET}", params={"prefix": prefix}, timeout=5).text
    return re.findall(r"<Key>([^<]+)</Key>", listing)


@pytest.fixture
def s3_project(tmp_path, pulumi_env, s3_endpoint):
    root = tmp_path / "team-project"
    root.mkdir()
    write_program(root, DETAILED_PROGRAM)
    env = {
        **pulumi_env,
        **AWS_ENV,
        "PULUMI_BACKEND_URL": f"s3://{BUCKET}?endpoint={s3_endpoint}&use_path_style=true"
        "&region=us-east-1",
    }
    project = PulumiProject(root=root, stack="team", env=env)
    project.run("stack", "init")
    return project, s3_endpoint


def test_lifecycle_on_an_s3_compatible_state_backend(s3_project):
    project, endpoint = s3_project
    with EmulatorProcess() as emulator:
        project.connect(emulator, "teams", extra={"test:mappings": "3"})
        project.up()
        assert_live_records_match(emulator, project.outputs())
        assert any(key.endswith("team.json") for key in _s3_keys(endpoint, ".pulumi/stacks/"))
        project.preview("--expect-no-changes")
        project.refresh("--expect-no-changes")
        project.config("test:label0", "Front Desk")  # a Teams in-place update
        project.up()
        project.preview("--expect-no-changes")
        project.destroy()
        assert_no_live_records(emulator)


def test_second_concurrent_up_is_refused_by_the_state_lock_and_nothing_is_lost(s3_project):
    project, endpoint = s3_project
    with EmulatorProcess(latency_ms=300) as emulator:
        project.connect(emulator, "webex", extra={"test:mappings": "12"})
        first = subprocess.Popen(
            [str(PULUMI), "up", "--yes", "--skip-preview", "--non-interactive"],
            cwd=project.root,
            env=project.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not _s3_keys(endpoint, ".pulumi/locks/"):
            assert first.poll() is None and time.monotonic() < deadline, "no lock was taken"
            time.sleep(0.05)

        second = project.up(check=False)
        assert second.returncode != 0
        refusal = second.stdout + second.stderr
        assert "currently locked" in refusal, refusal

        out, _ = first.communicate(timeout=300)
        assert first.returncode == 0, out
        assert _s3_keys(endpoint, ".pulumi/locks/") == []
        outputs = project.outputs()
        assert_live_records_match(emulator, outputs)
        assert len(outputs["mappings"]) == 12
        project.preview("--expect-no-changes")
        report("state_lock", refused=True, mappings=len(outputs["mappings"]))
        project.destroy()
