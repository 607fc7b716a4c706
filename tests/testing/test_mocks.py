"""ContextSmsMocks: a user's unit tests run our providers' check() (and create()).

Each test builds its program inside ``pulumi.runtime.test`` as a user's test would, with
the mocks installed first (``install()`` = ``set_mocks`` + the same stack config).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest

import pulumi_contextsms as contextsms
from contextsms_emulator import EmulatorProcess
from pulumi_contextsms.client.validation import validate_id
from pulumi_contextsms.testing import MOCK_TIMESTAMP_MS, CheckFailedError, ContextSmsMocks

WEBEX = {"contextsms:platform": "webex", "contextsms:cspId": "CSP0000001"}
TEAMS = {"contextsms:platform": "teams", "contextsms:cspId": "CSP0000001"}
PLATFORMS = {"webex": WEBEX, "teams": TEAMS}


def run(program: Callable[[], list[Any]]) -> list[Any]:
    """Run ``program`` (it returns Outputs) under the installed mocks; their values
    (empty when they are unknown, as in a preview)."""
    values: list[Any] = []

    @pulumi.runtime.test
    def main() -> pulumi.Output[Any]:
        return pulumi.Output.all(*program()).apply(values.extend)

    main()
    return values


def clinic(**overrides: Any) -> contextsms.Enterprise:
    return contextsms.Enterprise(
        "clinic",
        **{
            "name": "Sunshine Dental Clinic",
            "contact": "Dr. Maria Rodriguez",
            "phone_number": "+15559876543",
            "email": "Maria@SunshineDental.com",
            **overrides,
        },
    )


def front_desk(enterprise: contextsms.Enterprise, **overrides: Any) -> contextsms.NumberMapping:
    return contextsms.NumberMapping(
        "front-desk",
        **{
            "enterprise_id": enterprise.enterprise_id,
            "phone_number": "+15559876543",
            "messaging_app_id": "frontdesk-bot",
            **overrides,
        },
    )


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any HTTP request the client layer would send."""
    attempts: list[str] = []

    def refuse(self: Any, request: httpx.Request) -> httpx.Response:
        attempts.append(str(request.url))
        raise AssertionError(f"a request was sent: {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    return attempts


# --- validation only ----------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["webex", "teams"])
def test_a_users_unit_test_fails_on_a_bad_phone_number_with_our_message(
    platform: str, no_network: list[str]
) -> None:
    ContextSmsMocks(config=PLATFORMS[platform], environ={}).install()

    with pytest.raises(CheckFailedError) as failure:
        run(lambda: [front_desk(clinic(), phone_number="555-0100").mapping_id])

    error = failure.value
    assert (error.kind, error.name) == ("NumberMapping", "front-desk")
    assert [f.property for f in error.failures] == ["phone_number"]
    assert str(error).startswith("NumberMapping 'front-desk' failed validation: phone_number")
    assert "E.164" in str(error) and "+15551234567" in str(error)  # says how to fix it
    assert no_network == []


def test_every_bad_input_is_reported_at_once_as_preview_would() -> None:
    ContextSmsMocks(config=WEBEX, environ={}).install()
    with pytest.raises(CheckFailedError) as failure:
        run(lambda: [clinic(email="not-an-email", contact="").enterprise_id])
    assert sorted(f.property for f in failure.value.failures) == ["contact", "email"]


def test_an_input_of_the_other_platform_fails_with_our_message() -> None:
    ContextSmsMocks(config=TEAMS, environ={}).install()
    with pytest.raises(CheckFailedError, match="mms_enabled belongs to the webex API"):
        run(lambda: [front_desk(clinic(), mms_enabled=True).mapping_id])


def test_a_good_webex_program_gets_our_outputs(no_network: list[str]) -> None:
    ContextSmsMocks(config=WEBEX, environ={}).install()

    def program() -> list[Any]:
        enterprise = clinic(default_mms_selection=True)
        mapping = front_desk(enterprise, mms_enabled=True)
        return [
            enterprise.enterprise_id,
            enterprise.platform,
            enterprise.csp_id,
            enterprise.email,
            enterprise.created_date,
            mapping.enterprise_id,
            mapping.mapping_id,
            mapping.platform,
            mapping.messaging_app_type,
        ]

    enterprise_id, platform, csp, email, created, linked, mapping_id, mplatform, app = run(program)
    assert re.fullmatch(r"E9\d{6}", enterprise_id)
    assert re.fullmatch(r"NTMAP9\d{6}", mapping_id)
    assert (platform, mplatform, app) == ("webex", "webex", "Webex")
    assert csp == "CSP0000001"  # the contextsms:cspId default, filled by check()
    assert email == "Maria@sunshinedental.com"  # normalised by check(), as in state
    assert created == MOCK_TIMESTAMP_MS
    assert linked == enterprise_id
    assert no_network == []


def test_a_good_teams_program_gets_our_outputs_csp_included() -> None:
    ContextSmsMocks(config=TEAMS, environ={}).install()

    def program() -> list[Any]:
        csp = contextsms.Csp("reseller", email="admin@csp.com", name="Example CSP")
        mapping = front_desk(clinic(csp_id=csp.csp_id), name="FrontDesk")
        return [csp.csp_id, csp.retained_on_delete, mapping.platform, mapping.messaging_app_type]

    csp_id, retained, platform, app_type = run(program)
    assert re.fullmatch(r"CSP9\d{6}", csp_id)
    assert (retained, platform, app_type) == (True, "teams", "Teams")


def test_the_fake_ids_are_valid_stable_from_run_to_run_and_distinct() -> None:
    def program() -> list[Any]:
        first, second = (
            clinic(),
            contextsms.Enterprise(
                "annex",
                name="Annex",
                contact="Ann",
                phone_number="+15559876544",
                email="ann@annex.com",
            ),
        )
        return [first.enterprise_id, second.enterprise_id, front_desk(first).mapping_id]

    ContextSmsMocks(config=WEBEX, environ={}).install()
    once = run(program)
    ContextSmsMocks(config=WEBEX, environ={}).install()
    assert run(program) == once
    assert len(set(once)) == 3
    for fake in once:
        validate_id(fake, "id")  # usable wherever a real id is


def test_a_bad_stack_setting_fails_the_resources_as_preview_would() -> None:
    config = {**WEBEX, "contextsms:apiBase": "http://api.example.com/api/v1"}
    ContextSmsMocks(config=config, environ={}).install()
    with pytest.raises(CheckFailedError, match="plain http://") as failure:
        run(lambda: [clinic().enterprise_id])
    assert [f.property for f in failure.value.failures] == ["profile"]


def test_a_profile_without_a_login_gets_placeholders_in_validation_mode() -> None:
    profiles = {"clinic": {"platform": "teams", "cspId": "CSP0000001"}}
    ContextSmsMocks(
        config={**WEBEX, "contextsms:profiles": json.dumps(profiles)}, environ={}
    ).install()
    [platform] = run(lambda: [clinic(profile="clinic").platform])
    assert platform == "teams"


def test_without_config_the_mocks_read_pulumi_config_like_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(TEAMS))
    ContextSmsMocks(environ={}).install()
    assert run(lambda: [clinic().platform]) == ["teams"]


def test_the_program_reads_the_same_config_as_the_providers() -> None:
    ContextSmsMocks(config={**TEAMS, "clinic:name": "From Config"}, environ={}).install()

    def program() -> list[Any]:
        name = pulumi.Config("clinic").require("name")
        assert pulumi.Config("contextsms").require("platform") == "teams"
        return [clinic(name=name).name]

    assert run(program) == ["From Config"]


# --- the user's own mocks -----------------------------------------------------------------


class UserMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[str] = []
        self.calls: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args.typ)
        return "bucket-123", {**args.inputs, "arn": "arn:aws:s3:::logs"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        self.calls.append(args.token)
        return {"zones": ["eu-west-1a"]}


def test_other_resources_and_invokes_go_to_the_users_own_mocks() -> None:
    user = UserMocks()
    ContextSmsMocks(user, config=WEBEX, environ={}).install()

    def program() -> list[Any]:
        bucket = pulumi.CustomResource("aws:s3/bucket:Bucket", "logs", {"arn": None})
        zones = pulumi.runtime.invoke("aws:index/getZones:getZones", {}).value["zones"]
        return [bucket.id, bucket.arn, zones, clinic().platform]  # type: ignore[attr-defined]

    bucket_id, arn, zones, platform = run(program)
    assert (bucket_id, arn, zones, platform) == (
        "bucket-123",
        "arn:aws:s3:::logs",
        ["eu-west-1a"],
        "webex",
    )
    assert user.resources == ["aws:s3/bucket:Bucket"]
    assert user.calls == ["aws:index/getZones:getZones"]


def test_the_contextsms_mocks_fixture_installs_validation_mocks(contextsms_mocks: Any) -> None:
    mocks = contextsms_mocks()
    assert mocks.mode == "validate"
    [platform] = run(lambda: [clinic().platform])
    assert platform == "webex"


# --- against the emulator -----------------------------------------------------------------


@pytest.mark.parametrize("contextsms_platform", ["webex", "teams"])
def test_against_the_emulator_our_providers_really_create_the_records(
    contextsms_emulator: EmulatorProcess,
    contextsms_stack_config: dict[str, str],
    contextsms_platform: str,
    journal_dir: Path,
) -> None:
    ContextSmsMocks(config=contextsms_stack_config, mode="emulator", environ={}).install()

    def program() -> list[Any]:
        enterprise = clinic()
        mapping = front_desk(enterprise)
        return [
            enterprise.enterprise_id,
            enterprise.created_date,
            mapping.mapping_id,
            mapping.platform,
        ]

    enterprise_id, created, mapping_id, platform = run(program)

    records = contextsms_emulator.records()
    assert [e["enterprise_id"] for e in records["enterprises"]] == [enterprise_id]
    assert records["enterprises"][0]["created_date"] == created != MOCK_TIMESTAMP_MS
    assert [m["mapping_id"] for m in records["mappings"]] == [mapping_id]
    assert platform == contextsms_platform
    # the records are "in the state": no create is left in flight for a later test
    assert list(journal_dir.rglob("*.json")) == []


def test_a_create_the_api_refuses_fails_with_the_providers_message(
    contextsms_emulator: EmulatorProcess, contextsms_stack_config: dict[str, str]
) -> None:
    ContextSmsMocks(config=contextsms_stack_config, mode="emulator", environ={}).install()

    def program() -> list[Any]:
        enterprise = clinic()
        first = front_desk(enterprise)
        second = contextsms.NumberMapping(
            "back-office",
            enterprise_id=first.mapping_id.apply(lambda _: enterprise.enterprise_id),  # after it
            phone_number="+15559876543",
            messaging_app_id="another-bot",
        )
        return [second.mapping_id]

    with pytest.raises(
        Exception,
        match=r"NumberMapping: create of \+15559876543 failed: .*DUPLICATE_MAPPING.*adopt_id",
    ):
        run(program)
    assert len(contextsms_emulator.records()["mappings"]) == 1


def test_a_preview_creates_nothing_and_leaves_computed_outputs_unknown(
    contextsms_emulator: EmulatorProcess, contextsms_stack_config: dict[str, str]
) -> None:
    ContextSmsMocks(config=contextsms_stack_config, mode="emulator", environ={}).install(
        preview=True
    )
    assert run(lambda: [clinic().enterprise_id]) == []
    assert contextsms_emulator.records()["enterprises"] == []
    with pytest.raises(CheckFailedError):  # check() still runs in a preview
        run(lambda: [clinic(phone_number="12").enterprise_id])


def test_emulator_mode_refuses_an_api_that_is_not_on_loopback(no_network: list[str]) -> None:
    config = {**WEBEX, "contextsms:environment": "development", "contextsms:password": "x"}
    config["contextsms:username"] = "someone@example.com"
    ContextSmsMocks(config=config, mode="emulator", environ={}).install()
    with pytest.raises(RuntimeError, match="only runs against a loopback API"):
        run(lambda: [clinic().enterprise_id])
    assert no_network == []


def test_a_mode_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        ContextSmsMocks(mode="live")  # type: ignore[arg-type]


def test_install_works_after_something_ran_asyncio_run() -> None:
    """asyncio.run() leaves the main thread without an event loop, and set_mocks needs one.
    In a fresh interpreter: dropping this process's loop would leave it, and the loops
    Pulumi's mock monitor makes in its worker threads, to be collected unclosed."""
    code = textwrap.dedent(
        """
        import asyncio, pulumi
        import pulumi_contextsms as contextsms
        from pulumi_contextsms.testing import ContextSmsMocks

        async def nothing():
            return None

        asyncio.run(nothing())
        ContextSmsMocks(config={"contextsms:platform": "webex",
                                "contextsms:cspId": "CSP0000001"}, environ={}).install()
        seen = []

        @pulumi.runtime.test
        def program():
            return contextsms.Enterprise(
                "clinic", name="A", contact="B", phone_number="+15559876543",
                email="a@b.com").platform.apply(seen.append)

        program()
        print(seen)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['webex']"
