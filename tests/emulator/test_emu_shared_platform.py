"""Both APIs are one platform: shared records and sequences, each rendered in its dialect."""

from __future__ import annotations

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


def test_id_sequences_are_shared_by_both_apis(admin: Session) -> None:
    webex = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()
    teams = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()
    assert (webex["enterpriseId"], teams["enterpriseId"]) == ("E0000001", "E0000002")
    m1 = admin.post(
        f"/api/v1/mapping/add/{webex['enterpriseId']}",
        json={"messagingAppId": "bot", "phoneNumber": "+15551234567", "messagingAppType": "Webex"},
    ).json()
    m2 = admin.post(
        f"/api/v2/mapping/add/{teams['enterpriseId']}",
        json={"phoneNumber": "+15559876543", "messagingAppType": "Teams", "messagingAppId": "ch"},
    ).json()
    assert (m1["numberToMessageAppMapId"], m2["numberToMessageAppMapId"]) == (
        "NTMAP0000001",
        "NTMAP0000002",
    )


def test_each_api_renders_the_same_enterprise_in_its_own_dialect(admin: Session) -> None:
    created = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()
    teams = admin.get(f"/api/v2/enterprise/getenterprise/{created['enterpriseId']}").json()
    assert teams == {
        "enterpriseId": created["enterpriseId"],
        "name": created["name"],
        "contact": created["contact"],
        "number": created["phoneNumber"],
        "email": created["email"],
        "deleted": False,
        "createdDate": created["createdDate"],
        "updateDate": created["updateDate"],
    }
    made_in_teams = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()
    webex = admin.get(f"/api/v1/enterprise/getenterprise/{made_in_teams['enterpriseId']}").json()
    assert webex["phoneNumber"] == TEAMS_ENTERPRISE["number"]
    assert webex["defaultMmsSelection"] is False


def test_each_api_renders_the_same_mapping_in_its_own_dialect(admin: Session) -> None:
    enterprise_id = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()[
        "enterpriseId"
    ]
    teams = admin.post(
        f"/api/v2/mapping/add/{enterprise_id}",
        json={
            "phoneNumber": "+15559876543",
            "messagingAppType": "Teams",
            "messagingAppId": "teams-channel-id-12345",
            "name": "FrontDesk",
        },
    ).json()
    webex = admin.get(f"/api/v1/mappings/enterprise/{enterprise_id}").json()
    assert webex == [
        {
            "numberToMessageAppMapId": teams["numberToMessageAppMapId"],
            "messagingAppId": "teams-channel-id-12345",
            "phoneNumber": "+15559876543",
            "messagingAppType": "Teams",
            "mmsEnabled": False,
        }
    ]


def test_a_number_mapped_on_one_api_is_a_duplicate_on_the_other(admin: Session) -> None:
    webex_ent = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()
    teams_ent = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()
    first = admin.post(
        f"/api/v1/mapping/add/{webex_ent['enterpriseId']}",
        json={"messagingAppId": "bot", "phoneNumber": "+15551234567", "messagingAppType": "Webex"},
    ).json()
    clash = admin.post(
        f"/api/v2/mapping/add/{teams_ent['enterpriseId']}",
        json={"phoneNumber": "+15551234567", "messagingAppType": "Teams", "messagingAppId": "c"},
    )
    body = assert_error(clash, 409, "DUPLICATE_MAPPING", "phoneNumber")
    assert body["details"] == {
        "field": "phoneNumber",
        "existingMappingId": first["numberToMessageAppMapId"],
        "enterpriseId": webex_ent["enterpriseId"],
    }


def test_a_soft_delete_through_one_api_shows_in_the_other(admin: Session) -> None:
    created = admin.post(f"/api/v2/enterprise/{DEMO_CSP_ID}", json=TEAMS_ENTERPRISE).json()
    enterprise_id = created["enterpriseId"]
    assert admin.delete(f"/api/v1/enterprise/deleteenterprise/{enterprise_id}").status_code == 204
    assert admin.get(f"/api/v2/enterprise/getenterprise/{enterprise_id}").json()["deleted"] is True
    again = admin.delete(f"/api/v2/enterprise/deleteenterprise/{enterprise_id}")
    assert_error(again, 404, "NOT_FOUND")


def test_concurrent_creates_of_one_number_yield_exactly_one_mapping(
    app: EmulatorApp, admin: Session
) -> None:
    enterprise_ids = [
        admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=WEBEX_ENTERPRISE).json()[
            "enterpriseId"
        ]
        for _ in range(5)
    ]
    statuses: list[int] = []

    async def race() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://emulator.test", headers=admin.headers
        ) as aclient:

            async def create(n: int) -> None:
                response = await aclient.post(
                    f"/api/v1/mapping/add/{enterprise_ids[n % 5]}",
                    json={
                        "messagingAppId": f"bot-{n}",
                        "phoneNumber": "+15550001234",
                        "messagingAppType": "Webex",
                    },
                )
                statuses.append(response.status_code)

            async with anyio.create_task_group() as group:
                for n in range(40):
                    group.start_soon(create, n)

    anyio.run(race)
    assert sorted(statuses) == [201] + [409] * 39
    mappings = app.emulator.store.dump()["mappings"]
    assert [m["phone_number"] for m in mappings] == ["+15550001234"]
