"""Driving the real Pulumi CLI: a throwaway project per test, with its own local state
backend and PULUMI_HOME, against emulator processes."""

from __future__ import annotations

import base64
import json
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
PULUMI = VENV / "bin" / "pulumi"
PASSPHRASE = "contextsms-tests"


def require_cli() -> None:
    if not PULUMI.exists():
        pytest.fail(
            "the Pulumi CLI is not installed: run scripts/install-pulumi.sh (make test does)"
        )


@dataclass
class PulumiProject:
    """A throwaway Pulumi project and stack, driven through the real CLI."""

    root: Path
    stack: str = "test"
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self, *args: str, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(PULUMI), *args, "--non-interactive", "--stack", self.stack],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args)} exited {result.returncode}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
        return result

    def config(self, key: str, value: str, *, secret: bool = False) -> None:
        args = ["config", "set", key, value]
        if secret:
            args.append("--secret")
        self.run(*args)

    def connect(
        self, emulator: EmulatorProcess, platform: str, *, password_in_config: bool = True
    ) -> None:
        """Point the stack at `emulator` with the demo account."""
        base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
        self.config("contextsms:platform", platform)
        self.config("contextsms:apiBase", base)
        self.config("contextsms:username", DEMO_USER)
        self.config("contextsms:cspId", DEMO_CSP_ID)
        if password_in_config:
            self.config("contextsms:password", DEMO_PASSWORD, secret=True)
        else:
            self.env["CONTEXTSMS_PASSWORD"] = DEMO_PASSWORD

    def up(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *extra, check=check)

    def preview(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("preview", *extra, check=check)

    def refresh(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("refresh", "--yes", "--skip-preview", *extra, check=check)

    def destroy(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "--yes", "--skip-preview", *extra, check=check)

    def outputs(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(
            self.run("stack", "output", "--json", "--show-secrets").stdout
        )
        return result

    def export(self, *, show_secrets: bool = False) -> str:
        args = ["stack", "export"] + (["--show-secrets"] if show_secrets else [])
        return self.run(*args).stdout

    def resources(self) -> list[dict[str, Any]]:
        deployment = json.loads(self.export(show_secrets=True))["deployment"]
        resources: list[dict[str, Any]] = deployment.get("resources") or []
        return resources

    def pickled_providers(self) -> list[bytes]:
        """The `__provider` blobs of every dynamic resource in state, decoded."""
        blobs = []
        for resource in self.resources():
            value = (resource.get("outputs") or {}).get("__provider")
            if isinstance(value, dict):  # a secret, shown with --show-secrets
                value = json.loads(value["plaintext"])
            if value:
                blobs.append(base64.b64decode(value))
        return blobs


def write_program(root: Path, source: str, name: str = "contextsms-test") -> None:
    (root / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: {name}
            runtime:
              name: python
              options:
                virtualenv: {VENV}
            """
        )
    )
    (root / "__main__.py").write_text(textwrap.dedent(source))


def api_requests(emulator: EmulatorProcess) -> list[dict[str, Any]]:
    """The request log without operator calls."""
    return list(emulator.requests())


def writes(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r for r in log if r["method"] in ("POST", "PUT", "DELETE") and "/auth/" not in r["path"]
    ]


def logins(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in log if r["path"].endswith("/auth/login")]


# A program driven by `test:*` config, so a test changes fields without rewriting code.
PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

cfg = pulumi.Config("test")
webex = pulumi.Config("contextsms").require("platform") == "webex"
ent = contextsms.Enterprise(
    "acme",
    name=cfg.get("name") or "ABC Marketing Company",
    contact=cfg.get("contact") or "Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    default_mms_selection=True if webex else None,
)
mappings = [
    contextsms.NumberMapping(
        f"m{i}",
        enterprise_id=ent.enterprise_id,
        phone_number=f"+1555987{i:04d}",
        messaging_app_id=cfg.get(f"app{i}") or f"app-{i}",
        mms_enabled=True if webex else None,
        name=None if webex else (cfg.get(f"label{i}") or f"Desk {i}"),
    )
    for i in range(int(cfg.get("mappings") or 2))
]
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("mapping_ids", [m.mapping_id for m in mappings])
"""


def live_records(emulator: EmulatorProcess) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The emulator's live enterprises and mappings, across all tenants."""
    records = emulator.records()
    enterprises = [e for e in records["enterprises"] if not e.get("deleted")]
    return enterprises, list(records["mappings"])
