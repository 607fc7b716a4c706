"""Helpers of the discover tests: portal-made accounts to seed, the inventory they should
become, and `contextsms discover` run in-process."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms import cli
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient
from pulumi_contextsms.inventory import Inventory

CSP = DEMO_CSP_ID
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def enterprise(platform: str, n: int, numbers: int = 2, name: str | None = None) -> dict[str, Any]:
    """A seed enterprise `n` with `numbers` numbers (unique per `n`)."""
    body: dict[str, Any] = {
        "name": name or f"Acme Dental {n}",
        "contact": f"Sarah Johnson {n}",
        "phone_number": f"+1555{n:03d}9999",
        "email": f"ops{n}@example.com",
        "numbers": [number(platform, n, i) for i in range(numbers)],
    }
    if platform == "webex":
        body["default_mms_selection"] = n % 2 == 0
    return body


def number(platform: str, n: int, i: int) -> dict[str, Any]:
    body: dict[str, Any] = {"phone_number": phone(n, i), "messaging_app_id": f"app-{n}-{i}"}
    if platform == "webex":
        body["mms_enabled"] = i % 2 == 0
    else:
        body["name"] = f"Desk {n}-{i}"
    return body


def phone(n: int, i: int) -> str:
    return f"+1555{n:03d}{i:04d}"


def seed(
    emulator: EmulatorProcess, platform: str, enterprises: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    return emulator.seed({"service": platform, "csp_id": CSP, "enterprises": list(enterprises)})


def expected(platform: str, made: dict[str, Any], keys: dict[str, str]) -> Inventory:
    """The inventory of seeded records `made`, written out field by field (`keys`:
    enterprise id -> the key it should get)."""
    enterprises: dict[str, Any] = {}
    for e in made["enterprises"]:
        entry: dict[str, Any] = {
            "id": e["enterprise_id"],
            "name": e["name"],
            "contact": e["contact"],
            "phone_number": e["phone_number"],
            "email": e["email"],
            "csp_id": e["csp_id"],
            "numbers": {},
        }
        if platform == "webex":
            entry["default_mms_selection"] = e["default_mms_selection"]
        enterprises[keys[e["enterprise_id"]]] = entry
    by_id = {e["id"]: e for e in enterprises.values()}
    for m in made["mappings"]:
        fields: dict[str, Any] = {"id": m["mapping_id"], "messaging_app_id": m["messaging_app_id"]}
        if platform == "webex":
            fields["mms_enabled"] = m["mms_enabled"]
        elif m["name"]:
            fields["name"] = m["name"]
        by_id[m["enterprise_id"]]["numbers"][m["phone_number"]] = fields
    return Inventory.model_validate({"platform": platform, "enterprises": enterprises})


def connect(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorProcess, platform: str, **extra: str
) -> None:
    """Point the CONTEXTSMS_* environment at `emulator` as the demo account."""
    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    values = {
        "CONTEXTSMS_PLATFORM": platform,
        "CONTEXTSMS_API_BASE": base,
        "CONTEXTSMS_USERNAME": DEMO_USER,
        "CONTEXTSMS_PASSWORD": DEMO_PASSWORD,
        "CONTEXTSMS_CSP_ID": CSP,
        **extra,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def client(emulator: EmulatorProcess, platform: str) -> ContextSmsClient:
    """The demo account's client: someone working in the portal, outside any stack."""
    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    return ContextSmsClient(
        ConnectionSettings.resolve(
            platform, api_base=base, username=DEMO_USER, password=DEMO_PASSWORD
        )
    )


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """`contextsms ARGS` in-process."""
    capsys.readouterr()
    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def api_calls(emulator: EmulatorProcess) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emulator.requests()]


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True
