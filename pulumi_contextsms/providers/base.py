"""What every ContextSMS dynamic provider shares: configure, validation, diffing.

Provider objects are pickled into state by reference (their classes live in this
installed package), so they carry no attributes at all: settings and clients live in
`session`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from pulumi.dynamic import CheckFailure, ConfigureRequest, DiffResult, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN
from pydantic import BaseModel, ValidationError

from ..client import ContextSmsClient
from ..client.errors import ConfigurationError, ContextSmsError
from ..client.settings import Platform
from ..config import StackSettings
from . import session

PROFILE = "profile"
PLATFORM = "platform"
ADOPT_ID = "adopt_id"


def is_unknown(value: Any) -> bool:
    """True for a value not known yet (a preview of something computed): an `Unknown`
    in check() and diff(), the UNKNOWN sentinel string elsewhere."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def known(props: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The named inputs that are set and known."""
    return {n: props[n] for n in names if props.get(n) is not None and not is_unknown(props[n])}


def field_failures(
    model: type[BaseModel], props: Mapping[str, Any], names: Iterable[str]
) -> list[CheckFailure]:
    """Validate the known inputs against `model`; one failure per bad field.

    Fields whose value is unknown during preview are skipped, not reported missing.
    """
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


# How to fix each kind of pydantic error, so that every failure says what to do.
_FIXES = {
    "string_too_short": "give it a non-empty value",
    "string_too_long": "shorten it to at most {max_length} characters",
    "string_type": "pass it as a string",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
}
_EMAIL_ERROR = "value is not a valid email address"
_EMAIL_FIX = "use an address like name@example.com"


def _reason(field: str, error: Any) -> str:
    if error["type"] == "missing":
        return f"{field} is required: pass {field}=..."
    message = str(error["msg"]).removeprefix("Value error, ")
    fix = _FIXES.get(error["type"])
    if fix is None and message.startswith(_EMAIL_ERROR):
        fix = _EMAIL_FIX
    if fix is None:
        return f"{field}: {message}"
    return f"{field}: {message.rstrip('.')}; {fix.format(**error.get('ctx', {}))}"


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


def diff_result(
    changes: list[str], replaces: list[str], stables: list[str], *, dbr: bool
) -> DiffResult:
    return DiffResult(
        changes=bool(changes),
        replaces=replaces,
        stables=stables if not replaces else [],
        delete_before_replace=dbr if replaces else None,
    )


def fail(kind: str, action: str, exc: ContextSmsError, hint: str | None = None) -> NoReturn:
    """Raise one clear line naming the resource kind, what failed, and how to fix it."""
    message = f"{kind}: {action} failed: {exc}"
    if hint:
        message += f". {hint}"
    raise ContextSmsError(message) from exc


class ContextSmsProvider(ResourceProvider):
    """Base of the ContextSMS dynamic providers."""

    serialize_as_secret_always = False  # the pickle holds no secret: keep state readable

    def configure(self, req: ConfigureRequest) -> None:
        session.configure(StackSettings.from_config(req.config.get))

    @staticmethod
    def client(props: Mapping[str, Any]) -> ContextSmsClient:
        return session.client(props.get(PROFILE))

    @staticmethod
    def resolve_platform(props: Mapping[str, Any]) -> tuple[Platform | None, list[CheckFailure]]:
        """The platform of the resource's profile, with failures for bad settings.

        The whole connection is checked here (bases, credentials) so that `pulumi preview`
        reports a bad configuration before any HTTP call.
        """
        profile = props.get(PROFILE)
        if is_unknown(profile):
            return None, []
        try:
            return session.connection(profile).platform, []
        except ConfigurationError as exc:
            return None, [CheckFailure(PROFILE, str(exc))]
