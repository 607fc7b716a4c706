"""Seeding a portal-made account: ``POST /_emulator/seed``, ``--seed FILE``, the shipped file."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_testing import OTHER_CSP_ID, Session, assert_error

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.seeding import SeedFileError
from contextsms_emulator.seeds import PORTAL_ACCOUNT

MakeClient = Callable[..., tuple[EmulatorApp, httpx.Client]]
REPO = Path(__file__).resolve().parents[2]


def webex_account(**changes: Any) -> dict[str, Any]:
    account: dict[str, Any] = {
        "service": "webex",
        "csp_id": DEMO_CSP_ID,
        "enterprises": [
            {
                "name": "ABC Marketing Company",
                "contact": "Sarah Johnson",
                "phone_number": "+15551234567",
                "email": "sarah@abcmarketing.com",
                "default_mms_selection": True,
                "numbers": [
                    {
                        "phone_number": "+15551234567",
                        "messaging_app_id": "webex-bot-12345",
                        "mms_enabled": True,
                    },
                    {"phone_number": "+15551234568", "messaging_app_id": "webex-bot-67890"},
                ],
            }
        ],
    }
    account.update(changes)
    return account


def teams_account(**changes: Any) -> dict[str, Any]:
    account: dict[str, Any] = {
        "service": "teams",
        "csp_id": DEMO_CSP_ID,
        "enterprises": [
            {
                "name": "Sunshine Dental Clinic",
                "contact": "Dr. Maria Rodriguez",
                "phone_number": "+15559876543",
                "email": "maria@sunshinedental.com",
                "numbers": [
                    {
                        "phone_number": "+15559876543",
                        "messaging_app_id": "teams-channel-id-12345",
                        "name": "FrontDesk",
                    }
                ],
            }
        ],
    }
    account.update(changes)
    return account


def records(client: httpx.Client) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = client.get("/_emulator/records").json()
    return result


# --- the endpoint -------------------------------------------------------------------------


def test_a_seed_answers_201_with_the_records_it_made_as_records_shows_them(
    client: httpx.Client,
) -> None:
    response = client.post("/_emulator/seed", json=[webex_account(), teams_account()])
    assert response.status_code == 201, response.text
    made = response.json()
    assert made == records(client)
    assert made["csps"] == []
    assert [(e["enterprise_id"], e["service"]) for e in made["enterprises"]] == [
        ("E0000001", "webex"),
        ("E0000002", "teams"),
    ]
    webex_first, webex_second, teams = made["mappings"]
    assert webex_first == {
        "mapping_id": "NTMAP0000001",
        "enterprise_id": "E0000001",
        "csp_id": DEMO_CSP_ID,
        "phone_number": "+15551234567",
        "messaging_app_type": "Webex",
        "messaging_app_id": "webex-bot-12345",
        "mms_enabled": True,
        "name": None,
        "created_date": webex_first["created_date"],
        "update_date": webex_first["created_date"],
        "service": "webex",
    }
    assert webex_second["mms_enabled"] is False  # the Webex API's default
    assert (teams["messaging_app_type"], teams["name"], teams["service"]) == (
        "Teams",
        "FrontDesk",
        "teams",
    )
    assert made["enterprises"][0]["default_mms_selection"] is True
    assert made["enterprises"][1]["default_mms_selection"] is False


def test_one_account_may_be_sent_without_a_list(client: httpx.Client) -> None:
    response = client.post("/_emulator/seed", json=teams_account())
    assert response.status_code == 201, response.text
    assert [e["service"] for e in response.json()["enterprises"]] == ["teams"]


def test_seeded_records_are_served_by_their_own_services_api_only(
    client: httpx.Client, admin: Session
) -> None:
    client.post("/_emulator/seed", json=[webex_account(), teams_account()])
    webex = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").json()
    assert [m["phoneNumber"] for m in webex] == ["+15551234567", "+15551234568"]
    assert [
        e["enterpriseId"] for e in admin.get(f"/api/v2/csp/enterprises/{DEMO_CSP_ID}").json()
    ] == ["E0000002"]
    assert admin.get("/api/v2/enterprise/getenterprise/E0000001").status_code == 404
    assert admin.get("/api/v1/enterprise/getenterprise/E0000001").status_code == 200


def test_dates_from_the_past_are_kept_and_ids_continue_the_sequences(
    client: httpx.Client, admin: Session
) -> None:
    admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "N", "contact": "C", "number": "+15550000001", "email": "n@c.test"},
    )
    account = teams_account()
    account["enterprises"][0]["created_date"] = 1_577_836_800_000  # 2020-01-01
    account["enterprises"][0]["numbers"][0]["created_date"] = 1_609_459_200_000  # 2021-01-01
    made = client.post("/_emulator/seed", json=account).json()
    (enterprise,) = made["enterprises"]
    (mapping,) = made["mappings"]
    assert enterprise["enterprise_id"] == "E0000002"
    assert (enterprise["created_date"], enterprise["update_date"]) == (1_577_836_800_000,) * 2
    assert (mapping["created_date"], mapping["update_date"]) == (1_609_459_200_000,) * 2
    shown = admin.get("/api/v2/enterprise/getenterprise/E0000002").json()
    assert shown["createdDate"] == 1_577_836_800_000


def _bad(account: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``account`` with the field at a dotted path (``enterprises.0.email``) set to ``value``."""
    changed = copy.deepcopy(account)
    *parents, last = path.split(".")
    node: Any = changed
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return changed


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            _bad(webex_account(), "enterprises.0.numbers.1.phone_number", "555-0100"),
            400,
            "INVALID_PHONE",
            "enterprises[0].numbers[1].phone_number",
        ),
        (
            [teams_account(), _bad(webex_account(), "enterprises.0.email", "not-an-email")],
            400,
            "INVALID_EMAIL",
            "[1].enterprises[0].email",
        ),
        (
            _bad(webex_account(), "enterprises.0.contact", "   "),
            400,
            "BAD_REQUEST",
            "enterprises[0].contact",
        ),
        (
            _bad(webex_account(), "enterprises.0.numbers.0.name", "FrontDesk"),
            400,
            "BAD_REQUEST",
            "enterprises[0].numbers[0].name",
        ),
        (
            _bad(teams_account(), "enterprises.0.numbers.0.mms_enabled", True),
            400,
            "BAD_REQUEST",
            "enterprises[0].numbers[0].mms_enabled",
        ),
        (
            _bad(teams_account(), "enterprises.0.default_mms_selection", False),
            400,
            "BAD_REQUEST",
            "enterprises[0].default_mms_selection",
        ),
        (
            _bad(webex_account(), "enterprises.0.numbers.1.phone_number", "+15551234567"),
            400,
            "BAD_REQUEST",
            "enterprises[0].numbers[1].phone_number",
        ),
        (
            [webex_account(), webex_account()],
            400,
            "BAD_REQUEST",
            "[1].enterprises[0].numbers[0].phone_number",
        ),
        (
            _bad(webex_account(), "enterprises.0.numbers.0.messaging_app_type", "Webex"),
            400,
            "BAD_REQUEST",
            "enterprises[0].numbers[0].messaging_app_type",
        ),
        (
            _bad(webex_account(), "enterprises.0.default_mms_selection", "true"),
            400,
            "BAD_REQUEST",
            "enterprises[0].default_mms_selection",
        ),
        (webex_account(service="sms"), 400, "BAD_REQUEST", "service"),
        (webex_account(csp_id="CSP0999999"), 400, "BAD_REQUEST", "csp_id"),
        (teams_account(csp_id="CSP0999999"), 400, "BAD_REQUEST", "csp_id"),
        (
            _bad(webex_account(), "enterprises.0.numbers.0.created_date", -1),
            400,
            "BAD_REQUEST",
            None,
        ),
    ],
    ids=[
        "not-e164",
        "bad-email-in-a-list",
        "blank-text",
        "teams-field-on-webex",
        "webex-field-on-teams-number",
        "webex-field-on-teams-enterprise",
        "a-number-twice",
        "a-number-twice-across-accounts",
        "unknown-field",
        "wrong-json-type",
        "unknown-service",
        "unknown-webex-csp",
        "unknown-teams-csp",
        "negative-date",
    ],
)
def test_a_body_with_any_problem_is_refused_whole_naming_the_field(
    client: httpx.Client, body: Any, status: int, code: str, field: str | None
) -> None:
    before = records(client)
    response = client.post("/_emulator/seed", json=body)
    error = assert_error(response, status, code)
    if field is not None:
        assert error["details"]["field"] == field
    else:
        assert error["details"]["field"].endswith("created_date")
    assert records(client) == before


def test_a_number_already_mapped_on_the_service_is_a_409_and_nothing_is_made(
    client: httpx.Client,
) -> None:
    assert client.post("/_emulator/seed", json=webex_account()).status_code == 201
    before = records(client)
    again = webex_account()
    again["enterprises"][0]["numbers"][0]["phone_number"] = "+15550000009"  # new
    error = assert_error(client.post("/_emulator/seed", json=again), 409, "DUPLICATE_MAPPING")
    assert error["details"] == {"field": "enterprises[0].numbers[1].phone_number"}
    assert records(client) == before
    # the same numbers on the other service are fine: a number maps once per service
    teams = teams_account()
    teams["enterprises"][0]["numbers"][0]["phone_number"] = "+15551234567"
    assert client.post("/_emulator/seed", json=teams).status_code == 201


def test_webex_seeds_need_an_accounts_csp_and_teams_seeds_may_use_a_created_one(
    client: httpx.Client, admin: Session
) -> None:
    sub_csp = admin.post("/api/v2/csp", json={"email": "c@csp.test", "name": "Sub"}).json()["cspId"]
    refused = client.post("/_emulator/seed", json=webex_account(csp_id=sub_csp))
    assert_error(refused, 400, "BAD_REQUEST", "csp_id")
    assert client.post("/_emulator/seed", json=teams_account(csp_id=sub_csp)).status_code == 201
    assert (
        client.post("/_emulator/seed", json=webex_account(csp_id=OTHER_CSP_ID)).status_code == 201
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "Malformed JSON body"), (b'"text"', "Request body must be a JSON object")],
)
def test_a_body_that_is_not_an_account_is_refused(
    client: httpx.Client, content: bytes, message: str
) -> None:
    response = client.post(
        "/_emulator/seed", content=content, headers={"Content-Type": "application/json"}
    )
    assert assert_error(response, 400, "BAD_REQUEST")["error"] == message


def test_a_hundred_enterprises_of_twenty_numbers_are_seeded_in_one_quick_request(
    client: httpx.Client,
) -> None:
    account = {
        "service": "webex",
        "csp_id": DEMO_CSP_ID,
        "enterprises": [
            {
                "name": f"Enterprise {e}",
                "contact": "Scale Test",
                "phone_number": f"+1646555{e:02d}00",
                "email": f"e{e}@scale.test",
                "numbers": [
                    {"phone_number": f"+1646555{e:02d}{n:02d}", "messaging_app_id": f"bot-{e}"}
                    for n in range(20)
                ],
            }
            for e in range(100)
        ],
    }
    started = time.monotonic()
    response = client.post("/_emulator/seed", json=account)
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.text
    made = response.json()
    assert (len(made["enterprises"]), len(made["mappings"])) == (100, 2000)
    assert made["mappings"][-1]["mapping_id"] == "NTMAP0002000"
    assert elapsed < 10, f"seeding 2,000 numbers took {elapsed:.1f}s"


# --- the shipped example -----------------------------------------------------------------------


def test_the_shipped_portal_account_is_realistic_on_both_services(client: httpx.Client) -> None:
    response = client.post("/_emulator/seed", content=PORTAL_ACCOUNT.read_bytes())
    assert response.status_code == 201, response.text
    made = response.json()
    by_service: dict[str, list[dict[str, Any]]] = {"webex": [], "teams": []}
    for record in (*made["enterprises"], *made["mappings"]):
        by_service[record["service"]].append(record)
    assert all(len(found) >= 30 for found in by_service.values())
    webex_names = [e["name"] for e in made["enterprises"] if e["service"] == "webex"]
    assert len(webex_names) > len(set(webex_names))  # two enterprises named alike
    teams_names = {m["name"] is None for m in made["mappings"] if m["service"] == "teams"}
    assert teams_names == {True, False}  # Teams numbers with and without a name
    webex_mms = {m["mms_enabled"] for m in made["mappings"] if m["service"] == "webex"}
    assert webex_mms == {True, False}
    now = time.time() * 1000
    assert all(r["created_date"] < now for r in (*made["enterprises"], *made["mappings"]))


# --- --seed at start-up -----------------------------------------------------------------------


def write(tmp_path: Path, name: str, body: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body))
    return str(path)


def test_seed_files_are_applied_in_order_at_start_up(
    make_client: MakeClient, tmp_path: Path
) -> None:
    first = write(tmp_path, "first.json", webex_account())
    second = write(tmp_path, "second.json", [teams_account()])
    _, client = make_client(seed_paths=(first, second))
    made = records(client)
    assert [(e["enterprise_id"], e["service"]) for e in made["enterprises"]] == [
        ("E0000001", "webex"),
        ("E0000002", "teams"),
    ]
    admin = Session(client, DEMO_USER, DEMO_PASSWORD)
    assert admin.get("/api/v2/enterprise/getenterprise/E0000002").status_code == 200


def test_a_restart_on_the_same_database_does_not_seed_twice(
    make_client: MakeClient, tmp_path: Path
) -> None:
    seed = write(tmp_path, "seed.json", [webex_account(), teams_account()])
    db = str(tmp_path / "emulator.db")
    app, client = make_client(db_path=db, seed_paths=(seed,))
    seeded = records(client)
    app.emulator.close()
    _, again = make_client(db_path=db, seed_paths=(seed,))
    assert records(again) == seeded


def test_a_database_that_already_holds_an_enterprise_is_not_seeded(
    make_client: MakeClient, tmp_path: Path
) -> None:
    db = str(tmp_path / "emulator.db")
    app, client = make_client(db_path=db)
    admin = Session(client, DEMO_USER, DEMO_PASSWORD)
    admin.post(
        f"/api/v2/enterprise/{DEMO_CSP_ID}",
        json={"name": "N", "contact": "C", "number": "+15550000001", "email": "n@c.test"},
    )
    before = records(client)
    app.emulator.close()
    _, again = make_client(db_path=db, seed_paths=(str(PORTAL_ACCOUNT),))
    assert records(again) == before


def test_a_seed_file_that_does_not_fit_refuses_the_start_up_and_seeds_nothing(
    make_client: MakeClient, tmp_path: Path
) -> None:
    good = write(tmp_path, "good.json", webex_account())
    bad = write(tmp_path, "bad.json", [teams_account(), webex_account()])  # webex numbers again
    db = str(tmp_path / "emulator.db")
    with pytest.raises(SeedFileError) as refused:
        make_client(db_path=db, seed_paths=(good, bad))
    assert str(refused.value).startswith(f"seed file {bad}: Phone number +15551234567")
    assert "(field [1].enterprises[0].numbers[0].phone_number)" in str(refused.value)
    _, empty = make_client(db_path=db)
    assert records(empty)["enterprises"] == []


def test_the_command_documents_the_flag_and_exits_2_on_a_bad_seed_file(tmp_path: Path) -> None:
    usage = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    usage = " ".join(usage.split())  # argparse wraps to the terminal's width
    assert "--seed FILE" in usage and "only if the database holds no enterprise yet" in usage
    bad = write(tmp_path, "seed.json", _bad(webex_account(), "enterprises.0.email", "nope"))
    result = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--port", "0", "--db", ":memory:"]
        + ["--seed", bad],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"seed file {bad}: Invalid email address (field enterprises[0].email)" in result.stderr
    assert "Traceback" not in result.stderr
