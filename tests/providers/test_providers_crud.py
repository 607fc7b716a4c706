"""create/read/update/delete of each provider against a real emulator, without the engine.

Each test runs the provider methods the way the engine would: check() first, then the
operation with the checked inputs, and read()/diff() with the recorded outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from providers_support import checked

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms import session
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient
from pulumi_contextsms.client.errors import ContextSmsError
from pulumi_contextsms.client.specs import MappingSpec
from pulumi_contextsms.providers.create_safety import journal_ident
from pulumi_contextsms.providers.csp import CspProvider
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider
from pulumi_contextsms.session import SingleFlight

ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
}


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def api(emulator: EmulatorProcess, settings: Callable[..., Any]) -> Callable[[str], None]:
    """Point the providers at the (reset) emulator for `platform`."""
    emulator.reset()

    def connect(platform: str) -> None:
        base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
        account = {"contextsms:username": DEMO_USER, "contextsms:password": DEMO_PASSWORD}
        settings(platform, api_base=base, **account)
        emulator.clear_requests()

    return connect


def outside_client(emulator: EmulatorProcess, platform: str) -> ContextSmsClient:
    base = emulator.webex_api_base if platform == "webex" else emulator.teams_api_base
    settings = ConnectionSettings.resolve(
        platform, api_base=base, username=DEMO_USER, password=DEMO_PASSWORD
    )
    return ContextSmsClient(settings)


def writes(emulator: EmulatorProcess) -> list[tuple[str, str, int]]:
    return [
        (r["method"], r["path"], r["status"])
        for r in emulator.requests()
        if r["method"] != "GET" and "/auth/" not in r["path"]
    ]


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_enterprise_create_read_delete_and_delete_again(api, emulator, platform):
    api(platform)
    provider = EnterpriseProvider()
    inputs = checked(provider, dict(ENTERPRISE))

    created = provider.create(inputs)

    assert created.id.startswith("E")
    assert created.outs["enterprise_id"] == created.id
    assert created.outs["csp_id"] == DEMO_CSP_ID
    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert provider.diff(created.id, read.outs, inputs).changes is False

    provider.delete(created.id, created.outs)
    assert provider.read(created.id, created.outs).id == ""  # soft-deleted: gone
    provider.delete(created.id, created.outs)  # already gone: fine


def test_refresh_of_an_enterprise_with_a_mixed_case_email_is_no_change(api):
    # the API stores the normalised address; a refresh must not turn it into a replacement
    api("webex")
    provider = EnterpriseProvider()
    program = {**ENTERPRISE, "email": "Sarah@ABCMarketing.com"}
    created = provider.create(checked(provider, program))

    refreshed = provider.read(created.id, created.outs)

    assert refreshed.outs["email"] == "Sarah@abcmarketing.com"
    result = provider.diff(created.id, refreshed.outs, checked(provider, program))
    assert result.changes is False, result.replaces


def test_enterprise_refresh_reports_drift_only_in_inputs_the_program_sets(api, emulator):
    api("webex")
    provider = EnterpriseProvider()
    inputs = checked(provider, dict(ENTERPRISE))  # default_mms_selection unset
    created = provider.create(inputs)

    read = provider.read(created.id, created.outs)

    assert read.inputs is not None
    assert read.inputs["default_mms_selection"] is None  # the API's default is not drift
    assert provider.diff(created.id, read.outs, inputs).changes is False


def test_adopting_an_enterprise_checks_it_field_by_field_and_never_writes(api, emulator):
    api("teams")
    provider = EnterpriseProvider()
    existing = provider.create(checked(provider, dict(ENTERPRISE)))
    emulator.clear_requests()

    # refused by check(), before anything is written (at preview)
    wrong = {**ENTERPRISE, "contact": "Jane Roe", "adopt_id": existing.id}
    assert [(f.property, f.reason) for f in provider.check({}, wrong).failures] == [
        (
            "adopt_id",
            f"adopt_id {existing.id} does not match the program: contact is 'Sarah Johnson' in "
            "ContextSMS but 'Jane Roe' in the program. Change the program to match the existing "
            "enterprise (adoption never changes it), or remove adopt_id",
        )
    ]
    unknown = provider.check({}, {**ENTERPRISE, "adopt_id": "E0000099"}).failures
    assert [f.reason for f in unknown] == [
        "no enterprise E0000099 is visible to this account: check adopt_id (it must be an "
        "enterprise of a CSP this account manages, on this platform)"
    ]

    adopted = provider.create(checked(provider, {**ENTERPRISE, "adopt_id": existing.id}))
    assert adopted.id == existing.id
    assert writes(emulator) == []


def test_mapping_refresh_lists_each_enterprise_once_and_follows_this_process_writes(api, emulator):
    api("webex")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    made = [
        mappings.create(
            checked(
                mappings,
                {
                    "enterprise_id": ent.id,
                    "phone_number": f"+1555987000{i}",
                    "messaging_app_id": f"bot-{i}",
                },
            )
        )
        for i in range(3)
    ]
    session.current.listings = SingleFlight()  # a refresh is a process of its own
    emulator.clear_requests()

    reads = [mappings.read(m.id, m.outs) for m in made]

    assert [r.id for r in reads] == [m.id for m in made]
    listings = [r for r in emulator.requests() if r["path"].endswith(f"/enterprise/{ent.id}")]
    assert len(listings) == 1
    emulator.clear_requests()
    mappings.delete(made[0].id, made[0].outs)
    # this process's write is applied to its listing: no listing again to see it gone
    assert mappings.read(made[0].id, made[0].outs).id == ""
    assert mappings.read(made[1].id, made[1].outs).id == made[1].id
    assert [r["method"] for r in emulator.requests() if "/auth/" not in r["path"]] == ["DELETE"]


OWNER = "organization/infra/dev"
LEFTOVER = MappingSpec(
    phone_number="+15559870000",
    messaging_app_type="Webex",
    messaging_app_id="bot-1",
    mms_enabled=True,
)


def _leftover(emulator: EmulatorProcess, enterprise_id: str) -> str:
    with outside_client(emulator, "webex") as client:
        return client.create_mapping(enterprise_id, LEFTOVER).mapping_id


def test_an_identical_mapping_this_stack_cannot_show_it_made_is_refused_naming_it(api, emulator):
    api("webex")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    leftover = _leftover(emulator, ent.id)
    program = {
        "enterprise_id": ent.id,
        "phone_number": "+15559870000",
        "mms_enabled": True,
        "messaging_app_id": "bot-1",
        "owner": OWNER,
    }
    with pytest.raises(ContextSmsError) as refused:
        mappings.create(checked(mappings, program))
    message = str(refused.value)
    assert message.startswith(
        f"NumberMapping: create of +15559870000 failed: POST /api/v1/mapping/add/{ent.id} "
        "failed: 409 DUPLICATE_MAPPING: "
    )
    assert message.endswith(
        f". +15559870000 is already mapped by {leftover} (enterprise {ent.id}, messaging app "
        "'bot-1'), with the same values, but this stack cannot show that it made it: another "
        "stack may manage it. If this program renamed the resource that manages it, keep that "
        "resource's state instead: opts=pulumi.ResourceOptions(aliases=[pulumi.Alias("
        'name="<its old name>")]) on this NumberMapping; if it is this stack'
        "'s own (made by an "
        "interrupted `pulumi up`, e.g. on another machine), take it over with "
        f'adopt_id="{leftover}"; if another stack manages it, remove it from this program'
    )
    assert len(emulator.records()["mappings"]) == 1


def test_a_different_mapping_of_the_number_is_refused_with_its_recovery(api, emulator):
    api("webex")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    leftover = _leftover(emulator, ent.id)
    program = {"enterprise_id": ent.id, "phone_number": "+15559870000", "messaging_app_id": "bot-2"}
    with pytest.raises(ContextSmsError) as refused:
        mappings.create(checked(mappings, program))
    assert str(refused.value).endswith(
        "which this stack does not manage. If this program renamed the resource that manages "
        "it, keep that resource's state instead: opts=pulumi.ResourceOptions(aliases=["
        'pulumi.Alias(name="<its old name>")]) on this NumberMapping; if another stack or '
        "someone outside Pulumi manages it, delete it first to map the number here, or change "
        f'the program to match it and set adopt_id="{leftover}"'
    )


def test_a_mapping_whose_create_this_stack_left_in_flight_is_taken_over(api, emulator):
    """An interrupted run wrote its journal entry (with the enterprise's ids before it),
    then its POST committed; the recovery's 409 is that create's own record."""
    api("webex")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    program = checked(
        mappings,
        {
            "enterprise_id": ent.id,
            "phone_number": "+15559870000",
            "mms_enabled": True,
            "messaging_app_id": "bot-1",
            "owner": OWNER,
        },
    )
    ident = journal_ident("mapping", program, [ent.id, "+15559870000"])
    assert ident is not None
    session.current.journal.begin(ident, "key-of-the-lost-attempt", frozenset())
    leftover = _leftover(emulator, ent.id)

    adopted = mappings.create(program)

    assert adopted.id == leftover
    assert len(emulator.records()["mappings"]) == 1
    mappings.diff(adopted.id, adopted.outs, program)  # seen in state: settled
    assert session.current.journal.find(ident) is None


def test_another_stacks_entry_is_no_evidence(api, emulator):
    api("webex")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    fields = {
        "enterprise_id": ent.id,
        "phone_number": "+15559870000",
        "mms_enabled": True,
        "messaging_app_id": "bot-1",
    }
    theirs = checked(mappings, {**fields, "owner": "organization/infra/prod"})
    ident = journal_ident("mapping", theirs, [ent.id, "+15559870000"])
    assert ident is not None
    session.current.journal.begin(ident, "their-key", frozenset())
    _leftover(emulator, ent.id)
    with pytest.raises(ContextSmsError, match="this stack cannot show that it made it"):
        mappings.create(checked(mappings, {**fields, "owner": OWNER}))


def test_teams_mapping_update_sends_only_the_changed_fields(api, emulator):
    api("teams")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    program = {
        "enterprise_id": ent.id,
        "phone_number": "+15559870000",
        "messaging_app_id": "channel-1",
        "name": "Front Desk",
    }
    made = mappings.create(checked(mappings, program))
    news = checked(mappings, {**program, "name": "Reception"})
    assert mappings.diff(made.id, made.outs, news).replaces == []
    emulator.clear_requests()

    updated = mappings.update(made.id, made.outs, news)

    assert writes(emulator) == [("PUT", f"/api/v2/mapping/{made.id}", 200)]
    assert updated.outs["name"] == "Reception"
    assert updated.outs["mapping_id"] == made.id
    [record] = emulator.records()["mappings"]
    assert (record["name"], record["messaging_app_id"]) == ("Reception", "channel-1")
    refreshed = mappings.read(made.id, updated.outs)
    assert mappings.diff(made.id, refreshed.outs, news).changes is False


def test_mappings_of_a_deleted_enterprise_read_as_gone(api):
    api("teams")
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    program = {"enterprise_id": ent.id, "phone_number": "+15559870000", "messaging_app_id": "c"}
    made = mappings.create(checked(mappings, program))

    enterprises.delete(ent.id, ent.outs)

    assert mappings.read(made.id, made.outs).id == ""
    mappings.delete(made.id, made.outs)  # already gone with its enterprise: fine


def test_csp_is_created_then_only_forgotten(api, emulator):
    api("teams")
    provider = CspProvider()
    inputs = checked(provider, {"email": "ops@reseller-inc.com", "name": "Reseller Inc"})

    created = provider.create(inputs)

    assert created.outs["retained_on_delete"] is True
    assert provider.read(created.id, created.outs).outs == created.outs
    emulator.clear_requests()
    provider.delete(created.id, created.outs)
    assert emulator.requests() == []
    assert [c["csp_id"] for c in emulator.records()["csps"]] == [created.id]


def test_a_record_whose_profile_was_renamed_away_is_reached_through_the_new_name(
    api, emulator, settings
):
    """The recorded profile no longer exists; another profile reaches the recorded
    service: refresh and delete go through it, and refresh records its name."""
    api("webex")
    provider = EnterpriseProvider()
    created = provider.create(checked(provider, dict(ENTERPRISE)))  # top-level settings
    renamed = {
        "platform": "webex",
        "apiBase": emulator.webex_api_base,
        "username": DEMO_USER,
        "password": DEMO_PASSWORD,
        "cspId": DEMO_CSP_ID,
    }
    settings(
        "webex", api_base="http://127.0.0.1:9/api/v1", **{"contextsms:profiles": {"main": renamed}}
    )
    outs = {**created.outs, "profile": "gone"}

    refreshed = provider.read(created.id, outs)

    assert refreshed.id == created.id
    assert refreshed.inputs["profile"] == "main"
    provider.delete(created.id, outs)
    assert emulator.records()["enterprises"][0]["deleted"] is True


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_mappings_of_an_enterprise_this_process_created_need_no_listing(api, emulator, platform):
    """The enterprise provider seeds the session's listing of what it creates (nobody
    else knew its id: it is empty), which the mapping provider's snapshot then uses."""
    api(platform)
    enterprises, mappings = EnterpriseProvider(), NumberMappingProvider()
    ent = enterprises.create(checked(enterprises, dict(ENTERPRISE)))
    emulator.clear_requests()
    for i in range(3):
        program = {"enterprise_id": ent.id, "phone_number": f"+1555987100{i}"}
        mappings.create(checked(mappings, {**program, "messaging_app_id": f"app-{i}"}))

    assert [r["method"] for r in emulator.requests() if "/auth/" not in r["path"]] == ["POST"] * 3
