"""NumberMapping: POST /mapping/add/{enterpriseId}, list by enterprise, PUT, DELETE.

A phone number maps once across the platform, so a replacement deletes the old
mapping before creating the new one. Webex has no update endpoint (every change of
what the mapping is replaces it); Teams updates in place with a partial PUT, and
replaces only on a move to another enterprise. A change of only the profile name, or of
a connection that reaches the same service, is recorded without a request. Neither API
reads a mapping by id: refresh lists the enterprise's mappings once per provider
process (`listing`).

The specs (pydantic, libphonenumber) and the client are imported where they are used:
the program process imports this module for the class alone (docs/performance.md,
"Start-up").
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

from ..client.errors import APIError, APIStatusError, DuplicateMappingError, NotFoundError
from ..client.platforms import Platform
from ..client.validation import validate_id
from ..failures import Refusal, failing
from .inputs import (
    ADOPT_ID,
    CONNECTION,
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
from .listing import ListingKey, listings, snapshots
from .ownership import Attempt, adoption_mismatches, journal_ident, new_attempt, settle
from .provider import ContextSmsProvider, recorded_outputs

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.models import NumberMapping
    from ..client.specs import MappingSpec

KIND = "NumberMapping"
ENTERPRISE_ID = "enterprise_id"
APP_TYPE = "messaging_app_type"
SPEC_FIELDS = ("phone_number", APP_TYPE, "messaging_app_id", "mms_enabled", "name")
INPUTS = (ENTERPRISE_ID, *SPEC_FIELDS, PROFILE, PLATFORM, CONNECTION, *NEVER_DIFFED)
COMPARED = (ENTERPRISE_ID, *SPEC_FIELDS, PLATFORM)
# Teams can PUT these; anything else in COMPARED replaces.
TEAMS_UPDATABLE = ("phone_number", APP_TYPE, "messaging_app_id", "name")
PLATFORM_ONLY = {"mms_enabled": Platform.WEBEX, "name": Platform.TEAMS}
APP_TYPES = {Platform.WEBEX: "Webex", Platform.TEAMS: "Teams"}


def _spec(props: dict[str, Any]) -> MappingSpec:
    from ..client.specs import MappingSpec

    return MappingSpec(**{f: props[f] for f in SPEC_FIELDS if props.get(f) is not None})


def _wanted(props: dict[str, Any]) -> dict[str, Any]:
    return {f: props.get(f) for f in SPEC_FIELDS}


def _outputs(inputs: dict[str, Any], mapping: NumberMapping) -> dict[str, Any]:
    outs = {name: inputs.get(name) for name in INPUTS}
    outs["mapping_id"] = mapping.mapping_id
    return outs


def _listing_key(props: dict[str, Any]) -> ListingKey:
    return (props.get(PROFILE), props[ENTERPRISE_ID])


def _ident(props: dict[str, Any]) -> dict[str, Any] | None:
    return journal_ident("mapping", props, [props.get(ENTERPRISE_ID), props.get("phone_number")])


class NumberMappingProvider(ContextSmsProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        platform, failures = self.resolve(news, inputs)
        if platform is not None:
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
        from ..client.specs import MappingSpec

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
                except ValueError as exc:
                    failures.append(CheckFailure(name, str(exc)))
        return CheckResult(inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with failing(KIND, f"plan of {id_}", news.get(PROFILE)):
            self.check_connection_change(id_, olds, news)
        settle(_ident(olds))
        changes = changed_fields(olds, news, COMPARED)
        if news.get(PLATFORM) == Platform.TEAMS.value:
            replaces = [name for name in changes if name not in TEAMS_UPDATABLE]
        else:
            replaces = changes
        return diff_result(changes, replaces, dbr=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        adopt_id = props.get(ADOPT_ID)
        action = f"adopt of {adopt_id}" if adopt_id else f"create of {props.get('phone_number')}"
        with failing(KIND, action, props.get(PROFILE)):
            client = self.client(props)
            try:
                if adopt_id:
                    mapping = self._adopt(client, adopt_id, props)
                else:
                    mapping = self._create(client, props)
            finally:
                listings.invalidate(_listing_key(props))
        return CreateResult(mapping.mapping_id, _outputs(props, mapping))

    def _snapshot(self, client: ContextSmsClient, props: dict[str, Any]) -> frozenset[str] | None:
        """The enterprise's mapping ids before this process's first create there."""
        enterprise_id = props[ENTERPRISE_ID]
        key = (client.settings.api_base, enterprise_id)
        try:
            return snapshots.get(key, lambda: frozenset(client.mapping_ids(enterprise_id)))
        except APIError:
            return None  # the client lists again, or else never replays blindly

    def _create(self, client: ContextSmsClient, props: dict[str, Any]) -> NumberMapping:
        attempt = new_attempt(_ident(props))
        trusted = client.settings.trust_idempotency_keys
        if attempt.entry is not None:
            existing = attempt.entry.existing_ids
        else:
            existing = None if trusted else self._snapshot(client, props)
        attempt.begin(existing)
        spec = _spec(props)
        try:
            return client.create_mapping(
                props[ENTERPRISE_ID],
                spec,
                idempotency_key=attempt.idempotency_key,
                existing_ids=existing,
            )
        except DuplicateMappingError as exc:
            return self._taken(client, props, attempt, exc)
        except APIStatusError as exc:
            if exc.status_code < 500:
                attempt.settle()
            raise

    def _taken(
        self,
        client: ContextSmsClient,
        props: dict[str, Any],
        attempt: Attempt,
        exc: DuplicateMappingError,
    ) -> NumberMapping:
        """The number is mapped already: this stack's own record if it can show so,
        else a conflict that names the mapping and the recovery."""
        enterprise_id, number = props[ENTERPRISE_ID], props["phone_number"]
        try:
            existing = client.find_mapping_by_number(enterprise_id, number)
        except APIError:
            existing = None
        same = existing is not None and not adoption_mismatches(
            _wanted(props), existing.model_dump()
        )
        before = attempt.entry.existing_ids if attempt.entry else None
        if (
            existing is not None
            and same
            and before is not None
            and existing.mapping_id not in before
        ):
            return existing  # made by this stack's interrupted create of it
        attempt.settle()
        if existing is None:
            raise Refusal(
                f"{exc}. {number} is mapped outside enterprise {enterprise_id} (another "
                "enterprise or tenant), by a record this stack does not manage: delete that "
                "mapping first, or manage the number from the stack that owns it"
            ) from exc
        found = (
            f"{number} is already mapped by {existing.mapping_id} (enterprise {enterprise_id}, "
            f"messaging app {existing.messaging_app_id!r})"
        )
        adopt = f'adopt_id="{existing.mapping_id}"'
        if same:
            why = (
                "with the same values, but this stack cannot show that it made it: another "
                "stack may manage it. If it is this stack's own (made by an interrupted "
                f"`pulumi up`, e.g. on another machine), take it over with {adopt} on this "
                "NumberMapping; if another stack manages it, remove it from this program"
            )
        else:
            why = (
                "which another stack or someone outside Pulumi manages: delete it first to "
                f"map the number here, or change the program to match it and set {adopt}"
            )
        raise Refusal(f"{exc}. {found}, {why}") from exc

    def _adopt(
        self, client: ContextSmsClient, mapping_id: str, props: dict[str, Any]
    ) -> NumberMapping:
        enterprise_id = props[ENTERPRISE_ID]
        found = next(
            (m for m in client.list_mappings(enterprise_id) if m.mapping_id == mapping_id), None
        )
        if found is None:
            raise Refusal(f"adopt_id {mapping_id} is not a mapping of enterprise {enterprise_id}")
        differences = adoption_mismatches(_wanted(props), found.model_dump())
        if differences:
            raise Refusal(
                f"adopt_id {mapping_id} does not match the program: {'; '.join(differences)}. "
                "Change the program to match the existing mapping (adoption never changes "
                "it), or remove adopt_id"
            )
        return found

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with failing(KIND, f"refresh of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            client = self.client(props)
            enterprise_id = props[ENTERPRISE_ID]
            try:
                by_id = listings.get(
                    _listing_key(props),
                    lambda: {m.mapping_id: m for m in client.list_mappings(enterprise_id)},
                )
            except NotFoundError:
                return gone()
            mapping = by_id.get(id_)
            if mapping is None:
                return gone()
            inputs = self.refreshed_inputs(props, INPUTS, mapping.model_dump(), SPEC_FIELDS)
            return ReadResult(id_, _outputs(inputs, mapping), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """A Teams PUT of the changed fields; a change that needs no request is recorded."""
        with failing(KIND, f"update of {id_}", news.get(PROFILE)):
            self.check_connection(id_, olds)
            changed = changed_fields(olds, news, TEAMS_UPDATABLE)
            if not changed:
                return UpdateResult(recorded_outputs(olds, news, INPUTS))
            from ..client.specs import MappingPatch

            patch = MappingPatch(**{name: news.get(name) for name in changed})
            try:
                mapping = self.client(news).update_mapping(id_, patch)
            finally:
                listings.invalidate(_listing_key(news))
            return UpdateResult(_outputs(news, mapping))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with failing(KIND, f"delete of {id_}", props.get(PROFILE)):
            self.check_connection(id_, props)
            settle(_ident(props))
            try:
                self.client(props).delete_mapping(id_)
            except NotFoundError:
                return
            finally:
                listings.invalidate(_listing_key(props))
