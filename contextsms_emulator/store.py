"""SQLite persistence: transactions and one method per query. No business rules.

One connection, shared by every request and guarded by a lock: endpoints run on the
event loop and each transaction is a few statements long, so serialising them costs
less than a pool and makes every multi-statement write atomic. The UNIQUE index on
``mappings (service, phone_number)`` is what finally enforces "a number maps once per
service", even if two requests race. File databases use WAL so a crash never leaves a
half-written record. The tables, and the upgrade of older files, are in
:mod:`contextsms_emulator.schema`.

Every query of CSPs, enterprises and mappings that an API answers from names its
``service``: the two services share the database, never their records.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, astuple, fields
from typing import Any, Final, TypeVar

from contextsms_emulator import schema
from contextsms_emulator.records import (
    Csp,
    Delivery,
    DeliveryAttempt,
    Enterprise,
    InboundMessage,
    Mapping,
    Media,
    StoredResponse,
    Subscription,
    Webhook,
)
from contextsms_emulator.services import Service

MEMORY: Final = ":memory:"

# Tables /_emulator/reset empties; meta (the signing secret) survives.
_DATA_TABLES: Final = (
    "csps",
    "enterprises",
    "mappings",
    "idempotency_keys",
    "stripe_events",
    "subscriptions",
    "webhooks",
    "inbound_messages",
    "deliveries",
    "delivery_attempts",
    "sequences",
)

_R = TypeVar("_R")


def _columns(record_type: type[Any]) -> str:
    return ", ".join(f.name for f in fields(record_type))


_CSP_COLS: Final = _columns(Csp)
_ENT_COLS: Final = _columns(Enterprise)
_MAP_COLS: Final = _columns(Mapping)
_HOOK_COLS: Final = _columns(Webhook)
_MSG_COLS: Final = _columns(InboundMessage)
_DLV_COLS: Final = _columns(Delivery)
_TRY_COLS: Final = _columns(DeliveryAttempt)


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _enterprise(row: tuple[Any, ...]) -> Enterprise:
    values = list(row)
    values[6] = bool(values[6])  # default_mms_selection
    values[7] = bool(values[7])  # deleted
    return Enterprise(*values)


def _mapping(row: tuple[Any, ...]) -> Mapping:
    values = list(row)
    values[6] = bool(values[6])  # mms_enabled
    return Mapping(*values)


def _webhook(row: tuple[Any, ...]) -> Webhook:
    values = list(row)
    values[4] = bool(values[4])  # active
    return Webhook(*values)


def _message(row: tuple[Any, ...]) -> InboundMessage:
    values = list(row)
    values[4] = tuple(Media(m["url"], m["content_type"]) for m in json.loads(values[4]))
    values[9] = bool(values[9])  # media_forwarded
    return InboundMessage(*values)


def webhook_scope(enterprise_id: str | None, csp_id: str | None) -> str:
    """The uniqueness key of a webhook's audience: one registration per URL and scope."""
    return f"enterprise:{enterprise_id}" if enterprise_id else f"csp:{csp_id}"


class Store:
    """The emulator's database. Methods taking ``tx`` must run inside :meth:`transaction`."""

    def __init__(self, path: str = MEMORY) -> None:
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 5000")
        if path != MEMORY:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            try:
                schema.ensure(self._conn)
            except BaseException:
                self._conn.close()
                raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An IMMEDIATE transaction: committed on success, rolled back on any exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _one(self, sql: str, params: Iterable[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._conn.execute(sql, tuple(params)).fetchone()
            return row

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    # --- meta and sequences -------------------------------------------------------------

    def signing_secret(self) -> bytes:
        """The JWT secret: made once, kept in the database so tokens outlive restarts."""
        with self.transaction() as tx:
            row = tx.execute("SELECT value FROM meta WHERE key = 'jwt_secret'").fetchone()
            if row is None:
                secret = secrets.token_hex(32)
                tx.execute("INSERT INTO meta (key, value) VALUES ('jwt_secret', ?)", (secret,))
                return bytes.fromhex(secret)
            return bytes.fromhex(row[0])

    @staticmethod
    def next_seq(tx: sqlite3.Connection, name: str) -> int:
        tx.execute("INSERT OR IGNORE INTO sequences (name, value) VALUES (?, 0)", (name,))
        row = tx.execute(
            "UPDATE sequences SET value = value + 1 WHERE name = ? RETURNING value", (name,)
        ).fetchone()
        return int(row[0])

    @staticmethod
    def reserve_seqs(tx: sqlite3.Connection, name: str, count: int) -> range:
        """``count`` consecutive sequence numbers at once (for bulk inserts)."""
        tx.execute("INSERT OR IGNORE INTO sequences (name, value) VALUES (?, 0)", (name,))
        row = tx.execute(
            "UPDATE sequences SET value = value + ? WHERE name = ? RETURNING value",
            (count, name),
        ).fetchone()
        last = int(row[0])
        return range(last - count + 1, last + 1)

    @staticmethod
    def raise_seq(tx: sqlite3.Connection, name: str, value: int) -> None:
        """Make the sequence continue after `value` (never lowers it)."""
        tx.execute(
            "INSERT INTO sequences (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            (name, value),
        )

    # --- CSPs -------------------------------------------------------------------------

    @staticmethod
    def csp_exists(tx: sqlite3.Connection, csp_id: str) -> bool:
        return tx.execute("SELECT 1 FROM csps WHERE csp_id = ?", (csp_id,)).fetchone() is not None

    @staticmethod
    def insert_csp(tx: sqlite3.Connection, seq: int, csp: Csp) -> None:
        tx.execute(
            f"INSERT INTO csps (seq, {_CSP_COLS}) VALUES (?, {_placeholders(len(fields(Csp)))})",
            (seq, *astuple(csp)),
        )

    def get_csp(self, csp_id: str) -> Csp | None:
        row = self._one(f"SELECT {_CSP_COLS} FROM csps WHERE csp_id = ?", (csp_id,))
        return Csp(*row) if row else None

    def csp_parents(self) -> list[tuple[str, str]]:
        """``(csp_id, parent_csp_id)`` for every created CSP."""
        return [(r[0], r[1]) for r in self._all("SELECT csp_id, parent_csp_id FROM csps")]

    def csp_ids(self, service: Service) -> set[str]:
        """The ids of every stored CSP of ``service``."""
        return {r[0] for r in self._all("SELECT csp_id FROM csps WHERE service = ?", (service,))}

    # --- enterprises ----------------------------------------------------------------------

    @staticmethod
    def insert_enterprise(tx: sqlite3.Connection, seq: int, enterprise: Enterprise) -> None:
        tx.execute(
            f"INSERT INTO enterprises (seq, {_ENT_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(Enterprise)))})",
            (seq, *astuple(enterprise)),
        )

    @staticmethod
    def insert_enterprises(tx: sqlite3.Connection, rows: Iterable[tuple[int, Enterprise]]) -> None:
        """Insert many ``(seq, enterprise)`` at once."""
        tx.executemany(
            f"INSERT INTO enterprises (seq, {_ENT_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(Enterprise)))})",
            ((seq, *astuple(enterprise)) for seq, enterprise in rows),
        )

    def has_enterprises(self) -> bool:
        """Whether any enterprise (of either service, soft-deleted ones included) is stored."""
        return self._one("SELECT 1 FROM enterprises LIMIT 1") is not None

    def get_enterprise(self, enterprise_id: str) -> Enterprise | None:
        row = self._one(
            f"SELECT {_ENT_COLS} FROM enterprises WHERE enterprise_id = ?", (enterprise_id,)
        )
        return _enterprise(row) if row else None

    def list_enterprises(self, csp_id: str, service: Service) -> list[Enterprise]:
        """The CSP's live (not soft-deleted) enterprises of ``service``, oldest first."""
        rows = self._all(
            f"SELECT {_ENT_COLS} FROM enterprises "
            "WHERE service = ? AND csp_id = ? AND deleted = 0 ORDER BY seq",
            (service, csp_id),
        )
        return [_enterprise(r) for r in rows]

    def find_enterprise_by_phone(
        self, phone: str, csp_ids: Iterable[str], service: Service
    ) -> Enterprise | None:
        ids = tuple(csp_ids)
        row = self._one(
            f"SELECT {_ENT_COLS} FROM enterprises WHERE service = ? AND phone_number = ? "
            f"AND deleted = 0 AND csp_id IN ({_placeholders(len(ids))}) ORDER BY seq LIMIT 1",
            (service, phone, *ids),
        )
        return _enterprise(row) if row else None

    @staticmethod
    def soft_delete_enterprise(tx: sqlite3.Connection, enterprise_id: str, now: int) -> None:
        tx.execute(
            "UPDATE enterprises SET deleted = 1, update_date = ? WHERE enterprise_id = ?",
            (now, enterprise_id),
        )
        tx.execute("DELETE FROM mappings WHERE enterprise_id = ?", (enterprise_id,))

    # --- mappings -------------------------------------------------------------------------

    @staticmethod
    def insert_mapping(tx: sqlite3.Connection, seq: int, mapping: Mapping) -> None:
        """Raises ``sqlite3.IntegrityError`` if the phone number is already mapped."""
        tx.execute(
            f"INSERT INTO mappings (seq, {_MAP_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(Mapping)))})",
            (seq, *astuple(mapping)),
        )

    @staticmethod
    def insert_mappings(tx: sqlite3.Connection, rows: Iterable[tuple[int, Mapping]]) -> None:
        """Insert many ``(seq, mapping)`` at once; ``sqlite3.IntegrityError`` as above."""
        tx.executemany(
            f"INSERT INTO mappings (seq, {_MAP_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(Mapping)))})",
            ((seq, *astuple(mapping)) for seq, mapping in rows),
        )

    @staticmethod
    def mapped_numbers(tx: sqlite3.Connection, service: Service, phones: Iterable[str]) -> set[str]:
        """Which of ``phones`` are already mapped on ``service`` (one query for any number)."""
        rows = tx.execute(
            "SELECT phone_number FROM mappings WHERE service = ? "
            "AND phone_number IN (SELECT value FROM json_each(?))",
            (service, json.dumps(list(phones))),
        ).fetchall()
        return {r[0] for r in rows}

    @staticmethod
    def replace_mapping(tx: sqlite3.Connection, mapping: Mapping) -> None:
        """Raises ``sqlite3.IntegrityError`` if a new phone number is already mapped."""
        tx.execute(
            "UPDATE mappings SET phone_number = ?, messaging_app_type = ?, messaging_app_id = ?, "
            "name = ?, update_date = ? WHERE mapping_id = ?",
            (
                mapping.phone_number,
                mapping.messaging_app_type,
                mapping.messaging_app_id,
                mapping.name,
                mapping.update_date,
                mapping.mapping_id,
            ),
        )

    @staticmethod
    def delete_mapping(tx: sqlite3.Connection, mapping_id: str) -> None:
        tx.execute("DELETE FROM mappings WHERE mapping_id = ?", (mapping_id,))

    def get_mapping(self, mapping_id: str) -> Mapping | None:
        row = self._one(f"SELECT {_MAP_COLS} FROM mappings WHERE mapping_id = ?", (mapping_id,))
        return _mapping(row) if row else None

    def get_mapping_by_phone(self, phone: str, service: Service) -> Mapping | None:
        row = self._one(
            f"SELECT {_MAP_COLS} FROM mappings WHERE service = ? AND phone_number = ?",
            (service, phone),
        )
        return _mapping(row) if row else None

    def mappings_of_phone(self, phone: str) -> list[Mapping]:
        """The mappings of ``phone`` on every service (at most one each), oldest first."""
        rows = self._all(
            f"SELECT {_MAP_COLS} FROM mappings WHERE phone_number = ? ORDER BY seq", (phone,)
        )
        return [_mapping(r) for r in rows]

    def list_mappings_by_enterprise(self, enterprise_id: str, service: Service) -> list[Mapping]:
        rows = self._all(
            f"SELECT {_MAP_COLS} FROM mappings WHERE service = ? AND enterprise_id = ? "
            "ORDER BY seq",
            (service, enterprise_id),
        )
        return [_mapping(r) for r in rows]

    def list_mappings_by_csp(
        self, csp_id: str, service: Service, limit: int = -1, offset: int = 0
    ) -> list[Mapping]:
        rows = self._all(
            f"SELECT {_MAP_COLS} FROM mappings WHERE service = ? AND csp_id = ? "
            "ORDER BY seq LIMIT ? OFFSET ?",
            (service, csp_id, limit, offset),
        )
        return [_mapping(r) for r in rows]

    def find_mapping_by_app_id(
        self, app_id: str, csp_ids: Iterable[str], service: Service
    ) -> Mapping | None:
        ids = tuple(csp_ids)
        row = self._one(
            f"SELECT {_MAP_COLS} FROM mappings WHERE service = ? AND messaging_app_id = ? "
            f"AND csp_id IN ({_placeholders(len(ids))}) ORDER BY seq LIMIT 1",
            (service, app_id, *ids),
        )
        return _mapping(row) if row else None

    # --- idempotency keys -------------------------------------------------------------------

    def get_idempotent(
        self, username: str, method: str, path: str, key: str, not_before_ms: int
    ) -> StoredResponse | None:
        row = self._one(
            "SELECT fingerprint, status, content_type, body FROM idempotency_keys "
            "WHERE username = ? AND method = ? AND path = ? AND key = ? AND created_ms >= ?",
            (username, method, path, key, not_before_ms),
        )
        return StoredResponse(row[0], row[1], row[2], bytes(row[3])) if row else None

    def put_idempotent(
        self,
        username: str,
        method: str,
        path: str,
        key: str,
        response: StoredResponse,
        now_ms: int,
        purge_before_ms: int,
    ) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM idempotency_keys WHERE created_ms < ?", (purge_before_ms,))
            tx.execute(
                "INSERT OR REPLACE INTO idempotency_keys (username, method, path, key, "
                "fingerprint, status, content_type, body, created_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    username,
                    method,
                    path,
                    key,
                    response.fingerprint,
                    response.status,
                    response.content_type,
                    response.body,
                    now_ms,
                ),
            )

    # --- Stripe -------------------------------------------------------------------------------

    @staticmethod
    def record_event(tx: sqlite3.Connection, event_id: str, event_type: str, now: int) -> bool:
        """Remember a webhook event id; False if it was already processed (a replay)."""
        cursor = tx.execute(
            "INSERT OR IGNORE INTO stripe_events (event_id, type, received_ms) VALUES (?, ?, ?)",
            (event_id, event_type, now),
        )
        return cursor.rowcount == 1

    @staticmethod
    def put_subscription(tx: sqlite3.Connection, subscription: Subscription) -> None:
        tx.execute(
            "INSERT OR REPLACE INTO subscriptions (email, status, subscription_id, update_date) "
            "VALUES (?, ?, ?, ?)",
            astuple(subscription),
        )

    def get_subscription(self, email: str) -> Subscription | None:
        row = self._one(
            "SELECT email, status, subscription_id, update_date FROM subscriptions WHERE email = ?",
            (email,),
        )
        return Subscription(*row) if row else None

    # --- webhooks, inbound messages, deliveries ---------------------------------------------

    @staticmethod
    def insert_webhook(tx: sqlite3.Connection, seq: int, webhook: Webhook) -> None:
        """Raises ``sqlite3.IntegrityError`` if the URL is already registered for the scope."""
        tx.execute(
            f"INSERT INTO webhooks (seq, {_HOOK_COLS}, scope) "
            f"VALUES (?, {_placeholders(len(fields(Webhook)))}, ?)",
            (seq, *astuple(webhook), webhook_scope(webhook.enterprise_id, webhook.csp_id)),
        )

    def find_webhook(
        self, url: str, enterprise_id: str | None, csp_id: str | None
    ) -> Webhook | None:
        row = self._one(
            f"SELECT {_HOOK_COLS} FROM webhooks WHERE url = ? AND scope = ?",
            (url, webhook_scope(enterprise_id, csp_id)),
        )
        return _webhook(row) if row else None

    def get_webhook(self, webhook_id: str) -> Webhook | None:
        row = self._one(f"SELECT {_HOOK_COLS} FROM webhooks WHERE webhook_id = ?", (webhook_id,))
        return _webhook(row) if row else None

    def list_webhooks(self) -> list[Webhook]:
        return [_webhook(r) for r in self._all(f"SELECT {_HOOK_COLS} FROM webhooks ORDER BY seq")]

    def active_webhooks_for(self, enterprise_id: str, csp_id: str) -> list[Webhook]:
        """The active webhooks of the enterprise and of its CSP, oldest first."""
        rows = self._all(
            f"SELECT {_HOOK_COLS} FROM webhooks WHERE active = 1 AND scope IN (?, ?) ORDER BY seq",
            (webhook_scope(enterprise_id, None), webhook_scope(None, csp_id)),
        )
        return [_webhook(r) for r in rows]

    def set_verification(
        self, webhook_id: str, *, active: bool, when: int, status: int | None, error: str | None
    ) -> None:
        with self.transaction() as tx:
            tx.execute(
                "UPDATE webhooks SET active = ?, verified_date = ?, verification_status = ?, "
                "verification_error = ? WHERE webhook_id = ?",
                (active, when, status, error, webhook_id),
            )

    def delete_webhook(self, webhook_id: str, now: int) -> bool:
        """Remove the webhook and cancel its pending deliveries; False if it was unknown."""
        with self.transaction() as tx:
            gone = tx.execute("DELETE FROM webhooks WHERE webhook_id = ?", (webhook_id,)).rowcount
            tx.execute(
                "UPDATE deliveries SET status = 'cancelled', next_attempt_date = NULL, "
                "update_date = ? WHERE webhook_id = ? AND status = 'pending'",
                (now, webhook_id),
            )
        return gone == 1

    @staticmethod
    def insert_message(tx: sqlite3.Connection, seq: int, message: InboundMessage) -> None:
        values = list(astuple(message))
        values[4] = json.dumps([asdict(m) for m in message.media])
        tx.execute(
            f"INSERT INTO inbound_messages (seq, {_MSG_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(InboundMessage)))})",
            (seq, *values),
        )

    def list_messages(self) -> list[InboundMessage]:
        rows = self._all(f"SELECT {_MSG_COLS} FROM inbound_messages ORDER BY seq")
        return [_message(r) for r in rows]

    @staticmethod
    def insert_delivery(tx: sqlite3.Connection, seq: int, delivery: Delivery) -> None:
        tx.execute(
            f"INSERT INTO deliveries (seq, {_DLV_COLS}) "
            f"VALUES (?, {_placeholders(len(fields(Delivery)))})",
            (seq, *astuple(delivery)),
        )

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = self._one(f"SELECT {_DLV_COLS} FROM deliveries WHERE delivery_id = ?", (delivery_id,))
        return Delivery(*row) if row else None

    def list_deliveries(
        self,
        *,
        webhook_id: str | None = None,
        message_id: str | None = None,
        status: str | None = None,
    ) -> list[Delivery]:
        where, params = [], []
        for column, value in (
            ("webhook_id", webhook_id),
            ("message_id", message_id),
            ("status", status),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        rows = self._all(f"SELECT {_DLV_COLS} FROM deliveries {clause}ORDER BY seq", params)
        return [Delivery(*r) for r in rows]

    def pending_delivery_ids(self) -> list[str]:
        rows = self._all("SELECT delivery_id FROM deliveries WHERE status = 'pending' ORDER BY seq")
        return [r[0] for r in rows]

    def attempts_of(self, delivery_ids: Iterable[str]) -> dict[str, list[DeliveryAttempt]]:
        ids = tuple(delivery_ids)
        found: dict[str, list[DeliveryAttempt]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self._all(
            f"SELECT {_TRY_COLS} FROM delivery_attempts "
            f"WHERE delivery_id IN ({_placeholders(len(ids))}) ORDER BY delivery_id, attempt",
            ids,
        )
        for row in rows:
            found[row[0]].append(DeliveryAttempt(*row))
        return found

    def record_attempt(
        self, attempt: DeliveryAttempt, *, status: str, next_attempt_date: int | None, now: int
    ) -> bool:
        """Log an attempt and move the delivery on, if it is still pending (a reset or a
        deleted webhook may have settled it meanwhile); False if it was not."""
        with self.transaction() as tx:
            moved = tx.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_date = ?, "
                "update_date = ? WHERE delivery_id = ? AND status = 'pending'",
                (status, attempt.attempt, next_attempt_date, now, attempt.delivery_id),
            ).rowcount
            if moved:
                tx.execute(
                    f"INSERT INTO delivery_attempts ({_TRY_COLS}) "
                    f"VALUES ({_placeholders(len(fields(DeliveryAttempt)))})",
                    astuple(attempt),
                )
        return moved == 1

    def settle_delivery(self, delivery_id: str, status: str, now: int) -> None:
        with self.transaction() as tx:
            tx.execute(
                "UPDATE deliveries SET status = ?, next_attempt_date = NULL, update_date = ? "
                "WHERE delivery_id = ? AND status = 'pending'",
                (status, now, delivery_id),
            )

    # --- operator ---------------------------------------------------------------------------------

    def dump(self, service: Service | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every CSP, enterprise and mapping across all tenants (of one service, if given),
        as snake_case dicts."""
        where, params = ("WHERE service = ? ", (service,)) if service else ("", ())

        def rows(columns: str, table: str) -> list[tuple[Any, ...]]:
            return self._all(f"SELECT {columns} FROM {table} {where}ORDER BY seq", params)

        return {
            "csps": [asdict(Csp(*r)) for r in rows(_CSP_COLS, "csps")],
            "enterprises": [asdict(_enterprise(r)) for r in rows(_ENT_COLS, "enterprises")],
            "mappings": [asdict(_mapping(r)) for r in rows(_MAP_COLS, "mappings")],
        }

    def wipe(self) -> None:
        """Delete all platform data and restart the ID sequences; keep the signing secret."""
        with self.transaction() as tx:
            for table in _DATA_TABLES:
                tx.execute(f"DELETE FROM {table}")
