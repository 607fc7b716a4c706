"""Accounts as if made in the ContextSMS portal over the years: ``POST /_emulator/seed``
and ``--seed FILE``.

Real accounts hold records no stack made: enterprises and numbers a CSP set up in the
portal long before infrastructure as code. Seeding makes such records, on one service
each, so adoption, imports and scale can be tested against them. The body is checked
as the APIs check theirs, and the whole body is refused (nothing written) at the first
problem, whose ``details.field`` is a path such as
``enterprises[2].numbers[0].phone_number`` (``[1].enterprises...`` in a list body).
Everything is written in one transaction with one multi-row insert per table, so a few
thousand numbers take a fraction of a second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contextsms_emulator import clock, errors, ids
from contextsms_emulator.accounts import AccountRegistry
from contextsms_emulator.errors import DUPLICATE_MAPPING, ApiError
from contextsms_emulator.records import Enterprise, Mapping
from contextsms_emulator.schemas.seed import SEED_BODY, SeedAccount
from contextsms_emulator.services import API_NAMES, APP_TYPES, TEAMS, WEBEX, Service
from contextsms_emulator.store import Store

Loc = tuple[int | str, ...]
"""Where a problem is: the account's index in the body first, then the fields down."""
Namer = Callable[[Loc], str]

FOREIGN_FIELDS: dict[Service, dict[str, frozenset[str]]] = {
    WEBEX: {"enterprise": frozenset(), "number": frozenset({"name"})},
    TEAMS: {
        "enterprise": frozenset({"default_mms_selection"}),
        "number": frozenset({"mms_enabled"}),
    },
}
"""Per service, the fields of the other service's API that its records cannot take."""


class SeedFileError(ValueError):
    """A ``--seed`` file cannot be read, or does not fit the database."""


def path_of(loc: Sequence[int | str]) -> str:
    """``("enterprises", 2, "numbers", 0, "phone_number")`` → ``enterprises[2].numbers[0].
    phone_number``; a leading index is ``[1].``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def namer(single: bool) -> Namer:
    """How a body names its fields: a single object without the account index."""
    return lambda loc: path_of(loc[1:] if single else loc)


def parse(body: bytes) -> tuple[list[SeedAccount], bool]:
    """The accounts of a JSON body (one object or a list), and whether it was one object.

    Raises the 400 ApiError of the first invalid field.
    """
    try:
        parsed = SEED_BODY.validate_json(body)
    except ValidationError as exc:

        def name(loc: Sequence[int | str]) -> str | None:
            # the union's tag first ("one" or "many"), then the path
            rest = tuple(loc[1:])
            return path_of(rest) or None

        raise errors.validation_error(exc.errors(), name) from None
    if isinstance(parsed, SeedAccount):
        return [parsed], True
    return parsed, False


class Seeder:
    def __init__(self, store: Store, accounts: AccountRegistry) -> None:
        self._store = store
        self._accounts = accounts

    def seed(self, accounts: Sequence[SeedAccount], name: Namer) -> dict[str, list[Any]]:
        """Create the accounts' records in one transaction; what was created, in the shape
        of ``GET /_emulator/records``. Raises the ApiError of the first problem."""
        with self._store.transaction() as tx:
            return self._create(tx, accounts, name)

    def seed_files(self, paths: Iterable[str | Path]) -> dict[str, list[Any]]:
        """Seed every file, in order and all in one transaction (``--seed`` at start-up)."""
        created: dict[str, list[Any]] = {"csps": [], "enterprises": [], "mappings": []}
        with self._store.transaction() as tx:
            for path in paths:
                try:
                    accounts, single = parse(Path(path).read_bytes())
                    made = self._create(tx, accounts, namer(single))
                except OSError as exc:
                    raise SeedFileError(f"cannot read seed file {path}: {exc}") from None
                except ApiError as exc:
                    field = (exc.details or {}).get("field")
                    where = f" (field {field})" if field else ""
                    raise SeedFileError(f"seed file {path}: {exc.message}{where}") from None
                for kind, records in made.items():
                    created[kind] += records
        return created

    # --- checks -------------------------------------------------------------------------

    def _check_csp(self, account: SeedAccount, loc: Loc, name: Namer) -> None:
        csp_id = account.csp_id
        if csp_id in self._accounts.csp_ids():
            return
        if account.service == WEBEX:
            message = f"CSP {csp_id} is not an account's CSP: the Webex Bot API has no other"
        elif csp_id not in self._store.csp_ids(TEAMS):
            message = f"CSP {csp_id} is neither an account's CSP nor a Teams CSP in the database"
        else:
            return
        raise errors.bad_request(message, name((*loc, "csp_id")))

    @staticmethod
    def _check_fields(
        service: Service, kind: str, fields_set: set[str], loc: Loc, name: Namer
    ) -> None:
        foreign = sorted(fields_set & FOREIGN_FIELDS[service][kind])
        if foreign:
            raise errors.bad_request(
                f"Field '{foreign[0]}' is not part of the {API_NAMES[service]}",
                name((*loc, foreign[0])),
            )

    def _check(self, accounts: Sequence[SeedAccount], name: Namer) -> dict[Service, dict[str, Loc]]:
        """Every check that needs no write, in body order; the numbers by service."""
        numbers: dict[Service, dict[str, Loc]] = {WEBEX: {}, TEAMS: {}}
        for a, account in enumerate(accounts):
            service = account.service
            self._check_csp(account, (a,), name)
            for e, enterprise in enumerate(account.enterprises):
                at: Loc = (a, "enterprises", e)
                self._check_fields(service, "enterprise", enterprise.model_fields_set, at, name)
                for n, number in enumerate(enterprise.numbers):
                    where: Loc = (*at, "numbers", n)
                    self._check_fields(service, "number", number.model_fields_set, where, name)
                    first = numbers[service].get(number.phone_number)
                    if first is not None:
                        raise errors.bad_request(
                            f"Phone number {number.phone_number} is in the body twice "
                            f"(first at {name(first)}): a number maps once per service",
                            name((*where, "phone_number")),
                        )
                    numbers[service][number.phone_number] = where
        return numbers

    # --- writing ------------------------------------------------------------------------

    def _create(
        self, tx: sqlite3.Connection, accounts: Sequence[SeedAccount], name: Namer
    ) -> dict[str, list[Any]]:
        """Check, then insert, inside the caller's transaction ``tx``."""
        numbers = self._check(accounts, name)
        for service, where in numbers.items():
            taken = self._store.mapped_numbers(tx, service, where)
            for phone, loc in where.items():
                if phone in taken:
                    raise ApiError(
                        409,
                        DUPLICATE_MAPPING,
                        f"Phone number {phone} is already mapped on the {API_NAMES[service]}",
                        {"field": name((*loc, "phone_number"))},
                    )
        now = clock.now_ms()
        enterprise_seqs = iter(
            self._store.reserve_seqs(tx, "enterprise", sum(len(a.enterprises) for a in accounts))
        )
        mapping_seqs = iter(
            self._store.reserve_seqs(tx, "mapping", sum(len(w) for w in numbers.values()))
        )
        enterprises: list[tuple[int, Enterprise]] = []
        mappings: list[tuple[int, Mapping]] = []
        for account in accounts:
            for seed in account.enterprises:
                seq = next(enterprise_seqs)
                made = seed.created_date if seed.created_date is not None else now
                enterprise = Enterprise(
                    enterprise_id=ids.enterprise_id(seq),
                    csp_id=account.csp_id,
                    name=seed.name,
                    contact=seed.contact,
                    phone_number=seed.phone_number,
                    email=seed.email,
                    default_mms_selection=bool(seed.default_mms_selection),
                    deleted=False,
                    created_date=made,
                    update_date=made,
                    service=account.service,
                )
                enterprises.append((seq, enterprise))
                for number in seed.numbers:
                    mapped = number.created_date if number.created_date is not None else now
                    mapping_seq = next(mapping_seqs)
                    mapping = Mapping(
                        mapping_id=ids.mapping_id(mapping_seq),
                        enterprise_id=enterprise.enterprise_id,
                        csp_id=account.csp_id,
                        phone_number=number.phone_number,
                        messaging_app_type=APP_TYPES[account.service],
                        messaging_app_id=number.messaging_app_id,
                        mms_enabled=bool(number.mms_enabled),
                        name=number.name,
                        created_date=mapped,
                        update_date=mapped,
                        service=account.service,
                    )
                    mappings.append((mapping_seq, mapping))
        self._store.insert_enterprises(tx, enterprises)
        self._store.insert_mappings(tx, mappings)
        return {
            "csps": [],
            "enterprises": [asdict(e) for _, e in enterprises],
            "mappings": [asdict(m) for _, m in mappings],
        }
