"""Driving the real Pulumi CLI: a throwaway project per test, with its own local state
backend and PULUMI_HOME, against emulator processes."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import textwrap
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import secret_scan

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
PULUMI = VENV / "bin" / "pulumi"
PASSPHRASE = "contextsms-tests"


def file_backend(state: Path) -> str:
    """A local state backend that a SIGKILL cannot corrupt: by default the file backend
    also writes a `.attrs` sidecar per state file by truncate-then-write (not atomic),
    and an empty sidecar makes the stack unreadable (`failed to load checkpoint: EOF`);
    `metadata=skip` leaves only the atomically renamed state files."""
    return f"file://{state}?metadata=skip"


def file_backend_root(url: str) -> Path:
    return Path(url.removeprefix("file://").partition("?")[0])


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
        secret_scan.register_password(self.env.get("CONTEXTSMS_PASSWORD", ""))
        secret_scan.record_cli_run(args, result.stdout + result.stderr)
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

    def config_all(
        self,
        values: Mapping[str, str],
        *,
        secrets: Mapping[str, str] | None = None,
        path: bool = False,
    ) -> None:
        """Set several config values in one CLI call (`pulumi config set-all`); with
        `path`, keys are paths into objects (``contextsms:profiles.prod.platform``)."""
        args = ["config", "set-all"] + (["--path"] if path else [])
        for key, value in values.items():
            args += ["--plaintext", f"{key}={value}"]
        for key, value in (secrets or {}).items():
            secret_scan.register_password(value)
            args += ["--secret", f"{key}={value}"]
        self.run(*args)

    def connect(
        self,
        emulator: EmulatorProcess,
        platform: str,
        *,
        password_in_config: bool = True,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """Point the stack at `emulator` with the demo account (one CLI call), plus any
        `extra` plain config values."""
        secrets = {"contextsms:password": DEMO_PASSWORD} if password_in_config else {}
        if not password_in_config:
            self.env["CONTEXTSMS_PASSWORD"] = DEMO_PASSWORD
        self.config_all({**connection_config(emulator, platform), **(extra or {})}, secrets=secrets)

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


def connection_config(emulator: EmulatorProcess, platform: str) -> dict[str, str]:
    """The plain `contextsms:*` values that point a stack at `emulator` (demo account)."""
    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    return {
        "contextsms:platform": platform,
        "contextsms:apiBase": base,
        "contextsms:username": DEMO_USER,
        "contextsms:cspId": DEMO_CSP_ID,
    }


def emulator_client(emulator: EmulatorProcess, platform: str) -> ContextSmsClient:
    """A client of `emulator` as the demo account: "someone else" acting on the API."""
    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    return ContextSmsClient(
        ConnectionSettings.resolve(
            platform, api_base=base, username=DEMO_USER, password=DEMO_PASSWORD
        )
    )


def run_concurrently(*calls: Callable[[], Any], limit: int | None = None) -> list[Any]:
    """Run CLI calls (of different stacks) at once, at most `limit` at a time; their
    results in order. The CLI is mostly waiting on processes, so this saves wall time
    even on two cores."""
    with ThreadPoolExecutor(max_workers=min(len(calls), limit or len(calls))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


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


# A program driven by `test:*` config, so a test changes fields (or adopts a record, as
# a user following an error's recovery would) without rewriting code.
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
    email=cfg.get("email") or "sarah@abcmarketing.com",
    default_mms_selection=True if webex else None,
    adopt_id=cfg.get("adopt_enterprise"),
)
mappings = [
    contextsms.NumberMapping(
        f"m{i}",
        enterprise_id=cfg.get("enterprise_id") or ent.enterprise_id,
        phone_number=f"+1555987{i:04d}",
        messaging_app_id=cfg.get(f"app{i}") or f"app-{i}",
        mms_enabled=True if webex else None,
        name=None if webex else (cfg.get(f"label{i}") or f"Desk {i}"),
        adopt_id=cfg.get(f"adopt{i}"),
    )
    for i in range(int(cfg.get("mappings") or 2))
]
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("mapping_ids", [m.mapping_id for m in mappings])
"""


CREATE_PATH = re.compile(r"/enterprise/[^/]+$|/mapping/add/|/csp$")


def creates(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The create POSTs (enterprises, mappings, CSPs) in a request log."""
    return [r for r in log if r["method"] == "POST" and CREATE_PATH.search(r["path"])]


def faults(log: list[dict[str, Any]]) -> list[str]:
    """The injected fault kinds in a request log, in order."""
    return [r["fault"] for r in log if r.get("fault")]


# PROGRAM plus every record's identifying fields as outputs, to compare record by record.
DETAILED_PROGRAM = (
    PROGRAM
    + """
pulumi.export("enterprise", {
    "enterprise_id": ent.enterprise_id, "name": ent.name, "contact": ent.contact,
    "phone_number": ent.phone_number, "email": ent.email,
})
pulumi.export("mappings", [
    {"mapping_id": m.mapping_id, "enterprise_id": m.enterprise_id,
     "phone_number": m.phone_number, "messaging_app_id": m.messaging_app_id}
    for m in mappings
])
"""
)


def record_view(
    emulator: EmulatorProcess,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All enterprises (deleted ones too) and live mappings, reduced to the fields that
    DETAILED_PROGRAM exports, so they compare with `outputs()` directly."""
    records = emulator.records()
    enterprise_keys = ("enterprise_id", "name", "contact", "phone_number", "email")
    mapping_keys = ("mapping_id", "enterprise_id", "phone_number", "messaging_app_id")
    enterprises = [
        {**{k: e[k] for k in enterprise_keys}, "deleted": e["deleted"]}
        for e in records["enterprises"]
    ]
    mappings = [{k: m[k] for k in mapping_keys} for m in records["mappings"]]
    return enterprises, sorted(mappings, key=lambda m: m["mapping_id"])


def assert_records_match_outputs(emulator: EmulatorProcess, outputs: dict[str, Any]) -> None:
    """The emulator holds exactly the stack's records: no duplicate, no orphan, no
    deleted leftover (the outputs come from DETAILED_PROGRAM)."""
    enterprises, mappings = record_view(emulator)
    assert enterprises == [{**outputs["enterprise"], "deleted": False}]
    assert mappings == sorted(outputs["mappings"], key=lambda m: m["mapping_id"])


def live_records(emulator: EmulatorProcess) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The emulator's live enterprises and mappings, across all tenants."""
    records = emulator.records()
    enterprises = [e for e in records["enterprises"] if not e.get("deleted")]
    return enterprises, list(records["mappings"])
