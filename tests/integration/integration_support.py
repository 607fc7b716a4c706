"""Constants and helpers shared by the integration tests (imported by conftest.py too)."""

from __future__ import annotations

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, EmulatorProcess
from pulumi_contextsms.client import Platform

OTHER_USER = "other@example.com"
OTHER_PASSWORD = "other-password"
OTHER_CSP_ID = "CSP0000009"
READER_USER = "reader@example.com"
READER_PASSWORD = "reader-password"

USERS = [
    f"{DEMO_USER}:{DEMO_PASSWORD}:{DEMO_CSP_ID}",
    f"{OTHER_USER}:{OTHER_PASSWORD}:{OTHER_CSP_ID}",
    f"{READER_USER}:{READER_PASSWORD}:{DEMO_CSP_ID}:CSP_BUSINESS",
]


class RecordingSleep:
    """Records the waits the client asks for; does not wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def api_base(emulator: EmulatorProcess, platform: Platform) -> str:
    return emulator.webex_api_base if platform is Platform.WEBEX else emulator.teams_api_base
