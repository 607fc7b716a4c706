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
from contextsms_emulator.fixtures import RecordsFileError

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


def test_loaded_records_are_served_by_both_apis_with_tenancy(
    make_client: MakeClient, tmp_path: Path
) -> None:
    _, source = make_client()
    records = populate(source)
    _, loaded = make_client(records_path=dump(tmp_path, records))
    admin = Session(loaded, DEMO_USER, DEMO_PASSWORD)
    live = next(e for e in records["enterprises"] if not e["deleted"])
    mappings = admin.get(f"/api/v2/numbertomessageappmapping/enterprise/{live['enterprise_id']}")
    assert mappings.status_code == 200, mappings.text
    assert [m["numberToMessageAppMapId"] for m in mappings.json()] == [
        records["mappings"][0]["mapping_id"]
    ]
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
    ],
    ids=["unknown-enterprise", "malformed-id", "wrong-type", "unknown-key", "number-twice"],
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
        [sys.executable, "-m", "contextsms_emulator", "--port", "0", "--load-records", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"records file {path} is not a records dump" in result.stderr
    assert "Traceback" not in result.stderr
