"""The emulator itself, without HTTP: its parts wired together in one object.

Why a module of its own: every route, middleware and operator call shares this one
object (the store, the accounts, the tokens, the rules, the faults, the request log,
the webhooks; start-up records; authentication; reset and close), and the app module
(:mod:`contextsms_emulator.app`) imports those routes and middlewares, so the object
they all take cannot live there without an import cycle.

Built once per app by :func:`contextsms_emulator.create_app`, which hangs it on the app
as ``app.emulator`` (and ``app.state.emulator``); tests reach it there, for example to
sign a token with the stored secret.
"""

from __future__ import annotations

from contextsms_emulator import records_file
from contextsms_emulator.accounts import AccountRegistry
from contextsms_emulator.delivery import Courier
from contextsms_emulator.errors import unauthorized
from contextsms_emulator.faults import FaultInjector
from contextsms_emulator.requestlog import RequestLog
from contextsms_emulator.rules import Caller, Platform
from contextsms_emulator.seeding import Seeder, SeedFileError
from contextsms_emulator.services import TEAMS, Service
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
        self.accounts = AccountRegistry(settings.effective_accounts)
        self.seeder = Seeder(self.store, self.accounts)
        try:
            self._load_start_up_records(settings)
        except (records_file.RecordsFileError, SeedFileError):
            self.store.close()
            raise
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

    def _load_start_up_records(self, settings: Settings) -> None:
        """``--load-records``, then ``--seed`` files: the seeds only into a database that
        held no enterprise when the emulator started, so a restart never seeds twice."""
        fresh = not self.store.has_enterprises()
        if settings.records_path is not None:
            teams_csps = self.store.csp_ids(TEAMS)
            records = records_file.read(settings.records_path, teams_csps=teams_csps)
            records_file.load(self.store, records)
        if fresh and settings.seed_paths:
            self.seeder.seed_files(settings.seed_paths)

    def caller_for_token(self, token: str, service: Service) -> Caller | None:
        """The caller an access token of ``service``'s auth service stands for, or None if
        it does not authenticate there (a token of the other service does not)."""
        try:
            username = self.tokens.access_subject(token, service)
        except InvalidToken:
            return None
        account = self.accounts.get(username)
        return self.platform.caller(account, service) if account else None

    def authenticate(self, token: str | None, service: Service) -> Caller:
        caller = self.caller_for_token(token, service) if token else None
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
