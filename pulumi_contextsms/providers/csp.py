"""Csp (Teams only): POST /csp.

The Teams API can create a CSP but cannot read, update, delete or look one up. So a
refresh keeps the recorded values; a change of its fields would register a new CSP and
leave the old one in ContextSMS, which check() refuses unless the program says
``allow_reregistration=True``; delete removes the CSP from the stack while leaving it
in ContextSMS (recorded in the `retained_on_delete` output so it shows in every
state); and ``adopt_id`` takes over a CSP as given, since nothing can verify it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ..client.platforms import Platform
from ..client.validation import validate_id
from ..failures import Refusal, failing
from . import create_safety
from .create_safety import journal_ident, settle
from .inputs import (
    ADOPT_ID,
    CONNECTION,
    NEVER_DIFFED,
    PLATFORM,
    PROFILE,
    changed_fields,
    diff_result,
    field_failures,
    is_unknown,
)
from .provider import ContextSmsProvider, recorded_outputs

if TYPE_CHECKING:
    pass

KIND = "Csp"
ALLOW_REREGISTRATION = "allow_reregistration"
# CspSpec's fields (a test keeps them equal), named here so that importing the class
# loads no pydantic model
SPEC_FIELDS = (
    *("email", "name", "carrier", "house_number", "street_name", "city", "state_code", "zip"),
    *("country", "location_id", "sub_account_id", "authorizing_person_name"),
)
INPUTS = (*SPEC_FIELDS, PROFILE, PLATFORM, ALLOW_REREGISTRATION, *NEVER_DIFFED)
REPLACING = (*SPEC_FIELDS, PLATFORM)


def _ident(props: dict[str, Any]) -> dict[str, Any] | None:
    return journal_ident("csp", props, [props.get("name"), str(props.get("email", "")).casefold()])


def _recovery(props: dict[str, Any]) -> str:
    return (
        f"Look in ContextSMS for a CSP named {props.get('name')!r} ({props.get('email')}): "
        'if it is there, set adopt_id="CSP..." on this Csp and run `pulumi up` again; if not, '
        "run `pulumi up` again to register it"
    )


def _reregistration_failures(olds: dict[str, Any], news: dict[str, Any]) -> list[CheckFailure]:
    if not olds or news.get(ALLOW_REREGISTRATION) is True:
        return []
    return [
        CheckFailure(
            name,
            f"changing {name} would register a new CSP, and the CSP registered now would stay "
            "in ContextSMS (the Teams Platform API cannot change or delete a CSP); keep "
            f"{name} as it was, or set {ALLOW_REREGISTRATION}=True to register a new CSP anyway",
        )
        for name in changed_fields(olds, news, SPEC_FIELDS)
        if not is_unknown(news.get(name))
    ]


class CspProvider(ContextSmsProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, _urn = self.inputs_to_check(olds, news)
        platform, failures = self.resolve(news, inputs)
        if platform is not None and platform is not Platform.TEAMS:
            failures.append(
                CheckFailure(
                    PROFILE,
                    "Csp needs the Teams Platform API (contextsms:platform=teams); "
                    "the Webex Bot API has no CSP endpoint",
                )
            )
        from ..client.specs import CspSpec  # pydantic: check() only, never the program

        failures += field_failures(CspSpec, news, SPEC_FIELDS)
        failures += _reregistration_failures(olds, news)
        adopt_id = inputs.get(ADOPT_ID)
        if adopt_id is not None and not is_unknown(adopt_id):
            try:
                validate_id(adopt_id, ADOPT_ID)
            except ValueError as exc:
                failures.append(CheckFailure(ADOPT_ID, str(exc)))
        return CheckResult(inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with failing(KIND, f"plan of {id_}", news.get(PROFILE)):
            self.check_connection_change(id_, olds, news)
        settle(_ident(olds))
        replaces = changed_fields(olds, news, REPLACING)
        return diff_result(replaces, replaces, dbr=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        adopt_id = props.get(ADOPT_ID)
        action = f"adopt of {adopt_id}" if adopt_id else f"create of {props.get('name')!r}"
        with failing(KIND, action, props.get(PROFILE)):
            if adopt_id:
                from ..client.models import Csp  # pydantic: create() only, never the program

                csp = Csp(csp_id=adopt_id, name=props.get("name"), email=props.get("email"))
            else:
                from ..client.specs import CspSpec  # check() loaded it; the program never does

                spec = CspSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})
                csp = create_safety.create_csp(
                    self.client(props), spec, _ident(props), _recovery(props)
                )
            if not csp.csp_id:
                raise Refusal(f"the API registered {props.get('name')!r} but returned no cspId")
        outs = {name: props.get(name) for name in INPUTS} | self.where(props)
        outs.update(csp_id=csp.csp_id, retained_on_delete=True)
        return CreateResult(csp.csp_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # No endpoint reads a CSP: keep what was recorded.
        with failing(KIND, f"refresh of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            inputs = self.refreshed_inputs(props, INPUTS)
            outs = {k: v for k, v in props.items() if k not in ("__provider", CONNECTION)}
            outs.update(self.where(props))
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only what needs no request reaches here (diff replaces on anything else)."""
        return UpdateResult(recorded_outputs(olds, news, INPUTS, self.where(news)))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """The API cannot delete a CSP: it stays in ContextSMS, only the stack forgets it."""
        settle(_ident(props))
