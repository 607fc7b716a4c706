"""NumberMapping: POST /mapping/add/{enterpriseId}, list by enterprise, PUT, DELETE.

A phone number maps once across the platform, so a replacement deletes the old
mapping before creating the new one. Webex has no update endpoint (every change
replaces); Teams updates in place with a partial PUT, and replaces only on a move to
another enterprise. Neither API reads a mapping by id: refresh lists the enterprise's
mappings once per provider process (`listing`).
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from ..client import ContextSmsClient
from ..client.errors import ContextSmsError, DuplicateMappingError, NotFoundError
from ..client.models import MappingPatch, MappingSpec, NumberMapping
from ..client.settings import Platform
from ..client.validation import validate_id
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
from .listing import listings

KIND = "NumberMapping"
ENTERPRISE_ID = "enterprise_id"
APP_TYPE = "messaging_app_type"
SPEC_FIELDS = ("phone_number", APP_TYPE, "messaging_app_id", "mms_enabled", "name")
INPUTS = (ENTERPRISE_ID, *SPEC_FIELDS, PROFILE, PLATFORM, ADOPT_ID)
COMPARED = (ENTERPRISE_ID, *SPEC_FIELDS, PROFILE, PLATFORM)
# Teams can PUT these; anything else in COMPARED replaces.
TEAMS_UPDATABLE = ("phone_number", APP_TYPE, "messaging_app_id", "name")
PLATFORM_ONLY = {"mms_enabled": Platform.WEBEX, "name": Platform.TEAMS}
APP_TYPES = {Platform.WEBEX: "Webex", Platform.TEAMS: "Teams"}
GONE = ReadResult(id_="", outs={})


def _spec(props: dict[str, Any]) -> MappingSpec:
    return MappingSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})


def _outputs(inputs: dict[str, Any], mapping: NumberMapping) -> dict[str, Any]:
    outs = {name: inputs.get(name) for name in INPUTS}
    outs["mapping_id"] = mapping.mapping_id
    return outs


def _listing_key(props: dict[str, Any]) -> tuple[str | None, str]:
    return (props.get(PROFILE), props[ENTERPRISE_ID])


class NumberMappingProvider(ContextSmsProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        platform, failures = self.resolve_platform(news)
        if platform is not None:
            inputs[PLATFORM] = platform.value
            failures += platform_only_failures(news, platform, PLATFORM_ONLY)
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
        spec_failures = field_failures(MappingSpec, inputs, SPEC_FIELDS)
        if inputs.get(APP_TYPE) is None:
            # it defaults to the platform's, which the settings failure above hides
            spec_failures = [f for f in spec_failures if f.property != APP_TYPE]
        failures += spec_failures
        for name in (ENTERPRISE_ID, ADOPT_ID):
            value = news.get(name)
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
                except ContextSmsError as exc:
                    failures.append(CheckFailure(name, str(exc)))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_fields(olds, news, COMPARED)
        if news.get(PLATFORM) == Platform.TEAMS.value:
            replaces = [name for name in changes if name not in TEAMS_UPDATABLE]
        else:
            replaces = changes
        return diff_result(changes, replaces, ["mapping_id"], dbr=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client(props)
        key = _listing_key(props)
        try:
            if props.get(ADOPT_ID):
                mapping = self._adopt(client, props[ADOPT_ID], props)
            else:
                mapping = self._create(client, props)
        except ContextSmsError as exc:
            fail(KIND, f"create of {props.get('phone_number')}", exc)
        finally:
            listings.invalidate(key)
        return CreateResult(mapping.mapping_id, _outputs(props, mapping))

    def _create(self, client: ContextSmsClient, props: dict[str, Any]) -> NumberMapping:
        spec = _spec(props)
        try:
            return client.create_mapping(props[ENTERPRISE_ID], spec)
        except DuplicateMappingError as exc:
            # A create whose response was lost, or a run killed before it saved state,
            # left this very mapping behind: same enterprise, same values. Adopt it.
            existing = client.find_mapping_by_number(props[ENTERPRISE_ID], spec.phone_number)
            if existing is not None and not mismatches(
                {f: props.get(f) for f in SPEC_FIELDS}, existing.model_dump()
            ):
                return existing
            fail(
                KIND,
                f"create of {spec.phone_number}",
                exc,
                f"phone_number {spec.phone_number} maps once across ContextSMS: delete the "
                "other mapping first, or adopt it with adopt_id=<its mapping id>",
            )

    def _adopt(
        self, client: ContextSmsClient, mapping_id: str, props: dict[str, Any]
    ) -> NumberMapping:
        found = next(
            (m for m in client.list_mappings(props[ENTERPRISE_ID]) if m.mapping_id == mapping_id),
            None,
        )
        if found is None:
            raise ContextSmsError(
                f"{KIND}: adopt_id {mapping_id} is not a mapping of enterprise "
                f"{props[ENTERPRISE_ID]}"
            )
        differences = mismatches({f: props.get(f) for f in SPEC_FIELDS}, found.model_dump())
        if differences:
            raise ContextSmsError(
                f"{KIND}: adopt_id {mapping_id} does not match the program: "
                f"{'; '.join(differences)}. Change the program to match the existing "
                "mapping (adoption never changes it), or remove adopt_id"
            )
        return found

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = self.client(props)
        try:
            by_id = listings.get(
                _listing_key(props), lambda: client.list_mappings(props[ENTERPRISE_ID])
            )
        except NotFoundError:
            return GONE
        except ContextSmsError as exc:
            fail(KIND, f"refresh of {id_}", exc)
        mapping = by_id.get(id_)
        if mapping is None:
            return GONE
        inputs = {name: props.get(name) for name in INPUTS}
        current = mapping.model_dump()
        for name in SPEC_FIELDS:
            if inputs.get(name) is not None and current.get(name) is not None:
                inputs[name] = current[name]
        return ReadResult(id_, _outputs(inputs, mapping), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed = changed_fields(olds, news, TEAMS_UPDATABLE)
        patch = MappingPatch(**{name: news.get(name) for name in changed})
        try:
            mapping = self.client(news).update_mapping(id_, patch)
        except ContextSmsError as exc:
            fail(KIND, f"update of {id_}", exc)
        finally:
            listings.invalidate(_listing_key(news))
        return UpdateResult(_outputs(news, mapping))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client(props).delete_mapping(id_)
        except NotFoundError:
            return
        except ContextSmsError as exc:
            fail(KIND, f"delete of {id_}", exc)
        finally:
            listings.invalidate(_listing_key(props))
