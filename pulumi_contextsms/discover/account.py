"""Reading the account: only the login and GETs, at most `MAX_WORKERS` at once (Teams:
the CSP's enterprise list and each one's mappings; Webex: the named enterprises, and
the CSP's mapping pages to report what lives under the others)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..client.errors import (
    NotFoundError,
)
from ..failures import one_line

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.models import Enterprise, NumberMapping

from ..failures import DiscoverError
from .target import MAX_WORKERS, Progress


@dataclass(frozen=True)
class Found:
    """An enterprise as the API returned it, with its mappings."""

    enterprise: Enterprise
    mappings: tuple[NumberMapping, ...]


@dataclass(frozen=True)
class Account:
    """What one discovery read."""

    enterprises: tuple[Found, ...]
    missing: tuple[str, ...] = ()
    """Ids asked for that the API does not have (or has deleted): only when lenient."""
    unnamed: tuple[NumberMapping, ...] | None = None
    """Webex: the CSP's mappings under enterprises not read. None on Teams."""
    every_enterprise: bool = False
    """True when `enterprises` are all of the CSP's (Teams, no ids given)."""


class _Counter:
    """Progress across worker threads."""

    def __init__(self, total: int, report: Progress | None) -> None:
        self._lock = threading.Lock()
        self._report = report
        self.total, self.done, self.numbers = total, 0, 0
        self._emit()

    def _emit(self) -> None:
        if self._report is not None:
            self._report(self.done, self.total, self.numbers)

    def add(self, numbers: int) -> None:
        with self._lock:
            self.done += 1
            self.numbers += numbers
            self._emit()


def _results(futures: Sequence[Future[Any]]) -> list[Any]:
    """Every result in order; on the first failure the tasks not started are dropped."""
    try:
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def _not_in_csp(ids: Sequence[str], csp_id: str) -> DiscoverError:
    which = f"enterprise {ids[0]} is" if len(ids) == 1 else f"enterprises {', '.join(ids)} are"
    return DiscoverError(
        f"{which} not among the enterprises of CSP {csp_id}: check the ids given to "
        "--enterprise (without it, discover reads every enterprise of the CSP)"
    )


def _read_teams(
    client: ContextSmsClient,
    csp_id: str,
    ids: Sequence[str],
    lenient: bool,
    progress: Progress | None,
) -> Account:
    live = [e for e in client.list_enterprises(csp_id) if not e.deleted]
    by_id = {e.enterprise_id: e for e in live}
    missing = tuple(i for i in ids if i not in by_id)
    if missing and not lenient:
        raise _not_in_csp(missing, csp_id)
    chosen = [by_id[i] for i in ids if i in by_id] if ids else live
    counter = _Counter(len(chosen), progress)

    def mappings(enterprise: Enterprise) -> Found:
        found = Found(enterprise, tuple(client.list_mappings(enterprise.enterprise_id)))
        counter.add(len(found.mappings))
        return found

    with ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="discover") as pool:
        results = _results([pool.submit(mappings, e) for e in chosen])
    return Account(tuple(results), missing, None, every_enterprise=not ids)


def _read_webex(
    client: ContextSmsClient,
    csp_id: str,
    ids: Sequence[str],
    lenient: bool,
    progress: Progress | None,
) -> Account:
    counter = _Counter(len(ids), progress)

    def read(enterprise_id: str) -> Found | None:
        try:
            enterprise = client.get_enterprise(enterprise_id)
        except NotFoundError as exc:
            if lenient:
                counter.add(0)
                return None
            raise DiscoverError(
                f"enterprise {enterprise_id} does not exist for this user ({one_line(str(exc))}): "
                "check the id given to --enterprise"
            ) from None
        if enterprise.deleted:
            if lenient:
                counter.add(0)
                return None
            raise DiscoverError(
                f"enterprise {enterprise_id} was deleted in ContextSMS: leave it out of "
                "--enterprise"
            )
        found = Found(enterprise, tuple(client.list_mappings(enterprise_id)))
        counter.add(len(found.mappings))
        return found

    with ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="discover") as pool:
        pages = pool.submit(client.list_all_csp_mappings, csp_id)
        results: list[Found | None] = _results([pool.submit(read, i) for i in ids])
        every = _results([pages])[0]
    found = tuple(f for f in results if f is not None)
    missing = tuple(i for i, f in zip(ids, results, strict=True) if f is None)
    named = {m.mapping_id for f in found for m in f.mappings}
    unnamed = tuple(m for m in every if m.mapping_id not in named)
    return Account(found, missing, unnamed)


def read_account(
    client: ContextSmsClient,
    csp_id: str,
    enterprise_ids: Sequence[str] = (),
    *,
    lenient: bool = False,
    progress: Progress | None = None,
) -> Account:
    """The CSP's enterprises (Teams: all of them, or `enterprise_ids`; Webex: exactly
    `enterprise_ids`) and their mappings. An id that does not exist raises
    `DiscoverError`, or with `lenient` (``--check``) is listed in `Account.missing`.
    Client errors propagate (`explain_failure` words them)."""
    ids = list(dict.fromkeys(enterprise_ids))
    client.authenticate()  # one login, before the threads: bad credentials fail once
    if client.platform.value == "teams":
        return _read_teams(client, csp_id, ids, lenient, progress)
    return _read_webex(client, csp_id, ids, lenient, progress)
