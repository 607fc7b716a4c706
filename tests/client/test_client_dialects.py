"""Each dialect's paths, bodies and response shapes, for every call, through the client."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from client_fakes import FakeAPI, json_response

from pulumi_contextsms.client import (
    APIResponseValidationError,
    ContextSmsClient,
    CspSpec,
    EnterpriseSpec,
    InvalidInputError,
    MappingPatch,
    MappingSpec,
    NotFoundError,
    Platform,
    UnsupportedOperationError,
)

SPEC = EnterpriseSpec(
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
)
V1_ENTERPRISE = {
    "enterpriseId": "E0000123",
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "deleted": False,
    "createdDate": 1698446777442,
    "updateDate": 1698446777443,
    "webexSettings": None,
    "numberToMessageAppMaps": None,
    "defaultMmsSelection": True,
}
V2_ENTERPRISE = {
    "enterpriseId": "E0000090",
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "number": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "deleted": False,
    "createdDate": 1698446777442,
    "updateDate": 1698446777443,
}
V1_MAPPING = {
    "numberToMessageAppMapId": "NTMAP0000456",
    "messagingAppId": "webex-bot-12345",
    "phoneNumber": "+15551234567",
    "messagingAppType": "Webex",
    "mmsEnabled": True,
}
V2_MAPPING = {
    "numberToMessageAppMapId": "NTMAP0000123",
    "phoneNumber": "+12223334444",
    "messagingAppType": "Teams",
    "messagingAppId": "teams-channel-id-12345",
    "name": "FrontDesk",
}


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def only_api_request(api: FakeAPI) -> httpx.Request:
    requests = api.api_requests()
    assert len(requests) == 1, api.paths()
    return requests[0]


# -- Webex (v1) ------------------------------------------------------------------------


def test_webex_create_enterprise_path_body_and_201(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/enterprise/CSP001", json_response(201, V1_ENTERPRISE))
    spec = SPEC.model_copy(update={"default_mms_selection": True})
    enterprise = webex.create_enterprise("CSP001", spec)
    request = only_api_request(api)
    assert body_of(request) == {
        "name": "ABC Marketing Company",
        "contact": "Sarah Johnson",
        "phoneNumber": "+15551234567",
        "email": "sarah@abcmarketing.com",
        "defaultMmsSelection": True,
    }
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Idempotency-Key"]
    assert enterprise.enterprise_id == "E0000123" and enterprise.default_mms_selection is True


def test_webex_create_enterprise_omits_unset_default_mms_selection(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("POST", "/api/v1/enterprise/CSP001", json_response(201, V1_ENTERPRISE))
    webex.create_enterprise("CSP001", SPEC)
    assert "defaultMmsSelection" not in body_of(only_api_request(api))


def test_webex_create_enterprise_accepts_200_too(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/enterprise/CSP001", json_response(200, V1_ENTERPRISE))
    assert webex.create_enterprise("CSP001", SPEC).enterprise_id == "E0000123"


def test_webex_get_enterprise(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/enterprise/getenterprise/E0000123", json_response(200, V1_ENTERPRISE))
    enterprise = webex.get_enterprise("E0000123")
    assert enterprise.phone_number == "+15551234567"
    assert only_api_request(api).content == b""


def test_get_enterprise_404_raises_not_found(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(
        "GET",
        "/api/v1/enterprise/getenterprise/E404",
        json_response(404, {"error": "Enterprise not found", "code": "NOT_FOUND"}),
    )
    with pytest.raises(NotFoundError, match="Enterprise not found"):
        webex.get_enterprise("E404")


def test_get_enterprise_returns_deleted_records_as_such(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "GET",
        "/api/v1/enterprise/getenterprise/E0000123",
        json_response(200, {**V1_ENTERPRISE, "deleted": True}),
    )
    assert webex.get_enterprise("E0000123").deleted is True


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(204),
        json_response(200, {"message": "Enterprise deleted"}),
        httpx.Response(200, text="Deleted enterprise E0000123"),
        httpx.Response(200),
    ],
    ids=["204", "200-json", "200-text", "200-empty"],
)
def test_webex_delete_enterprise_accepts_204_and_any_200(
    api: FakeAPI, webex: ContextSmsClient, reply: httpx.Response
) -> None:
    api.on("DELETE", "/api/v1/enterprise/deleteenterprise/E0000123", reply)
    webex.delete_enterprise("E0000123")  # no exception: success
    assert only_api_request(api).method == "DELETE"


def test_delete_404_raises_not_found(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("DELETE", "/api/v1/mapping/NTMAP1", json_response(404, {"error": "Mapping not found"}))
    with pytest.raises(NotFoundError):
        webex.delete_mapping("NTMAP1")


def test_webex_create_mapping_path_body_and_201(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/mapping/add/E0000123", json_response(201, V1_MAPPING))
    mapping = webex.create_mapping(
        "E0000123",
        MappingSpec(
            phone_number="+15551234567",
            messaging_app_type="Webex",
            messaging_app_id="webex-bot-12345",
            mms_enabled=True,
        ),
        existing_ids=(),  # no reconciliation snapshot: only the create is sent
    )
    assert body_of(only_api_request(api)) == {
        "messagingAppId": "webex-bot-12345",
        "phoneNumber": "+15551234567",
        "messagingAppType": "Webex",
        "mmsEnabled": True,
    }
    assert mapping.mapping_id == "NTMAP0000456" and mapping.mms_enabled is True


def test_webex_list_mappings(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E0000123", json_response(200, [V1_MAPPING]))
    assert [m.mapping_id for m in webex.list_mappings("E0000123")] == ["NTMAP0000456"]


def test_webex_list_csp_mappings_with_paging_and_status(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", "/api/v1/mappings/csp/CSP001", json_response(200, [V1_MAPPING]))
    mappings = webex.list_csp_mappings("CSP001", page=0, size=50, status="ACTIVE")
    request = only_api_request(api)
    assert dict(request.url.params) == {"page": "0", "size": "50", "status": "ACTIVE"}
    assert len(mappings) == 1


def test_webex_list_csp_mappings_without_paging_sends_no_query(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", "/api/v1/mappings/csp/CSP001", json_response(200, []))
    assert webex.list_csp_mappings("CSP001") == []
    assert only_api_request(api).url.query == b""


def test_a_list_that_is_not_a_json_array_is_refused_not_unwrapped(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "GET",
        "/api/v1/mappings/csp/CSP001",
        json_response(200, {"content": [V1_MAPPING], "totalElements": 1}),
    )
    with pytest.raises(APIResponseValidationError, match="expected a JSON array of NumberMapping"):
        webex.list_csp_mappings("CSP001", page=0, size=1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"page": -1}, "page"), ({"size": 0}, "size"), ({"status": " "}, "status")],
)
def test_webex_list_csp_mappings_rejects_bad_paging(
    api: FakeAPI, webex: ContextSmsClient, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        webex.list_csp_mappings("CSP001", **kwargs)
    assert info.value.fields == (field,)
    assert api.requests == []


@pytest.mark.parametrize(
    "reply",
    [httpx.Response(204), json_response(200, {"message": "ok"})],
    ids=["204", "200-json"],
)
def test_webex_delete_mapping(api: FakeAPI, webex: ContextSmsClient, reply: httpx.Response) -> None:
    api.on("DELETE", "/api/v1/mapping/NTMAP0000456", reply)
    webex.delete_mapping("NTMAP0000456")
    assert only_api_request(api).method == "DELETE"


def test_webex_auth_goes_to_the_auth_service_base(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    webex.list_mappings("E1")
    assert api.paths() == ["POST /v1/auth/login", "GET /api/v1/mappings/enterprise/E1"]
    assert api.requests[1].headers["Authorization"] == "Bearer access-1"


UNSUPPORTED_ON_WEBEX: list[tuple[str, Callable[[ContextSmsClient], Any]]] = [
    ("list_enterprises", lambda c: c.list_enterprises("CSP001")),
    ("update_mapping", lambda c: c.update_mapping("N1", MappingPatch(messaging_app_id="x"))),
    ("find_mapping_by_app_id", lambda c: c.find_mapping_by_app_id("bot")),
    ("create_csp", lambda c: c.create_csp(CspSpec(email="a@example.com", name="n"))),
    ("get_csp_config", lambda c: c.get_csp_config("+15551234567")),
    ("check_payment", lambda c: c.check_payment("a@example.com")),
    # unsupported wins over invalid input: still no HTTP, and the clearer error
    ("get_csp_config", lambda c: c.get_csp_config("not-a-number")),
]


@pytest.mark.parametrize(
    ("name", "call"), UNSUPPORTED_ON_WEBEX, ids=[n for n, _ in UNSUPPORTED_ON_WEBEX]
)
def test_webex_unsupported_calls_raise_before_any_http(
    api: FakeAPI, webex: ContextSmsClient, name: str, call: Callable[[ContextSmsClient], Any]
) -> None:
    with pytest.raises(UnsupportedOperationError) as info:
        call(webex)
    assert info.value.operation == name
    assert "Webex Bot API (v1)" in str(info.value)
    assert api.requests == []  # not even a login


def test_webex_refuses_a_mapping_name_before_any_http(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    spec = MappingSpec(
        phone_number="+15551234567", messaging_app_type="Webex", messaging_app_id="b", name="x"
    )
    with pytest.raises(InvalidInputError) as info:
        webex.create_mapping("E1", spec)
    assert info.value.fields == ("name",)
    assert api.requests == []


# -- Teams (v2) ------------------------------------------------------------------------


def test_teams_create_enterprise_uses_number_and_accepts_201(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("POST", "/api/v2/enterprise/CSP0000003", json_response(201, V2_ENTERPRISE))
    enterprise = teams.create_enterprise("CSP0000003", SPEC, existing_ids=())
    assert body_of(only_api_request(api)) == {
        "name": "ABC Marketing Company",
        "contact": "Sarah Johnson",
        "number": "+15551234567",
        "email": "sarah@abcmarketing.com",
    }
    assert enterprise.phone_number == "+15551234567"


def test_teams_refuses_default_mms_selection_before_any_http(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    with pytest.raises(InvalidInputError) as info:
        teams.create_enterprise("CSP1", SPEC.model_copy(update={"default_mms_selection": True}))
    assert info.value.fields == ("default_mms_selection",)
    assert "Teams Platform API (v2)" in str(info.value)
    assert api.requests == []


def test_teams_refuses_mms_enabled_before_any_http(api: FakeAPI, teams: ContextSmsClient) -> None:
    spec = MappingSpec(
        phone_number="+15551234567",
        messaging_app_type="Teams",
        messaging_app_id="c",
        mms_enabled=True,
    )
    with pytest.raises(InvalidInputError) as info:
        teams.create_mapping("E1", spec)
    assert info.value.fields == ("mms_enabled",)
    assert api.requests == []


def test_teams_get_and_list_enterprises(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("GET", "/api/v2/enterprise/getenterprise/E0000090", json_response(200, V2_ENTERPRISE))
    api.on("GET", "/api/v2/csp/enterprises/CSP0000003", json_response(200, [V2_ENTERPRISE]))
    assert teams.get_enterprise("E0000090").enterprise_id == "E0000090"
    assert [e.enterprise_id for e in teams.list_enterprises("CSP0000003")] == ["E0000090"]


def test_teams_delete_enterprise_accepts_the_documented_text(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on(
        "DELETE",
        "/api/v2/enterprise/deleteenterprise/E0000090",
        httpx.Response(
            200, text="Deleted enterprise E0000090", headers={"Content-Type": "text/plain"}
        ),
    )
    teams.delete_enterprise("E0000090")


def test_teams_create_mapping_path_body_and_200(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("POST", "/api/v2/mapping/add/E0000027", json_response(200, V2_MAPPING))
    mapping = teams.create_mapping(
        "E0000027",
        MappingSpec(
            phone_number="+12223334444",
            messaging_app_type="Teams",
            messaging_app_id="teams-channel-id-12345",
            name="FrontDesk",
        ),
        existing_ids=(),
    )
    assert body_of(only_api_request(api)) == {
        "phoneNumber": "+12223334444",
        "messagingAppType": "Teams",
        "messagingAppId": "teams-channel-id-12345",
        "name": "FrontDesk",
    }
    assert (mapping.mapping_id, mapping.name) == ("NTMAP0000123", "FrontDesk")


def test_teams_list_mappings_uses_its_own_path(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on(
        "GET",
        "/api/v2/numbertomessageappmapping/enterprise/E0000090",
        json_response(200, [V2_MAPPING]),
    )
    assert teams.list_mappings("E0000090")[0].name == "FrontDesk"


def test_teams_list_csp_mappings(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("GET", "/api/v2/mapping/csp/CSP0000003", json_response(200, [V2_MAPPING]))
    assert len(teams.list_csp_mappings("CSP0000003")) == 1
    assert only_api_request(api).url.query == b""


def test_teams_list_csp_mappings_refuses_undocumented_paging(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    with pytest.raises(InvalidInputError) as info:
        teams.list_csp_mappings("CSP1", page=1, status="x")
    assert info.value.fields == ("page", "status")
    assert api.requests == []


def test_teams_update_mapping_sends_only_the_set_fields(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on(
        "PUT",
        "/api/v2/mapping/NTMAP0000123",
        json_response(200, {**V2_MAPPING, "messagingAppId": "new-channel"}),
    )
    mapping = teams.update_mapping("NTMAP0000123", MappingPatch(messaging_app_id="new-channel"))
    request = only_api_request(api)
    assert body_of(request) == {"messagingAppId": "new-channel"}
    assert "Idempotency-Key" not in request.headers
    assert mapping.messaging_app_id == "new-channel"


def test_teams_update_mapping_without_a_body_returns_the_patched_fields(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("PUT", "/api/v2/mapping/NTMAP1", httpx.Response(200, text=""))
    mapping = teams.update_mapping("NTMAP1", MappingPatch(name="Reception"))
    assert (mapping.mapping_id, mapping.name) == ("NTMAP1", "Reception")


def test_teams_update_mapping_with_an_empty_patch_is_refused(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    with pytest.raises(InvalidInputError):
        teams.update_mapping("NTMAP1", MappingPatch())
    assert api.requests == []


def test_teams_delete_mapping_accepts_the_documented_text(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on("DELETE", "/api/v2/mapping/NTMAP1", httpx.Response(200, text="Deleted mapping NTMAP1"))
    teams.delete_mapping("NTMAP1")


def test_teams_find_mapping_by_app_id(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("POST", "/api/v2/mapping/messagingAppId", json_response(200, V2_MAPPING))
    found = teams.find_mapping_by_app_id("teams-channel-id-12345")
    request = only_api_request(api)
    assert body_of(request) == {"messagingAppId": "teams-channel-id-12345"}
    assert "Idempotency-Key" not in request.headers
    assert found is not None and found.mapping_id == "NTMAP0000123"


@pytest.mark.parametrize(
    "reply",
    [
        json_response(404, {"error": "Mapping not found"}),
        httpx.Response(200),
        json_response(200, None),
    ],
    ids=["404", "empty", "null"],
)
def test_teams_find_mapping_by_app_id_none_when_absent(
    api: FakeAPI, teams: ContextSmsClient, reply: httpx.Response
) -> None:
    api.on("POST", "/api/v2/mapping/messagingAppId", reply)
    assert teams.find_mapping_by_app_id("nope") is None


def test_teams_create_csp(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on(
        "POST",
        "/api/v2/csp",
        json_response(
            201, {"cspId": "CSP0000004", "name": "Example CSP", "email": "admin@csp.com"}
        ),
    )
    csp = teams.create_csp(CspSpec(email="admin@csp.com", name="Example CSP", state_code="TX"))
    request = only_api_request(api)
    assert body_of(request) == {"email": "admin@csp.com", "name": "Example CSP", "stateCode": "TX"}
    assert request.headers["Idempotency-Key"]
    assert csp.csp_id == "CSP0000004"


def test_teams_get_csp_config_sends_the_phone_number_as_query(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    api.on(
        "GET",
        "/api/v2/csp/getcspconfig",
        json_response(
            200, {"productName": "ContextSMS", "favicon": "f", "logo": "l", "color": "#000000"}
        ),
    )
    config = teams.get_csp_config("+15551234567")
    assert only_api_request(api).url.params["phoneNumber"] == "+15551234567"
    assert config.product_name == "ContextSMS"


def test_teams_get_csp_config_validates_the_number_first(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    with pytest.raises(InvalidInputError):
        teams.get_csp_config("555-1234")
    assert api.requests == []


def test_teams_check_payment(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on(
        "POST",
        "/api/v2/stripe/check-payment",
        json_response(
            200, {"email": "customer@example.com", "paid": True, "subscriptionStatus": "active"}
        ),
    )
    status = teams.check_payment("customer@example.com")
    assert body_of(only_api_request(api)) == {"email": "customer@example.com"}
    assert status.paid is True and status.subscription_status == "active"


def test_teams_auth_is_on_the_api_base(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("GET", "/api/v2/csp/enterprises/CSP1", json_response(200, []))
    teams.list_enterprises("CSP1")
    assert api.paths()[0] == "POST /api/v2/auth/login"


# -- shared ----------------------------------------------------------------------------


@pytest.mark.parametrize("platform", [Platform.WEBEX, Platform.TEAMS])
@pytest.mark.parametrize("bad_id", ["", "  ", "../E1", "E1/x", "E1?x=1", None])
def test_bad_ids_are_refused_before_any_http(
    api: FakeAPI, make_client: Callable[..., ContextSmsClient], platform: Platform, bad_id: Any
) -> None:
    client = make_client(platform)
    with pytest.raises(InvalidInputError) as info:
        client.get_enterprise(bad_id)
    assert info.value.fields == ("enterprise_id",)
    with pytest.raises(InvalidInputError):
        client.delete_mapping(bad_id)
    with pytest.raises(InvalidInputError):
        client.create_enterprise(bad_id, SPEC)
    assert api.requests == []


def test_a_2xx_body_that_is_not_the_record_raises_response_validation_error(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on(
        "GET", "/api/v1/enterprise/getenterprise/E1", httpx.Response(200, text="<html>ok</html>")
    )
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        webex.get_enterprise("E1")
    api.on("GET", "/api/v1/enterprise/getenterprise/E2", json_response(200, {"name": "no id"}))
    with pytest.raises(APIResponseValidationError, match="enterpriseId"):
        webex.get_enterprise("E2")
    api.on("GET", "/api/v1/mappings/enterprise/E3", json_response(200, {"unexpected": 1}))
    with pytest.raises(APIResponseValidationError):
        webex.list_mappings("E3")


def test_find_mapping_by_number(api: FakeAPI, webex: ContextSmsClient) -> None:
    other = {**V1_MAPPING, "numberToMessageAppMapId": "NTMAP2", "phoneNumber": "+15559871234"}
    api.on("GET", "/api/v1/mappings/enterprise/E0000123", json_response(200, [other, V1_MAPPING]))
    found = webex.find_mapping_by_number("E0000123", "+15551234567")
    assert found is not None and found.mapping_id == "NTMAP0000456"
    assert webex.find_mapping_by_number("E0000123", "+15550000000") is None
    with pytest.raises(InvalidInputError):
        webex.find_mapping_by_number("E0000123", "555")


def test_given_idempotency_key_is_sent(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/enterprise/CSP001", json_response(201, V1_ENTERPRISE))
    webex.create_enterprise("CSP001", SPEC, idempotency_key="pulumi-urn-123")
    assert only_api_request(api).headers["Idempotency-Key"] == "pulumi-urn-123"


@pytest.mark.parametrize("key", ["", "x" * 256, "línea", "a\nb"])
def test_bad_idempotency_keys_are_refused(api: FakeAPI, webex: ContextSmsClient, key: str) -> None:
    with pytest.raises(InvalidInputError):
        webex.create_enterprise("CSP001", SPEC, idempotency_key=key)
    assert api.requests == []


def test_each_create_call_gets_its_own_key(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("POST", "/api/v1/enterprise/CSP001", json_response(201, V1_ENTERPRISE))
    webex.create_enterprise("CSP001", SPEC)
    webex.create_enterprise("CSP001", SPEC)
    keys = {r.headers["Idempotency-Key"] for r in api.api_requests()}
    assert len(keys) == 2


def test_reads_and_deletes_carry_no_idempotency_key(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", "/api/v1/mappings/enterprise/E1", json_response(200, []))
    api.on("DELETE", "/api/v1/mapping/N1", httpx.Response(204))
    webex.list_mappings("E1")
    webex.delete_mapping("N1")
    assert all("Idempotency-Key" not in r.headers for r in api.api_requests())


def test_ids_are_percent_encoded_safely(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on(
        "GET", "/api/v1/enterprise/getenterprise/E1:x@y", json_response(200, {"enterpriseId": "E1"})
    )
    webex.get_enterprise("E1:x@y")
    assert only_api_request(api).url.raw_path == b"/api/v1/enterprise/getenterprise/E1%3Ax%40y"
