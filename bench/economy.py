"""Request economy: what one CLI command cost in API requests, from the emulator's log.

Counted from the server side, so the numbers are exact and machine-independent: every
login, read and write the provider made, retries included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RequestCounts:
    total: int
    logins: int
    token_refreshes: int
    reads: int  # GET
    writes: int  # POST/PUT/PATCH/DELETE outside the auth service
    deletes: int

    @classmethod
    def of(cls, log: Iterable[Mapping[str, Any]]) -> RequestCounts:
        entries = [e for e in log if not str(e["path"]).startswith("/_emulator")]
        auth = [e for e in entries if "/auth/" in e["path"]]
        api = [e for e in entries if "/auth/" not in e["path"]]
        return cls(
            total=len(entries),
            logins=sum(e["path"].endswith("/auth/login") for e in auth),
            token_refreshes=sum(e["path"].endswith("/auth/getaccesstoken") for e in auth),
            reads=sum(e["method"] == "GET" for e in api),
            writes=sum(e["method"] in WRITE_METHODS for e in api),
            deletes=sum(e["method"] == "DELETE" for e in api),
        )

    @property
    def other(self) -> int:
        """Requests that are neither a login, a read nor a write (token refreshes...)."""
        return self.total - self.logins - self.reads - self.writes

    def describe(self) -> str:
        """E.g. ``501 writes, 1 login, 0 GET``; zero counts of rarer kinds are left out."""
        if not self.total:
            return "0 requests"
        parts = [f"{self.writes} writes"]
        if self.deletes and self.deletes != self.writes:
            parts[0] += f" ({self.deletes} DELETE)"
        elif self.deletes:
            parts[0] = f"{self.deletes} DELETE"
        parts += [f"{self.logins} login", f"{self.reads} GET"]
        if self.other:
            parts.append(f"{self.other} other")
        return ", ".join(parts)


@dataclass(frozen=True)
class Expected:
    """The requests one command of the benchmark program must cost, by design (1
    enterprise + `n` mappings, one provider process, Idempotency-Key not trusted)."""

    logins: int
    reads: int
    writes: int
    deletes: int

    def matches(self, counts: RequestCounts) -> bool:
        return (
            counts.logins == self.logins
            and counts.reads == self.reads
            and counts.writes == self.writes
            and counts.deletes == self.deletes
            and counts.other == 0
        )


def expected(step: str, n: int, platform: str = "webex") -> Expected:
    """`up` of a new stack: a login, then the enterprise create (on Teams first a listing
    of the CSP's enterprises: the snapshot a lost create is reconciled against), then the
    N mapping creates (no listing first: nobody else knew the new enterprise's id);
    `refresh`: a login, the enterprise, one listing of its mappings; `destroy`: a login and
    N+1 deletes."""
    if step == "up":
        return Expected(logins=1, reads=1 if platform == "teams" else 0, writes=n + 1, deletes=0)
    if step == "refresh":
        return Expected(logins=1, reads=2, writes=0, deletes=0)
    if step == "destroy":
        return Expected(logins=1, reads=0, writes=n + 1, deletes=n + 1)
    raise ValueError(f"no request model for {step!r}")
