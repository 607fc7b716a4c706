"""`contextsms discover`: what lives in a ContextSMS account, as an inventory.

Resellers hold hundreds of enterprises and thousands of numbers made in the portal
before any stack existed. This module reads them and turns them into an
`inventory.Inventory` whose records `declare_inventory` adopts, or compares them with an
inventory file (``--check``) to show drift that a stack cannot see. It sends only the
login and GETs, never a write. No printing and no files: `cli` does those; the client
is passed in, so tests can count and fake its calls.

Requests (docs/discover.md): one login, then on Teams the CSP's enterprise list and one
mapping list per enterprise; on Webex, which cannot list enterprises, one GET and one
mapping list per named enterprise plus the CSP's mapping pages (to report the numbers of
enterprises not named). At most `MAX_WORKERS` run at once.
"""

from __future__ import annotations

import re
import textwrap
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .client.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ContextSmsError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from .client.validation import validate_e164, validate_id
from .config import StackSettings, explain, key_for
from .failures import describe, one_line
from .inventory import KEY_PATTERN, EnterpriseEntry, Inventory, NumberEntry

if TYPE_CHECKING:
    from .client.client import ContextSmsClient
    from .client.models import Enterprise, NumberMapping
    from .client.settings import ConnectionSettings

__all__ = [
    "INVENTORY_FILE",
    "MAX_WORKERS",
    "PROGRAM_FILE",
    "Account",
    "CheckResult",
    "DiscoverError",
    "Found",
    "Target",
    "build_inventory",
    "check",
    "counted",
    "enterprise_key",
    "explain_failure",
    "header",
    "program",
    "read_account",
    "resolve_target",
    "stack_settings",
    "unnamed_numbers",
]

MAX_WORKERS = 16
"""Listings sent at once: well under the client's 100 connections, and few enough that
a real service is not flooded by one command."""
INVENTORY_FILE = "contextsms.yaml"
PROGRAM_FILE = "__main__.py"
MAX_KEY_LENGTH = 60
"""A slug's length: room for ``-<enterprise id>`` within the inventory's 100."""

Progress = Callable[[int, int, int], None]
"""`progress(enterprises read, enterprises to read, numbers read)`, from any thread."""


class DiscoverError(Exception):
    """Discovery cannot go on: one line saying what failed and how to fix it."""


# -- where to read --------------------------------------------------------------------------


def _pulumi_error(exc: Exception) -> str:
    """The CLI's own ``error:`` lines of an Automation API `CommandError`."""
    text = str(exc).split("stderr:", 1)[-1]
    errors = [line.strip() for line in text.splitlines() if line.strip().startswith("error:")]
    return one_line(" ".join(errors) or text).removeprefix("error: ")


def _stack_config(stack: str, work_dir: Path) -> dict[str, Any]:
    """The stack's config, decrypted, by full key (the Automation API runs the CLI)."""
    from pulumi import automation  # slow to import: only with --stack

    try:
        config = automation.select_stack(stack_name=stack, work_dir=str(work_dir))
        values = config.get_all_config()
    except automation.StackNotFoundError:
        raise DiscoverError(
            f"no stack named {stack!r} in the Pulumi project in {work_dir}: "
            "`pulumi stack ls` lists its stacks"
        ) from None
    except automation.CommandError as exc:
        reason = _pulumi_error(exc)
        if "no Pulumi.yaml project file found" in reason:
            raise DiscoverError(
                f"--stack needs a Pulumi project and {work_dir} has none (no Pulumi.yaml): "
                "run discover in the project's directory, or leave out --stack to read the "
                "CONTEXTSMS_* environment variables"
            ) from None
        raise DiscoverError(
            f"the config of stack {stack!r} cannot be read: {reason}: fix what the Pulumi "
            f"CLI says (`pulumi config --stack {stack}` shows the same)"
        ) from None
    except FileNotFoundError:
        raise DiscoverError(
            "--stack needs the Pulumi CLI and `pulumi` is not on PATH: install it, or leave "
            "out --stack to read the CONTEXTSMS_* environment variables"
        ) from None
    return {key: item.value for key, item in values.items()}


def stack_settings(stack: str | None, work_dir: Path, environ: Mapping[str, str]) -> StackSettings:
    """The provider's settings: the stack's ``contextsms:*`` config (with `stack`) over
    the ``CONTEXTSMS_*`` environment, exactly as `StackSettings.from_config` reads them."""
    if stack is None:
        return StackSettings.from_config(lambda key: None, environ=environ)
    config = _stack_config(stack, work_dir)
    return StackSettings.from_config(config.get, environ=environ)


@dataclass(frozen=True)
class Target:
    """The checked connection and CSP a discovery reads, and what named them."""

    connection: ConnectionSettings
    csp_id: str
    stack: str | None = None
    profile: str | None = None

    @property
    def platform(self) -> str:
        return self.connection.platform.value

    def describe(self) -> str:
        """``webex http://.../api/v1, CSP CSP0000001, stack dev, profile prod``."""
        where = f"{self.platform} {self.connection.api_base}, CSP {self.csp_id}"
        if self.stack:
            where += f", stack {self.stack}"
        if self.profile:
            where += f", profile {self.profile}"
        return where


def resolve_target(
    settings: StackSettings,
    profile: str | None,
    csp_id: str | None,
    stack: str | None = None,
) -> Target:
    """The connection for `profile` and the CSP (`csp_id`, else the settings' cspId).
    The settings' own rules apply: production is never chosen by default."""
    try:
        connection = settings.connection(profile)
        csp = csp_id or settings.csp_id(profile)
        if csp is None:
            raise ConfigurationError(
                "no CSP to discover: pass --csp-id or set {csp_id}", setting="csp_id", missing=True
            )
        csp = validate_id(csp, key_for("csp_id", profile))
    except ConfigurationError as exc:
        message = str(explain(exc, profile))
        if profile and stack is None and "is not defined in" in message:
            message += "; profiles live in a stack's config: pass --stack"
        raise DiscoverError(message) from None
    except InvalidInputError as exc:
        raise DiscoverError(str(exc)) from None
    return Target(connection, csp, stack, profile)


def explain_failure(exc: ContextSmsError, target: Target | None) -> str:
    """A client error as one line with its fix, in the settings' own keys."""
    profile = target.profile if target else None
    text = one_line(describe(exc, profile))
    if isinstance(exc, AuthenticationError):
        return text  # the client's own fix, and `describe` names the keys
    if isinstance(exc, PermissionDeniedError):
        return (
            f"{text}: this user may not read that; discover a CSP it owns "
            f"(--csp-id, {key_for('csp_id', profile)})"
        )
    if isinstance(exc, APIConnectionError):
        base = "api_base"
        if target and not exc.url.startswith(target.connection.api_base):
            base = "auth_base"  # the Webex auth service
        return f"{text}: check {key_for(base, profile)} and that the service is reachable"
    if isinstance(exc, APIStatusError) and exc.request_id:
        return f"{text}: run it again; if it persists, give support the requestId"
    if isinstance(exc, APIError):
        return f"{text}: run it again"
    return text


# -- reading the account --------------------------------------------------------------------


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


# -- the inventory ----------------------------------------------------------------------------


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


# -- what to write --------------------------------------------------------------------------


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


# -- --check ----------------------------------------------------------------------------------


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
