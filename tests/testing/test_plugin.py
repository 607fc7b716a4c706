"""The pytest plugin, as a user's repository gets it: loaded through its ``pytest11``
entry point by a pytest run in a temporary directory outside this repository (pytester,
in a subprocess, so nothing of this suite's conftest or ini options is in play)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
import types

import pytest

FIXTURES = {
    "contextsms_emulator": "A running ContextSMS emulator for this test",
    "contextsms_emulator_session": "One ContextSMS emulator for the whole session",
    "contextsms_emulator_factory": "Start ContextSMS emulators",
    "contextsms_platform": "The platform the stack fixtures speak",
    "contextsms_account": "The account the fixtures log in as",
    "contextsms_stack_config": "The ``contextsms:*`` stack config that points a Pulumi stack at",
    "contextsms_env": "The same settings as ``CONTEXTSMS_*`` environment variables",
    "contextsms_client": "A ``pulumi_contextsms.client.ContextSmsClient`` logged in to",
    "contextsms_webhook_receiver": "A running ``WebhookReceiver``",
    "contextsms_mocks": "Install ``ContextSmsMocks`` for a unit test",
}


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=300)


def test_pytest_fixtures_lists_ours_with_their_docstrings(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fixtures")

    assert result.ret == 0
    output = result.stdout.str()
    assert "fixtures defined from pulumi_contextsms.testing.pytest_plugin" in output
    for name, doc in FIXTURES.items():
        assert f"{name} " in output or f"{name} --" in output, name
        assert doc in output, name
    assert "pulumi-contextsms" in output.split("plugins:")[1].splitlines()[0]


def test_the_fixtures_come_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses(contextsms_platform):\n    assert contextsms_platform\n")
    assert run(pytester).ret == 0
    disabled = run(pytester, "-p", "no:contextsms")
    disabled.assert_outcomes(errors=1)
    disabled.stdout.fnmatch_lines(["*fixture 'contextsms_platform' not found*"])


def test_loading_the_plugin_imports_neither_pulumi_nor_the_emulator() -> None:
    code = "import sys, pulumi_contextsms.testing.pytest_plugin; print('\\n'.join(sys.modules))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    heavy = {"pulumi", "contextsms_emulator", "fastapi", "uvicorn", "httpx", "pydantic"}
    assert loaded.isdisjoint(heavy), loaded & heavy


def test_without_the_emulator_extra_the_fixtures_say_how_to_install_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import sys

        class NoEmulatorExtra:  # as if `pip install pulumi-contextsms` without [emulator]
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("contextsms_emulator", "fastapi", "uvicorn"):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, NoEmulatorExtra())
        """
    )
    pytester.makepyfile(
        """
        def test_needs_an_emulator(contextsms_emulator):
            pass

        def test_needs_none(contextsms_platform):
            assert contextsms_platform == "webex"
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*need the emulator extra*: pip install 'pulumi-contextsms[[]emulator[]]'"]
    )
    assert "During handling" not in result.stdout.str()


def test_marker_options_reach_the_test_s_own_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import datetime, httpx, pytest

        USER = "ops@example.com:s3cret:CSP0000042"

        @pytest.mark.contextsms_emulator(
            users=[USER], token_ttl=7, honour_idempotency_keys=False, error_rate=0.25,
        )
        def test_options(contextsms_emulator, contextsms_account, contextsms_stack_config):
            assert contextsms_emulator.idempotency() is False
            assert contextsms_emulator.faults()["error_rate"] == 0.25
            contextsms_emulator.clear_faults()
            assert (contextsms_account.username, contextsms_account.csp_id) == (
                "ops@example.com", "CSP0000042")
            assert contextsms_stack_config["contextsms:cspId"] == "CSP0000042"
            login = httpx.post(
                contextsms_emulator.webex_auth_base + "/auth/login",
                json={"username": "ops@example.com", "password": "s3cret"},
            ).json()
            expires = datetime.datetime.fromisoformat(login["expirationTimeInUTC"])
            left = expires - datetime.datetime.now(datetime.timezone.utc)
            assert datetime.timedelta(0) < left <= datetime.timedelta(seconds=8)

        def test_defaults(contextsms_emulator):
            assert contextsms_emulator.idempotency() is True
            assert contextsms_emulator.faults()["error_rate"] == 0

        @pytest.mark.contextsms_emulator(colour="blue")
        def test_unknown_option(contextsms_emulator):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unknown emulator option(s) colour; allowed:*token_ttl*"])


def test_ini_options_apply_and_reuse_shares_one_emulator_reset_between_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        """
        [pytest]
        contextsms_emulator_users =
            admin@shop.test:pw-1:CSP0000007
        contextsms_emulator_honour_idempotency_keys = false
        contextsms_emulator_reuse = true
        contextsms_platform = teams
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from pulumi_contextsms.client import EnterpriseSpec

        PORTS = []

        def test_first(contextsms_emulator, contextsms_client, contextsms_stack_config):
            PORTS.append(contextsms_emulator.port)
            assert contextsms_client.platform.value == "teams"
            assert contextsms_stack_config["contextsms:apiBase"].endswith("/api/v2")
            assert contextsms_emulator.idempotency() is False
            contextsms_emulator.set_idempotency(True)
            contextsms_client.create_enterprise("CSP0000007", EnterpriseSpec(
                name="Shop", contact="Ann", phone_number="+15551234567", email="ann@shop.com"))
            assert len(contextsms_emulator.records()["enterprises"]) == 1

        def test_second_sees_a_reset_emulator(contextsms_emulator, contextsms_emulator_session):
            assert contextsms_emulator is contextsms_emulator_session
            assert PORTS == [contextsms_emulator.port]
            assert contextsms_emulator.records()["enterprises"] == []
            assert contextsms_emulator.idempotency() is False  # back to the ini setting

        @pytest.mark.contextsms_emulator(token_ttl=30)
        def test_a_marker_still_gets_its_own(contextsms_emulator):
            assert contextsms_emulator.port not in PORTS
        """
    )
    run(pytester, "-p", "no:randomly").assert_outcomes(passed=3)


def test_stack_config_env_and_client_point_at_the_emulator_on_both_platforms(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pulumi_contextsms.client import EnterpriseSpec

        @pytest.mark.parametrize("contextsms_platform", ["webex", "teams"])
        def test_both(contextsms_emulator, contextsms_platform, contextsms_stack_config,
                      contextsms_env, contextsms_client):
            url = contextsms_emulator.url
            version = "v1" if contextsms_platform == "webex" else "v2"
            assert contextsms_stack_config["contextsms:platform"] == contextsms_platform
            assert contextsms_stack_config["contextsms:apiBase"] == f"{url}/api/{version}"
            assert contextsms_env["CONTEXTSMS_API_BASE"] == f"{url}/api/{version}"
            assert contextsms_env["CONTEXTSMS_PASSWORD"] == "demo-password"
            assert ("CONTEXTSMS_AUTH_BASE" in contextsms_env) == (contextsms_platform == "webex")
            assert contextsms_client.login_count == 1  # logged in already
            made = contextsms_client.create_enterprise("CSP0000001", EnterpriseSpec(
                name="A", contact="B", phone_number="+15551234567", email="a@b.com"))
            assert [e["enterprise_id"] for e in contextsms_emulator.records()["enterprises"]] == [
                made.enterprise_id]

        def test_factory(contextsms_emulator_factory):
            dev, prod = contextsms_emulator_factory(), contextsms_emulator_factory(token_ttl=60)
            assert dev.port != prod.port and dev.running and prod.running
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_a_failed_test_shows_its_emulators_log(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.contextsms_emulator(log_level="info")
        def test_fails(contextsms_emulator):
            assert contextsms_emulator.records()["enterprises"] == ["something"]
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*contextsms emulator http://127.0.0.1:*"])


def test_the_webhook_receiver_fixture_gets_events(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        textwrap.dedent(
            """
            from pulumi_contextsms.client import EnterpriseSpec, MappingSpec

            def test_event(contextsms_emulator, contextsms_client, contextsms_webhook_receiver):
                made = contextsms_client.create_enterprise("CSP0000001", EnterpriseSpec(
                    name="A", contact="B", phone_number="+15551234567", email="a@b.com"))
                mapping = contextsms_client.create_mapping(made.enterprise_id, MappingSpec(
                    phone_number="+15559871234", messaging_app_id="bot",
                    messaging_app_type="Webex"))
                hook = contextsms_emulator.register_webhook(
                    contextsms_webhook_receiver.url, enterprise_id=made.enterprise_id)
                assert hook["active"]
                contextsms_emulator.send_inbound("+15559871234", "+15551230001", "hi")
                [event] = contextsms_webhook_receiver.wait_for_events(1, timeout=10)
                assert event.mapping_id == mapping.mapping_id
            """
        )
    )
    run(pytester).assert_outcomes(passed=1)


def test_a_failure_after_failed_resources_is_reported_not_an_internal_error(
    pytester: pytest.Pytester,
) -> None:
    """Resources that failed under the mocks leave futures holding their exception;
    collected while pytest formats a later failure, their finalizers crashed CPython
    3.11.7's ast.parse (INTERNALERROR). The plugin collects them after each such test."""
    pytester.makepyfile(
        """
        import pulumi, pytest
        import pulumi_contextsms as contextsms
        from pulumi_contextsms.testing import CheckFailedError, ContextSmsMocks

        def deploy(phone):
            @pulumi.runtime.test
            def program():
                return contextsms.Enterprise("e", name="A", contact="B",
                                             phone_number=phone, email="a@b.co").enterprise_id
            program()

        @pytest.mark.parametrize("attempt", range(9))
        def test_refused(attempt):
            ContextSmsMocks(config={"contextsms:platform": "webex",
                                    "contextsms:cspId": "CSP0000001"}, environ={}).install()
            with pytest.raises(CheckFailedError):
                deploy("+1")

        def test_fails():
            ContextSmsMocks(config={"contextsms:platform": "webex",
                                    "contextsms:cspId": "CSP0000001"}, environ={}).install()
            deploy("+2")
        """
    )
    result = run(pytester)
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=9, failed=1)
    # the refused resources' futures were collected after their tests, not at exit
    assert "'+1'" not in result.stderr.str()


PER_TEST_BUDGET = 10e-6
"""Seconds the plugin may add to each test of a suite that does not use it: pytest's own
per-test cost is a few hundred microseconds, so 10 us is within its noise."""
IMPORT_BUDGET = 0.02
"""Seconds the plugin may add to a pytest start (measured ~1.2 ms here)."""


def test_the_plugin_costs_a_suite_that_does_not_use_it_nothing_measurable() -> None:
    """Auto-loaded (pytest11) in every test run of a repository that installs the
    package, it runs two hooks per test: the makereport wrapper (three phases) and the
    teardown. Timed here as pytest calls them, against a no-op of the same shape."""
    import timeit

    from pulumi_contextsms.testing import pytest_plugin

    item = types.SimpleNamespace(stash=pytest.Stash())
    report = types.SimpleNamespace(failed=False, sections=[])
    outcome = types.SimpleNamespace(get_result=lambda: report)
    makereport = pytest_plugin.pytest_runtest_makereport

    def one_test() -> None:
        for _phase in range(3):
            wrapper = makereport(item, None)  # type: ignore[arg-type]
            next(wrapper)
            with contextlib.suppress(StopIteration):
                wrapper.send(outcome)
        pytest_plugin.pytest_runtest_teardown(item)  # type: ignore[arg-type]

    runs = 20_000
    per_test = min(timeit.repeat(one_test, number=runs, repeat=5)) / runs
    assert per_test < PER_TEST_BUDGET, f"the plugin adds {per_test * 1e6:.2f} us per test"

    code = "import time, pytest; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    cost = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code.format("pulumi_contextsms.testing.pytest_plugin")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    )
    assert cost < IMPORT_BUDGET, f"loading the plugin adds {cost * 1e3:.1f} ms to a pytest start"
