"""A local emulator of the ContextSMS Webex (v1) and Teams (v2) APIs.

Run it with ``contextsms-emulator`` (or ``python -m contextsms_emulator``), build it
in-process with :func:`create_app`, or start it as a subprocess for a test suite with
:class:`EmulatorProcess`.
"""

from contextsms_emulator.accounts import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, AccountSpec
from contextsms_emulator.app import create_app
from contextsms_emulator.faults import FaultConfig
from contextsms_emulator.process import EmulatorProcess
from contextsms_emulator.settings import Settings

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
