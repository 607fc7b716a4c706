"""Enterprise: POST /enterprise/{cspId}, GET getenterprise, DELETE deleteenterprise.

Neither API can update an enterprise, so every change of what it is (its fields, its
CSP, its platform) replaces it: the new one is created first, then the old one deleted.
An `adopt_id` is checked in check() (`adoption`): the enterprise's id is then the
resource's output at preview already, so its mappings' adoptions are checked there too.
A change of only the profile name, or of a connection that reaches the same service,
is recorded without a request. Deleted enterprises are soft-deleted by the API: a
refresh that finds ``deleted: true`` reports the enterprise gone.

The specs and the client are imported where they are used: the program process imports
this module for the class alone (measured: the program path adds 0.012 s over the
floor's without pydantic, httpx and libphonenumber, against 0.113 s for check/diff with
them; docs/performance.md, "Start-up"; test_providers_import_cost.py pins it).
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

from .. import session
from ..client.errors import (
    NotFoundError,
)
from ..client.platforms import ENTERPRISE_ONLY
from ..client.validation import validate_email_address, validate_id
from ..failures import failing
from . import create_safety
from .adoption import Adopt, Recreate, check_adoption, enterprise_verdict
from .create_safety import journal_ident, settle
from .inputs import (
    ADOPT_ID,
    NEVER_DIFFED,
    PLATFORM,
    PROFILE,
    changed_fields,
    diff_result,
    field_failures,
    gone,
    is_unknown,
    platform_only_failures,
)
from .listing import Reads
from .provider import ContextSmsProvider, recorded_outputs

if TYPE_CHECKING:
    from ..client.models import Enterprise
    from ..client.specs import EnterpriseSpec

KIND = "Enterprise"
ENTERPRISE_ID = "enterprise_id"
CSP_ID = "csp_id"
EMAIL = "email"
SPEC_FIELDS = ("name", "contact", "phone_number", "email", "default_mms_selection")
INPUTS = (*SPEC_FIELDS, CSP_ID, PROFILE, PLATFORM, *NEVER_DIFFED)
REPLACING = (*SPEC_FIELDS, CSP_ID, PLATFORM)


def _spec(props: dict[str, Any]) -> EnterpriseSpec:
    from ..client.specs import EnterpriseSpec

    return EnterpriseSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})


def _outputs(
    inputs: dict[str, Any], enterprise: Enterprise, where: dict[str, Any]
) -> dict[str, Any]:
    outs = {name: inputs.get(name) for name in INPUTS} | where
    outs.update(
        enterprise_id=enterprise.enterprise_id,
        created_date=enterprise.created_date,
        update_date=enterprise.update_date,
    )
    return outs


def _verdict(reads: Reads, props: dict[str, Any]) -> Adopt[Enterprise] | Recreate:
    """What the adopt_id means (the enterprise is read once per process: check() and
    create() of an adoption)."""
    adopt_id = props[ADOPT_ID]
    wanted = {f: props.get(f) for f in SPEC_FIELDS}
    return enterprise_verdict(adopt_id, wanted, reads.enterprise(adopt_id))


def _ident(props: dict[str, Any]) -> dict[str, Any] | None:
    key = [props.get(CSP_ID), *(props.get(f) for f in ("name", "contact", "phone_number"))]
    return journal_ident("enterprise", props, [*key, str(props.get(EMAIL, "")).casefold()])


def _look_for(props: dict[str, Any]) -> str:
    return (
        f"an enterprise of CSP {props.get(CSP_ID)} named {props.get('name')!r} (contact "
        f"{props.get('contact')!r}, {props.get('phone_number')}, {props.get(EMAIL)})"
    )


def _recovery(props: dict[str, Any], candidates: tuple[str, ...] = ()) -> str:
    example = candidates[0] if len(candidates) == 1 else "E..."
    which = f" (one of {', '.join(candidates)})" if len(candidates) > 1 else ""
    return (
        f"Look in ContextSMS for {_look_for(props)}{which}: if this stack's is there, set "
        f'adopt_id="{example}" on this Enterprise and run `pulumi up` again; if not, run '
        "`pulumi up` again to create it"
    )


class EnterpriseProvider(ContextSmsProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, urn = self.inputs_to_check(olds, news)
        platform, failures = self.resolve(news, inputs)
        if platform is not None:
            failures += platform_only_failures(news, platform, ENTERPRISE_ONLY)
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
        from ..client.specs import EnterpriseSpec

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
                except ValueError as exc:
                    failures.append(CheckFailure(name, str(exc)))
        adopt_id = inputs.get(ADOPT_ID)
        if not failures and adopt_id and not any(is_unknown(inputs.get(f)) for f in SPEC_FIELDS):
            failures += check_adoption(
                inputs,
                urn,
                lambda: _verdict(self.reads(inputs), inputs),
                ENTERPRISE_ID,  # known at preview: its mappings' adoptions are checked there
                f"adopts enterprise {adopt_id} ({inputs.get('name')!r}) as it is in ContextSMS: "
                "nothing is written",
            )
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
            reads = self.reads(props)
            verdict = _verdict(reads, props) if adopt_id else None
            if isinstance(verdict, Adopt):
                enterprise = verdict.record
            else:
                enterprise = create_safety.create_enterprise(
                    reads.client,
                    props[CSP_ID],
                    _spec(props),
                    _ident(props),
                    lambda candidates: _recovery(props, candidates),
                )
                reads.created_enterprise(enterprise.enterprise_id)
        return CreateResult(
            enterprise.enterprise_id, _outputs(props, enterprise, self.where(props))
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with failing(KIND, f"refresh of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            try:
                enterprise = self.client(props).get_enterprise(id_)
            except NotFoundError:
                return gone()
            if enterprise.deleted:
                return gone()
            inputs = self.refreshed_inputs(props, INPUTS, enterprise.model_dump(), SPEC_FIELDS)
            return ReadResult(id_, _outputs(inputs, enterprise, self.where(props)), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only what needs no request reaches here (diff replaces on anything else)."""
        return UpdateResult(recorded_outputs(olds, news, INPUTS, self.where(news)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with failing(KIND, f"delete of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            reads = self.reads(props)
            try:
                reads.client.delete_enterprise(id_)
            except NotFoundError:
                pass
            finally:
                reads.deleted_enterprise(id_)
