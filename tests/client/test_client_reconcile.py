"""Ambiguous creates: no duplicate and no untracked record, against a server that
ignores Idempotency-Key (neither API document promises it), and replays on the key
only when the caller trusts it.

The fake server here never honours Idempotency-Key: with keys untrusted (the default)
only the lookups stand between a lost response and a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from client_fakes import START, FakeAPI, json_response

from pulumi_contextsms.client import (
    AmbiguousCreateError,
    APIConnectionError,
    ContextSmsClient,
    CspSpec,
    DuplicateMappingError,
    Enterprise,
    EnterpriseSpec,
    MappingSpec,
    NumberMapping,
    Platform,
    ServerError,
)
from pulumi_contextsms.client.reconcile import matching_enterprises, matching_mapping

SPEC = EnterpriseSpec(
    name="Acme Dental", contact="Dr. Jo", phone_number="+15559876543", email="jo@acme.example"
)
SPEC_WIRE = {
    "name": "Acme Dental",
    "contact": "Dr. Jo",
    "number": "+15559876543",
    "email": "jo@acme.example",
}
MAPPING_SPEC = MappingSpec(
    phone_number="+15551234567", messaging_app_type="Webex", messaging_app_id="bot-1"
)
MAPPING_SPEC_WIRE = {
    "messagingAppId": "bot-1",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
}
DROP = httpx.RemoteProtocolError("Server disconnected without sending a response.")
DUPLICATE = {"error": "already mapped", "code": "DUPLICATE_MAPPING"}


class CommitThenDrop:
    """A create endpoint that stores the record, then (the first `drops` times) drops
    the connection instead of answering. Idempotency keys are ignored; with
    `unique_number`, a second record of one phone number is refused with 409."""

    def __init__(
        self, make: Any, store: list[dict[str, Any]], drops: int = 1, unique_number: bool = False
    ) -> None:
        self.make = make
        self.store = store
        self.drops = drops
        self.unique_number = unique_number
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        body = json.loads(request.content)
        if self.unique_number and any(r["phoneNumber"] == body["phoneNumber"] for r in self.store):
            return json_response(409, DUPLICATE)
        record = self.make(body, len(self.store) + 1)
        self.store.append(record)
        if self.calls <= self.drops:
            raise DROP
        return json_response(201, record)


def v2_enterprise(body: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "enterpriseId": f"E{n:07d}",
        **body,
        "deleted": False,
        "createdDate": int(START * 1000),
        "updateDate": int(START * 1000),
    }


def v1_mapping(body: dict[str, Any], n: int) -> dict[str, Any]:
    return {"numberToMessageAppMapId": f"NTMAP{n:07d}", **body}


def posts(api: FakeAPI) -> list[httpx.Request]:
    return [r for r in api.api_requests() if r.method == "POST"]


def calls(api: FakeAPI) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in api.api_requests()]


@pytest.fixture
def trusted(make_client: Callable[..., ContextSmsClient]) -> Callable[[Platform], ContextSmsClient]:
    return lambda platform: make_client(platform, trust_idempotency_keys=True)


# -- mappings, keys not trusted ---------------------------------------------------------


def test_a_mapping_create_lists_the_enterprise_first_when_no_snapshot_is_given(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    api.on("POST", "/api/v1/mapping/add/E1", json_response(201, v1_mapping(MAPPING_SPEC_WIRE, 1)))
    assert webex.create_mapping("E1", MAPPING_SPEC).mapping_id == "NTMAP0000001"
    assert calls(api) == ["GET /api/v1/mappings/enterprise/E1", "POST /api/v1/mapping/add/E1"]


def test_a_mapping_create_with_a_snapshot_sends_only_the_post(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/mapping/add/E1", json_response(201, v1_mapping(MAPPING_SPEC_WIRE, 1)))
    webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())
    assert calls(api) == ["POST /api/v1/mapping/add/E1"]


def test_a_dropped_mapping_create_is_found_before_any_replay(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    create = CommitThenDrop(v1_mapping, store, unique_number=True)
    api.on("POST", "/api/v1/mapping/add/E1", create)
    api.on("GET", "/api/v1/mappings/enterprise/E1", lambda r: json_response(200, store))
    mapping = webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())
    assert mapping.mapping_id == "NTMAP0000001"
    assert create.calls == 1 and len(store) == 1  # found, not posted again
    assert calls(api) == ["POST /api/v1/mapping/add/E1", "GET /api/v1/mappings/enterprise/E1"]


def test_a_dropped_mapping_create_that_made_nothing_is_replayed_once_looked_up(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        DROP,
        json_response(201, v1_mapping(MAPPING_SPEC_WIRE, 2)),
    )
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    assert webex.create_mapping("E1", MAPPING_SPEC, existing_ids=()).mapping_id == "NTMAP0000002"
    assert calls(api) == [
        "POST /api/v1/mapping/add/E1",
        "GET /api/v1/mappings/enterprise/E1",
        "POST /api/v1/mapping/add/E1",
    ]


def test_an_identical_mapping_that_existed_before_the_create_is_never_adopted(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    """Another stack's identical mapping, seen before the POST: a 5xx then a 409 on the
    replay is that stack's record, not this call's."""
    theirs = v1_mapping(MAPPING_SPEC_WIRE, 1)
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        json_response(500, {"error": "Internal server error"}),
        json_response(409, DUPLICATE),
    )
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, [theirs]))
    with pytest.raises(DuplicateMappingError):
        webex.create_mapping("E1", MAPPING_SPEC, existing_ids={"NTMAP0000001"})


def test_a_mapping_with_other_values_is_never_adopted(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    other = v1_mapping({**MAPPING_SPEC_WIRE, "messagingAppId": "someone-else"}, 5)
    api.on("POST", "/api/v1/mapping/add/E1", DROP, json_response(409, DUPLICATE))
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, [other]))
    with pytest.raises(DuplicateMappingError):
        webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())


def test_a_first_attempt_409_is_raised_without_a_lookup(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/mapping/add/E1", json_response(409, DUPLICATE))
    with pytest.raises(DuplicateMappingError) as info:
        webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())
    assert "409 DUPLICATE_MAPPING" in str(info.value)
    assert calls(api) == ["POST /api/v1/mapping/add/E1"]


def test_a_409_after_a_429_is_a_real_duplicate(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(
        "POST",
        "/api/v1/mapping/add/E1",
        json_response(429, {"error": "slow down"}, {"Retry-After": "0"}),
        json_response(409, DUPLICATE),
    )
    with pytest.raises(DuplicateMappingError):
        webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())
    assert not any(r.method == "GET" for r in api.api_requests())


def test_a_mapping_made_by_the_last_allowed_attempt_is_adopted_after_the_fact(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        if len(posts(api)) == 6:
            store.append(v1_mapping(MAPPING_SPEC_WIRE, 9))
        raise DROP

    api.on("POST", "/api/v1/mapping/add/E1", create)
    api.on("GET", "/api/v1/mappings/enterprise/E1", lambda r: json_response(200, store))
    assert webex.create_mapping("E1", MAPPING_SPEC, existing_ids=()).mapping_id == "NTMAP0000009"
    assert len(posts(api)) == 6


def test_a_mapping_whose_every_attempt_dropped_and_made_nothing_raises(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/mapping/add/E1", DROP)
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    with pytest.raises(APIConnectionError):
        webex.create_mapping("E1", MAPPING_SPEC, existing_ids=())


def test_without_a_readable_snapshot_a_mapping_create_is_never_replayed_blindly(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(503, {"error": "down"}))
    api.on("POST", "/api/v1/mapping/add/E1", DROP)
    with pytest.raises(AmbiguousCreateError, match="mapping may have been created"):
        webex.create_mapping("E1", MAPPING_SPEC)
    assert len(posts(api)) == 1


# -- enterprises (Teams), keys not trusted ------------------------------------------------


def test_a_teams_enterprise_create_snapshots_the_csp_first(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, []))
    api.on("POST", "/api/v2/enterprise/CSP1", json_response(201, v2_enterprise(SPEC_WIRE, 1)))
    teams.create_enterprise("CSP1", SPEC)
    assert calls(api) == ["GET /api/v2/csp/enterprises/CSP1", "POST /api/v2/enterprise/CSP1"]


def test_a_teams_enterprise_made_by_a_dropped_attempt_is_adopted_before_posting_again(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store: list[dict[str, Any]] = []
    create = CommitThenDrop(v2_enterprise, store)
    api.on("POST", "/api/v2/enterprise/CSP1", create)
    api.on("GET", "/api/v2/csp/enterprises/CSP1", lambda r: json_response(200, store))
    enterprise = teams.create_enterprise("CSP1", SPEC)
    assert enterprise.enterprise_id == "E0000001"
    assert create.calls == 1 and len(store) == 1  # no second POST, no duplicate


def test_an_identical_teams_enterprise_that_existed_before_is_not_adopted(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    """Matched on fields, told apart by the snapshot, never by createdDate."""
    store = [v2_enterprise(SPEC_WIRE, 1)]  # someone else's, already there
    create = CommitThenDrop(v2_enterprise, store)
    api.on("POST", "/api/v2/enterprise/CSP1", create)
    api.on("GET", "/api/v2/csp/enterprises/CSP1", lambda r: json_response(200, store))
    assert teams.create_enterprise("CSP1", SPEC).enterprise_id == "E0000002"
    assert create.calls == 1 and len(store) == 2


def test_a_teams_enterprise_not_made_by_the_dropped_attempt_is_posted_again(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("POST", "/api/v2/enterprise/CSP1", DROP, json_response(201, v2_enterprise(SPEC_WIRE, 7)))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, []))
    assert teams.create_enterprise("CSP1", SPEC).enterprise_id == "E0000007"
    keys = {r.headers["Idempotency-Key"] for r in posts(api)}
    assert len(posts(api)) == 2 and len(keys) == 1


def test_several_new_matching_teams_enterprises_stop_the_create_listing_them(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store = [v2_enterprise(SPEC_WIRE, 3), v2_enterprise(SPEC_WIRE, 4)]
    api.on("POST", "/api/v2/enterprise/CSP1", json_response(500, {"error": "Internal"}))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, store))
    with pytest.raises(AmbiguousCreateError) as info:
        teams.create_enterprise("CSP1", SPEC, existing_ids=())
    assert info.value.candidates == ("E0000003", "E0000004")
    assert len(posts(api)) == 1


def test_a_teams_enterprise_after_a_5xx_is_looked_up_too(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    store = [v2_enterprise(SPEC_WIRE, 3)]
    api.on("POST", "/api/v2/enterprise/CSP1", json_response(500, {"error": "Internal"}))
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, store))
    assert teams.create_enterprise("CSP1", SPEC, existing_ids=()).enterprise_id == "E0000003"
    assert len(posts(api)) == 1


def test_without_a_readable_snapshot_a_teams_enterprise_is_never_replayed_blindly(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(403, {"error": "denied"}))
    api.on("POST", "/api/v2/enterprise/CSP1", DROP)
    with pytest.raises(AmbiguousCreateError, match="could not be listed before it"):
        teams.create_enterprise("CSP1", SPEC)
    assert len(posts(api)) == 1


def test_a_definite_failure_is_not_reconciled(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("POST", "/api/v2/enterprise/CSP1", json_response(400, {"error": "bad"}))
    with pytest.raises(Exception, match="400"):
        teams.create_enterprise("CSP1", SPEC, existing_ids=())
    assert not any(r.method == "GET" for r in api.api_requests())


@pytest.mark.parametrize(
    ("override", "adopted"),
    [
        ({}, True),
        ({"email": "JO@ACME.EXAMPLE"}, True),
        ({"deleted": True}, False),
        ({"name": "Acme Dental 2"}, False),
        ({"number": "+15550000000"}, False),
        ({"enterpriseId": "E0000099"}, False),  # in the snapshot
        ({"createdDate": 0}, True),  # the server's clock plays no part
    ],
)
def test_enterprise_matching_rules(override: dict[str, Any], adopted: bool) -> None:
    candidate = Enterprise.model_validate({**v2_enterprise(SPEC_WIRE, 1), **override})
    assert bool(matching_enterprises([candidate], SPEC, {"E0000099"})) is adopted


@pytest.mark.parametrize(
    ("override", "adopted"),
    [
        ({}, True),
        ({"messagingAppId": "bot-2"}, False),
        ({"phoneNumber": "+15551234568"}, False),
        ({"numberToMessageAppMapId": "NTMAP0000099"}, False),  # in the snapshot
    ],
)
def test_mapping_matching_rules(override: dict[str, Any], adopted: bool) -> None:
    candidate = NumberMapping.model_validate({**v1_mapping(MAPPING_SPEC_WIRE, 1), **override})
    found = matching_mapping([candidate], MAPPING_SPEC, {"NTMAP0000099"})
    assert (found is not None) is adopted


# -- enterprises (Webex) and CSPs: no lookup ---------------------------------------------


def test_a_webex_enterprise_whose_response_was_lost_is_not_sent_again(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/enterprise/CSP1", DROP)
    with pytest.raises(AmbiguousCreateError) as info:
        webex.create_enterprise("CSP1", SPEC)
    assert len(posts(api)) == 1
    assert "the enterprise may have been created" in str(info.value)
    assert "cannot look enterprises up and Idempotency-Key is not trusted" in str(info.value)
    assert isinstance(info.value.cause, APIConnectionError)


def test_a_webex_enterprise_5xx_is_not_sent_again_either(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/enterprise/CSP1", json_response(503, {"error": "down"}))
    with pytest.raises(AmbiguousCreateError) as info:
        webex.create_enterprise("CSP1", SPEC)
    assert isinstance(info.value.cause, ServerError) and len(posts(api)) == 1


def test_a_webex_enterprise_429_and_connect_failure_are_still_retried(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "POST",
        "/api/v1/enterprise/CSP1",
        json_response(429, {"error": "slow down"}, {"Retry-After": "0"}),
        httpx.ConnectError("refused"),
        json_response(201, {"enterpriseId": "E0000001", "name": "Acme Dental"}),
    )
    assert webex.create_enterprise("CSP1", SPEC).enterprise_id == "E0000001"
    assert len(posts(api)) == 3


def test_a_csp_whose_response_was_lost_is_not_sent_again(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("POST", "/api/v2/csp", DROP)
    with pytest.raises(AmbiguousCreateError, match="the CSP may have been created"):
        teams.create_csp(CspSpec(email="admin@csp.example", name="Example CSP"))
    assert len(posts(api)) == 1


# -- keys trusted: the key is the proof ----------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "path", "call"),
    [
        (Platform.WEBEX, "/api/v1/enterprise/CSP1", lambda c: c.create_enterprise("CSP1", SPEC)),
        (Platform.TEAMS, "/api/v2/enterprise/CSP1", lambda c: c.create_enterprise("CSP1", SPEC)),
        (Platform.WEBEX, "/api/v1/mapping/add/E1", lambda c: c.create_mapping("E1", MAPPING_SPEC)),
        (
            Platform.TEAMS,
            "/api/v2/csp",
            lambda c: c.create_csp(CspSpec(email="a@csp.example", name="Example CSP")),
        ),
    ],
)
def test_a_trusted_key_replays_the_create_with_the_same_key_and_no_lookup(
    api: FakeAPI,
    trusted: Callable[[Platform], ContextSmsClient],
    platform: Platform,
    path: str,
    call: Callable[[ContextSmsClient], Any],
) -> None:
    record = {"enterpriseId": "E1", "numberToMessageAppMapId": "NTMAP1", "cspId": "CSP9"}
    api.on("POST", path, DROP, json_response(201, {**record, **MAPPING_SPEC_WIRE}))
    call(trusted(platform))
    assert [r.method for r in api.api_requests()] == ["POST", "POST"]
    assert len({r.headers["Idempotency-Key"] for r in api.api_requests()}) == 1


def test_with_a_trusted_key_a_409_after_a_drop_is_not_adopted(
    api: FakeAPI, trusted: Callable[[Platform], ContextSmsClient]
) -> None:
    """A service that honours the key would have answered the replay with the record;
    a 409 means the record is not provably this call's."""
    api.on("POST", "/api/v1/mapping/add/E1", DROP, json_response(409, DUPLICATE))
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    with pytest.raises(DuplicateMappingError):
        trusted(Platform.WEBEX).create_mapping("E1", MAPPING_SPEC)
    assert not any(r.method == "GET" for r in api.api_requests())
