"""An account's enterprises and numbers as data: the inventory file (``contextsms.yaml``).

`contextsms discover` writes one from what lives in ContextSMS; `declare_inventory`
declares it in a Pulumi program: one `Enterprise` per entry (named by its key) and one
`NumberMapping` per number (named by the number), adopting the records with an ``id``.

```yaml
platform: webex                    # optional: the API the ids belong to
enterprises:
  abc-marketing-company:           # the Enterprise's resource name
    id: E0000123                   # adopt this enterprise (no id: create one)
    name: ABC Marketing Company
    contact: Sarah Johnson
    phone_number: "+15551234567"
    email: sarah@abcmarketing.com
    csp_id: CSP0000001             # optional: contextsms:cspId
    default_mms_selection: true    # Webex only
    numbers:
      "+15551234567":              # the NumberMapping's resource name
        id: NTMAP0000456           # adopt this mapping (no id: create one)
        messaging_app_id: webex-bot-12345
        mms_enabled: true          # Webex only
        name: FrontDesk            # Teams only
```

Everything is checked here, before any request, and each problem names the file, the
entry and the fix. YAML is read without implicit numbers (``+15551234567`` needs no
quotes) and a key written twice is an error (YAML alone keeps the last one silently).
Several sources merge in order (a base file, then a stack's overlay): an overlay's
entry changes the fields it sets, and ``null`` removes an enterprise or a number.
No Pulumi import: the discover command reads and writes the same format.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml  # type: ignore[import-untyped]  # PyYAML: the Pulumi SDK's own dependency
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, ValidationError

from .client.errors import InvalidInputError
from .client.platforms import ENTERPRISE_ONLY, MAPPING_ONLY
from .client.specs import E164PhoneNumber, NonEmptyStr, how_to_fix
from .client.validation import validate_e164, validate_id
from .failures import InventoryError

__all__ = [
    "EnterpriseEntry",
    "Inventory",
    "InventoryError",
    "NumberEntry",
    "Source",
    "dump",
    "load",
]

Source = str | os.PathLike[str] | Mapping[str, Any]
"""A file (YAML), or the inventory as a dict."""

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
PLATFORMS = ("webex", "teams")


def _id(value: str) -> str:
    return validate_id(value, "id")


Id = Annotated[str, AfterValidator(_id)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class NumberEntry(_Entry):
    """One number of an enterprise: a `NumberMapping` named by the number."""

    id: Id | None = None
    messaging_app_id: NonEmptyStr
    name: NonEmptyStr | None = None
    mms_enabled: bool | None = None


class EnterpriseEntry(_Entry):
    """One enterprise: an `Enterprise` named by its key, and its numbers."""

    id: Id | None = None
    name: NonEmptyStr
    contact: NonEmptyStr
    phone_number: E164PhoneNumber
    email: EmailStr
    csp_id: Id | None = None
    default_mms_selection: bool | None = None
    numbers: dict[str, NumberEntry] = {}


class Inventory(_Entry):
    """The enterprises of one account on one platform, by resource key."""

    platform: Literal["webex", "teams"] | None = None
    enterprises: dict[str, EnterpriseEntry] = {}

    def numbers(self) -> Iterator[tuple[str, str, NumberEntry]]:
        """(enterprise key, E.164 number, entry) for every number."""
        for key, enterprise in self.enterprises.items():
            for number, entry in enterprise.numbers.items():
                yield key, number, entry


# -- reading YAML -------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML without implicit ints and floats (a phone number stays text), refusing a key
    written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"{key} is written twice (also on line {seen[key] + 1}): keep one",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith((":int", ":float"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InventoryError(
            [
                f"{path}: no such file: write it with `contextsms discover --out {path}`, or fix "
                "the path (relative to the project's directory)"
            ]
        ) from None
    except OSError as exc:
        raise InventoryError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InventoryError([f"{path}{where}: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise InventoryError([f"{path}: not YAML ({exc})"]) from None


# -- merging sources ----------------------------------------------------------------------


class _Merged:
    """The sources merged, remembering which source last set each enterprise and number
    (so a problem is reported against the file it came from)."""

    def __init__(self) -> None:
        self.platform: Any = None
        self.enterprises: dict[str, Any] = {}
        self.origins: dict[tuple[str, ...], str] = {}
        self.problems: list[str] = []

    def add(self, raw: Any, label: str) -> None:
        if raw is None:
            return  # an empty file
        if not isinstance(raw, Mapping):
            self.problems.append(f"{label}: expected a mapping with `enterprises:` at the top")
            return
        unknown = sorted(str(k) for k in raw if k not in ("platform", "enterprises"))
        if unknown:
            self.problems.append(
                f"{label}: unknown top-level key {', '.join(unknown)}: the keys are "
                "platform and enterprises"
            )
        if "platform" in raw:
            self.platform = raw["platform"]
            self.origins[("platform",)] = label
        enterprises = raw.get("enterprises") or {}
        if not isinstance(enterprises, Mapping):
            self.problems.append(f"{label}: enterprises must map resource keys to enterprises")
            return
        for key, entry in enterprises.items():
            self._add_enterprise(str(key), entry, label)

    def _add_enterprise(self, key: str, entry: Any, label: str) -> None:
        if entry is None:
            self.enterprises.pop(key, None)
            return
        if not isinstance(entry, Mapping):
            self.problems.append(f"{label}: enterprises.{key}: expected the enterprise's fields")
            return
        merged = dict(self.enterprises.get(key) or {})
        numbers = dict(merged.get("numbers") or {})
        for field, value in entry.items():
            if field != "numbers":
                merged[str(field)] = value
        given = entry.get("numbers")
        if isinstance(given, Mapping):
            for number, fields in given.items():
                name = str(number)
                self.origins[(key, name)] = label
                if fields is None:
                    numbers.pop(name, None)
                elif isinstance(fields, Mapping) and isinstance(numbers.get(name), Mapping):
                    numbers[name] = {**numbers[name], **fields}
                else:
                    numbers[name] = fields
        elif given is not None:
            merged["numbers"] = given  # not a mapping: validation reports it
        if isinstance(given, Mapping) or given is None:
            merged["numbers"] = numbers
        self.enterprises[key] = merged
        self.origins[(key,)] = label

    def origin(self, *path: str) -> str:
        return self.origins.get(path) or self.origins.get(path[:1]) or "inventory"


# -- validating ---------------------------------------------------------------------------


def _source_of(loc: tuple[str, ...], merged: _Merged) -> str:
    """The source of the entry at `loc` (enterprises, KEY[, numbers, NUMBER], field)."""
    if loc[:1] != ("enterprises",) or len(loc) < 2:
        return merged.origin("platform")
    if len(loc) >= 4 and loc[2] == "numbers":
        return merged.origin(loc[1], loc[3])
    return merged.origin(loc[1])


def _problem(error: Any, loc: tuple[str, ...], merged: _Merged) -> str:
    path = ".".join(loc)
    label = _source_of(loc, merged)
    kind = error["type"]
    field = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        return f"{label}: {path}: unknown key {field!r}: remove it, or fix its spelling"
    message = str(error["msg"]).removeprefix("Value error, ")
    fix = how_to_fix(error)
    text = f"{label}: {path}: {message.rstrip('.')}"
    return f"{text}; {fix}" if fix else text


def _structure_problems(inventory: Inventory, merged: _Merged) -> list[str]:
    problems = []
    owners: dict[str, str] = {}
    for key in inventory.enterprises:
        if not KEY_PATTERN.match(key):
            problems.append(
                f"{merged.origin(key)}: enterprises.{key}: a resource key uses letters, digits, "
                "'.', '_' and '-' (at most 100, starting with a letter or digit): rename it"
            )
    for key, number, _entry in inventory.numbers():
        where = f"{merged.origin(key, number)}: enterprises.{key}.numbers.{number}"
        try:
            validate_e164(number)
        except InvalidInputError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if number in owners:
            problems.append(
                f"{where}: {number} is also listed under enterprises.{owners[number]}: a number "
                "maps once; keep it under one enterprise"
            )
        owners.setdefault(number, key)
    return problems


def _platform_problems(inventory: Inventory, merged: _Merged, platform: str) -> list[str]:
    problems = []
    declared = inventory.platform
    if declared is not None and declared != platform:
        problems.append(
            f"{merged.origin('platform')}: platform is {declared}, but these resources use "
            f"contextsms:platform={platform}: its ids belong to the other API; discover this "
            "account again with this stack's settings, or declare it with a profile of "
            f"platform {declared}"
        )
    other = "Teams" if platform == "webex" else "Webex"
    for key, enterprise in inventory.enterprises.items():
        for field, only in ENTERPRISE_ONLY.items():
            if only.value != platform and getattr(enterprise, field) is not None:
                problems.append(
                    f"{merged.origin(key)}: enterprises.{key}.{field} belongs to the {other} "
                    f"API; this inventory is declared on {platform}: remove it"
                )
        for number, entry in enterprise.numbers.items():
            for field, only in MAPPING_ONLY.items():
                if only.value != platform and getattr(entry, field) is not None:
                    problems.append(
                        f"{merged.origin(key, number)}: enterprises.{key}.numbers.{number}."
                        f"{field} belongs to the {other} API; this inventory is declared on "
                        f"{platform}: remove it"
                    )
    return problems


def load(*sources: Source, platform: str | None = None) -> Inventory:
    """The inventory of `sources` merged in order, checked for `platform` (webex or teams;
    None: the file's own `platform`, if it says). Raises `InventoryError`."""
    merged = _Merged()
    for source in sources:
        if isinstance(source, Mapping):
            merged.add(source, "inventory")
        else:
            merged.add(_read(Path(source)), str(source))
    if merged.problems:
        raise InventoryError(merged.problems)
    raw: dict[str, Any] = {"enterprises": merged.enterprises}
    if merged.platform is not None:
        raw["platform"] = merged.platform
    try:
        inventory = Inventory.model_validate(raw)
    except ValidationError as exc:
        raise InventoryError(
            [_problem(error, tuple(map(str, error["loc"])), merged) for error in exc.errors()]
        ) from None
    problems = _structure_problems(inventory, merged)
    wanted = platform or inventory.platform
    if wanted is not None:
        problems += _platform_problems(inventory, merged, wanted)
    if problems:
        raise InventoryError(problems)
    return inventory


# -- writing ------------------------------------------------------------------------------


def dump(inventory: Inventory, header: str = "") -> str:
    """The inventory as YAML, after `header` written as comment lines."""
    body = yaml.safe_dump(
        inventory.model_dump(exclude_none=True, exclude_defaults=False),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + str(body)
