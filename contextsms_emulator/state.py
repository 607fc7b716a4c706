"""The emulator's state in one object: what every route, middleware and operator call shares.

Built once per app by :func:`contextsms_emulator.create_app`; tests may reach it through
``app.state.emulator`` (for example to sign a token with the stored secret).
"""

from __future__ import annotations

from contextsms_emulator import fixtures
from contextsms_emulator.accounts import AccountRegistry
from contextsms_emulator.delivery import Courier
from contextsms_emulator.errors import unauthorized
from contextsms_emulator.faults import FaultInjector
from contextsms_emulator.requestlog import RequestLog
from contextsms_emulator.rules import Caller, Platform
from contextsms_emulator.settings import Settings
from contextsms_emulator.store import Store
from contextsms_emulator.tokens import InvalidToken, TokenService
from contextsms_emulator.webhooks import WebhookService


class EmulatorState:
    """``courier`` sends the webhooks' requests; tests pass one with a fake transport,
    sleep and clock."""

    def __init__(self, settings: Settings, courier: Courier | None = None) -> None:
        self.settings = settings
        self.store = Store(settings.db_path)
        if settings.records_path is not None:
            try:
                fixtures.load(self.store, fixtures.read(settings.records_path))
            except fixtures.RecordsFileError:
                self.store.close()
                raise
        self.accounts = AccountRegistry(settings.effective_accounts)
        self.tokens = TokenService(
            self.store.signing_secret(), settings.token_ttl, settings.refresh_ttl
        )
        self.platform = Platform(self.store, self.accounts)
        self.faults = FaultInjector(settings.faults)
        self.request_log = RequestLog(settings.request_log_limit)
        # Switchable at run time (`PUT /_emulator/idempotency`); reset restores it.
        self.honour_idempotency_keys = settings.honour_idempotency_keys
        self.webhooks = WebhookService(
            self.store,
            self.accounts,
            settings.delivery,
            courier or Courier(),
            allow_remote=settings.allow_remote_webhooks,
        )
        self.webhooks.resume()

    def caller_for_token(self, token: str) -> Caller | None:
        """The caller an access token stands for, or None if it does not authenticate."""
        try:
            username = self.tokens.access_subject(token)
        except InvalidToken:
            return None
        account = self.accounts.get(username)
        return self.platform.caller(account) if account else None

    def authenticate(self, token: str | None) -> Caller:
        caller = self.caller_for_token(token) if token else None
        if caller is None:
            raise unauthorized()
        return caller

    def reset(self) -> None:
        """Wipe platform data, idempotency keys, webhook events, the log and the faults;
        Idempotency-Key handling returns to its start-up setting."""
        self.webhooks.stop_deliveries()
        self.platform.reset()
        self.request_log.clear()
        self.faults.reset()
        self.honour_idempotency_keys = self.settings.honour_idempotency_keys

    def close(self) -> None:
        self.webhooks.close()
        self.store.close()
