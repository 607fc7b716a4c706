"""NumberMapping: POST /mapping/add/{enterpriseId}, list by enterprise, PUT, DELETE.

A phone number maps once across the platform, so a replacement deletes the old
mapping before creating the new one. Webex has no update endpoint (every change of
what the mapping is replaces it); Teams updates in place with a partial PUT, and
replaces only on a move to another enterprise. Because the delete comes first, diff()
refuses a replacement whose create it can already see failing (the target enterprise
is gone, the number is mapped there under another id): a number left unmapped is an
outage. A change of only the profile name, or of a connection that reaches the same
service, is recorded without a request. Neither API reads a mapping by id: refresh,
adoption and that check list the enterprise's mappings once per provider process
(`listing`).

The specs (pydantic, libphonenumber) and the client are imported where they are used:
the program process imports this module for the class alone (measured: the program path
adds 0.012 s over the floor's without them, against 0.113 s for check/diff with them;
docs/performance.md, "Start-up"; test_providers_import_cost.py pins it).
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ..client.errors import (
    NotFoundError,
)
from ..client.platforms import MAPPING_ONLY, Platform
from ..client.validation import validate_id
from ..failures import Refusal, failing
from . import create_safety
from .adoption import Adopt, Recreate, check_adoption, mapping_verdict
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
from .provider import ContextSmsProvider, recorded_outputs

if TYPE_CHECKING:
    from ..client.models import NumberMapping
    from ..client.specs import MappingSpec

KIND = "NumberMapping"
ENTERPRISE_ID = "enterprise_id"
MAPPING_ID = "mapping_id"
APP_TYPE = "messaging_app_type"
SPEC_FIELDS = ("phone_number", APP_TYPE, "messaging_app_id", "mms_enabled", "name")
INPUTS = (ENTERPRISE_ID, *SPEC_FIELDS, PROFILE, PLATFORM, *NEVER_DIFFED)
COMPARED = (ENTERPRISE_ID, *SPEC_FIELDS, PLATFORM)
# Teams can PUT these; anything else in COMPARED replaces.
TEAMS_UPDATABLE = ("phone_number", APP_TYPE, "messaging_app_id", "name")
APP_TYPES = {Platform.WEBEX: "Webex", Platform.TEAMS: "Teams"}


def _spec(props: dict[str, Any]) -> MappingSpec:
    from ..client.specs import MappingSpec

    return MappingSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})


def _wanted(props: dict[str, Any]) -> dict[str, Any]:
    return {f: props.get(f) for f in SPEC_FIELDS}


def _outputs(
    inputs: dict[str, Any], mapping: NumberMapping, where: dict[str, Any]
) -> dict[str, Any]:
    outs = {name: inputs.get(name) for name in INPUTS} | where
    outs[MAPPING_ID] = mapping.mapping_id
    return outs


def _ident(props: dict[str, Any]) -> dict[str, Any] | None:
    return journal_ident("mapping", props, [props.get(ENTERPRISE_ID), props.get("phone_number")])


class NumberMappingProvider(ContextSmsProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, urn = self.inputs_to_check(olds, news)
        platform, failures = self.resolve(news, inputs)
        if platform is not None:
            failures += platform_only_failures(news, platform, MAPPING_ONLY)
            expected = APP_TYPES[platform]
            app_type = news.get(APP_TYPE)
            if app_type is None:
                inputs[APP_TYPE] = expected
            elif not is_unknown(app_type) and app_type != expected:
                failures.append(
                    CheckFailure(
                        APP_TYPE,
                        f"messaging_app_type must be {expected!r} on contextsms:platform="
                        f"{platform.value}, got {app_type!r}",
                    )
                )
        from ..client.specs import MappingSpec

        spec_failures = field_failures(MappingSpec, inputs, SPEC_FIELDS)
        if inputs.get(APP_TYPE) is None:
            # it defaults to the platform's, which the settings failure above hides
            spec_failures = [f for f in spec_failures if f.property != APP_TYPE]
        failures += spec_failures
        for name in (ENTERPRISE_ID, ADOPT_ID):
            value = inputs.get(name)
            if value is None and name == ENTERPRISE_ID:
                failures.append(
                    CheckFailure(
                        name,
                        "enterprise_id is required: pass enterprise_id=... "
                        "(for example an Enterprise's enterprise_id output)",
                    )
                )
            elif value is not None and not is_unknown(value):
                try:
                    validate_id(value, name)
                except ValueError as exc:
                    failures.append(CheckFailure(name, str(exc)))
        known = not any(is_unknown(inputs.get(f)) for f in (ENTERPRISE_ID, *SPEC_FIELDS))
        if not failures and inputs.get(ADOPT_ID) and known:  # else: checked again at up
            failures += check_adoption(
                inputs,
                urn,
                lambda: self._judge(inputs),
                MAPPING_ID,
                f"adopts {inputs[ADOPT_ID]} ({inputs['phone_number']} in enterprise "
                f"{inputs[ENTERPRISE_ID]}) as it is in ContextSMS: nothing is written",
            )
        return CheckResult(inputs, failures)

    def _judge(self, inputs: dict[str, Any]) -> Adopt[NumberMapping] | Recreate:
        """What the adopt_id means, from the enterprise's listing (one per process)."""
        enterprise_id = inputs[ENTERPRISE_ID]
        try:
            listed = self.reads(inputs).mappings(enterprise_id)
        except NotFoundError:
            raise Refusal(
                f"enterprise {enterprise_id} does not exist for this account: check enterprise_id"
            ) from None
        return mapping_verdict(inputs[ADOPT_ID], enterprise_id, _wanted(inputs), listed)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with failing(KIND, f"plan of {id_}", news.get(PROFILE)):
            self.check_connection_change(id_, olds, news)
        settle(_ident(olds))
        changes = changed_fields(olds, news, COMPARED)
        if news.get(PLATFORM) == Platform.TEAMS.value:
            replaces = [name for name in changes if name not in TEAMS_UPDATABLE]
        else:
            replaces = changes
        if replaces:
            with failing(KIND, f"replacement of {id_}", news.get(PROFILE)):
                self._check_replacement(id_, olds, news)
        return diff_result(changes, replaces, dbr=True)

    def _check_replacement(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> None:
        """A replacement deletes the mapping first: refuse it while its create is already
        bound to fail, so the number is never left unmapped for something visible now."""
        enterprise_id, number = news.get(ENTERPRISE_ID), news.get("phone_number")
        if not isinstance(enterprise_id, str) or is_unknown(enterprise_id) or is_unknown(number):
            return  # made in this run (e.g. a replaced enterprise): new, live and empty
        reads = self.reads(news)
        after = (
            f"would delete {id_} first, then fail to map {number} again, leaving it unmapped; "
            "nothing was changed"
        )
        if enterprise_id != olds.get(ENTERPRISE_ID):
            target = reads.enterprise(enterprise_id)
            if target is None or target.deleted:
                state = "does not exist" if target is None else "is deleted"
                raise Refusal(
                    f"enterprise {enterprise_id} {state}, so this replacement {after}. "
                    "Point enterprise_id at a live enterprise"
                )
        holder = next(
            (
                m
                for m in reads.mappings(enterprise_id).values()
                if m.phone_number == number and m.mapping_id != id_
            ),
            None,
        )
        if holder is not None:
            raise Refusal(
                f"{number} is already mapped in enterprise {enterprise_id} by "
                f"{holder.mapping_id}, so this replacement {after}. Delete {holder.mapping_id} "
                "first, or keep this mapping as it is"
            )

    def create(self, props: dict[str, Any]) -> CreateResult:
        adopt_id = props.get(ADOPT_ID)
        action = f"adopt of {adopt_id}" if adopt_id else f"create of {props.get('phone_number')}"
        enterprise_id = props[ENTERPRISE_ID]
        with failing(KIND, action, props.get(PROFILE)):
            reads = self.reads(props)
            mapping = None
            if adopt_id:
                verdict = self._judge(props)
                mapping = verdict.record if isinstance(verdict, Adopt) else None
            if mapping is None:
                with reads.writing(enterprise_id):
                    mapping = create_safety.create_mapping(
                        reads, enterprise_id, _spec(props), _wanted(props), _ident(props)
                    )
                reads.wrote(enterprise_id, mapping)
        return CreateResult(mapping.mapping_id, _outputs(props, mapping, self.where(props)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with failing(KIND, f"refresh of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            try:
                by_id = self.reads(props).mappings(props[ENTERPRISE_ID])
            except NotFoundError:
                return gone()
            mapping = by_id.get(id_)
            if mapping is None:
                return gone()
            inputs = self.refreshed_inputs(props, INPUTS, mapping.model_dump(), SPEC_FIELDS)
            return ReadResult(id_, _outputs(inputs, mapping, self.where(props)), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """A Teams PUT of the changed fields; a change that needs no request is recorded."""
        with failing(KIND, f"update of {id_}", news.get(PROFILE)):
            self.check_connection(id_, olds)
            changed = changed_fields(olds, news, TEAMS_UPDATABLE)
            if not changed:
                return UpdateResult(recorded_outputs(olds, news, INPUTS, self.where(news)))
            from ..client.specs import MappingPatch

            patch = MappingPatch(**{name: news.get(name) for name in changed})
            reads = self.reads(news)
            with reads.writing(news[ENTERPRISE_ID]):
                mapping = reads.client.update_mapping(id_, patch)
            reads.wrote(news[ENTERPRISE_ID], mapping)
            return UpdateResult(_outputs(news, mapping, self.where(news)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with failing(KIND, f"delete of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            reads = self.reads(props)
            with reads.writing(props[ENTERPRISE_ID]), suppress(NotFoundError):
                reads.client.delete_mapping(id_)
            reads.deleted(props[ENTERPRISE_ID], id_)
