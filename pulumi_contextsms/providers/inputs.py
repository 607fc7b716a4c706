"""The inputs every ContextSMS provider shares, and the helpers that check and diff them.

Every provider adds `platform` (the resolved profile's platform) to the inputs in
check(), next to the resource's own `owner` (the stack that declares it). The record's
service is recorded in its outputs: `platform` and `api_base` (its connection, so that a
stack whose settings later reach another service is told so instead of losing its
records). It is not an input: the settings decide it, not the program, and diff()
resolves the settings' connection itself (`provider.recorded_connection` reads every
form state holds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure, DiffResult, ReadResult
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ..client.platforms import Platform

if TYPE_CHECKING:
    from pydantic import BaseModel

PROFILE = "profile"
PLATFORM = "platform"
API_BASE = "api_base"
# The record's connection as earlier development builds recorded it, in inputs and
# outputs alike: {"platform": ..., "api_base": ...}. Read, never written.
CONNECTION = "connection"
OWNER = "owner"
ADOPT_ID = "adopt_id"
# The declaring resource's URN, passed for check() to attach messages to; never recorded.
RESOURCE_URN = "resource_urn"
# Inputs that never cause a diff: who declared the record, how it was taken over.
NEVER_DIFFED = (OWNER, ADOPT_ID)
# Nor do the profile's name and the connection it reaches (checked apart): records
# follow the service they live on, recorded in `platform` and `api_base`.


def is_unknown(value: Any) -> bool:
    """True for a value not known yet (a preview of something computed): an `Unknown`
    in check() and diff(), the UNKNOWN sentinel string elsewhere."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def known(props: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The named inputs that are set and known."""
    return {n: props[n] for n in names if props.get(n) is not None and not is_unknown(props[n])}


def gone() -> ReadResult:
    """A read result saying the record no longer exists (a fresh object each time: the
    SDK writes into a result's outputs)."""
    return ReadResult(id_="", outs={})


def field_failures(
    model: type[BaseModel], props: Mapping[str, Any], names: Iterable[str]
) -> list[CheckFailure]:
    """Validate the known inputs against `model`; one failure per bad field.

    Fields whose value is unknown during preview are skipped, not reported missing.
    """
    from pydantic import ValidationError  # loaded by `model` already: check() only

    names = list(names)
    unknown = {n for n in names if is_unknown(props.get(n))}
    try:
        model.model_validate(known(props, names))
    except ValidationError as exc:
        failures: dict[str, CheckFailure] = {}
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else ""
            if loc in unknown or loc in failures:
                continue
            failures[loc] = CheckFailure(loc, _reason(loc, error))
        return list(failures.values())
    return []


def _reason(field: str, error: Any) -> str:
    # the specs are loaded by check() already; the program path never loads them
    # (pydantic: test_providers_import_cost.py pins it)
    from ..client.specs import how_to_fix

    if error["type"] == "missing":
        return f"{field} is required: pass {field}=..."
    message = str(error["msg"]).removeprefix("Value error, ")
    fix = how_to_fix(error)
    return f"{field}: {message}" if fix is None else f"{field}: {message.rstrip('.')}; {fix}"


def platform_only_failures(
    props: Mapping[str, Any], platform: Platform, only: Mapping[str, Platform]
) -> list[CheckFailure]:
    """Failures for inputs that belong to the other platform's API."""
    failures = []
    for name, owner in only.items():
        value = props.get(name)
        # an unknown value may still resolve to None: check() sees it again at `up`
        if owner is not platform and value is not None and not is_unknown(value):
            failures.append(
                CheckFailure(
                    name,
                    f"{name} belongs to the {owner.value} API; this resource uses "
                    f"contextsms:platform={platform.value}, which has no such field: remove it",
                )
            )
    return failures


def changed_fields(
    olds: Mapping[str, Any], news: Mapping[str, Any], names: Iterable[str]
) -> list[str]:
    """The inputs among `names` whose value differs (an unknown new value differs)."""
    return [n for n in names if is_unknown(news.get(n)) or olds.get(n) != news.get(n)]


def diff_result(changes: list[str], replaces: list[str], *, dbr: bool) -> DiffResult:
    return DiffResult(
        changes=bool(changes),
        replaces=replaces,
        delete_before_replace=dbr if replaces else None,
    )
