"""`adopt_id`: taking over a record that already exists, on the first create only.

The rules (README, "Bring an existing account under Pulumi"):

- `adopt_id` acts only while its resource is not in the stack yet: check() drops it
  from a resource the stack already has, so a replacement, a move to another enterprise
  or a re-create never adopts a stale id, and never fails after its delete for one.
- The record must be visible and match every input the program sets; otherwise the plan
  fails before anything is written (at preview, when the enterprise id is known by
  then), naming each difference. Adoption writes nothing.
- A record that is gone is created anew, with a warning: a mapping no longer listed in
  its enterprise while its number is free there, or an enterprise soft-deleted. That is
  how a record deleted in the portal comes back under an inventory that still names it.
- A number mapped in the enterprise under another id is not taken silently: the plan
  fails naming that id, which the user may adopt instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pulumi.dynamic import CheckFailure

from ..client.errors import ContextSmsError
from ..failures import Refusal, describe
from . import diagnostics
from .inputs import ADOPT_ID, PROFILE

if TYPE_CHECKING:
    from ..client.models import Enterprise, NumberMapping

__all__ = [
    "Adopt",
    "Recreate",
    "check_adoption",
    "enterprise_verdict",
    "mapping_verdict",
    "mismatches",
]

R = TypeVar("R")


@dataclass(frozen=True)
class Adopt(Generic[R]):
    """The record exists and matches: the stack takes it as it is."""

    record: R


@dataclass(frozen=True)
class Recreate:
    """The record the id named is gone: the resource is created instead."""

    reason: str


def mismatches(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """One phrase per input the program sets that the record does not share."""
    return [
        f"{name} is {actual.get(name)!r} in ContextSMS but {value!r} in the program"
        for name, value in wanted.items()
        if value is not None and actual.get(name) != value
    ]


def _refuse_differences(adopt_id: str, what: str, differences: list[str]) -> None:
    if differences:
        raise Refusal(
            f"adopt_id {adopt_id} does not match the program: {'; '.join(differences)}. "
            f"Change the program to match the existing {what} (adoption never changes it), "
            "or remove adopt_id"
        )


def mapping_verdict(
    adopt_id: str,
    enterprise_id: str,
    wanted: Mapping[str, Any],
    listing: Mapping[str, NumberMapping],
) -> Adopt[NumberMapping] | Recreate:
    """What adopting mapping `adopt_id` of `enterprise_id` means, given its listing."""
    found = listing.get(adopt_id)
    if found is not None:
        _refuse_differences(adopt_id, "mapping", mismatches(wanted, found.model_dump()))
        return Adopt(found)
    number = wanted.get("phone_number")
    holder = next((m for m in listing.values() if m.phone_number == number), None)
    if holder is not None:
        raise Refusal(
            f"adopt_id {adopt_id} is not a mapping of enterprise {enterprise_id}, but "
            f"{number} is mapped there by {holder.mapping_id} (messaging app "
            f"{holder.messaging_app_id!r}): to take that one over, set "
            f'adopt_id="{holder.mapping_id}"'
        )
    return Recreate(
        f"adopt_id {adopt_id} is no longer a mapping of enterprise {enterprise_id} and "
        f"{number} is not mapped there (deleted outside Pulumi?): it will be created"
    )


def enterprise_verdict(
    adopt_id: str, wanted: Mapping[str, Any], found: Enterprise | None
) -> Adopt[Enterprise] | Recreate:
    """What adopting enterprise `adopt_id` means, given what GET getenterprise answered."""
    if found is None:
        raise Refusal(
            f"no enterprise {adopt_id} is visible to this account: check adopt_id (it must "
            "be an enterprise of a CSP this account manages, on this platform)"
        )
    if found.deleted:
        return Recreate(
            f"adopt_id {adopt_id} was deleted in ContextSMS: a new enterprise will be created"
        )
    _refuse_differences(adopt_id, "enterprise", mismatches(wanted, found.model_dump()))
    return Adopt(found)


def check_adoption(
    inputs: dict[str, Any],
    urn: str | None,
    judge: Callable[[], Adopt[Any] | Recreate],
    output: str,
    adopts: str,
) -> list[CheckFailure]:
    """check() of a resource not in the stack that carries `adopt_id`, before anything
    is written (at preview): the verdict is said on the resource (`adopts`, or why it
    will create instead), and the adopted id becomes the `output` preview shows; a
    refusal, or a record that cannot be read, is a failure on `adopt_id`."""
    adopt_id, profile = inputs[ADOPT_ID], inputs.get(PROFILE)
    try:
        verdict = judge()
    except Refusal as exc:
        return [CheckFailure(ADOPT_ID, str(exc))]
    except ContextSmsError as exc:
        reason = f"could not check adopt_id {adopt_id}: {describe(exc, profile)}"
        return [CheckFailure(ADOPT_ID, reason)]
    if isinstance(verdict, Adopt):
        inputs[output] = adopt_id  # the engine previews a create's checked inputs as outputs
        diagnostics.info(urn, adopts)
    else:
        diagnostics.warn(urn, verdict.reason)
    return []
