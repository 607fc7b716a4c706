"""A database file made by the emulator before the two services were separated is upgraded.

``make demo`` keeps its database across runs, so the file an earlier emulator wrote must
open: every record gets its service by the placement rules (what they cannot tell goes
to Webex, with a warning), a number may then map once per service, and nothing is lost.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from emulator_testing import Session

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.app import EmulatorApp
from contextsms_emulator.schema import SCHEMA_VERSION, NewerDatabaseError
from contextsms_emulator.store import Store

MakeClient = Callable[..., tuple[EmulatorApp, httpx.Client]]
V1_TABLES = Path(__file__).with_name("schema_v1.sql")
SUB_CSP = "CSP0000003"


def version_1_database(path: Path) -> None:
    """A file as the version-1 emulator left it: a created CSP, enterprises for each
    placement rule, their mappings, inbound messages and the id sequences."""
    conn = sqlite3.connect(path)
    conn.executescript(V1_TABLES.read_text())
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute(
        "INSERT INTO csps (seq, csp_id, parent_csp_id, email, name, product_name, favicon, "
        "logo, color, created_date, update_date) "
        f"VALUES (3, '{SUB_CSP}', '{DEMO_CSP_ID}', 'c@csp.test', 'Sub', 'Brand', '', '', "
        "'#000000', 1, 1)"
    )
    enterprises = [
        # seq, csp, default_mms_selection, deleted
        (1, DEMO_CSP_ID, 0, 0),  # a Webex mapping
        (2, DEMO_CSP_ID, 0, 0),  # a Teams mapping
        (3, DEMO_CSP_ID, 1, 0),  # no mapping; a Webex-only setting
        (4, SUB_CSP, 0, 0),  # no mapping; under a created (Teams) CSP
        (5, DEMO_CSP_ID, 0, 1),  # soft-deleted, its mappings gone: nothing tells
    ]
    conn.executemany(
        "INSERT INTO enterprises VALUES (?, ?, ?, 'Name', 'Contact', '+15551234567', "
        "'a@b.test', ?, ?, 10, 20)",
        [(seq, f"E{seq:07d}", csp, mms, deleted) for seq, csp, mms, deleted in enterprises],
    )
    conn.executemany(
        "INSERT INTO mappings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 30, 40)",
        [
            (1, "NTMAP0000001", "E0000001", DEMO_CSP_ID, "+15550000001", "Webex", "bot", 1, None),
            (2, "NTMAP0000002", "E0000002", DEMO_CSP_ID, "+15550000002", "Teams", "ch", 0, "Desk"),
        ],
    )
    conn.executemany(
        "INSERT INTO inbound_messages VALUES (?, ?, ?, '+15551230001', 'hi', '[]', 50, ?, ?, ?, 0)",
        [
            (1, "MSG0000001", "+15550000001", "NTMAP0000001", "E0000001", "Webex"),
            (2, "MSG0000002", "+15550000002", "NTMAP0000002", "E0000002", "Teams"),
            (3, "MSG0000003", "+15550009999", None, None, None),
        ],
    )
    conn.executemany(
        "INSERT INTO sequences VALUES (?, ?)",
        [("csp", 3), ("enterprise", 5), ("mapping", 2), ("message", 3)],
    )
    conn.commit()
    conn.close()


def test_a_version_1_database_opens_with_every_record_placed_on_a_service(
    make_client: MakeClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "old.db"
    version_1_database(db)
    with caplog.at_level(logging.WARNING, logger="contextsms_emulator"):
        _, client = make_client(db_path=str(db))
    records = client.get("/_emulator/records").json()
    assert [(c["csp_id"], c["service"]) for c in records["csps"]] == [(SUB_CSP, "teams")]
    assert [e["service"] for e in records["enterprises"]] == [
        "webex",
        "teams",
        "webex",
        "teams",
        "webex",
    ]
    assert [(m["mapping_id"], m["service"]) for m in records["mappings"]] == [
        ("NTMAP0000001", "webex"),
        ("NTMAP0000002", "teams"),
    ]
    # nothing else changed: fields, dates, flags
    assert records["enterprises"][2]["default_mms_selection"] is True
    assert records["enterprises"][4]["deleted"] is True
    assert (records["mappings"][0]["mms_enabled"], records["mappings"][1]["name"]) == (
        True,
        "Desk",
    )
    assert ["enterprise E0000005" in r.getMessage() for r in caplog.records] == [True]
    messages = client.get("/_emulator/inbound").json()
    assert [m["service"] for m in messages] == ["webex", "teams", None]
    with closing(sqlite3.connect(db)) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert int(version) == SCHEMA_VERSION == 2


def test_an_upgraded_database_serves_each_record_on_its_service_and_maps_per_service(
    make_client: MakeClient, tmp_path: Path
) -> None:
    db = tmp_path / "old.db"
    version_1_database(db)
    _, client = make_client(db_path=str(db))
    admin = Session(client, DEMO_USER, DEMO_PASSWORD)
    webex = admin.get(f"/api/v1/mappings/csp/{DEMO_CSP_ID}").json()
    assert [m["numberToMessageAppMapId"] for m in webex] == ["NTMAP0000001"]
    teams = admin.get(f"/api/v2/csp/enterprises/{SUB_CSP}").json()
    assert [e["enterpriseId"] for e in teams] == ["E0000004"]
    # the Webex number may now be mapped on Teams too; ids continue the old sequences
    added = admin.post(
        "/api/v2/mapping/add/E0000002",
        json={"phoneNumber": "+15550000001", "messagingAppType": "Teams", "messagingAppId": "c"},
    )
    assert added.status_code == 200, added.text
    assert added.json()["numberToMessageAppMapId"] == "NTMAP0000003"


def test_an_upgraded_database_opens_again_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    version_1_database(db)
    first = Store(str(db))
    upgraded = first.dump()
    first.close()
    again = Store(str(db))
    try:
        assert again.dump() == upgraded
    finally:
        again.close()


def test_a_database_of_a_newer_emulator_is_refused_and_the_command_says_why(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    Store(str(db)).close()
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(NewerDatabaseError, match="schema version 99"):
        Store(str(db))
    result = subprocess.run(
        [sys.executable, "-m", "contextsms_emulator", "--port", "0", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "made by a newer emulator" in result.stderr and "Traceback" not in result.stderr
