"""diff(): what replaces, what updates in place, and in which order, per record and
platform. `olds` are the recorded outputs, `news` the checked inputs (as the engine
passes them): the record's service is in the outputs (`platform`, `api_base`), never in
the inputs, and diff() compares it with what the installed settings reach."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_contextsms import session
from pulumi_contextsms.client.models import Enterprise, NumberMapping
from pulumi_contextsms.failures import ProviderError
from pulumi_contextsms.providers.csp import CspProvider
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider

pytestmark = pytest.mark.usefixtures("no_http")

WEBEX = {"platform": "webex", "api_base": "http://127.0.0.1:9/api/v1"}
TEAMS = {"platform": "teams", "api_base": "http://127.0.0.1:9/api/v2"}
OWNER = "organization/infra/dev"

ENTERPRISE_IN = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "default_mms_selection": True,
    "csp_id": "CSP0000001",
    "profile": None,
    "platform": "webex",
    "owner": OWNER,
    "adopt_id": None,
}
ENTERPRISE_OUT = {
    **ENTERPRISE_IN,
    "api_base": WEBEX["api_base"],
    "enterprise_id": "E0000001",
    "created_date": 1_760_000_000_000,
    "update_date": 1_760_000_000_000,
}
WEBEX_MAPPING_IN = {
    "enterprise_id": "E0000001",
    "phone_number": "+15559870000",
    "messaging_app_type": "Webex",
    "messaging_app_id": "webex-bot-1",
    "mms_enabled": True,
    "name": None,
    "profile": None,
    "platform": "webex",
    "owner": OWNER,
    "adopt_id": None,
}
TEAMS_MAPPING_IN = {
    **WEBEX_MAPPING_IN,
    "messaging_app_type": "Teams",
    "messaging_app_id": "teams-channel-1",
    "mms_enabled": None,
    "name": "Front Desk",
    "platform": "teams",
}
BASES = {"webex": WEBEX["api_base"], "teams": TEAMS["api_base"]}


def outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    return {**inputs, "api_base": BASES[inputs["platform"]], "mapping_id": "NTMAP0000001"}


@pytest.fixture(autouse=True)
def _webex_settings(settings: Any) -> None:
    """The settings reach the Webex service the records live on (a test of Teams records
    installs Teams')."""
    settings("webex")


def known_service(
    settings: Any,
    platform: str,
    enterprises: dict[str, bool],
    mappings: dict[str, list[tuple[str, str]]],
) -> None:
    """Install `platform`'s settings and what this process has read of its service:
    `enterprises` (id -> deleted), `mappings` (enterprise id -> [(mapping id, number)]),
    so that a diff that must look finds it without a request (`no_http`)."""
    settings(platform)
    base = (WEBEX if platform == "webex" else TEAMS)["api_base"]
    for enterprise_id, deleted in enterprises.items():
        session.current.enterprises.seed(
            (base, enterprise_id), Enterprise(enterprise_id=enterprise_id, deleted=deleted)
        )
    for enterprise_id, rows in mappings.items():
        session.current.listings.seed(
            (base, enterprise_id),
            {i: NumberMapping(mapping_id=i, phone_number=n) for i, n in rows},
        )


def test_unchanged_enterprise_has_no_diff():
    result = EnterpriseProvider().diff("E0000001", ENTERPRISE_OUT, dict(ENTERPRISE_IN))
    assert result.changes is False
    assert result.replaces == []
    assert result.delete_before_replace is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "ABC Marketing Inc"),
        ("contact", "Jane Roe"),
        ("phone_number", "+15551234568"),
        ("email", "jane@abcmarketing.com"),
        ("default_mms_selection", False),
        ("csp_id", "CSP0000002"),
        ("platform", "teams"),
        ("name", Unknown()),
    ],
)
def test_any_change_of_what_an_enterprise_is_replaces_it_creating_the_new_one_first(field, value):
    result = EnterpriseProvider().diff("E0000001", ENTERPRISE_OUT, {**ENTERPRISE_IN, field: value})
    assert result.changes is True
    assert result.replaces == [field]
    assert result.delete_before_replace is False


# each kind of record, recorded by today's build, with the inputs that recorded it
each_recorded_record = pytest.mark.parametrize(
    ("provider", "olds", "news"),
    [
        (EnterpriseProvider(), ENTERPRISE_OUT, ENTERPRISE_IN),
        (NumberMappingProvider(), outputs(WEBEX_MAPPING_IN), WEBEX_MAPPING_IN),
        (NumberMappingProvider(), outputs(TEAMS_MAPPING_IN), TEAMS_MAPPING_IN),
    ],
)


@each_recorded_record
def test_a_renamed_profile_reaching_the_same_service_is_no_change_at_all(
    settings, provider, olds, news
):
    """No update either: an update's outputs are unknown during preview, which would plan
    the replacement of every mapping of a renamed enterprise."""
    same = {"platform": news["platform"], "apiBase": BASES[news["platform"]]}
    same |= {"username": "ops@example.com", "password": "pw"}
    profiles = {name: same for name in ("renamed", "old-name", "new-name")}
    settings(news["platform"], **{"contextsms:profiles": profiles})
    for old_profile, new_profile in ((None, "renamed"), ("old-name", "new-name")):
        old, new = {**olds, "profile": old_profile}, {**news, "profile": new_profile}
        result = provider.diff("X1", old, new)
        assert (result.changes, result.replaces) == (False, [])


@pytest.mark.parametrize(
    ("provider", "olds", "news"),
    [
        (EnterpriseProvider(), ENTERPRISE_OUT, ENTERPRISE_IN),
        (NumberMappingProvider(), outputs(WEBEX_MAPPING_IN), WEBEX_MAPPING_IN),
    ],
)
def test_settings_that_reach_another_service_are_refused_at_plan(settings, provider, olds, news):
    settings("webex", api_base="http://127.0.0.1:10/api/v1")
    with pytest.raises(Exception) as info:
        provider.diff("X1", olds, dict(news))
    assert str(info.value) == (
        f"{type(provider).__name__.removesuffix('Provider')}: plan of X1 failed: X1 lives on "
        "webex http://127.0.0.1:9/api/v1, but this stack's settings now reach webex "
        "http://127.0.0.1:10/api/v1; refusing to act on it through another service. Point "
        "contextsms:apiBase back, or, if the records really are there now (the service "
        "moved, or a proxy serves it), set contextsms:allowConnectionChange to true"
    )


def test_an_allowed_connection_change_is_no_diff_the_next_read_records_it(settings):
    settings(
        "webex",
        api_base="http://127.0.0.1:10/api/v1",
        **{"contextsms:allowConnectionChange": "true"},
    )
    result = EnterpriseProvider().diff("E1", ENTERPRISE_OUT, dict(ENTERPRISE_IN))
    assert (result.changes, result.replaces) == (False, [])


def test_records_of_an_older_release_without_a_recorded_connection_have_no_diff(settings):
    olds = {k: v for k, v in ENTERPRISE_OUT.items() if k not in ("api_base", "owner")}
    settings("webex", api_base="http://127.0.0.1:10/api/v1")  # whatever they reach now
    result = EnterpriseProvider().diff("E0000001", olds, dict(ENTERPRISE_IN))
    assert (result.changes, result.replaces) == (False, [])


def earlier_build(recorded: dict[str, Any]) -> dict[str, Any]:
    """Outputs as development builds before the footprint work wrote them: the service
    as a `connection` dict (in the inputs too), no `api_base`."""
    olds = {k: v for k, v in recorded.items() if k != "api_base"}
    return {**olds, "connection": {"platform": olds["platform"], "api_base": recorded["api_base"]}}


@each_recorded_record
def test_a_connection_recorded_by_an_earlier_build_is_checked_the_same(
    settings, provider, olds, news
):
    """Same service: no diff (an earlier build's inputs held `connection` too: check()
    drops it). Another service: the same refusal as for today's outputs."""
    settings(news["platform"])
    old = earlier_build(olds)
    result = provider.diff("X1", old, {**news, "connection": old["connection"]})
    assert (result.changes, result.replaces) == (False, [])
    settings(news["platform"], api_base="http://127.0.0.1:10/api/v1")
    with pytest.raises(ProviderError) as refused:
        provider.diff("X1", old, dict(news))
    assert f"X1 lives on {news['platform']} {BASES[news['platform']]}, but" in str(refused.value)


@pytest.mark.parametrize(
    ("provider", "olds", "news"),
    [
        (EnterpriseProvider(), ENTERPRISE_OUT, ENTERPRISE_IN),
        (NumberMappingProvider(), outputs(WEBEX_MAPPING_IN), WEBEX_MAPPING_IN),
    ],
)
def test_the_declaring_stack_never_causes_a_diff(provider, olds, news):
    result = provider.diff("X1", olds, {**news, "owner": "organization/infra/renamed"})
    assert (result.changes, result.replaces) == (False, [])


@each_recorded_record
@pytest.mark.parametrize("adopt_id", ["E0000007", "NTMAP0000007", Unknown()])
def test_setting_or_changing_adopt_id_is_no_change(settings, provider, olds, news, adopt_id):
    settings(news["platform"])
    adopted = {**olds, "adopt_id": "E0000001"}
    for old in (olds, adopted):
        result = provider.diff("X1", old, {**news, "adopt_id": adopt_id})
        assert result.changes is False
        assert result.replaces == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("enterprise_id", "E0000002"),
        ("enterprise_id", Unknown()),  # its enterprise is being replaced
        ("phone_number", "+15559870001"),
        ("messaging_app_id", "webex-bot-2"),
        ("mms_enabled", False),
    ],
)
def test_any_webex_mapping_change_replaces_it_deleting_the_old_one_first(settings, field, value):
    known_service(
        settings,
        "webex",
        {"E0000002": False},
        {"E0000001": [("NTMAP0000001", "+15559870000")], "E0000002": []},
    )
    olds = outputs(WEBEX_MAPPING_IN)
    result = NumberMappingProvider().diff("NTMAP0000001", olds, {**WEBEX_MAPPING_IN, field: value})
    assert result.changes is True
    assert result.replaces == [field]
    assert result.delete_before_replace is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone_number", "+15559870001"),
        ("messaging_app_id", "teams-channel-2"),
        ("name", "Reception"),
        ("name", None),
        ("name", Unknown()),
        ("phone_number", Unknown()),
    ],
)
def test_teams_mapping_changes_update_in_place(settings, field, value):
    settings("teams")
    olds = outputs(TEAMS_MAPPING_IN)
    result = NumberMappingProvider().diff("NTMAP0000001", olds, {**TEAMS_MAPPING_IN, field: value})
    assert result.changes is True
    assert result.replaces == []
    assert result.delete_before_replace is None


@pytest.mark.parametrize("value", ["E0000002", Unknown()])
def test_teams_mapping_moving_enterprise_replaces_it_deleting_first(settings, value):
    known_service(settings, "teams", {"E0000002": False}, {"E0000002": []})
    olds = outputs(TEAMS_MAPPING_IN)
    news = {**TEAMS_MAPPING_IN, "enterprise_id": value, "name": "Reception"}
    result = NumberMappingProvider().diff("NTMAP0000001", olds, news)
    assert result.changes is True
    assert result.replaces == ["enterprise_id"]
    assert result.delete_before_replace is True


@pytest.mark.parametrize(("exists", "state"), [(False, "does not exist"), (True, "is deleted")])
def test_a_move_to_an_enterprise_that_is_not_live_is_refused_before_its_delete(
    settings, exists, state
):
    known_service(settings, "teams", {"E0000002": True} if exists else {}, {})
    if not exists:
        session.current.enterprises.seed((TEAMS["api_base"], "E0000002"), None)  # read: 404
    news = {**TEAMS_MAPPING_IN, "enterprise_id": "E0000002"}

    with pytest.raises(ProviderError) as refused:
        NumberMappingProvider().diff("NTMAP0000001", outputs(TEAMS_MAPPING_IN), news)

    assert str(refused.value) == (
        f"NumberMapping: replacement of NTMAP0000001 failed: enterprise E0000002 {state}, so "
        "this replacement would delete NTMAP0000001 first, then fail to map +15559870000 "
        "again, leaving it unmapped; nothing was changed. Point enterprise_id at a live "
        "enterprise"
    )


def test_a_replacement_whose_number_is_mapped_there_by_another_id_is_refused(settings):
    known_service(
        settings,
        "webex",
        {},
        {"E0000001": [("NTMAP0000001", "+15559870000"), ("NTMAP0000007", "+15559870001")]},
    )
    news = {**WEBEX_MAPPING_IN, "phone_number": "+15559870001"}

    with pytest.raises(ProviderError) as refused:
        NumberMappingProvider().diff("NTMAP0000001", outputs(WEBEX_MAPPING_IN), news)

    assert str(refused.value) == (
        "NumberMapping: replacement of NTMAP0000001 failed: +15559870001 is already mapped in "
        "enterprise E0000001 by NTMAP0000007, so this replacement would delete NTMAP0000001 "
        "first, then fail to map +15559870001 again, leaving it unmapped; nothing was "
        "changed. Delete NTMAP0000007 first, or keep this mapping as it is"
    )


def test_a_replacement_into_an_enterprise_made_in_this_run_reads_nothing():
    # no cache: any read would fail (no_http); the new enterprise is empty
    news = {**WEBEX_MAPPING_IN, "enterprise_id": Unknown()}
    result = NumberMappingProvider().diff("NTMAP0000001", outputs(WEBEX_MAPPING_IN), news)
    assert result.replaces == ["enterprise_id"]


def test_unchanged_mappings_have_no_diff(settings):
    for inputs in (WEBEX_MAPPING_IN, TEAMS_MAPPING_IN):
        settings(inputs["platform"])
        result = NumberMappingProvider().diff("NTMAP0000001", outputs(inputs), dict(inputs))
        assert result.changes is False
        assert result.replaces == []


def test_any_csp_change_registers_a_new_csp(settings):
    settings("teams")
    inputs = {"email": "ops@reseller-inc.com", "name": "Reseller Inc", "platform": "teams"}
    olds = {**inputs, "api_base": TEAMS["api_base"], "csp_id": "CSP0000002"}
    olds["retained_on_delete"] = True
    assert CspProvider().diff("CSP0000002", olds, dict(inputs)).changes is False
    result = CspProvider().diff("CSP0000002", olds, {**inputs, "city": "Austin"})
    assert result.changes is True
    assert result.replaces == ["city"]
    assert result.delete_before_replace is False
    same = {"platform": "teams", "apiBase": TEAMS["api_base"]}
    same |= {"username": "ops@example.com", "password": "pw"}
    settings("teams", **{"contextsms:profiles": {"b": same}})  # "a" is gone: renamed
    renamed = CspProvider().diff("CSP0000002", {**olds, "profile": "a"}, {**inputs, "profile": "b"})
    assert (renamed.changes, renamed.replaces) == (False, [])
