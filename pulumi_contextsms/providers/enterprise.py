"""Enterprise: POST /enterprise/{cspId}, GET getenterprise, DELETE deleteenterprise.

Neither API can update an enterprise, so every input change replaces it (create the new
one first, then delete the old). Deleted enterprises are soft-deleted by the API: a
refresh that finds ``deleted: true`` reports the enterprise gone.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult

from ..client.errors import ContextSmsError, NotFoundError
from ..client.models import Enterprise, EnterpriseSpec
from ..client.settings import Platform
from ..client.validation import validate_email_address, validate_id
from . import session
from .adoption import mismatches
from .base import (
    ADOPT_ID,
    PLATFORM,
    PROFILE,
    ContextSmsProvider,
    changed_fields,
    diff_result,
    fail,
    field_failures,
    is_unknown,
    platform_only_failures,
)

KIND = "Enterprise"
CSP_ID = "csp_id"
EMAIL = "email"
SPEC_FIELDS = ("name", "contact", "phone_number", "email", "default_mms_selection")
INPUTS = (*SPEC_FIELDS, CSP_ID, PROFILE, PLATFORM, ADOPT_ID)
REPLACING = (*SPEC_FIELDS, CSP_ID, PROFILE, PLATFORM)
PLATFORM_ONLY = {"default_mms_selection": Platform.WEBEX}
GONE = ReadResult(id_="", outs={})


def _spec(props: dict[str, Any]) -> EnterpriseSpec:
    return EnterpriseSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})


def _outputs(inputs: dict[str, Any], enterprise: Enterprise) -> dict[str, Any]:
    outs = {name: inputs.get(name) for name in INPUTS}
    outs.update(
        enterprise_id=enterprise.enterprise_id,
        created_date=enterprise.created_date,
        update_date=enterprise.update_date,
    )
    return outs


class EnterpriseProvider(ContextSmsProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        platform, failures = self.resolve_platform(news)
        if platform is not None:
            inputs[PLATFORM] = platform.value
            failures += platform_only_failures(news, platform, PLATFORM_ONLY)
            if news.get(CSP_ID) is None:
                default = session.settings().csp_id(news.get(PROFILE))
                if default is None:
                    failures.append(
                        CheckFailure(
                            CSP_ID,
                            "csp_id is required: pass csp_id=... or set a default with "
                            "`pulumi config set contextsms:cspId CSP...`",
                        )
                    )
                inputs[CSP_ID] = default
        failures += field_failures(EnterpriseSpec, news, SPEC_FIELDS)
        email = news.get(EMAIL)
        if isinstance(email, str) and all(f.property != EMAIL for f in failures):
            # The API stores the normalised address (domain lower-cased): so must the
            # state, or every refresh would turn into a replacement.
            inputs[EMAIL] = validate_email_address(email)
        for name in (CSP_ID, ADOPT_ID):
            value = inputs.get(name)
            if value is not None and not is_unknown(value):
                try:
                    validate_id(value, name)
                except ContextSmsError as exc:
                    failures.append(CheckFailure(name, str(exc)))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_fields(olds, news, REPLACING)
        return diff_result(changes, changes, ["enterprise_id", "created_date"], dbr=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client(props)
        adopt_id = props.get(ADOPT_ID)
        try:
            if adopt_id:
                enterprise = self._adopt(adopt_id, props)
            else:
                enterprise = client.create_enterprise(props[CSP_ID], _spec(props))
        except ContextSmsError as exc:
            fail(KIND, "create", exc)
        return CreateResult(enterprise.enterprise_id, _outputs(props, enterprise))

    def _adopt(self, enterprise_id: str, props: dict[str, Any]) -> Enterprise:
        try:
            found = self.client(props).get_enterprise(enterprise_id)
        except NotFoundError as exc:
            fail(KIND, f"adopting {enterprise_id}", exc, "Check adopt_id")
        if found.deleted:
            raise ContextSmsError(f"{KIND}: cannot adopt {enterprise_id}: it is deleted")
        wanted = {f: props.get(f) for f in SPEC_FIELDS}
        differences = mismatches(wanted, found.model_dump())
        if differences:
            raise ContextSmsError(
                f"{KIND}: adopt_id {enterprise_id} does not match the program: "
                f"{'; '.join(differences)}. Change the program to match the existing "
                "enterprise (adoption never changes it), or remove adopt_id to create a new one"
            )
        return found

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            enterprise = self.client(props).get_enterprise(id_)
        except NotFoundError:
            return GONE
        except ContextSmsError as exc:
            fail(KIND, f"refresh of {id_}", exc)
        if enterprise.deleted:
            return GONE
        inputs = {name: props.get(name) for name in INPUTS}
        current = enterprise.model_dump()
        for name in SPEC_FIELDS:
            # Only inputs the program sets are refreshed: an unset optional input must
            # not turn into a diff because the API reports its default.
            if inputs.get(name) is not None and current.get(name) is not None:
                inputs[name] = current[name]
        return ReadResult(id_, _outputs(inputs, enterprise), inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client(props).delete_enterprise(id_)
        except NotFoundError:
            return
        except ContextSmsError as exc:
            fail(KIND, f"delete of {id_}", exc)
