"""What discover writes: the inventory (stable keys), its header and the program that
declares it."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..client.errors import (
    InvalidInputError,
)
from ..client.validation import validate_e164
from ..inventory import KEY_PATTERN, EnterpriseEntry, Inventory, NumberEntry

if TYPE_CHECKING:
    from ..client.models import NumberMapping

from .account import Account, Found
from .target import INVENTORY_FILE, MAX_KEY_LENGTH, Target


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:MAX_KEY_LENGTH].rstrip("-") or "enterprise"


def enterprise_key(name: str, enterprise_id: str, taken: Iterable[str]) -> str:
    """A stable resource key from the name; ``-<id>`` appended when already `taken`."""
    used = set(taken)
    key = _slug(name)
    if key in used:
        key = f"{key}-{enterprise_id.lower()}"
    base, n = key, 2
    while key in used or not KEY_PATTERN.match(key):
        key, n = f"{base}-{n}", n + 1  # only for ids that make no key of their own
    return key


def _reason(exc: ValidationError | InvalidInputError) -> str:
    if isinstance(exc, InvalidInputError):
        return str(exc)
    error = exc.errors()[0]
    where = ".".join(map(str, error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _number_entry(mapping: NumberMapping, platform: str) -> NumberEntry:
    validate_e164(mapping.phone_number or "")
    fields: dict[str, Any] = {
        "id": mapping.mapping_id,
        "messaging_app_id": mapping.messaging_app_id,
    }
    if platform == "teams" and mapping.name:
        fields["name"] = mapping.name
    if platform == "webex" and mapping.mms_enabled is not None:
        fields["mms_enabled"] = mapping.mms_enabled
    return NumberEntry.model_validate(fields)


def _enterprise_fields(found: Found, target: Target) -> dict[str, Any]:
    enterprise = found.enterprise
    fields: dict[str, Any] = {
        "id": enterprise.enterprise_id,
        "name": enterprise.name,
        "contact": enterprise.contact,
        "phone_number": enterprise.phone_number,
        "email": enterprise.email,
        "csp_id": target.csp_id,
    }
    if target.platform == "webex" and enterprise.default_mms_selection is not None:
        fields["default_mms_selection"] = enterprise.default_mms_selection
    return fields


@dataclass(frozen=True)
class Built:
    """An inventory, and the records left out of it (one line each, with the reason)."""

    inventory: Inventory
    left_out: tuple[str, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    """Enterprise id -> its key in `inventory`."""


def build_inventory(account: Account, target: Target, previous: Inventory | None = None) -> Built:
    """The account as an inventory: keys kept from `previous` (the file being
    rewritten) for the ids it has, new keys from the names otherwise (never one of
    `previous`'s); enterprises sorted by key, numbers by number. A record the inventory
    cannot hold (not E.164, no email) is left out and reported, rather than failing the
    whole discovery."""
    kept = {e.id: key for key, e in (previous.enterprises if previous else {}).items() if e.id}
    left_out: list[str] = []
    entries: dict[str, tuple[dict[str, Any], dict[str, NumberEntry]]] = {}
    owners: dict[str, str] = {}
    for found in sorted(account.enterprises, key=lambda f: f.enterprise.enterprise_id):
        enterprise_id = found.enterprise.enterprise_id
        fields = _enterprise_fields(found, target)
        numbers: dict[str, NumberEntry] = {}
        for mapping in sorted(found.mappings, key=lambda m: m.phone_number or ""):
            number = mapping.phone_number or ""
            try:
                entry = _number_entry(mapping, target.platform)
            except (ValidationError, InvalidInputError) as exc:
                left_out.append(
                    f"number {number or '(none)'} ({mapping.mapping_id}) of enterprise "
                    f"{enterprise_id}: {_reason(exc)}"
                )
                continue
            if number in owners:
                left_out.append(
                    f"number {number} ({mapping.mapping_id}) of enterprise {enterprise_id}: "
                    f"also mapped under enterprise {owners[number]}"
                )
                continue
            owners[number] = enterprise_id
            numbers[number] = entry
        entries[enterprise_id] = (fields, numbers)

    keys: dict[str, str] = {i: kept[i] for i in entries if i in kept}
    # every key of the previous file stays reserved: one of an enterprise not read this
    # time, given to another, would turn it into that other one (a replacement)
    taken = set(previous.enterprises if previous else ()) | set(keys.values())
    for enterprise_id, (fields, _) in entries.items():
        if enterprise_id not in keys:
            key = enterprise_key(str(fields["name"] or ""), enterprise_id, taken)
            keys[enterprise_id] = key
            taken.add(key)
    enterprises: dict[str, EnterpriseEntry] = {}
    for enterprise_id, key in sorted(keys.items(), key=lambda item: item[1]):
        fields, numbers = entries[enterprise_id]
        try:
            enterprises[key] = EnterpriseEntry.model_validate({**fields, "numbers": {}})
        except ValidationError as exc:
            left_out.append(f"enterprise {enterprise_id} ({fields['name']!r}): {_reason(exc)}")
            continue
        enterprises[key] = enterprises[key].model_copy(update={"numbers": numbers})
    kept_keys = {i: k for i, k in keys.items() if k in enterprises}
    inventory = Inventory.model_validate({"platform": target.platform, "enterprises": enterprises})
    return Built(inventory, tuple(left_out), kept_keys)


def counted(count: int, noun: str) -> str:
    """``1 enterprise``, ``2 enterprises``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def unnamed_numbers(account: Account) -> str:
    """The numbers under enterprises not named (Webex), sorted, comma-separated."""
    return ", ".join(sorted(m.phone_number or m.mapping_id for m in account.unnamed or ()))


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, width=96, subsequent_indent="  ", break_on_hyphens=False)


def header(built: Built, account: Account, target: Target, now: datetime | None = None) -> str:
    """The inventory file's header comment: what, from where, when, what was not
    named, and how to use it."""
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    inventory = built.inventory
    count = sum(1 for _ in inventory.numbers())
    lines = [
        "The ContextSMS records of an account, written by `contextsms discover`.",
        *_wrapped(
            f"Discovered {when} (UTC): {counted(len(inventory.enterprises), 'enterprise')}, "
            f"{counted(count, 'number')}, from {target.describe()}."
        ),
    ]
    if account.unnamed:
        lines += _wrapped(
            f"Not named: {counted(len(account.unnamed), 'number')} under other enterprises of CSP "
            f"{target.csp_id} (the Webex Bot API cannot list enterprises: add them with "
            f"--enterprise ID): {unnamed_numbers(account)}."
        )
    for line in built.left_out:
        lines += _wrapped(f"Left out (the inventory cannot hold it): {line}.")
    lines += [
        *_wrapped(
            "Use: `pulumi up` of a program that declares this file "
            "(contextsms.declare_inventory) adopts every record with an `id`: nothing is "
            "written to ContextSMS. Entries without an `id` are created. A key is a "
            "resource's name: renaming one replaces the resource."
        ),
        *_wrapped(
            "`contextsms discover --check` shows what changed in ContextSMS since; the "
            "format is described in pulumi_contextsms/inventory.py."
        ),
    ]
    return "\n".join(lines)


def program(profile: str | None) -> str:
    """The ``__main__.py`` of a Pulumi project that declares the inventory file."""
    args = f'"{INVENTORY_FILE}"' + (f", profile={profile!r}" if profile else "")
    return (
        f'"""Declares the ContextSMS records of {INVENTORY_FILE}: written by `contextsms '
        "discover`.\n\n"
        "`pulumi up` adopts every record with an `id` (nothing is written to ContextSMS)\n"
        f"and creates the entries without one. Edit {INVENTORY_FILE}, not this file;\n"
        "`contextsms discover --check` shows what changed in ContextSMS since.\n"
        '"""\n\n'
        "import pulumi_contextsms as contextsms\n\n"
        f"contextsms.declare_inventory({args})\n"
    )
