"""The body of ``POST /_emulator/seed`` (and of a ``--seed`` file): portal-made accounts.

snake_case and strict like the rest of the operator API; the values are checked as the
APIs check them (E.164 numbers, emails, non-blank text of at most 255 characters).
Which fields a service allows (``default_mms_selection`` and ``mms_enabled`` are
Webex's, a number's ``name`` is Teams') is checked by :mod:`contextsms_emulator.seeding`,
which can name the exact field.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, TypeAdapter

from contextsms_emulator.schemas.operator import OperatorModel
from contextsms_emulator.services import Service
from contextsms_emulator.validation import E164, Email, OptionalText, RequiredText

EpochMs = Annotated[int, Field(ge=0, description="Epoch milliseconds; default: now")]
WEBEX_ONLY = "Webex only"
TEAMS_ONLY = "Teams only"


class SeedNumber(OperatorModel):
    """A phone number mapped to the enterprise's messaging app (a mapping)."""

    phone_number: E164
    messaging_app_id: RequiredText = Field(examples=["webex-bot-12345"])
    mms_enabled: bool | None = Field(default=None, description=f"{WEBEX_ONLY}; default false")
    name: OptionalText = Field(default=None, description=TEAMS_ONLY, examples=["FrontDesk"])
    created_date: EpochMs | None = None


class SeedEnterprise(OperatorModel):
    name: RequiredText = Field(examples=["ABC Marketing Company"])
    contact: RequiredText = Field(examples=["Sarah Johnson"])
    phone_number: E164
    email: Email
    default_mms_selection: bool | None = Field(
        default=None, description=f"{WEBEX_ONLY}; default false"
    )
    created_date: EpochMs | None = None
    numbers: list[SeedNumber] = []


class SeedAccount(OperatorModel):
    """One CSP's enterprises and numbers on one service, as made in the portal."""

    service: Service
    csp_id: str = Field(
        min_length=1,
        max_length=255,
        description="An account's CSP, or (Teams) a CSP already in the database",
        examples=["CSP0000001"],
    )
    enterprises: list[SeedEnterprise] = []


def _shape(value: Any) -> str:
    return "many" if isinstance(value, list) else "one"


SeedBody = Annotated[
    Annotated[SeedAccount, Tag("one")] | Annotated[list[SeedAccount], Tag("many")],
    Discriminator(_shape),
]
"""One account, or a list of them."""
SEED_BODY: TypeAdapter[SeedAccount | list[SeedAccount]] = TypeAdapter(SeedBody)


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            return _inline(definitions[ref.rsplit("/", 1)[1]], definitions)
        return {k: _inline(v, definitions) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


def body_schema() -> dict[str, Any]:
    """The body's JSON Schema with every definition inlined, for the OpenAPI document
    (the route reads its body itself, so field paths in errors can carry indices)."""
    schema = SEED_BODY.json_schema()
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    return inlined
