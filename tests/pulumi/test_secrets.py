"""What the state holds of the credentials: the engine's copy of the stack config, and
nothing of ours (no password, no token, in no resource and no pickled provider)."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
import secret_scan
from cli_harness import PROGRAM, file_backend_root

from contextsms_emulator import DEMO_PASSWORD

pytestmark = pytest.mark.pulumi_cli

JWT_PREFIX = "eyJ"  # base64 of '{"': every JWT, access or refresh, starts with it
ENGINE_PROVIDER = "pulumi:providers:pulumi-python"
MAX_PICKLE = 512
PICKLE_SIZE_WHEN_WRITTEN = 79  # bytes: a reference to the provider class, nothing else


def _state_files(env: dict[str, str]) -> list[Path]:
    root = file_backend_root(env["PULUMI_BACKEND_URL"])
    return [path for path in root.rglob("*") if path.is_file()]


def test_state_holds_the_password_only_in_the_engines_provider_and_no_token_anywhere(
    project_factory, emulator
):
    project = project_factory(PROGRAM)
    project.connect(emulator, "webex", extra={"test:mappings": "1"})
    project.up()

    # without --show-secrets: neither the password nor any token, anywhere
    export = project.export()
    assert DEMO_PASSWORD not in export
    assert JWT_PREFIX not in export
    for path in _state_files(project.env):  # the raw state backend, backups included
        assert DEMO_PASSWORD not in path.read_text(errors="replace"), path

    # with --show-secrets: the password is in exactly one place, the engine's default
    # dynamic-provider resource, whose inputs are the whole stack config (engine
    # behaviour: it records the config it passed to the provider, as secrets)
    shown = project.export(show_secrets=True)
    assert JWT_PREFIX not in shown
    deployment = json.loads(shown)["deployment"]
    holders = [r for r in deployment["resources"] if DEMO_PASSWORD in json.dumps(r)]
    assert [r["type"] for r in holders] == [ENGINE_PROVIDER]
    assert holders[0]["inputs"]["contextsms:password"]["plaintext"] == json.dumps(DEMO_PASSWORD)
    rest = dict(deployment, resources=[r for r in deployment["resources"] if r not in holders])
    assert DEMO_PASSWORD not in json.dumps(rest)

    # our resources: the pickled provider is a bare class reference
    ours = [r for r in deployment["resources"] if r["type"].startswith("pulumi-python:dynamic/")]
    assert len(ours) == 2
    blobs = project.pickled_providers()
    assert len(blobs) == 2
    for blob in blobs:
        assert DEMO_PASSWORD.encode() not in blob
        assert JWT_PREFIX.encode() not in blob
        assert len(blob) <= MAX_PICKLE, (
            f"pickled provider is {len(blob)} bytes (limit {MAX_PICKLE}; "
            f"{PICKLE_SIZE_WHEN_WRITTEN} when this test was written): {blob!r}"
        )


def test_password_from_the_environment_never_reaches_the_state(project_factory, emulator):
    project = project_factory(PROGRAM)
    project.connect(emulator, "teams", password_in_config=False, extra={"test:mappings": "1"})
    assert "contextsms:password" not in project.run("config", "--show-secrets").stdout

    project.up()

    shown = project.export(show_secrets=True)
    assert DEMO_PASSWORD not in shown
    assert JWT_PREFIX not in shown
    resources = json.loads(shown)["deployment"]["resources"]
    assert len([r for r in resources if r["type"].startswith("pulumi-python:dynamic/")]) == 2
    for path in _state_files(project.env):
        assert DEMO_PASSWORD not in path.read_text(errors="replace"), path


def test_the_secrets_scan_finds_a_password_or_token_wherever_it_is_planted(tmp_path):
    token = jwt.encode({"sub": "demo", "type": "refresh"}, "k" * 32, algorithm="HS256")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "stack.json").write_text('{"password": "s3cret-pw"}')
    (tmp_path / "home.log").write_text(f"Bearer {token}")
    runs = [
        (("up",), f"error: login failed for s3cret-pw with {token}"),
        (("stack", "export", "--show-secrets"), "s3cret-pw"),  # asked to reveal: allowed
    ]

    findings, files, _ = secret_scan.scan(tmp_path, {"s3cret-pw"}, runs, [f"auth {token}"])

    assert files == 2
    assert sorted(f.split(":")[0] for f in findings) == [
        "home.log",
        "output of `pulumi up`",
        "output of `pulumi up`",
        "state/stack.json",
        "the emulator's log",
    ]
