"""Point a Pulumi stack (or a client) at an emulator: its ``contextsms:*`` config or env.

No Pulumi import here (``automation_config`` imports ``pulumi.automation`` when called),
so the pytest plugin can build these without paying for the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from pulumi.automation import ConfigValue

    from ..client import ContextSmsClient

__all__ = [
    "EmulatorAccount",
    "automation_config",
    "emulator_client",
    "emulator_env",
    "emulator_stack_config",
]

PLATFORMS: Final = ("webex", "teams")
SECRET_KEYS: Final = frozenset({"contextsms:password"})


class HasUrl(Protocol):
    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class EmulatorAccount:
    """A login of the emulator: what ``--user EMAIL:PASSWORD:CSPID[:ROLE]`` defines."""

    username: str
    password: str = field(repr=False)
    csp_id: str
    role: str = "CSP_ADMIN"

    @classmethod
    def parse(cls, text: str) -> EmulatorAccount:
        """``EMAIL:PASSWORD:CSPID[:ROLE]``, the password may contain colons."""
        parts = text.split(":")
        role = "CSP_ADMIN"
        if len(parts) >= 4 and parts[-1] in ("CSP_ADMIN", "CSP_BUSINESS"):
            role = parts.pop()
        if len(parts) < 3 or not parts[0] or not parts[-1] or not ":".join(parts[1:-1]):
            raise ValueError("expected EMAIL:PASSWORD:CSPID[:ROLE]")
        return cls(parts[0].strip(), ":".join(parts[1:-1]), parts[-1].strip(), role)

    @classmethod
    def demo(cls) -> EmulatorAccount:
        """The emulator's default account (needs the ``emulator`` extra)."""
        from contextsms_emulator.accounts import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER

        return cls(DEMO_USER, DEMO_PASSWORD, DEMO_CSP_ID)


def _url(emulator: HasUrl | str) -> str:
    return (emulator if isinstance(emulator, str) else emulator.url).rstrip("/")


def _platform(platform: str) -> str:
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be 'webex' or 'teams', got {platform!r}")
    return platform


def emulator_stack_config(
    emulator: HasUrl | str, platform: str = "webex", account: EmulatorAccount | None = None
) -> dict[str, str]:
    """The ``contextsms:*`` stack config that points a stack at ``emulator``
    (an ``EmulatorProcess`` or its URL) as ``account`` (default: the demo account).

    ``contextsms:password`` is among them: set it as a secret (`automation_config`).
    """
    url, who = _url(emulator), account or EmulatorAccount.demo()
    config = {
        "contextsms:platform": _platform(platform),
        "contextsms:apiBase": url + ("/api/v1" if platform == "webex" else "/api/v2"),
        "contextsms:username": who.username,
        "contextsms:password": who.password,
        "contextsms:cspId": who.csp_id,
    }
    if platform == "webex":
        config["contextsms:authBase"] = url + "/v1"
    return config


def emulator_env(
    emulator: HasUrl | str, platform: str = "webex", account: EmulatorAccount | None = None
) -> dict[str, str]:
    """The same settings as ``CONTEXTSMS_*`` environment variables (the providers'
    fallback when a stack sets no ``contextsms:*`` key)."""
    names = {
        "platform": "CONTEXTSMS_PLATFORM",
        "apiBase": "CONTEXTSMS_API_BASE",
        "authBase": "CONTEXTSMS_AUTH_BASE",
        "username": "CONTEXTSMS_USERNAME",
        "password": "CONTEXTSMS_PASSWORD",
        "cspId": "CONTEXTSMS_CSP_ID",
    }
    config = emulator_stack_config(emulator, platform, account)
    return {names[key.partition(":")[2]]: value for key, value in config.items()}


def automation_config(config: Mapping[str, Any]) -> dict[str, ConfigValue]:
    """Config values for ``pulumi.automation`` (``stack.set_all_config``), with the
    password marked secret so the stack file and the state only hold it encrypted."""
    from pulumi.automation import ConfigValue

    return {
        key: ConfigValue(value=str(value), secret=key in SECRET_KEYS)
        for key, value in config.items()
    }


def emulator_client(
    emulator: HasUrl | str, platform: str = "webex", account: EmulatorAccount | None = None
) -> ContextSmsClient:
    """A `ContextSmsClient` of ``emulator`` as ``account``, logged in (so a wrong
    account fails here, not in the test's first call). Close it when done."""
    from ..client import ConnectionSettings, ContextSmsClient

    config = emulator_stack_config(emulator, platform, account)
    settings = ConnectionSettings.resolve(
        platform,
        api_base=config["contextsms:apiBase"],
        auth_base=config.get("contextsms:authBase"),
        username=config["contextsms:username"],
        password=config["contextsms:password"],
    )
    client = ContextSmsClient(settings)
    try:
        client.authenticate()
    except BaseException:
        client.close()
        raise
    return client
