"""``--load-records``: a dump of ``GET /_emulator/records`` recreates the same platform."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_testing import Session

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.records_file import RecordsFileError

MakeClient = Callable[..., tuple[EmulatorApp, httpx.Client]]

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phoneNumber": "+15551234567",
    "email": "sarah@abcmarketing.com",
}


def populate(client: httpx.Client) -> dict[str, Any]:
    """A Teams CSP, a Webex enterprise with a mapping, and a soft-deleted enterprise."""
    admin = Session(client, DEMO_USER, DEMO_PASSWORD)
    csp = admin.post("/api/v2/csp", json={"email": "ops@csp.test", "name": "Sub CSP"})
    assert csp.status_code == 201, csp.text
    enterprise = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE).json()
    mapping = admin.post(
        f"/api/v1/mapping/add/{enterprise['enterpriseId']}",
        json={
            "phoneNumber": "+15559870001",
            "messagingAppType": "Webex",
            "messagingAppId": "bot-1",
            "mmsEnabled": True,
        },
    )
    assert mapping.status_code == 201, mapping.text
    gone = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE).json()
    deleted = admin.delete(f"/api/v1/enterprise/deleteenterprise/{gone['enterpriseId']}")
    assert deleted.status_code == 204, deleted.text
    records: dict[str, Any] = client.get("/_emulator/records").json()
    return records


def dump(tmp_path: Path, records: dict[str, Any]) -> str:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    return str(path)


def test_loaded_records_equal_the_dump_ids_and_dates_included(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, source = make_client()
    records = populate(source)
    _, loaded = make_client(records_path=dump(tmp_path, records))
    assert loaded.get("/_emulator/records").json() == records


def test_loaded_records_are_served_by_their_own_services_api_with_tenancy(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, source = make_client()
    records = populate(source)
    _, loaded = make_client(records_path=dump(tmp_path, records))
    admin = Session(loaded, DEMO_USER, DEMO_PASSWORD)
    live = next(e for e in records["enterprises"] if not e["deleted"])
    mappings = admin.get(f"/api/v1/mappings/enterprise/{live['enterprise_id']}")
    assert mappings.status_code == 200, mappings.text
    assert [m["numberToMessageAppMapId"] for m in mappings.json()] == [
        records["mappings"][0]["mapping_id"]
    ]
    elsewhere = admin.get(f"/api/v2/numbertomessageappmapping/enterprise/{live['enterprise_id']}")
    assert elsewhere.status_code == 404  # a Webex record stays Webex
    # the loaded sub-CSP is the demo tenant's: its enterprise list is readable
    sub_csp = records["csps"][0]["csp_id"]
    assert admin.get(f"/api/v2/csp/enterprises/{sub_csp}").status_code == 200


def test_creates_after_loading_continue_the_id_sequences(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, source = make_client()
    records = populate(source)
    _, loaded = make_client(records_path=dump(tmp_path, records))
    admin = Session(loaded, DEMO_USER, DEMO_PASSWORD)
    created = admin.post(f"/api/v1/enterprise/{DEMO_CSP_ID}", json=ENTERPRISE)
    highest = max(e["enterprise_id"] for e in records["enterprises"])
    assert created.json()["enterpriseId"] == f"E{int(highest[1:]) + 1:07d}"


def test_loading_twice_into_one_database_keeps_the_stored_records(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, source = make_client()
    records = populate(source)
    path = dump(tmp_path, records)
    db = str(tmp_path / "emulator.db")
    app, _ = make_client(db_path=db, records_path=path)
    app.emulator.close()
    _, again = make_client(db_path=db, records_path=path)
    assert again.get("/_emulator/records").json() == records


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["mappings"][0].update(enterprise_id="E0999999"), "which is not loaded"),
        (lambda r: r["enterprises"][0].update(enterprise_id="ENT-1"), "is not an id like"),
        (lambda r: r["enterprises"][0].update(deleted="no"), "not a records dump"),
        (lambda r: r.update(accounts=[]), "not a records dump"),
        (
            lambda r: r["mappings"].append({**r["mappings"][0], "mapping_id": "NTMAP0000099"}),
            "do not fit the database",
        ),
        (lambda r: r["mappings"][0].update(service="sms"), "not a records dump"),
        (lambda r: r["csps"][0].update(service="webex"), "only Teams has CSPs"),
        (
            lambda r: r["mappings"][0].update(service="teams", messaging_app_type="Teams"),
            "both must be of one service",
        ),
        (
            lambda r: r["mappings"][0].update(messaging_app_type="Teams"),
            "its messaging_app_type must be 'Webex'",
        ),
    ],
    ids=[
        "unknown-enterprise",
        "malformed-id",
        "wrong-type",
        "unknown-key",
        "number-twice",
        "unknown-service",
        "webex-csp",
        "mapping-of-another-services-enterprise",
        "app-type-of-another-service",
    ],
)
def test_a_records_file_that_does_not_fit_is_refused_whole(
    make_client: MakeClient,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    _, source = make_client()
    records = populate(source)
    change(records)
    with pytest.raises(RecordsFileError, match=message):
        make_client(records_path=dump(tmp_path, records))


def test_the_command_exits_2_with_the_reason_for_a_bad_records_file(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text("{not json")
    result = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--port", "0", "--db", ":memory:"]
        + ["--load-records", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"records file {path} is not a records dump" in result.stderr
    assert "Traceback" not in result.stderr


# --- dumps from before the two services were separated (no "service") ---------------------

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def without_services(records: dict[str, Any]) -> dict[str, Any]:
    return {
        kind: [{k: v for k, v in r.items() if k != "service"} for r in rows]
        for kind, rows in records.items()
    }


@pytest.mark.parametrize(
    "golden",
    sorted(GOLDEN.glob("*/*/records.json")),
    ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}",
)
def test_a_golden_dump_loads_verbatim_with_each_records_service_inferred(
    make_client: MakeClient, golden: Path
) -> None:
    records = json.loads(golden.read_text())
    _, loaded = make_client(records_path=str(golden))
    served = loaded.get("/_emulator/records").json()
    assert without_services(served) == records
    platform = golden.parent.name  # tests/golden/VERSION/{webex,teams}/records.json
    assert {r["service"] for rows in served.values() for r in rows} == {platform}
    # what the golden stack refreshes, its own API serves; the other API does not
    admin = Session(loaded, DEMO_USER, DEMO_PASSWORD)
    own, other = ("/api/v1", "/api/v2") if platform == "webex" else ("/api/v2", "/api/v1")
    for enterprise in records["enterprises"]:
        path = f"/enterprise/getenterprise/{enterprise['enterprise_id']}"
        assert admin.get(own + path).status_code == 200
        assert admin.get(other + path).status_code == 404


def old_dump() -> dict[str, Any]:
    """A pre-separation dump: a Teams CSP, and enterprises placed by each rule."""

    def enterprise(number: int, csp: str, mms: bool = False) -> dict[str, Any]:
        return {
            "enterprise_id": f"E{number:07d}",
            "csp_id": csp,
            "name": "N",
            "contact": "C",
            "phone_number": "+15551234567",
            "email": "a@b.test",
            "default_mms_selection": mms,
            "deleted": False,
            "created_date": 1,
            "update_date": 1,
        }

    def mapping(number: int, enterprise_id: str, app_type: str) -> dict[str, Any]:
        return {
            "mapping_id": f"NTMAP{number:07d}",
            "enterprise_id": enterprise_id,
            "csp_id": DEMO_CSP_ID,
            "phone_number": f"+1555000{number:04d}",
            "messaging_app_type": app_type,
            "messaging_app_id": "app",
            "mms_enabled": False,
            "name": None,
            "created_date": 1,
            "update_date": 1,
        }

    csp = {
        "csp_id": "CSP0000007",
        "parent_csp_id": DEMO_CSP_ID,
        "email": "c@d.test",
        "name": "C",
        **dict.fromkeys(
            [
                "carrier",
                "house_number",
                "street_name",
                "city",
                "state_code",
                "zip",
                "country",
                "location_id",
                "sub_account_id",
                "authorizing_person_name",
            ]
        ),
        "product_name": "ContextSMS",
        "favicon": "",
        "logo": "",
        "color": "#000000",
        "created_date": 1,
        "update_date": 1,
    }
    return {
        "csps": [csp],
        "enterprises": [
            enterprise(1, DEMO_CSP_ID),  # its mapping is Webex
            enterprise(2, DEMO_CSP_ID),  # its mapping is Teams
            enterprise(3, DEMO_CSP_ID, mms=True),  # no mapping, but a Webex-only setting
            enterprise(4, "CSP0000007"),  # no mapping, under a Teams CSP
        ],
        "mappings": [mapping(1, "E0000001", "Webex"), mapping(2, "E0000002", "Teams")],
    }


def test_an_old_dump_is_placed_by_mappings_mms_setting_and_teams_csp(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, loaded = make_client(records_path=dump(tmp_path, old_dump()))
    served = loaded.get("/_emulator/records").json()
    assert [c["service"] for c in served["csps"]] == ["teams"]
    assert [e["service"] for e in served["enterprises"]] == ["webex", "teams", "webex", "teams"]
    assert [m["service"] for m in served["mappings"]] == ["webex", "teams"]


def test_an_old_dump_with_an_enterprise_no_rule_places_is_refused_naming_it(
    make_client: MakeClient, tmp_path: Path
) -> None:
    records = old_dump()
    records["enterprises"][3]["csp_id"] = DEMO_CSP_ID  # an account's CSP is both services'
    with pytest.raises(RecordsFileError) as refused:
        make_client(records_path=dump(tmp_path, records))
    message = str(refused.value)
    assert "\n" not in message
    assert "enterprise E0000004: cannot tell its service" in message
    assert 'add "service"' in message
    records["enterprises"][3]["service"] = "teams"  # the fix the message asks for
    _, loaded = make_client(records_path=dump(tmp_path, records))
    assert loaded.get("/_emulator/records").json()["enterprises"][3]["service"] == "teams"


def test_an_old_dump_whose_enterprise_has_mappings_on_both_services_is_refused(
    make_client: MakeClient, tmp_path: Path
) -> None:
    records = old_dump()
    records["mappings"][1]["enterprise_id"] = "E0000001"
    with pytest.raises(RecordsFileError, match="E0000001: .*mappings belong to both services"):
        make_client(records_path=dump(tmp_path, records))


def test_the_records_can_be_read_one_service_at_a_time(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, loaded = make_client(records_path=dump(tmp_path, old_dump()))
    teams = loaded.get("/_emulator/records", params={"service": "teams"}).json()
    webex = loaded.get("/_emulator/records", params={"service": "webex"}).json()
    assert [e["enterprise_id"] for e in teams["enterprises"]] == ["E0000002", "E0000004"]
    assert [e["enterprise_id"] for e in webex["enterprises"]] == ["E0000001", "E0000003"]
    assert (len(teams["csps"]), len(webex["csps"])) == (1, 0)
    refused = loaded.get("/_emulator/records", params={"service": "sms"})
    assert refused.status_code == 400 and refused.json()["details"]["field"] == "service"
