"""Ambiguous creates: adopt what an earlier attempt made instead of duplicating it.

The fake server here does NOT honour Idempotency-Key (like a real service might not),
so only the reconciliation stands between a lost response and a duplicate.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from client_fakes import START, FakeAPI, json_response

from pulumi_contextsms.client import (
    APIConnectionError,
    ContextSmsClient,
    DuplicateMappingError,
    Enterprise,
    EnterpriseSpec,
    MappingSpec,
    ServerError,
)
from pulumi_contextsms.client.reconcile import CREATED_SLACK, matching_enterprise

SPEC = EnterpriseSpec(
    name="Acme Dental", contact="Dr. Jo", phone_number="+15559876543", email="jo@acme.example"
)
MAPPING_SPEC = MappingSpec(
    phone_number="+15551234567", messaging_app_type="Webex", messaging_app_id="bot-1"
)
DROP = httpx.RemoteProtocolError("Server disconnected without sending a response.")


class CommitThenDrop:
    """A create endpoint that stores the record, then (the first `drops` times) drops
    the connection instead of answering. Idempotency keys are ignored."""

    def __init__(self, make: Any, store: list[dict[str, Any]], drops: int = 1, **kw: Any) -> None:
        self.make = make
        self.store = store
        self.drops = drops
        self.conflict_on_duplicate = kw.get("conflict_on_duplicate", False)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        body = json.loads(request.content)
        if self.conflict_on_duplicate and any(
            r["phoneNumber"] == body["phoneNumber"] for r in self.store
        ):
            return json_response(
                409,
                {
                    "error": f"Phone number {body['phoneNumber']} is already mapped",
                    "code": "DUPLICATE_MAPPING",
                },
            )
        record = self.make(body, len(self.store) + 1)
        self.store.append(record)
        if self.calls <= self.drops:
            raise DROP
        return json_response(201, record)


def v2_enterprise(body: dict[str, Any], n: int, created_ms: int | None = None) -> dict[str, Any]:
    return {
        "enterpriseId": f"E{n:07d}",
        "name": body["name"],
        "contact": body["contact"],
        "number": body["number"],
        "email": body["email"],
        "deleted": False,
        "createdDate": created_ms if created_ms is not None else int(START * 1000),
        "updateDate": int(START * 1000),
    }


def v1_mapping(body: dict[str, Any], n: int) -> dict[str, Any]:
    return {"numberToMessageAppMapId": f"NTMAP{n:07d}", **body}


def posts(api: FakeAPI) -> list[httpx.Request]:
    return [r for r in api.api_requests() if r.method == "POST"]


# -- mappings --------------------------------------------------------------------------


def test_mapping_409_after_a_drop_adopts_the_mapping_the_first_attempt_made(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    create = CommitThenDrop(v1_mapping, store, conflict_on_duplicate=True)
    api.on("POST", "/api/v1/mapping/add/E1", create)
    api.on("GET", "/api/v1/mappings/enterprise/E1", lambda r: json_response(200, store))
    mapping = webex.create_mapping("E1", MAPPING_SPEC)
    assert mapping.mapping_id == "NTMAP0000001"
    assert len(store) == 1 and create.calls == 2
    assert [p.split(" ")[0] for p in api.paths()[1:]] == ["POST", "POST", "GET"]


def test_mapping_409_after_a_drop_with_another_app_id_is_a_real_duplicate(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    store = [v1_mapping({**MAPPING_SPEC_WIRE, "messagingAppId": "someone-else"}, 1)]

    def create(request: httpx.Request) -> httpx.Response:
        if create.calls == 0:  # type: ignore[attr-defined]
            create.calls = 1  # type: ignore[attr-defined]
            raise DROP
        return json_response(409, {"error": "already mapped", "code": "DUPLICATE_MAPPING"})

    create.calls = 0  # type: ignore[attr-defined]
    api.on("POST", "/api/v1/mapping/add/E1", create)
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, store))
    with pytest.raises(DuplicateMappingError):
        webex.create_mapping("E1", MAPPING_SPEC)


MAPPING_SPEC_WIRE = {
    "messagingAppId": "bot-1",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
}


def test_first_attempt_409_is_raised_without_a_lookup(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        json_response(409, {"error": "already mapped", "code": "DUPLICATE_MAPPING"}),
    )
    api.on(
        "GET",
        "/api/v1/mappings/enterprise/E1",
        json_response(200, [v1_mapping(MAPPING_SPEC_WIRE, 1)]),
    )
    with pytest.raises(DuplicateMappingError) as info:
        webex.create_mapping("E1", MAPPING_SPEC)
    assert "409 DUPLICATE_MAPPING" in str(info.value)
    assert not any(r.method == "GET" for r in api.api_requests())


def test_409_after_a_429_is_a_real_duplicate(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        json_response(429, {"error": "slow down"}, {"Retry-After": "0"}),
        json_response(409, {"error": "already mapped", "code": "DUPLICATE_MAPPING"}),
    )
    with pytest.raises(DuplicateMappingError):
        webex.create_mapping("E1", MAPPING_SPEC)
    assert not any(r.method == "GET" for r in api.api_requests())


def test_mapping_whose_every_attempt_dropped_is_adopted_if_it_exists(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    create = CommitThenDrop(v1_mapping, store, drops=100, conflict_on_duplicate=True)
    create_calls: list[int] = []

    def only_first_commits(request: httpx.Request) -> httpx.Response:
        create_calls.append(1)
        if len(create_calls) == 1:
            return create(request)
        raise DROP

    api.on("POST", "/api/v1/mapping/add/E1", only_first_commits)
    api.on("GET", "/api/v1/mappings/enterprise/E1", lambda r: json_response(200, store))
    mapping = webex.create_mapping("E1", MAPPING_SPEC)
    assert mapping.mapping_id == "NTMAP0000001" and len(create_calls) == 6


def test_mapping_whose_every_attempt_dropped_and_nothing_exists_raises(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/mapping/add/E1", DROP)
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    with pytest.raises(APIConnectionError):
        webex.create_mapping("E1", MAPPING_SPEC)


# -- enterprises (Teams) ---------------------------------------------------------------


def test_teams_enterprise_made_by_a_dropped_attempt_is_adopted_before_posting_again(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    create = CommitThenDrop(v2_enterprise, store)
    api.on("POST", "/api/v2/enterprise/CSP1", create)
    api.on("GET", "/api/v2/csp/enterprises/CSP1", lambda r: json_response(200, store))
    enterprise = teams.create_enterprise("CSP1", SPEC)
    assert enterprise.enterprise_id == "E0000001"
    assert create.calls == 1 and len(store) == 1  # no second POST, no duplicate
    assert api.paths()[1:] == ["POST /api/v2/enterprise/CSP1", "GET /api/v2/csp/enterprises/CSP1"]


def test_teams_enterprise_not_made_by_the_dropped_attempt_is_posted_again(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("POST", "/api/v2/enterprise/CSP1", DROP, json_response(201, v2_enterprise(SPEC_WIRE, 7)))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, []))
    enterprise = teams.create_enterprise("CSP1", SPEC)
    assert enterprise.enterprise_id == "E0000007"
    keys = {r.headers["Idempotency-Key"] for r in posts(api)}
    assert len(posts(api)) == 2 and len(keys) == 1


SPEC_WIRE = {
    "name": "Acme Dental",
    "contact": "Dr. Jo",
    "number": "+15559876543",
    "email": "jo@acme.example",
}


def test_teams_enterprise_after_a_5xx_is_looked_up_too(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store = [v2_enterprise(SPEC_WIRE, 3)]
    api.on(
        "POST", "/api/v2/enterprise/CSP1", json_response(500, {"error": "Internal server error"})
    )
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, store))
    assert teams.create_enterprise("CSP1", SPEC).enterprise_id == "E0000003"
    assert len(posts(api)) == 1


def test_teams_enterprise_last_attempt_dropped_is_adopted_after_the_fact(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    lists = 0

    def listing(request: httpx.Request) -> httpx.Response:
        nonlocal lists
        lists += 1
        return json_response(200, store)

    def create(request: httpx.Request) -> httpx.Response:
        if len(posts(api)) == 6:  # the last allowed attempt commits, then drops
            store.append(v2_enterprise(SPEC_WIRE, 9))
        raise DROP

    api.on("POST", "/api/v2/enterprise/CSP1", create)
    api.on("GET", "/api/v2/csp/enterprises/CSP1", listing)
    assert teams.create_enterprise("CSP1", SPEC).enterprise_id == "E0000009"
    assert lists == 6  # before each of the 5 replays, and once after the last failure


@pytest.mark.parametrize(
    ("override", "adopted"),
    [
        ({}, True),
        ({"email": "JO@ACME.EXAMPLE"}, True),
        ({"deleted": True}, False),
        ({"name": "Acme Dental 2"}, False),
        ({"number": "+15550000000"}, False),
        ({"createdDate": int((START - CREATED_SLACK - 1) * 1000)}, False),
        ({"createdDate": int((START - CREATED_SLACK + 1) * 1000)}, True),
        ({"createdDate": None}, False),
    ],
)
def test_enterprise_matching_rules(override: dict[str, Any], adopted: bool) -> None:
    candidate = Enterprise.model_validate({**v2_enterprise(SPEC_WIRE, 1), **override})
    found = matching_enterprise([candidate], SPEC, START)
    assert (found is not None) is adopted


def test_the_earliest_matching_enterprise_is_adopted() -> None:
    later = Enterprise.model_validate(
        v2_enterprise(SPEC_WIRE, 2, created_ms=int(START * 1000) + 500)
    )
    earlier = Enterprise.model_validate(
        v2_enterprise(SPEC_WIRE, 1, created_ms=int(START * 1000) + 100)
    )
    found = matching_enterprise([later, earlier], SPEC, START)
    assert found is not None and found.enterprise_id == "E0000001"


def test_a_failing_lookup_does_not_stop_the_keyed_replay(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("POST", "/api/v2/enterprise/CSP1", DROP, json_response(201, v2_enterprise(SPEC_WIRE, 4)))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(403, {"error": "denied"}))
    assert teams.create_enterprise("CSP1", SPEC).enterprise_id == "E0000004"


def test_a_definite_failure_is_not_reconciled(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("POST", "/api/v2/enterprise/CSP1", json_response(400, {"error": "bad"}))
    with pytest.raises(Exception, match="400"):
        teams.create_enterprise("CSP1", SPEC)
    assert not any(r.method == "GET" for r in api.api_requests())


# -- enterprises (Webex): only the key ---------------------------------------------------


def test_webex_enterprise_replay_relies_on_the_key_alone(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "POST",
        "/api/v1/enterprise/CSP1",
        DROP,
        json_response(201, {"enterpriseId": "E0000001", "name": "Acme Dental"}),
    )
    assert webex.create_enterprise("CSP1", SPEC).enterprise_id == "E0000001"
    assert [r.method for r in api.api_requests()] == ["POST", "POST"]
    keys = {r.headers["Idempotency-Key"] for r in api.api_requests()}
    assert len(keys) == 1


def test_webex_enterprise_persistent_5xx_is_raised(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/enterprise/CSP1", json_response(503, {"error": "down"}))
    with pytest.raises(ServerError):
        webex.create_enterprise("CSP1", SPEC)
    assert all(r.method == "POST" for r in api.api_requests())
