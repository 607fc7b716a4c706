"""The base of the ContextSMS dynamic providers: configure, the client, and the identity
of the service a record lives on.

Provider objects are pickled into state by reference (their classes live in this
installed package), so they carry no attributes at all: settings and clients live in
`pulumi_contextsms.session`. Every operation of a subclass fails `plainly` (one line in
the CLI, see `failures`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure, ConfigureRequest, ResourceProvider

from .. import provider_threads, session
from ..client.errors import ConfigurationError
from ..config import StackSettings, explain, key_for
from ..failures import Refusal, plainly
from .inputs import ADOPT_ID, API_BASE, CONNECTION, PLATFORM, PROFILE, RESOURCE_URN
from .listing import Reads

if TYPE_CHECKING:
    from ..client.client import ContextSmsClient
    from ..client.platforms import Platform


def recorded_connection(props: Mapping[str, Any]) -> dict[str, Any] | None:
    """The service a record was recorded on, as {"platform", "api_base"}; None for a
    record of a release that recorded none (0.1.0: it takes the current one).

    State holds it in one of two forms: the `platform` and `api_base` outputs (written
    since the footprint work, docs/upgrading.md), or the `connection` dict that earlier
    development builds wrote in inputs and outputs alike; both mean the same."""
    base, platform = props.get(API_BASE), props.get(PLATFORM)
    if isinstance(base, str) and isinstance(platform, str):
        return {"platform": platform, "api_base": base}
    legacy = props.get(CONNECTION)
    return dict(legacy) if isinstance(legacy, Mapping) else None


def current_connection(profile: str | None) -> dict[str, Any]:
    """The service the settings of `profile` reach now, in `recorded_connection`'s form."""
    resolved = session.connection(profile)
    return {"platform": resolved.platform.value, "api_base": resolved.api_base}


def _moved(
    record: str, recorded: Mapping[str, Any], current: Mapping[str, Any], profile: str | None
) -> Refusal:
    then = f"{recorded.get('platform')} {recorded.get('api_base')}"
    now = f"{current.get('platform')} {current.get('api_base')}"
    setting = "platform" if recorded.get("platform") != current.get("platform") else "api_base"
    allow = key_for("allow_connection_change", profile)
    return Refusal(
        f"{record} lives on {then}, but this stack's settings now reach {now}; "
        "refusing to act on it through another service. Point "
        f"{key_for(setting, profile)} back, or, if the records really are there now "
        f"(the service moved, or a proxy serves it), set {allow} to true"
    )


class ContextSmsProvider(ResourceProvider):
    """Base of the ContextSMS dynamic providers."""

    serialize_as_secret_always = False  # the pickle holds no secret: keep state readable

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("check", "diff", "create", "read", "update", "delete"):
            if name in vars(cls):
                setattr(cls, name, plainly(vars(cls)[name]))

    @staticmethod
    def inputs_to_check(
        olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """The inputs check() records, and the URN of the resource being checked.

        The URN is only for telling the user about this resource, never stored. A
        resource the stack already has drops `adopt_id`: it acted on the create that
        brought the record in, and must never act on a replacement (`adoption`). The
        engine checks a resource it replaces twice in one run, with its old inputs
        (`olds`), then, for the replacement's create, without them: so a resource seen
        with old inputs is remembered, by URN, for the rest of the run."""
        inputs = dict(news)
        urn = inputs.pop(RESOURCE_URN, None)
        urn = urn if isinstance(urn, str) else None
        if olds and urn:
            session.current.saw_in_stack(urn)
        if olds or (urn and session.current.was_in_stack(urn)):
            inputs.pop(ADOPT_ID, None)
        return inputs, urn

    def configure(self, req: ConfigureRequest) -> None:
        settings = StackSettings.from_config(req.config.get)
        session.configure(settings)
        provider_threads.widen(settings.max_parallel_or_default())

    @staticmethod
    def profile_for(props: Mapping[str, Any]) -> str | None:
        """The profile to reach an existing record through: the one recorded with it if it
        still reaches the record's service, else any configured one that does.

        A profile is only a name: renaming one (same settings) must neither replace the
        record nor strand it, so records follow their recorded connection."""
        profile = props.get(PROFILE)
        recorded = recorded_connection(props)
        if recorded is None:
            return profile  # recorded by an older release, or not recorded yet (create)
        settings = session.settings()
        for candidate in (profile, None, *sorted(settings.profiles)):
            try:
                reaches = current_connection(candidate)
            except ConfigurationError:
                continue
            if reaches == recorded:
                return candidate
        return profile

    @classmethod
    def client(cls, props: Mapping[str, Any]) -> ContextSmsClient:
        return session.client(cls.profile_for(props))

    @classmethod
    def reads(cls, props: Mapping[str, Any]) -> Reads:
        """What this process has read of the record's service (one listing per enterprise)."""
        return Reads(cls.profile_for(props))

    @staticmethod
    def resolve(
        props: Mapping[str, Any], inputs: dict[str, Any]
    ) -> tuple[Platform | None, list[CheckFailure]]:
        """Record the resource's platform in `inputs`; failures for bad settings.

        The whole connection is checked here (bases, credentials) so that `pulumi preview`
        reports a bad configuration before any HTTP call. It is not recorded in the
        inputs (the settings decide it, not the program): the outputs record where the
        record lives, and diff() compares that with what the settings reach.
        """
        profile = props.get(PROFILE)  # a plain str in the program: never unknown
        try:
            resolved = session.connection(profile)
        except ConfigurationError as exc:
            return None, [CheckFailure(PROFILE, explain(exc, profile))]
        inputs[PLATFORM] = resolved.platform.value
        inputs.pop(CONNECTION, None)  # never an input (a program of an earlier build)
        return resolved.platform, []

    @staticmethod
    def check_connection(record: str, props: Mapping[str, Any]) -> None:
        """Refuse to act on a record recorded on another service than the settings reach.

        Records made before the connection was recorded take the current one.
        """
        recorded = recorded_connection(props)
        if recorded is None:
            return
        profile = ContextSmsProvider.profile_for(props)
        current = current_connection(profile)
        if recorded == current:
            return
        if session.settings().flag("allow_connection_change", profile):
            return
        raise _moved(record, recorded, current, profile)

    @staticmethod
    def check_connection_change(
        record: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> None:
        """diff(): the same rule, for the connection the new inputs' profile reaches (check()
        resolved it already). An allowed change is no diff: the next read or update
        records the new connection."""
        recorded = recorded_connection(olds)
        if recorded is None:
            return
        profile = news.get(PROFILE)
        wanted = current_connection(profile)
        if recorded == wanted:
            return
        if session.settings().flag("allow_connection_change", profile):
            return
        raise _moved(record, recorded, wanted, profile)

    @classmethod
    def refreshed_inputs(
        cls,
        props: Mapping[str, Any],
        names: Iterable[str],
        current: Mapping[str, Any] | None = None,
        refreshable: Iterable[str] = (),
    ) -> dict[str, Any]:
        """The inputs a read records: the recorded ones, the profile that reaches the
        record now, and the record's current value of each `refreshable` input the program
        sets (an unset optional input must not turn into a diff because the API reports
        its default). The connection is the outputs' (`where`), never an input."""
        inputs = {name: props.get(name) for name in names}
        inputs[PROFILE] = cls.profile_for(props)
        now = current or {}
        for name in refreshable:
            if inputs.get(name) is not None and now.get(name) is not None:
                inputs[name] = now[name]
        return inputs

    @classmethod
    def where(cls, props: Mapping[str, Any]) -> dict[str, Any]:
        """The outputs that say where the record lives: the API base that the settings
        reach it through now (the platform is the `platform` output). create(), read()
        and update() record it; diff(), read(), update() and delete() check it
        (`recorded_connection`)."""
        return {API_BASE: current_connection(cls.profile_for(props))["api_base"]}


def recorded_outputs(
    olds: Mapping[str, Any], news: Mapping[str, Any], names: Iterable[str], where: Mapping[str, Any]
) -> dict[str, Any]:
    """The outputs of an update that needs no request: the old ones, with the new inputs
    and where the record is reached now (`ContextSmsProvider.where` of the new inputs)."""
    outs = {**olds, **{name: news.get(name) for name in names}, **where}
    outs.pop("__provider", None)
    outs.pop(CONNECTION, None)  # an earlier build's form of `where`
    return outs
