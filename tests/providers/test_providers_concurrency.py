"""The providers' shared state under 64 calls at once, as the widened provider process
serves them: one login, one listing per enterprise, one snapshot per enterprise, a
journal entry per create (none lost, none doubled), every answer its own.

The calls go to a real emulator over real HTTP (one shared httpx pool); the emulator
answers each call 50 ms late, so the 64 calls overlap for real.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from concurrency import at_once

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms import session
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient, EnterpriseSpec
from pulumi_contextsms.providers.journal import Journal
from pulumi_contextsms.providers.mapping import NumberMappingProvider
from pulumi_contextsms.session import SingleFlight

THREADS = 64
OWNER = "org/project/stack"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def api(emulator: EmulatorProcess, settings: Callable[..., Any]) -> EmulatorProcess:
    emulator.reset()
    account = {"contextsms:username": DEMO_USER, "contextsms:password": DEMO_PASSWORD}
    settings("webex", api_base=emulator.webex_api_base, **account)
    emulator.set_faults(latency_ms=50)
    emulator.clear_requests()
    yield emulator
    emulator.clear_faults()


def outside_enterprise(emulator: EmulatorProcess, name: str = "Acme") -> str:
    """An enterprise made by someone else (not this provider process)."""
    settings = ConnectionSettings.resolve(
        "webex", api_base=emulator.webex_api_base, username=DEMO_USER, password=DEMO_PASSWORD
    )
    with ContextSmsClient(settings) as client:
        spec = EnterpriseSpec(
            name=name, contact="Sarah Johnson", phone_number="+15551234567",
            email="sarah@abcmarketing.com",
        )  # fmt: skip
        return client.create_enterprise(DEMO_CSP_ID, spec).enterprise_id


def calls(emulator: EmulatorProcess) -> Counter[tuple[str, str]]:
    return Counter((r["method"], "/".join(r["path"].split("/")[:5])) for r in emulator.requests())


def mapping_props(provider: NumberMappingProvider, enterprise_id: str, i: int) -> dict[str, Any]:
    result = provider.check(
        {},
        {
            "enterprise_id": enterprise_id,
            "phone_number": f"+1555400{i:04d}",
            "messaging_app_id": f"bot-{i}",
            "owner": OWNER,
        },
    )
    assert result.failures == []
    inputs: dict[str, Any] = result.inputs
    return inputs


def journal_entries(journal: Journal) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(journal.directory.glob("*.json"))]


def test_64_creates_in_one_enterprise_list_it_once_and_journal_each_once(api):
    enterprise_id = outside_enterprise(api)
    api.clear_requests()
    provider = NumberMappingProvider()
    props = [mapping_props(provider, enterprise_id, i) for i in range(THREADS)]
    journal = session.current.journal
    lock = threading.Lock()
    in_flight: list[int] = []

    begin = journal.begin

    def counting_begin(*args: Any) -> Any:
        entry = begin(*args)
        with lock:
            in_flight.append(len(list(journal.directory.glob("*.json"))))
        return entry

    journal.begin = counting_begin  # type: ignore[method-assign]
    made = at_once(THREADS, lambda i: provider.create(props[i]))

    assert calls(api) == {
        ("POST", "/v1/auth/login"): 1,
        ("GET", "/api/v1/mappings/enterprise"): 1,  # the snapshot, once for all 64
        ("POST", "/api/v1/mapping/add"): THREADS,
    }
    assert [m.outs["phone_number"] for m in made] == [p["phone_number"] for p in props]
    ids = [m.id for m in made]
    assert len(set(ids)) == THREADS
    live = {m["mapping_id"]: m["phone_number"] for m in api.records()["mappings"]}
    assert {i: live[i] for i in ids} == {m.id: m.outs["phone_number"] for m in made}

    entries = journal_entries(journal)
    assert len(entries) == THREADS  # none lost, none doubled
    assert sorted(e["key"][1] for e in entries) == sorted(p["phone_number"] for p in props)
    assert len({e["idempotency_key"] for e in entries}) == THREADS
    # the one listing, kept up to date with this process's own creates: each snapshot
    # holds nothing that existed before the run, and never the create's own record
    by_number = {m.outs["phone_number"]: m.id for m in made}
    for entry in entries:
        assert set(entry["existing_ids"]) <= set(ids)
        assert by_number[entry["key"][1]] not in entry["existing_ids"]
    assert max(in_flight) > 1  # the creates really overlapped

    # this process's listing knows its 64 creates: reading them back costs nothing
    api.clear_requests()
    assert [r.id for r in at_once(THREADS, lambda i: provider.read(ids[i], made[i].outs))] == ids
    assert calls(api) == {}

    # the engine's refresh (a new process) of all 64 at once: one listing, and each read
    # settles its entry
    session.current.listings = SingleFlight()
    reads = at_once(THREADS, lambda i: provider.read(ids[i], made[i].outs))
    assert [r.id for r in reads] == ids
    assert [r.outs["phone_number"] for r in reads] == [p["phone_number"] for p in props]
    assert calls(api) == {("GET", "/api/v1/mappings/enterprise"): 1}
    assert journal_entries(journal) == []


def test_creates_in_two_enterprises_at_once_snapshot_each_exactly_once(api):
    enterprises = [outside_enterprise(api, "Acme"), outside_enterprise(api, "Globex")]
    api.clear_requests()
    provider = NumberMappingProvider()
    props = [mapping_props(provider, enterprises[i % 2], i) for i in range(THREADS)]
    at_once(THREADS, lambda i: provider.create(props[i]))
    listed = Counter(r["path"] for r in api.requests() if r["method"] == "GET")
    assert listed == {f"/api/v1/mappings/enterprise/{e}": 1 for e in enterprises}


def test_64_deletes_at_once_all_succeed_once(api):
    enterprise_id = outside_enterprise(api)
    provider = NumberMappingProvider()
    props = [mapping_props(provider, enterprise_id, i) for i in range(THREADS)]
    made = at_once(THREADS, lambda i: provider.create(props[i]))
    api.clear_requests()
    at_once(THREADS, lambda i: provider.delete(made[i].id, made[i].outs))
    deleted = Counter(r["path"] for r in api.requests() if r["method"] == "DELETE")
    assert deleted == {f"/api/v1/mapping/{m.id}": 1 for m in made}
    assert api.records()["mappings"] == []
    assert journal_entries(session.current.journal) == []


def test_64_threads_share_one_client_per_profile(api, monkeypatch):
    built: list[ContextSmsClient] = []
    real = session.new_client

    def counting(settings: ConnectionSettings) -> ContextSmsClient:
        time.sleep(0.01)  # a slow construction widens the race
        client = real(settings)
        built.append(client)
        return client

    monkeypatch.setattr(session, "new_client", counting)
    clients = at_once(THREADS, lambda _: session.client(None))
    assert len(built) == 1
    assert {id(c) for c in clients} == {id(built[0])}


# --- the building blocks ------------------------------------------------------------------


def test_single_flight_loads_each_key_once_for_64_threads():
    flight: SingleFlight[str, int] = SingleFlight()
    loads: Counter[str] = Counter()
    lock = threading.Lock()

    def load(key: str) -> Callable[[], int]:
        def run() -> int:
            with lock:
                loads[key] += 1
            time.sleep(0.05)
            return len(key)

        return run

    keys = [f"E{i % 4}" for i in range(THREADS)]
    values = at_once(THREADS, lambda i: flight.get(keys[i], load(keys[i])))
    assert values == [2] * THREADS
    assert loads == {f"E{i}": 1 for i in range(4)}


def test_single_flight_does_not_cache_a_failed_load_and_the_waiters_retry():
    flight: SingleFlight[str, str] = SingleFlight()
    attempts: list[int] = []
    lock = threading.Lock()

    def load() -> str:
        with lock:
            attempts.append(1)
            first = len(attempts) == 1
        time.sleep(0.05)
        if first:
            raise RuntimeError("listing failed")
        return "listing"

    def get(_: int) -> str:
        try:
            return flight.get("E1", load)
        except RuntimeError:
            return "failed"

    results = at_once(THREADS, get)
    assert Counter(results) == {"failed": 1, "listing": THREADS - 1}
    assert len(attempts) == 2


def test_journal_keeps_every_entry_of_64_concurrent_creates_and_settles(tmp_path: Path):
    journal = Journal(tmp_path)
    idents = [
        {"owner": OWNER, "connection": {}, "kind": "mapping", "key": ["E1", f"+1555{i:07d}"]}
        for i in range(THREADS)
    ]
    at_once(THREADS, lambda i: journal.begin(idents[i], f"key-{i}", {"M1"}))
    found = at_once(THREADS, lambda i: journal.find(idents[i]))
    assert [e.idempotency_key for e in found] == [f"key-{i}" for i in range(THREADS)]
    assert not list(journal.directory.glob(".entry-*"))  # no temporary file left behind
    # half settle while the other half begin again (a recovery): none of the others is touched
    at_once(
        THREADS,
        lambda i: (
            journal.settle(idents[i]) if i % 2 else journal.begin(idents[i], f"again-{i}", None)
        ),
    )
    left = [journal.find(ident) for ident in idents]
    assert [e.idempotency_key if e else None for e in left] == [
        None if i % 2 else f"again-{i}" for i in range(THREADS)
    ]


def test_an_unwritable_journal_warns_once_under_64_threads(tmp_path: Path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    journal = Journal(blocked)
    ident = {"owner": OWNER, "connection": {}, "kind": "mapping", "key": []}
    with caplog.at_level(logging.WARNING, logger="pulumi_contextsms"):
        at_once(THREADS, lambda i: journal.begin({**ident, "key": [i]}, f"k{i}", None))
    warnings = [r for r in caplog.records if "creates in flight" in r.getMessage()]
    assert len(warnings) == 1
