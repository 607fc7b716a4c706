"""The database's tables, and the upgrade of a file made by an earlier emulator.

A file database outlives emulator versions (``make demo`` keeps one in ``.demo/``), so
opening one runs :func:`ensure`: a new file gets the current tables, an older one is
migrated in one transaction, a newer one is refused.

Version 2 gave every CSP, enterprise and mapping a ``service`` (and each inbound
message the service that routed it), and made "a number maps once" hold per service
(``UNIQUE (service, phone_number)``). Version 1 rows are placed by the rules of
:mod:`contextsms_emulator.placement`; a database cannot be refused the way a records
file is, so what those rules cannot tell falls back to ``webex`` (logged): a v1
enterprise without mappings under an account's own CSP came, in practice, from the
Webex API, the one ``make demo`` and the quickstart use.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Final

from contextsms_emulator import placement
from contextsms_emulator.services import WEBEX, of_app_type

SCHEMA_VERSION: Final = 2

logger = logging.getLogger("contextsms_emulator")

DDL: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS csps (
    seq INTEGER PRIMARY KEY,
    csp_id TEXT NOT NULL UNIQUE,
    parent_csp_id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    carrier TEXT, house_number TEXT, street_name TEXT, city TEXT, state_code TEXT,
    zip TEXT, country TEXT, location_id TEXT, sub_account_id TEXT,
    authorizing_person_name TEXT,
    product_name TEXT NOT NULL, favicon TEXT NOT NULL, logo TEXT NOT NULL,
    color TEXT NOT NULL,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL,
    service TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enterprises (
    seq INTEGER PRIMARY KEY,
    enterprise_id TEXT NOT NULL UNIQUE,
    csp_id TEXT NOT NULL,
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    email TEXT NOT NULL,
    default_mms_selection INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL,
    service TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS enterprises_by_service_csp ON enterprises (service, csp_id, seq);
CREATE INDEX IF NOT EXISTS enterprises_by_service_phone ON enterprises (service, phone_number);
CREATE TABLE IF NOT EXISTS mappings (
    seq INTEGER PRIMARY KEY,
    mapping_id TEXT NOT NULL UNIQUE,
    enterprise_id TEXT NOT NULL,
    csp_id TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    messaging_app_type TEXT NOT NULL,
    messaging_app_id TEXT NOT NULL,
    mms_enabled INTEGER NOT NULL,
    name TEXT,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL,
    service TEXT NOT NULL,
    UNIQUE (service, phone_number)
);
CREATE INDEX IF NOT EXISTS mappings_by_enterprise ON mappings (enterprise_id, seq);
CREATE INDEX IF NOT EXISTS mappings_by_service_csp ON mappings (service, csp_id, seq);
CREATE INDEX IF NOT EXISTS mappings_by_service_app ON mappings (service, messaging_app_id, seq);
CREATE INDEX IF NOT EXISTS mappings_by_phone ON mappings (phone_number);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    username TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT,
    body BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (username, method, path, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency_keys (created_ms);
CREATE TABLE IF NOT EXISTS stripe_events (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    email TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    subscription_id TEXT,
    update_date INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    seq INTEGER PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    enterprise_id TEXT,
    csp_id TEXT,
    active INTEGER NOT NULL,
    created_date INTEGER NOT NULL,
    verified_date INTEGER,
    verification_status INTEGER,
    verification_error TEXT,
    scope TEXT NOT NULL,
    UNIQUE (url, scope)
);
CREATE TABLE IF NOT EXISTS inbound_messages (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    to_number TEXT NOT NULL,
    from_number TEXT NOT NULL,
    text TEXT NOT NULL,
    media TEXT NOT NULL,
    received_date INTEGER NOT NULL,
    mapping_id TEXT,
    enterprise_id TEXT,
    messaging_app_type TEXT,
    media_forwarded INTEGER NOT NULL,
    service TEXT
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    url TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_date INTEGER,
    created_date INTEGER NOT NULL,
    update_date INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, seq);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_date INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
"""

_PLACED_TABLES: Final = ("csps", "enterprises", "mappings")
"""The tables version 2 rebuilt: a column cannot be made NOT NULL, nor a UNIQUE
constraint changed, in place."""


class NewerDatabaseError(RuntimeError):
    """The database was made by a newer emulator, whose tables this one does not know."""


def _create_tables(conn: sqlite3.Connection) -> None:
    """Every table and index (``IF NOT EXISTS``), statement by statement: ``executescript``
    would commit the surrounding transaction."""
    for statement in DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


def stored_version(conn: sqlite3.Connection) -> int | None:
    """The version a database was made with; None for a new, empty one."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def ensure(conn: sqlite3.Connection) -> None:
    """Bring the database to :data:`SCHEMA_VERSION` (one transaction; autocommit ``conn``)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = stored_version(conn)
        if version is not None and version > SCHEMA_VERSION:
            raise NewerDatabaseError(
                f"the database was made by a newer emulator (schema version {version}; "
                f"this one knows {SCHEMA_VERSION})"
            )
        if version == 1:
            _migrate_from_v1(conn)
        _create_tables(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY seq")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _migrate_from_v1(conn: sqlite3.Connection) -> None:
    """Give every record its service (placement rules, else ``webex``), rebuilding the
    three record tables; inbound messages take the service of their mapping's app type."""
    rows = {table: _rows(conn, table) for table in _PLACED_TABLES}
    for row in rows["enterprises"]:
        row["default_mms_selection"] = bool(row["default_mms_selection"])
    unplaced = placement.place(rows["csps"], rows["enterprises"], rows["mappings"])
    for record in (*rows["enterprises"], *rows["mappings"]):
        record.setdefault("service", WEBEX)
    for problem in unplaced:
        logger.warning("database upgrade: %s %s placed on webex", problem.kind, problem.record_id)
    for table in _PLACED_TABLES:
        conn.execute(f"DROP TABLE {table}")  # its indexes go with it
    _create_tables(conn)
    for table, records in rows.items():
        if records:
            names = list(records[0])
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [tuple(record[name] for name in names) for record in records],
            )
    columns = {c[1] for c in conn.execute("PRAGMA table_info(inbound_messages)")}
    if "service" not in columns:  # an early version-1 file may not have had the table
        conn.execute("ALTER TABLE inbound_messages ADD COLUMN service TEXT")
    for app_type, service in ((t, of_app_type(t)) for t in ("Webex", "Teams")):
        conn.execute(
            "UPDATE inbound_messages SET service = ? WHERE messaging_app_type = ?",
            (service, app_type),
        )
