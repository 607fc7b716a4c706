"""Everything the emulator can be told at start-up, with named defaults.

The CLI builds a :class:`Settings` from flags; tests build one directly and hand it to
:func:`contextsms_emulator.create_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from contextsms_emulator.accounts import DEMO_ACCOUNT, AccountSpec
from contextsms_emulator.delivery import DeliveryPolicy
from contextsms_emulator.faults import FaultConfig
from contextsms_emulator.requestlog import DEFAULT_LIMIT

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
DEFAULT_DB_PATH: Final = "./contextsms-emulator.db"
MEMORY_DB: Final = ":memory:"
DEFAULT_TOKEN_TTL: Final = 3600
DEFAULT_REFRESH_TTL: Final = 86_400
DEFAULT_WEBHOOK_SECRET: Final = "whsec_emulator_default"
DEFAULT_WEBHOOK_TOLERANCE: Final = 300
DEFAULT_IDEMPOTENCY_TTL: Final = 86_400


@dataclass(frozen=True, slots=True)
class Settings:
    """Start-up configuration; ``accounts`` empty means the documented demo account."""

    db_path: str = MEMORY_DB
    accounts: tuple[AccountSpec, ...] = ()
    token_ttl: int = DEFAULT_TOKEN_TTL
    refresh_ttl: int = DEFAULT_REFRESH_TTL
    stripe_webhook_secret: str = field(default=DEFAULT_WEBHOOK_SECRET, repr=False)
    webhook_tolerance: int = DEFAULT_WEBHOOK_TOLERANCE
    idempotency_ttl: int = DEFAULT_IDEMPOTENCY_TTL
    faults: FaultConfig = field(default_factory=FaultConfig)
    request_log_limit: int = DEFAULT_LIMIT
    # False: behave like a service that does not support Idempotency-Key (neither API
    # document promises it), so clients are tested against the unfriendlier server.
    honour_idempotency_keys: bool = True
    # --load-records FILE, loaded at start-up (contextsms_emulator.records_file)
    records_path: str | None = None
    # portal-made accounts seeded at start-up into a database without enterprises
    # (contextsms_emulator.seeding); each file holds what POST /_emulator/seed takes
    seed_paths: tuple[str, ...] = ()
    # Inbound-message webhooks: the retry schedule, and whether URLs off loopback are allowed.
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    allow_remote_webhooks: bool = False

    def __post_init__(self) -> None:
        if self.token_ttl < 1 or self.refresh_ttl < 1:
            raise ValueError("token TTLs must be at least 1 second")
        if self.webhook_tolerance < 0:
            raise ValueError("webhook tolerance must not be negative")

    @property
    def effective_accounts(self) -> tuple[AccountSpec, ...]:
        return self.accounts or (DEMO_ACCOUNT,)
