"""Login accounts: parsed from ``--user EMAIL:PASSWORD:CSPID[:ROLE]``, kept hashed.

An account belongs to one CSP (its tenant) and has one role: ``CSP_ADMIN`` may read and
write, ``CSP_BUSINESS`` may only read. Accounts are configuration, not data: they come
from the command line on every start and ``/_emulator/reset`` keeps them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

Role = Literal["CSP_ADMIN", "CSP_BUSINESS"]
ROLES: Final[tuple[Role, ...]] = ("CSP_ADMIN", "CSP_BUSINESS")

DEMO_USER: Final = "demo@contextsms.test"
DEMO_PASSWORD: Final = "demo-password"
DEMO_CSP_ID: Final = "CSP0000001"

# scrypt cost kept low on purpose: this is a local emulator and a login must not stall
# the event loop; the point is only that no plain password is ever held or logged.
_SCRYPT_N: Final = 2**12
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One ``--user`` entry before hashing."""

    username: str
    password: str = field(repr=False)
    csp_id: str
    role: Role = "CSP_ADMIN"

    @classmethod
    def parse(cls, text: str) -> AccountSpec:
        """Parse ``EMAIL:PASSWORD:CSPID[:ROLE]``; the password may itself contain colons."""
        parts = text.split(":")
        role: Role = "CSP_ADMIN"
        if len(parts) >= 4 and parts[-1] in ROLES:
            role = parts.pop()  # type: ignore[assignment]
        if len(parts) < 3:
            raise ValueError("expected EMAIL:PASSWORD:CSPID[:ROLE]")
        username, csp_id = parts[0].strip(), parts[-1].strip()
        password = ":".join(parts[1:-1])
        if not username or not password or not csp_id:
            raise ValueError("EMAIL, PASSWORD and CSPID must all be non-empty")
        return cls(username=username, password=password, csp_id=csp_id, role=role)


DEMO_ACCOUNT: Final = AccountSpec(DEMO_USER, DEMO_PASSWORD, DEMO_CSP_ID, "CSP_ADMIN")


@dataclass(frozen=True, slots=True)
class Account:
    """A hashed account; ``username`` is the spelling given on the command line."""

    username: str
    csp_id: str
    role: Role
    salt: bytes = field(repr=False)
    password_hash: bytes = field(repr=False)

    @property
    def can_write(self) -> bool:
        return self.role == "CSP_ADMIN"


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )


class AccountRegistry:
    """Accounts by case-insensitive username, with constant-time password checks."""

    def __init__(self, specs: tuple[AccountSpec, ...]) -> None:
        self._accounts: dict[str, Account] = {}
        for spec in specs:
            salt = secrets.token_bytes(16)
            account = Account(
                spec.username, spec.csp_id, spec.role, salt, _hash(spec.password, salt)
            )
            self._accounts[spec.username.casefold()] = account
        self._dummy_salt = secrets.token_bytes(16)

    def get(self, username: str) -> Account | None:
        return self._accounts.get(username.casefold())

    def verify(self, username: str, password: str) -> Account | None:
        """The account if the password matches; unknown users cost the same hash."""
        account = self.get(username)
        salt = account.salt if account else self._dummy_salt
        candidate = _hash(password, salt)
        if account and hmac.compare_digest(candidate, account.password_hash):
            return account
        return None

    def csp_ids(self) -> frozenset[str]:
        """Every account's own CSP: these IDs are never handed out by ``POST /csp``."""
        return frozenset(a.csp_id for a in self._accounts.values())

    def __iter__(self) -> Iterator[Account]:
        return iter(self._accounts.values())
