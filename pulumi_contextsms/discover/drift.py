"""``--check``: the account against the inventory file, one line per difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..inventory import EnterpriseEntry, Inventory, NumberEntry
from .account import Account
from .export import build_inventory, counted, unnamed_numbers
from .target import Target


@dataclass(frozen=True)
class CheckResult:
    """Each difference between the account and the file (empty: they agree), and notes
    that are not differences (Webex numbers under enterprises the check does not cover)."""

    differences: tuple[str, ...]
    notes: tuple[str, ...] = ()
    enterprises: int = 0
    numbers: int = 0


def check_scope(file: Inventory, target: Target, enterprise_ids: Sequence[str]) -> list[str]:
    """The enterprise ids a check reads: the given ones; else on Webex (no enterprise
    list) the file's, and on Teams every enterprise of the CSP (an empty list)."""
    if enterprise_ids or target.platform == "teams":
        return list(enterprise_ids)
    return [e.id for e in _in_csp(file, target).values() if e.id]


def _in_csp(file: Inventory, target: Target) -> dict[str, EnterpriseEntry]:
    return {k: e for k, e in file.enterprises.items() if e.csp_id in (None, target.csp_id)}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


_ENTERPRISE_FIELDS = ("name", "contact", "phone_number", "email", "csp_id", "default_mms_selection")
_NUMBER_FIELDS = ("messaging_app_id", "name", "mms_enabled")


def _differs(path: str, live: Any, mine: Any) -> list[str]:
    """A field that the file sets (unset fields say nothing) and ContextSMS has otherwise."""
    if mine is None or live == mine:
        return []
    return [f"differs: {path}: {_show(live)} in ContextSMS, {_show(mine)} in the file"]


class _Comparison:
    """One --check: the live inventory indexed by enterprise id and number, and what the file
    accounts for (`claimed`), so that the rest is reported as unmanaged."""

    def __init__(self, live: Inventory) -> None:
        self.live = live
        self.enterprises = {e.id: e for e in live.enterprises.values() if e.id}
        # number -> (enterprise id, entry): a number maps once
        self.numbers: dict[str, tuple[str, NumberEntry]] = {}
        for enterprise in live.enterprises.values():
            for number, entry in enterprise.numbers.items():
                self.numbers[number] = (enterprise.id or "", entry)
        self.claimed: set[str] = set()
        self.lines: list[str] = []
        self.notes: list[str] = []

    def enterprise(self, key: str, mine: EnterpriseEntry) -> None:
        path = f"enterprises.{key}"
        if mine.id is None:
            self.lines.append(f"to create: {path} has no id: `pulumi up` will create it")
        elif mine.id not in self.enterprises:
            self.lines.append(f"gone: {path} ({mine.id}) is no longer in ContextSMS")
            return
        else:
            self.claimed.add(mine.id)
            have = self.enterprises[mine.id]
            for name in _ENTERPRISE_FIELDS:
                self.lines += _differs(f"{path}.{name}", getattr(have, name), getattr(mine, name))
        for number, wanted in mine.numbers.items():
            self.number(f"{path}.numbers.{number}", number, wanted, mine.id)

    def number(self, path: str, number: str, mine: NumberEntry, owner: str | None) -> None:
        """Matched by the number, which maps once: after a move or a re-create the
        mapping's id is new, and the file's old id only notes that (ids only matter to
        the first `pulumi up`, which adopts them)."""
        found = self.numbers.get(number)
        if found is None:
            if mine.id is None:
                self.lines.append(f"to create: {path} has no id: `pulumi up` will create it")
            else:
                self.lines.append(f"gone: {path} ({mine.id}) is no longer in ContextSMS")
            return
        enterprise, have = found
        self.claimed.add(have.id or "")
        if mine.id is None:
            self.notes.append(
                f"{path} has no id and ContextSMS maps it as {have.id}: `pulumi up` made it, "
                "or, if no stack manages it, set its id to adopt it"
            )
        elif mine.id != have.id:
            self.notes.append(
                f"{path} is mapped as {have.id}, not {mine.id} (made again since the file "
                "was written, e.g. by a move): `contextsms discover` refreshes the ids"
            )
        self.lines += _differs(f"{path}.enterprise", enterprise, owner)
        for name in _NUMBER_FIELDS:
            self.lines += _differs(f"{path}.{name}", getattr(have, name), getattr(mine, name))

    def unmanaged(self) -> None:
        for enterprise in self.live.enterprises.values():
            if enterprise.id not in self.claimed:
                self.lines.append(
                    f"unmanaged: enterprise {enterprise.id} {enterprise.name!r} is in "
                    "ContextSMS, not in the file"
                )
            for number, entry in enterprise.numbers.items():
                if entry.id not in self.claimed:
                    self.lines.append(
                        f"unmanaged: number {number} ({entry.id}, enterprise {enterprise.id}) "
                        "is in ContextSMS, not in the file"
                    )


def check(
    account: Account, file: Inventory, target: Target, enterprise_ids: Sequence[str] = ()
) -> CheckResult:
    """Compare what lives in the account with the file, one line per difference: records
    the file lacks (unmanaged), records of the file no longer in ContextSMS (gone),
    records the file would create, fields that differ. With `enterprise_ids`, only those
    enterprises on both sides."""
    built = build_inventory(account, target, file)
    scope = set(enterprise_ids)
    comparison = _Comparison(built.inventory)
    for key, mine in _in_csp(file, target).items():
        if not scope or mine.id in scope:
            comparison.enterprise(key, mine)
    comparison.unmanaged()
    notes = [*comparison.notes, *(f"not compared: {line}" for line in built.left_out)]
    if account.unnamed:
        notes.append(
            f"not compared: {counted(len(account.unnamed), 'number')} under other "
            f"enterprises of CSP {target.csp_id} (Webex cannot list enterprises: name them "
            f"with --enterprise): {unnamed_numbers(account)}"
        )
    count = sum(1 for _ in built.inventory.numbers())
    return CheckResult(
        tuple(comparison.lines), tuple(notes), len(built.inventory.enterprises), count
    )
