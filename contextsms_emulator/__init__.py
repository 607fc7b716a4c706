"""A local emulator of the ContextSMS Webex (v1) and Teams (v2) APIs.

Run it with ``contextsms-emulator`` (or ``python -m contextsms_emulator``), build it
in-process with :func:`create_app`, or start it as a subprocess for a test suite with
:class:`EmulatorProcess`. It needs the package's ``emulator`` extra
(``pip install 'pulumi-contextsms[emulator]'``); the names below import on first use
(PEP 562), so the command can say so instead of failing on an import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contextsms_emulator.accounts import (
        DEMO_CSP_ID,
        DEMO_PASSWORD,
        DEMO_USER,
        AccountSpec,
    )
    from contextsms_emulator.app import create_app
    from contextsms_emulator.faults import FaultConfig
    from contextsms_emulator.process import EmulatorProcess
    from contextsms_emulator.settings import Settings

_HOMES = {
    "AccountSpec": "accounts",
    "DEMO_CSP_ID": "accounts",
    "DEMO_PASSWORD": "accounts",
    "DEMO_USER": "accounts",
    "EmulatorProcess": "process",
    "FaultConfig": "faults",
    "Settings": "settings",
    "create_app": "app",
}

__all__ = [
    "AccountSpec",
    "DEMO_CSP_ID",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "EmulatorProcess",
    "FaultConfig",
    "Settings",
    "create_app",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
