"""Test your own infrastructure code that uses ContextSMS (docs/testing.md).

* :class:`ContextSmsMocks`: ``pulumi.runtime.Mocks`` that run our providers' ``check()``
  (and, against the emulator, ``create()``) in unit tests;
* :class:`WebhookReceiver`: a recording HTTP receiver for the inbound-message webhooks;
* :func:`emulator_stack_config`, :func:`emulator_env`, :func:`automation_config`,
  :func:`emulator_client`: point a stack, or a client, at an emulator;
* the pytest plugin (``pulumi_contextsms.testing.pytest_plugin``, registered through the
  ``pytest11`` entry point): fixtures that start emulators and wire all of the above.

Names are imported on first use, so importing this package costs nothing until then
(the pytest plugin imports it in every test run of a user's repository).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mocks import MOCK_TIMESTAMP_MS, CheckFailedError, ContextSmsMocks, Failure
    from .receiver import ReceivedRequest, WebhookReceiver
    from .stack import (
        EmulatorAccount,
        automation_config,
        emulator_client,
        emulator_env,
        emulator_stack_config,
    )

__all__ = [
    "CheckFailedError",
    "ContextSmsMocks",
    "EmulatorAccount",
    "Failure",
    "MOCK_TIMESTAMP_MS",
    "ReceivedRequest",
    "WebhookReceiver",
    "automation_config",
    "emulator_client",
    "emulator_env",
    "emulator_stack_config",
]

_HOMES = {
    "MOCK_TIMESTAMP_MS": ".mocks",
    "CheckFailedError": ".mocks",
    "ContextSmsMocks": ".mocks",
    "Failure": ".mocks",
    "ReceivedRequest": ".receiver",
    "WebhookReceiver": ".receiver",
    "EmulatorAccount": ".stack",
    "automation_config": ".stack",
    "emulator_client": ".stack",
    "emulator_env": ".stack",
    "emulator_stack_config": ".stack",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
