"""Csp (Teams only): POST /csp.

The Teams API can create a CSP but cannot read, update or delete one. So a refresh
keeps the recorded values, any input change registers a new CSP, and delete removes
the CSP from the stack while leaving it in ContextSMS (documented, and recorded in the
`retained_on_delete` output so it shows in every state).
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult

from ..client.errors import ContextSmsError
from ..client.models import CspSpec
from ..client.settings import Platform
from .base import (
    PLATFORM,
    PROFILE,
    ContextSmsProvider,
    changed_fields,
    diff_result,
    fail,
    field_failures,
)

KIND = "Csp"
SPEC_FIELDS = tuple(CspSpec.model_fields)
INPUTS = (*SPEC_FIELDS, PROFILE, PLATFORM)


class CspProvider(ContextSmsProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        platform, failures = self.resolve_platform(news)
        if platform is not None:
            inputs[PLATFORM] = platform.value
            if platform is not Platform.TEAMS:
                failures.append(
                    CheckFailure(
                        PROFILE,
                        "Csp needs the Teams Platform API (contextsms:platform=teams); "
                        "the Webex Bot API has no CSP endpoint",
                    )
                )
        failures += field_failures(CspSpec, news, SPEC_FIELDS)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_fields(olds, news, INPUTS)
        return diff_result(changes, changes, ["csp_id"], dbr=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = CspSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})
        try:
            csp = self.client(props).create_csp(spec)
        except ContextSmsError as exc:
            fail(KIND, f"create of {spec.name}", exc)
        if not csp.csp_id:
            raise ContextSmsError(f"{KIND}: the API created {spec.name} but returned no cspId")
        outs = {name: props.get(name) for name in INPUTS}
        outs.update(csp_id=csp.csp_id, retained_on_delete=True)
        return CreateResult(csp.csp_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # No endpoint reads a CSP: keep what was recorded.
        outs = {k: v for k, v in props.items() if k != "__provider"}
        return ReadResult(id_, outs, {name: props.get(name) for name in INPUTS})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """The API cannot delete a CSP: it stays in ContextSMS, only the stack forgets it."""
