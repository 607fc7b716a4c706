"""`ContextSmsClient`: the platform-neutral facade the Pulumi layer builds on.

Each method asks the platform's dialect for a `Call` (which raises
`UnsupportedOperationError` / `InvalidInputError` before any HTTP), sends it through the
shared request loop (auth, retries, error mapping) and reads the body into a record.
Create calls carry an Idempotency-Key (a uuid4 per logical call unless one is given)
and go through `reconcile` so an ambiguous failure leaves no duplicate and no untracked
record behind (the rules: docs/client.md, "Idempotency and reconciliation").

The client is synchronous and thread-safe: one instance can serve every thread of a
Pulumi dynamic provider. Use it as a context manager, or call `close()`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Collection
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

import httpx
from pydantic import BaseModel

from . import reconcile, responses
from .auth import TokenManager
from .dialects import Call, Dialect, dialect_for
from .errors import APIError, InvalidInputError, NotFoundError
from .models import Csp, CspConfig, Enterprise, NumberMapping, PaymentStatus
from .platforms import Platform
from .request_loop import AttemptTrace, BeforeReplay, RequestLoop, RequestOptions
from .settings import MAX_CONNECTIONS
from .validation import validate_e164, validate_id

if TYPE_CHECKING:  # specs arrive built; settings too
    from .rate import RequestSpacing
    from .settings import ConnectionSettings
    from .specs import CspSpec, EnterpriseSpec, MappingPatch, MappingSpec

__all__ = ["DEFAULT_CSP_PAGE_SIZE", "ContextSmsClient"]

logger = logging.getLogger("pulumi_contextsms.client")

M = TypeVar("M", bound=BaseModel)

_MAX_KEY_LENGTH = 255

DEFAULT_CSP_PAGE_SIZE = 1000
"""Mappings asked for per page by `list_all_csp_mappings`: the most the emulator serves
(its default is 100), so a CSP of a few thousand mappings costs a few requests."""


def _spacing(
    rate: float | None, clock: Callable[[], float], sleep: Callable[[float], None]
) -> RequestSpacing | None:
    if rate is None:
        return None
    from .rate import RequestSpacing  # loaded only when a rate is set

    return RequestSpacing(rate, clock=clock, sleep=sleep)


def _check_idempotency_key(key: str | None) -> str:
    if key is None:
        return str(uuid.uuid4())
    if (
        not isinstance(key, str)
        or not key
        or len(key) > _MAX_KEY_LENGTH
        or not key.isascii()
        or not key.isprintable()
    ):
        raise InvalidInputError(
            "idempotency_key must be 1-255 printable ASCII characters", fields=("idempotency_key",)
        )
    return key


class ContextSmsClient:
    """A synchronous, thread-safe client for the Webex (v1) or Teams (v2) API.

    `transport` replaces the network (tests pass `httpx.MockTransport`); `sleep` and
    `clock` (wall-clock epoch seconds) are injectable so tests never really wait. With
    `settings.requests_per_second`, every send of this client (its threads' calls,
    retries, logins and refreshes) starts at least 1/rate seconds after the last one.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._dialect: Dialect = dialect_for(settings.platform)
        self._clock = clock
        self._http = httpx.Client(
            transport=transport,
            timeout=settings.timeouts.to_httpx(),
            limits=httpx.Limits(
                max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
            ),
            follow_redirects=False,
        )
        self._loop = RequestLoop(
            self._http,
            settings.retry,
            user_agent=settings.user_agent,
            sleep=sleep,
            clock=clock,
            spacing=_spacing(settings.requests_per_second, clock, sleep),
        )
        self._auth = TokenManager(
            self._loop,
            auth_base=settings.auth_base,
            username=settings.username,
            password=settings.password,
            clock=clock,
        )

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool. The client is unusable afterwards."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        s = self._settings
        return f"ContextSmsClient(platform={s.platform.value!r}, api_base={s.api_base!r})"

    # -- introspection -----------------------------------------------------------------

    @property
    def settings(self) -> ConnectionSettings:
        return self._settings

    @property
    def platform(self) -> Platform:
        return self._settings.platform

    @property
    def login_count(self) -> int:
        """Completed logins so far (POST /auth/login)."""
        return self._auth.login_count

    @property
    def refresh_count(self) -> int:
        """Completed token refreshes so far (POST /auth/getaccesstoken)."""
        return self._auth.refresh_count

    def authenticate(self) -> None:
        """Log in now (if not already) so bad credentials surface early."""
        self._auth.token()

    # -- plumbing ----------------------------------------------------------------------

    def _send(
        self,
        call: Call,
        *,
        idempotency_key: str | None = None,
        trace: AttemptTrace | None = None,
        before_replay: BeforeReplay | None = None,
        replay_safe: bool = False,
    ) -> httpx.Response:
        options = RequestOptions(
            call.method,
            self._settings.api_base + call.path,
            json=call.json,
            params=call.params,
            idempotency_key=idempotency_key if call.creates else None,
            replay_safe=call.replay_safe or replay_safe,
        )
        return self._loop.send(options, self._auth, trace=trace, before_replay=before_replay)

    def _create(self, call: Call, model: type[M], key: str) -> reconcile.Post[M]:
        def post(trace: AttemptTrace, before_replay: BeforeReplay | None, replay_safe: bool) -> M:
            response = self._send(
                call,
                idempotency_key=key,
                trace=trace,
                before_replay=before_replay,
                replay_safe=replay_safe,
            )
            return responses.parse_object(model, response)

        return post

    def _snapshot(self, what: str, list_ids: Callable[[], list[str]]) -> frozenset[str] | None:
        """Ids that exist before a create (for its reconciliation), or None if unreadable."""
        try:
            return frozenset(list_ids())
        except APIError as err:
            logger.warning("could not list %s before a create: %s", what, err)
            return None

    # -- enterprises -------------------------------------------------------------------

    def create_enterprise(
        self,
        csp_id: str,
        spec: EnterpriseSpec,
        *,
        idempotency_key: str | None = None,
        existing_ids: Collection[str] | None = None,
    ) -> Enterprise:
        """POST /enterprise/{cspId}; 200 or 201.

        After an ambiguous failure: replayed on a trusted key; on Teams, reconciled
        through the CSP's enterprise list against `existing_ids` (the ids that existed
        before this create; listed here first when not given); on Webex, raised as
        `AmbiguousCreateError` (docs/client.md).
        """
        call = self._dialect.create_enterprise(csp_id, spec)
        post = self._create(call, Enterprise, _check_idempotency_key(idempotency_key))
        trusted = self._settings.trust_idempotency_keys
        known: Collection[str] | None = existing_ids
        if not trusted and self.platform is Platform.TEAMS and known is None:
            known = self._snapshot("enterprises", lambda: self.enterprise_ids(csp_id))
        if trusted or known is None:
            reason = (
                "the Webex Bot API cannot look enterprises up"
                if self.platform is Platform.WEBEX
                else f"the enterprises of CSP {csp_id} could not be listed before it"
            )
            return reconcile.create_without_lookup(
                post,
                record="enterprise",
                trusted=trusted,
                reason=f"{reason} and Idempotency-Key is not trusted, so it was not sent again",
            )
        return reconcile.create_enterprise_by_lookup(self, post, csp_id, spec, known)

    def enterprise_ids(self, csp_id: str) -> list[str]:
        """The ids of the CSP's enterprises (Teams only: GET /csp/enterprises/{cspId})."""
        return [enterprise.enterprise_id for enterprise in self.list_enterprises(csp_id)]

    def get_enterprise(self, enterprise_id: str) -> Enterprise:
        """GET /enterprise/getenterprise/{id}. Raises `NotFoundError`; check `.deleted`."""
        response = self._send(self._dialect.get_enterprise(enterprise_id))
        return responses.parse_object(Enterprise, response)

    def delete_enterprise(self, enterprise_id: str) -> None:
        """DELETE /enterprise/deleteenterprise/{id}; any 2xx (204, 200 text/JSON) is success.

        A 404 raises `NotFoundError`: the caller decides whether "already gone" is fine.
        """
        self._send(self._dialect.delete_enterprise(enterprise_id))

    def list_enterprises(self, csp_id: str) -> list[Enterprise]:
        """GET /csp/enterprises/{cspId} (Teams only)."""
        response = self._send(self._dialect.list_enterprises(csp_id))
        return responses.parse_list(Enterprise, response)

    # -- mappings ----------------------------------------------------------------------

    def create_mapping(
        self,
        enterprise_id: str,
        spec: MappingSpec,
        *,
        idempotency_key: str | None = None,
        existing_ids: Collection[str] | None = None,
    ) -> NumberMapping:
        """POST /mapping/add/{enterpriseId}; 200 or 201.

        After an ambiguous failure: replayed on a trusted key; otherwise reconciled by
        the number in the enterprise's mappings against `existing_ids` (the mapping ids
        that existed before this create; listed here first when not given).
        """
        call = self._dialect.create_mapping(enterprise_id, spec)
        post = self._create(call, NumberMapping, _check_idempotency_key(idempotency_key))
        trusted = self._settings.trust_idempotency_keys
        known: Collection[str] | None = existing_ids
        if not trusted and known is None:
            known = self._snapshot("mappings", lambda: self.mapping_ids(enterprise_id))
        if trusted or known is None:
            return reconcile.create_without_lookup(
                post,
                record="mapping",
                trusted=trusted,
                reason=f"the mappings of {enterprise_id} could not be listed before it and "
                "Idempotency-Key is not trusted, so it was not sent again",
            )
        return reconcile.create_mapping_by_lookup(self, post, enterprise_id, spec, known)

    def mapping_ids(self, enterprise_id: str) -> list[str]:
        """The ids of the enterprise's mappings."""
        return [mapping.mapping_id for mapping in self.list_mappings(enterprise_id)]

    def list_mappings(self, enterprise_id: str) -> list[NumberMapping]:
        """The enterprise's mappings (v1 /mappings/enterprise, v2 /numbertomessageappmapping)."""
        response = self._send(self._dialect.list_mappings(enterprise_id))
        return responses.parse_list(NumberMapping, response)

    def list_csp_mappings(
        self,
        csp_id: str,
        *,
        page: int | None = None,
        size: int | None = None,
        status: str | None = None,
    ) -> list[NumberMapping]:
        """One page of the CSP's mappings (one request; the service's default page when
        `page` is not given). `page`, `size` and `status` are Webex only (documented
        there). For every page, use `list_all_csp_mappings`."""
        call = self._dialect.list_csp_mappings(csp_id, page=page, size=size, status=status)
        return responses.parse_list(NumberMapping, self._send(call))

    def list_all_csp_mappings(
        self,
        csp_id: str,
        *,
        status: str | None = None,
        page_size: int = DEFAULT_CSP_PAGE_SIZE,
    ) -> list[NumberMapping]:
        """Every mapping of the CSP, each once.

        Webex: pages 0, 1, ... of `page_size` until the listing ends (the rules:
        docs/client.md, "Listing every page"); `PagingError` when the pages do not
        advance or never end. Teams: one GET /mapping/csp/{cspId}, which documents no
        paging (`page_size` is not sent; `status` is refused there).
        """
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise InvalidInputError(
                f"page_size must be an integer >= 1, got {page_size!r}", fields=("page_size",)
            )
        if self.platform is Platform.TEAMS:
            return self.list_csp_mappings(csp_id, status=status)
        from . import paging  # loaded on first use: the providers never list every page

        first = self._dialect.list_csp_mappings(csp_id, page=0, size=page_size, status=status)
        return paging.collect_pages(
            lambda number: self.list_csp_mappings(
                csp_id, page=number, size=page_size, status=status
            ),
            lambda mapping: mapping.mapping_id,
            method=first.method,
            url=self._settings.api_base + first.path,
        )

    def update_mapping(self, mapping_id: str, patch: MappingPatch) -> NumberMapping:
        """PUT /mapping/{id} with only the set fields (Teams only).

        If the server answers without a mapping object, the result holds `mapping_id` and
        the patched fields only.
        """
        call = self._dialect.update_mapping(mapping_id, patch)
        found = responses.parse_optional_object(NumberMapping, self._send(call))
        if found is not None:
            return found
        return NumberMapping.model_validate(
            {"mapping_id": mapping_id, **patch.model_dump(exclude_unset=True)}
        )

    def delete_mapping(self, mapping_id: str) -> None:
        """DELETE /mapping/{id}; any 2xx is success; a 404 raises `NotFoundError`."""
        self._send(self._dialect.delete_mapping(mapping_id))

    def find_mapping_by_number(self, enterprise_id: str, phone_number: str) -> NumberMapping | None:
        """The enterprise's mapping for `phone_number` (via `list_mappings`), or None."""
        validate_id(enterprise_id, "enterprise_id")
        number = validate_e164(phone_number)
        return next(
            (m for m in self.list_mappings(enterprise_id) if m.phone_number == number), None
        )

    def find_mapping_by_app_id(self, messaging_app_id: str) -> NumberMapping | None:
        """POST /mapping/messagingAppId (Teams only); None when the API answers 404."""
        call = self._dialect.find_mapping_by_app_id(messaging_app_id)
        try:
            response = self._send(call)
        except NotFoundError:
            return None
        return responses.parse_optional_object(NumberMapping, response)

    # -- CSPs and payments (Teams) -----------------------------------------------------

    def create_csp(self, spec: CspSpec, *, idempotency_key: str | None = None) -> Csp:
        """POST /csp (Teams only); 200 or 201. The API cannot look CSPs up: after an
        ambiguous failure it is replayed only on a trusted key, else raised as
        `AmbiguousCreateError`."""
        call = self._dialect.create_csp(spec)
        key = _check_idempotency_key(idempotency_key)

        def post(trace: AttemptTrace, before_replay: BeforeReplay | None, replay_safe: bool) -> Csp:
            response = self._send(call, idempotency_key=key, trace=trace, replay_safe=replay_safe)
            found = responses.parse_optional_object(Csp, response)
            return found if found is not None else Csp(name=spec.name, email=spec.email)

        trusted = self._settings.trust_idempotency_keys
        return reconcile.create_without_lookup(
            post,
            record="CSP",
            trusted=trusted,
            reason="the Teams Platform API cannot look CSPs up and Idempotency-Key is not "
            "trusted, so it was not sent again",
        )

    def get_csp_config(self, phone_number: str) -> CspConfig:
        """GET /csp/getcspconfig?phoneNumber= (Teams only)."""
        call = self._dialect.get_csp_config(phone_number)
        return responses.parse_object(CspConfig, self._send(call))

    def check_payment(self, email: str) -> PaymentStatus:
        """POST /stripe/check-payment (Teams only)."""
        call = self._dialect.check_payment(email)
        return responses.parse_object(PaymentStatus, self._send(call))
