"""Two services in one server: the Webex and Teams APIs share no records and no tokens.

Only the id sequences are shared (one per kind across the emulator), so an id names one
record of one service; through the other API it answers exactly like an unknown id.
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx
from emulator_testing import Session, assert_error

from contextsms_emulator import DEMO_CSP_ID
from contextsms_emulator.app import EmulatorApp

WEBEX_ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "defaultMmsSelection": True,
}
TEAMS_ENTERPRISE = {
    "name": "Sunshine Dental Clinic",
    "contact": "Dr. Maria Rodriguez",
    "number": "+15559876543",
    "email": "maria@sunshinedental.com",
}
WEBEX_NUMBER = "+15551234567"
TEAMS_NUMBER = "+15559876543"
UNKNOWN_ENTERPRISE = "E0999999"
UNKNOWN_MAPPING = "NTMAP0999999"


def webex_mapping(phone: str = WEBEX_NUMBER, app_id: str = "webex-bot-12345") -> dict[str, Any]:
    return {"messagingAppId": app_id, "phoneNumber": phone, "messagingAppType": "Webex"}


def teams_mapping(phone: str = TEAMS_NUMBER, app_id: str = "teams-channel-1") -> dict[str, Any]:
    return {"phoneNumber": phone, "messagingAppType": "Teams", "messagingAppId": app_id}


def both(admin: Session) -> dict[str, str]:
    """A Webex enterprise with a mapping, and a Teams one with a mapping."""
    webex = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()
    teams = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()
    webex_map = admin.post(
        f"/api/v1/mapping/add/{webex['enterpriseId']}", json=webex_mapping()
    ).json()
    teams_map = admin.post(
        f"/api/v2/mapping/add/{teams['enterpriseId']}", json=teams_mapping()
    ).json()
    return {
        "webex_enterprise": webex["enterpriseId"],
        "teams_enterprise": teams["enterpriseId"],
        "webex_mapping": webex_map["numberToMessageAppMapId"],
        "teams_mapping": teams_map["numberToMessageAppMapId"],
    }


def same_as_unknown(admin: Session, method: str, path: str, real: str, unknown: str) -> None:
    """The answer for ``real`` (another service's id) is the answer for an unknown id."""
    kwargs: dict[str, Any] = {}
    if method == "POST":
        kwargs["json"] = (
            webex_mapping("+15550001111") if "/v1/" in path else teams_mapping("+15550001111")
        )
    if method == "PUT":
        kwargs["json"] = {"name": "Renamed"}
    answers = []
    for record_id in (real, unknown):
        response = admin.request(method, path.format(id=record_id), **kwargs)
        body = assert_error(response, 404, "NOT_FOUND")
        answers.append(body["error"].replace(record_id, "<id>"))
    assert answers[0] == answers[1]


# --- records ----------------------------------------------------------------------------------


def test_one_id_sequence_per_kind_spans_both_services(admin: Session) -> None:
    made = both(admin)
    assert (made["webex_enterprise"], made["teams_enterprise"]) == ("E0000001", "E0000002")
    assert (made["webex_mapping"], made["teams_mapping"]) == ("NTMAP0000001", "NTMAP0000002")


def test_an_enterprise_of_one_service_is_an_unknown_id_on_the_other(admin: Session) -> None:
    made = both(admin)
    for path, real in (
        ("/api/v2/enterprise/getenterprise/{id}", made["webex_enterprise"]),
        ("/api/v2/numbertomessageappmapping/enterprise/{id}", made["webex_enterprise"]),
        ("/api/v1/enterprise/getenterprise/{id}", made["teams_enterprise"]),
        ("/api/v1/mappings/enterprise/{id}", made["teams_enterprise"]),
    ):
        same_as_unknown(admin, "GET", path, real, UNKNOWN_ENTERPRISE)
    same_as_unknown(
        admin, "POST", "/api/v2/mapping/add/{id}", made["webex_enterprise"], UNKNOWN_ENTERPRISE
    )
    same_as_unknown(
        admin, "POST", "/api/v1/mapping/add/{id}", made["teams_enterprise"], UNKNOWN_ENTERPRISE
    )
    same_as_unknown(
        admin,
        "DELETE",
        "/api/v2/enterprise/deleteenterprise/{id}",
        made["webex_enterprise"],
        UNKNOWN_ENTERPRISE,
    )
    same_as_unknown(
        admin,
        "DELETE",
        "/api/v1/enterprise/deleteenterprise/{id}",
        made["teams_enterprise"],
        UNKNOWN_ENTERPRISE,
    )
    webex = admin.get(f"/api/v1/enterprise/getenterprise/{made['webex_enterprise']}").json()
    teams = admin.get(f"/api/v2/enterprise/getenterprise/{made['teams_enterprise']}").json()
    assert webex["deleted"] is False and teams["deleted"] is False  # the deletes did nothing


def test_a_mapping_of_one_service_is_an_unknown_id_on_the_other(admin: Session) -> None:
    made = both(admin)
    for method, path, real in (
        ("PUT", "/api/v2/mapping/{id}", made["webex_mapping"]),
        ("DELETE", "/api/v2/mapping/{id}", made["webex_mapping"]),
        ("DELETE", "/api/v1/mapping/{id}", made["teams_mapping"]),
    ):
        same_as_unknown(admin, method, path, real, UNKNOWN_MAPPING)
    mappings = admin.client.get("/_emulator/records").json()["mappings"]
    assert [m["mapping_id"] for m in mappings] == [made["webex_mapping"], made["teams_mapping"]]
    assert mappings[0]["messaging_app_id"] == "webex-bot-12345"  # the PUT changed nothing


def test_lists_and_lookups_show_only_their_own_services_records(admin: Session) -> None:
    made = both(admin)
    enterprises = admin.get(f"/api/v2/csp/enterprises/{DEMO_CSP_ID}").json()
    assert [e["enterpriseId"] for e in enterprises] == [made["teams_enterprise"]]
    webex = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").json()
    assert [m["numberToMessageAppMapId"] for m in webex] == [made["webex_mapping"]]
    teams = admin.get(f"/api/v2/mapping/csp/{DEMO_CSP_ID}").json()
    assert [m["numberToMessageAppMapId"] for m in teams] == [made["teams_mapping"]]
    lookup = admin.post(
        "/api/v2/mapping/messagingAppId", json={"messagingAppId": "webex-bot-12345"}
    )
    assert_error(lookup, 404, "NOT_FOUND")
    config = admin.get("/api/v2/csp/getcspconfig", params={"phoneNumber": WEBEX_NUMBER})
    assert_error(config, 404, "NOT_FOUND")  # a Webex number and enterprise only


def test_a_number_maps_once_per_service_not_once_per_emulator(admin: Session) -> None:
    made = both(admin)
    on_teams = admin.post(
        f"/api/v2/mapping/add/{made['teams_enterprise']}", json=teams_mapping(WEBEX_NUMBER, "c2")
    )
    assert on_teams.status_code == 200, on_teams.text
    again = admin.post(
        f"/api/v2/mapping/add/{made['teams_enterprise']}", json=teams_mapping(WEBEX_NUMBER, "c3")
    )
    body = assert_error(again, 409, "DUPLICATE_MAPPING", "phoneNumber")
    assert body["details"]["existingMappingId"] == on_teams.json()["numberToMessageAppMapId"]
    moved = admin.put(
        f"/api/v2/mapping/{made['teams_mapping']}", json={"phoneNumber": WEBEX_NUMBER}
    )
    assert_error(moved, 409, "DUPLICATE_MAPPING", "phoneNumber")
    phones = [m["phone_number"] for m in admin.client.get("/_emulator/records").json()["mappings"]]
    assert sorted(phones) == sorted([WEBEX_NUMBER, TEAMS_NUMBER, WEBEX_NUMBER])


def test_a_webex_caller_has_only_its_accounts_csp(admin: Session) -> None:
    created = admin.post("/api/v2/csp", json={"email": "ops@reseller.test", "name": "Reseller"})
    assert created.status_code == 201, created.text
    sub_csp = created.json()["cspId"]
    teams = admin.post(f"/api/v2/enterprise/{sub_csp}", json=TEAMS_ENTERPRISE)
    assert teams.status_code == 201, teams.text
    assert_error(
        admin.post(f"/api/v1/enterprise/{sub_csp}", json=WEBEX_ENTERPRISE), 403, "PERMISSION_DENIED"
    )
    assert_error(admin.get(f"/api/v1/mappings/csp/{sub_csp}"), 403, "PERMISSION_DENIED")
    records = admin.client.get("/_emulator/records").json()
    assert [c["service"] for c in records["csps"]] == ["teams"]


def test_records_show_each_records_service(admin: Session) -> None:
    made = both(admin)
    records = admin.client.get("/_emulator/records").json()
    assert [(e["enterprise_id"], e["service"]) for e in records["enterprises"]] == [
        (made["webex_enterprise"], "webex"),
        (made["teams_enterprise"], "teams"),
    ]
    assert [(m["mapping_id"], m["service"]) for m in records["mappings"]] == [
        (made["webex_mapping"], "webex"),
        (made["teams_mapping"], "teams"),
    ]


def test_concurrent_creates_of_one_number_yield_exactly_one_mapping_per_service(
    app: EmulatorApp, admin: Session
) -> None:
    webex_ids = [
        admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()[
            "enterpriseId"
        ]
        for _ in range(3)
    ]
    teams_ids = [
        admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()[
            "enterpriseId"
        ]
        for _ in range(3)
    ]
    statuses: dict[str, list[int]] = {"webex": [], "teams": []}

    async def race() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://emulator.test"
        ) as aclient:

            async def create(n: int) -> None:
                if n % 2:
                    path = f"/api/v1/mapping/add/{webex_ids[n % 3]}"
                    body, headers, service = (
                        webex_mapping("+15550001234", f"b{n}"),
                        admin.headers,
                        "webex",
                    )
                else:
                    path = f"/api/v2/mapping/add/{teams_ids[n % 3]}"
                    body, headers, service = (
                        teams_mapping("+15550001234", f"c{n}"),
                        admin.teams_headers,
                        "teams",
                    )
                response = await aclient.post(path, json=body, headers=headers)
                statuses[service].append(response.status_code)

            async with anyio.create_task_group() as group:
                for n in range(40):
                    group.start_soon(create, n)

    anyio.run(race)
    assert sorted(statuses["webex"]) == [201] + [409] * 19
    assert sorted(statuses["teams"]) == [200] + [409] * 19
    mappings = app.emulator.store.dump()["mappings"]
    assert sorted((m["service"], m["phone_number"]) for m in mappings) == [
        ("teams", "+15550001234"),
        ("webex", "+15550001234"),
    ]
