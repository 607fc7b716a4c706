"""Fuzz the emulator with schemathesis, from its own ``/openapi.json``, in-process (ASGI).

Faults are off, so any 500 is a bug. Each generated request is checked for: no server
error, a status code the document declares for the operation, a declared content type,
a body matching the declared schema, declared headers, and a 4xx for data that breaks
the document (``negative_data_rejection``); plus three checks of our own: a protected
operation called without a token answers 401, no response contains the password or the
bearer token (unless the request itself carried it), and every error's ``requestId`` is
its ``X-Request-Id`` (an idempotent replay keeps the first answer's body, as documented).
Not checked: that every schema-valid request is accepted (``positive_data_acceptance``):
a possible E.164 number, a deliverable-looking email, a non-blank name, a signed webhook
or a right password are rules JSON Schema cannot state, so those 400/401s are correct.

Passes (``FuzzPlan``), each over every operation of the emulator API:

- ``generated ids``: the demo account's token; schemathesis invents path parameters,
  so mostly 403/404 plus every 400 it can provoke; positive and negative data;
- ``real ids``: path parameters (and the two lookups' phone number and app id) fixed to
  records re-created before every example, so creates, reads, updates and deletes
  really run; positive and negative data;
- ``no token``: no Authorization header at all; positive data;
- ``signed webhook``: Stripe events with a valid ``Stripe-Signature``, so the event
  handling runs rather than the signature check;
- ``operator``: the ``/_emulator`` API, on a separate app (it can change faults); the
  webhook routes once more with real ids (a seeded webhook, a mapped number), their
  outbound requests answered in-process by an echoing ``Courier`` transport.

Generation is derandomized (a fixed seed) and uses no example database, so a CI run
repeats; failures are collected, not shrunk, and reported together (each with the
schemathesis report and a curl line). The test counts the requests it really sent and
requires at least ``MIN_REQUESTS``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from security_support import WEBHOOK_SECRET

from contextsms_emulator import (
    DEMO_CSP_ID,
    DEMO_PASSWORD,
    DEMO_USER,
    AccountSpec,
    Settings,
    create_app,
    stripe_signature,
)
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.delivery import Courier
from contextsms_emulator.schemas.teams import CspCreate

MIN_REQUESTS = 1000
CONFIG = schemathesis.Config.from_dict({"generation": {"allow-extra-parameters": False}})
"""Explicit, so no schemathesis.toml changes the run. No undeclared query parameters or
headers in negative data: the emulator ignores unknown ones, as Spring does (documented)."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
POSITIVE = (GenerationMode.POSITIVE,)
BOTH = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
SEED_PHONE = "+15551230001"
SEED_APP_ID = "seed-bot"
REAL_INPUTS: dict[str, dict[str, Any]] = {
    # Lookups whose key is not in the path: fixed to the seeded records too (SEED_PHONE
    # and SEED_APP_ID are mapped on both services: a number maps once per service).
    "/api/v2/csp/getcspconfig": {"query": {"phoneNumber": SEED_PHONE}},
    "/api/v2/mapping/messagingAppId": {"body": {"messagingAppId": SEED_APP_ID}},
}
OPERATOR_CSP = "CSP0000009"
SEED_HOOK_URL = "http://127.0.0.1:9/hook"
OPERATOR_REAL_INPUTS: dict[tuple[str, str], dict[str, Any]] = {
    # The webhook routes, given a seeded webhook and a mapped number (seed_operator).
    ("POST", "/_emulator/webhooks"): {"body": {"url": SEED_HOOK_URL, "csp_id": OPERATOR_CSP}},
    ("POST", "/_emulator/inbound"): {
        "body": {"to": SEED_PHONE, "from": "+15551230002", "text": "fuzz"}
    },
    ("POST", "/_emulator/seed"): {
        "body": {
            "service": "teams",
            "csp_id": OPERATOR_CSP,
            "enterprises": [
                {
                    "name": "Fuzz Portal Co",
                    "contact": "Fuzz Person",
                    "phone_number": "+15551230003",
                    "email": "portal@fuzz.test",
                    "numbers": [{"phone_number": "+15551230003", "messaging_app_id": "ch"}],
                }
            ],
        }
    },
}


def echoing_courier() -> Courier:
    """Webhook traffic that never leaves the process: every receiver echoes challenges."""

    def receiver(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(200, json={"challenge": body.get("challenge")})

    return Courier(transport=httpx.MockTransport(receiver))


@dataclass(frozen=True)
class FuzzPlan:
    """Examples per operation and generation mode, for each pass."""

    generated_ids: int
    real_ids: int
    no_token: int
    signed_webhook: int
    operator: int


CI_PLAN = FuzzPlan(generated_ids=12, real_ids=12, no_token=5, signed_webhook=40, operator=5)
SLOW_PLAN = FuzzPlan(generated_ids=120, real_ids=120, no_token=40, signed_webhook=400, operator=40)


@dataclass
class Report:
    requests: int = 0
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(operation, pass, what) → one full example of the failure."""
    ungenerable: set[tuple[str, str]] = field(default_factory=set)
    operations: set[str] = field(default_factory=set)
    """Every operation of the document (emulator API and operator API)."""

    def fail(self, label: str, pass_name: str, what: str, detail: str) -> None:
        self.failures.setdefault((label, pass_name, what), detail[:3000])

    def summary(self) -> str:
        lines = [f"{len(self.failures)} distinct failures in {self.requests} requests:"]
        for (label, pass_name, what), detail in sorted(self.failures.items()):
            lines.append(f"\n=== {label} [{pass_name}] {what}\n{detail}")
        return "\n".join(lines)


def service_of(path: str) -> str:
    return "teams" if path.startswith("/api/v2/") else "webex"


def seed(app: EmulatorApp) -> dict[str, dict[str, str]]:
    """Wipe, then give the demo tenant, on each service, one enterprise with SEED_PHONE
    mapped to SEED_APP_ID, and on Teams one sub-CSP: the real ids of each service.

    After a reset the id sequences restart, so the ids are the same every time.
    """
    state = app.emulator
    state.reset()
    account = state.accounts.get(DEMO_USER)
    assert account is not None
    ids: dict[str, dict[str, str]] = {}
    for service, app_type in (("webex", "Webex"), ("teams", "Teams")):
        caller = state.platform.caller(account, service)
        enterprise = state.platform.create_enterprise(
            caller,
            DEMO_CSP_ID,
            name="Seed Co",
            contact="Seed Person",
            phone_number=SEED_PHONE,
            email="seed@seed.test",
        )
        mapping = state.platform.add_mapping(
            caller,
            enterprise.enterprise_id,
            phone_number=SEED_PHONE,
            messaging_app_type=app_type,
            messaging_app_id=SEED_APP_ID,
        )
        ids[service] = {
            "cspId": DEMO_CSP_ID,
            "enterpriseId": enterprise.enterprise_id,
            "mappingId": mapping.mapping_id,
            "numberToMessageAppMapId": mapping.mapping_id,
        }
    csp_fields = CspCreate.model_validate({"email": "csp@seed.test", "name": "Seed CSP"})
    state.platform.create_csp(state.platform.caller(account, "teams"), **csp_fields.model_dump())
    return ids


def seed_operator(app: EmulatorApp) -> dict[str, str]:
    """Wipe, then map SEED_PHONE to a Webex bot with an active webhook (WH0000001)."""
    state = app.emulator
    state.reset()
    account = state.accounts.get("op@op.test")
    assert account is not None
    caller = state.platform.caller(account, "webex")
    enterprise = state.platform.create_enterprise(
        caller,
        OPERATOR_CSP,
        name="Seed Co",
        contact="Seed Person",
        phone_number=SEED_PHONE,
        email="seed@seed.test",
    )
    state.platform.add_mapping(
        caller,
        enterprise.enterprise_id,
        phone_number=SEED_PHONE,
        messaging_app_type="Webex",
        messaging_app_id=SEED_APP_ID,
    )
    webhook = state.webhooks.register(SEED_HOOK_URL, enterprise.enterprise_id, None)
    state.webhooks.activate(webhook.webhook_id)
    return {"webhook_id": webhook.webhook_id}


def _ok(result: Any) -> Any:
    """The operation, or a failure naming why schemathesis could not read it."""
    assert isinstance(result, Ok), f"schemathesis cannot read an operation: {result!r}"
    return result.ok()


def _problems(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return " | ".join(sorted({type(e).__name__ for e in exc.exceptions}))
    return type(exc).__name__


class Fuzzer:
    def __init__(
        self,
        app: EmulatorApp,
        report: Report,
        seeder: Callable[[EmulatorApp], object] = seed,
    ) -> None:
        self.app = app
        self.report = report
        self.seeder = seeder
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
        self.operations = [_ok(result) for result in self.schema.get_all_operations()]
        report.operations |= {op.label for op in self.operations}

    def api_operations(self) -> list[Any]:
        return [op for op in self.operations if not op.path.startswith("/_emulator")]

    def run(
        self,
        operation: Any,
        pass_name: str,
        modes: tuple[GenerationMode, ...],
        examples: int,
        *,
        token: str | None,
        reseed: bool = False,
        sign_webhook: bool = False,
        **fixed: Any,
    ) -> None:
        report = self.report
        label: str = operation.label
        protected = bool(operation.definition.raw.get("security"))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        secrets = [DEMO_PASSWORD, *([token] if token else [])]

        def one(case: Any) -> None:
            if reseed:
                self.seeder(self.app)
            call_headers = dict(headers)
            extra: dict[str, Any] = {}
            if sign_webhook:
                payload = json.dumps(case.body).encode()
                extra["data"] = payload
                call_headers["Content-Type"] = "application/json"
                call_headers["Stripe-Signature"] = stripe_signature.header(payload, WEBHOOK_SECRET)
            try:
                response = case.call(headers=call_headers, **extra)
            except Exception as exc:  # the app raised through the transport
                report.fail(label, pass_name, f"raised {type(exc).__name__}", repr(exc))
                return
            report.requests += 1
            report.statuses[(label, response.status_code)] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=call_headers)
            except (AssertionError, BaseExceptionGroup) as exc:
                report.fail(label, pass_name, _problems(exc), str(exc))
            self._own_checks(label, pass_name, protected, secrets, response)

        for mode in modes:
            strategy = operation.as_strategy(generation_mode=mode, **fixed)
            test = settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                verbosity=Verbosity.quiet,
            )(given(case=strategy)(one))
            try:
                test()
            except Unsatisfiable:  # e.g. no negative variant of an operation without inputs
                report.ungenerable.add((label, mode.value))

    def _own_checks(
        self, label: str, pass_name: str, protected: bool, secrets: list[str], response: Any
    ) -> None:
        report = self.report
        sent = response.request
        request_text = f"{sent.url}\n{sent.body!r}"
        text = response.content.decode("utf-8", "replace") + json.dumps(response.headers)
        echoed = [s for s in secrets if s in text and s not in request_text]
        if echoed:
            report.fail(label, pass_name, "secret in response", f"{response.status_code} {text}")
        if protected and "Authorization" not in sent.headers and response.status_code != 401:
            report.fail(label, pass_name, "no token, no 401", f"{response.status_code} {text}")
        replayed = "idempotent-replayed" in response.headers  # the first answer's body
        if response.status_code >= 400 and not replayed:
            body = json.loads(response.content)
            if body.get("requestId") != response.headers.get("x-request-id", [None])[0]:
                report.fail(label, pass_name, "requestId is not X-Request-Id", text)


def fuzz(plan: FuzzPlan) -> Report:
    report = Report()
    app = create_app(Settings(stripe_webhook_secret=WEBHOOK_SECRET))
    operator_app = create_app(
        Settings(accounts=(AccountSpec("op@op.test", "op-pw", OPERATOR_CSP),)),
        courier=echoing_courier(),
    )
    try:
        fuzzer = Fuzzer(app, report)
        tokens = _login(fuzzer)
        seeded = seed(app)
        for op in fuzzer.api_operations():
            is_webhook = op.path.endswith("/stripe/webhook")
            token, ids = tokens[service_of(op.path)], seeded[service_of(op.path)]
            fuzzer.run(op, "generated ids", BOTH, plan.generated_ids, token=token)
            fixed = dict(REAL_INPUTS.get(op.path, {}))
            if op.path_parameters:
                fixed["path_parameters"] = {p.name: ids[p.name] for p in op.path_parameters}
            if fixed:
                fuzzer.run(op, "real ids", BOTH, plan.real_ids, token=token, reseed=True, **fixed)
            if op.definition.raw.get("security"):
                fuzzer.run(op, "no token", POSITIVE, plan.no_token, token=None)
            if is_webhook:
                fuzzer.run(
                    op,
                    "signed webhook",
                    POSITIVE,
                    plan.signed_webhook,
                    token=None,
                    sign_webhook=True,
                )
        operator = Fuzzer(operator_app, report, seeder=seed_operator)
        real = seed_operator(operator_app)
        for op in operator.operations:
            if op.path.startswith("/_emulator"):
                operator.run(op, "operator", BOTH, plan.operator, token=None)
                fixed = dict(OPERATOR_REAL_INPUTS.get((op.method.upper(), op.path), {}))
                if op.path_parameters:
                    fixed["path_parameters"] = {p.name: real[p.name] for p in op.path_parameters}
                if fixed:
                    operator.run(
                        op,
                        "operator, real ids",
                        BOTH,
                        plan.operator,
                        token=None,
                        reseed=True,
                        **fixed,
                    )
    finally:
        app.emulator.close()
        operator_app.emulator.close()
    return report


def _login(fuzzer: Fuzzer) -> dict[str, str]:
    """The demo account's access token from each auth service, by service."""
    # Not entered as a context manager: from_asgi has already started the app.
    client = asgi.get_client(cast(Any, fuzzer.app))
    tokens = {}
    for service, base in (("webex", "/v1/auth"), ("teams", "/api/v2/auth")):
        response = client.post(
            f"{base}/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        tokens[service] = response.json()["accessToken"]
    return tokens


@pytest.fixture(scope="module")
def ci_report() -> Iterator[Report]:
    yield fuzz(CI_PLAN)


def test_fuzzing_the_openapi_document_finds_no_500_and_no_broken_contract(
    ci_report: Report,
) -> None:
    assert ci_report.failures == {}, ci_report.summary()


def test_fuzzing_sends_at_least_a_thousand_requests(ci_report: Report) -> None:
    assert ci_report.requests >= MIN_REQUESTS, ci_report.requests


def test_fuzzing_reaches_every_operation_past_authentication(ci_report: Report) -> None:
    """Not vacuous: every operation answered something other than 401, and every
    protected one (plus the webhook) succeeded at least once."""
    labels = {label for label, _ in ci_report.statuses}
    past_auth = {label for label, status in ci_report.statuses if status != 401}
    succeeded = {label for label, status in ci_report.statuses if 200 <= status < 300}
    logins = {label for label in labels if "/auth/" in label}
    assert sorted(labels - past_auth) == []
    assert sorted(labels - succeeded - logins) == []
    assert labels == ci_report.operations


@pytest.mark.slow
def test_a_long_fuzz_finds_no_500_and_no_broken_contract() -> None:
    """About 11,700 requests, 2-4 minutes: ``pytest -m slow tests/security``."""
    report = fuzz(SLOW_PLAN)
    assert report.failures == {}, report.summary()
    assert report.requests >= 10 * MIN_REQUESTS, report.requests
