"""The records file of ``--load-records FILE``: read it, check it, load it at start-up.

Why a module of its own: it brings back a platform as someone left it, verbatim (ids,
dates, services, soft deletes), which no API and no seed does; seeding
(:mod:`contextsms_emulator.seeding`) makes new records as the portal would.

The file has the shape of ``GET /_emulator/records`` (``csps``, ``enterprises``,
``mappings``, snake_case, every field), so a dump taken from one emulator recreates the
same records, ids, dates and services included, in another. This is how the upgrade
tests bring back the records behind a stack exported by an earlier release.

Dumps made before the two services were separated have no ``service`` field; it is
inferred (:mod:`contextsms_emulator.placement`), and a record it cannot be inferred for
refuses the file with a message that says so.

Ids keep their documented shapes and the sequences continue after the highest one
loaded, so later creates never collide. A record whose id is already stored is left as
stored, which makes a restart with the same flag harmless; any other conflict (a phone
number mapped twice on one service, a mapping of an unknown enterprise or of another
service's enterprise) refuses the whole file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from contextsms_emulator import ids, placement
from contextsms_emulator.records import Csp, Enterprise, Mapping
from contextsms_emulator.services import APP_TYPES, TEAMS
from contextsms_emulator.store import Store


class RecordsFile(BaseModel):
    """The file's content: strict JSON types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)

    csps: list[Csp] = []
    enterprises: list[Enterprise] = []
    mappings: list[Mapping] = []


class RecordsFileError(ValueError):
    """The records file cannot be read, or does not fit the database."""


def read(path: str | Path, *, teams_csps: Iterable[str] = ()) -> RecordsFile:
    """The file's records, each with its service (inferred where the file has none;
    ``teams_csps`` are Teams CSPs already stored, which place enterprises too)."""
    try:
        raw: Any = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise RecordsFileError(f"cannot read records file {path}: {exc}") from None
    except ValueError as exc:  # not JSON, or not UTF-8
        raise RecordsFileError(f"records file {path} is not a records dump: {exc}") from None
    if isinstance(raw, dict):
        unplaced = placement.place(
            raw.get("csps"), raw.get("enterprises"), raw.get("mappings"), teams_csps=teams_csps
        )
        if unplaced:
            raise RecordsFileError(f"records file {path}: {unplaced[0].message()}")
    try:
        return RecordsFile.model_validate_json(json.dumps(raw))
    except ValidationError as exc:
        raise RecordsFileError(f"records file {path} is not a records dump: {exc}") from None


def _check_csp(csp: Csp) -> None:
    if csp.service != TEAMS:
        raise RecordsFileError(f"CSP {csp.csp_id} is a {csp.service} record: only Teams has CSPs")


def _check_mapping(store: Store, mapping: Mapping) -> None:
    owner = store.get_enterprise(mapping.enterprise_id)
    if owner is None or owner.csp_id != mapping.csp_id:
        raise RecordsFileError(
            f"mapping {mapping.mapping_id} belongs to enterprise "
            f"{mapping.enterprise_id} of CSP {mapping.csp_id}, which is not loaded"
        )
    if owner.service != mapping.service:
        raise RecordsFileError(
            f"mapping {mapping.mapping_id} is a {mapping.service} record of "
            f"{owner.service} enterprise {owner.enterprise_id}: both must be of one service"
        )
    if mapping.messaging_app_type != APP_TYPES[mapping.service]:
        raise RecordsFileError(
            f"mapping {mapping.mapping_id} is a {mapping.service} record, so its "
            f"messaging_app_type must be {APP_TYPES[mapping.service]!r}"
        )


def load(store: Store, records: RecordsFile) -> int:
    """Insert the records in one transaction; the number inserted (known ids skipped)."""
    try:
        with store.transaction() as tx:
            inserted = 0
            for csp in records.csps:
                _check_csp(csp)
                seq = ids.sequence_of(csp.csp_id, ids.CSP_PREFIX)
                if store.get_csp(csp.csp_id) is None:
                    store.insert_csp(tx, seq, csp)
                    inserted += 1
                store.raise_seq(tx, "csp", seq)
            for enterprise in records.enterprises:
                seq = ids.sequence_of(enterprise.enterprise_id, ids.ENTERPRISE_PREFIX)
                if store.get_enterprise(enterprise.enterprise_id) is None:
                    store.insert_enterprise(tx, seq, enterprise)
                    inserted += 1
                store.raise_seq(tx, "enterprise", seq)
            for mapping in records.mappings:
                seq = ids.sequence_of(mapping.mapping_id, ids.MAPPING_PREFIX)
                _check_mapping(store, mapping)
                if store.get_mapping(mapping.mapping_id) is None:
                    store.insert_mapping(tx, seq, mapping)
                    inserted += 1
                store.raise_seq(tx, "mapping", seq)
    except RecordsFileError:
        raise
    except ValueError as exc:  # a malformed id
        raise RecordsFileError(str(exc)) from None
    except sqlite3.IntegrityError as exc:  # a phone number already mapped on the service
        raise RecordsFileError(f"records do not fit the database: {exc}") from None
    return inserted
