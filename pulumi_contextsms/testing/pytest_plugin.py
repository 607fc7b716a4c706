"""pytest fixtures for testing infrastructure code that uses ContextSMS (docs/testing.md).

Registered through the ``pytest11`` entry point ``contextsms``, so installing
``pulumi-contextsms[emulator]`` is enough: ``pytest --fixtures`` lists them. Disable it
with ``-p no:contextsms``. The fixtures that run an emulator need the ``emulator``
extra; without it they fail with the command that installs it.

Importing this module costs nothing beyond pytest and the standard library: pytest
imports it in every run of every repository that has the package installed.

Options, most specific first: the ``contextsms_emulator`` marker of a test, then the
ini options (``[tool.pytest.ini_options]``), then the emulator's own defaults.
"""

from __future__ import annotations

import inspect
import sys
import weakref
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from contextsms_emulator.process import EmulatorProcess

    from ..client import ContextSmsClient
    from .mocks import ContextSmsMocks
    from .receiver import WebhookReceiver
    from .stack import EmulatorAccount

MARKER: Final = "contextsms_emulator"
INSTALL_HINT: Final = "pip install 'pulumi-contextsms[emulator]'"

_INI: Final = {
    "contextsms_emulator_users": (
        "linelist",
        "emulator accounts, one EMAIL:PASSWORD:CSPID[:ROLE] a line (default: the demo "
        "account); the fixtures log in as the first",
    ),
    "contextsms_emulator_token_ttl": ("string", "access token lifetime, seconds"),
    "contextsms_emulator_honour_idempotency_keys": (
        "bool",
        "false: the emulator ignores Idempotency-Key, like a service without it",
    ),
    "contextsms_emulator_log_level": ("string", "the emulator's log level (default warning)"),
    "contextsms_emulator_args": ("args", "more contextsms-emulator flags, shell-quoted"),
    "contextsms_emulator_reuse": (
        "bool",
        "true: contextsms_emulator is the session's emulator, reset before each test "
        "(faster; a test with the contextsms_emulator marker still gets its own)",
    ),
    "contextsms_platform": ("string", "webex (default) or teams, for the stack fixtures"),
}

_USERS: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()
"""The ``users`` each emulator started with: the fixtures log in as the first."""
_LOGS_KEY = pytest.StashKey[list[Any]]()


# --- hooks ------------------------------------------------------------------------------


_INI_DEFAULTS: Final[dict[str, object]] = {"contextsms_emulator_honour_idempotency_keys": True}


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (kind, text) in _INI.items():
        if name in _INI_DEFAULTS:
            parser.addini(name, text, type=kind, default=_INI_DEFAULTS[name])  # type: ignore[arg-type]
        else:
            parser.addini(name, text, type=kind)  # type: ignore[arg-type]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options for this test's ContextSMS emulator (users, "
        "token_ttl, honour_idempotency_keys, error_rate, rate_limit_rate, latency_ms, "
        "drop_rate, fault_seed, delivery_attempts, delivery_first_retry, ...: the "
        "keyword arguments of contextsms_emulator.EmulatorProcess)",
    )


@pytest.hookimpl(hookwrapper=True)  # old-style: works with every pytest since 7.0
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A failed test's report shows the log of each emulator it used."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for process in item.stash.get(_LOGS_KEY, []):
            lines = process.output
            if lines:
                report.sections.append((f"contextsms emulator {process.url}", "\n".join(lines)))


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """After a test in which a resource failed under ContextSmsMocks, collect the
    futures Pulumi left holding the exception, now rather than while pytest formats a
    later failure (see ``mocks.failure_garbage``)."""
    mocks = sys.modules.get("pulumi_contextsms.testing.mocks")  # never imported here
    if mocks is not None and mocks.failure_garbage.is_set():
        mocks.release_failed_outputs()


# --- options ------------------------------------------------------------------------------


def _process_class() -> type[EmulatorProcess]:
    try:
        from contextsms_emulator.process import EmulatorProcess
    except ImportError as exc:  # the extra is not installed
        missing = str(exc)
    else:
        return EmulatorProcess
    pytest.fail(  # outside the except: no "during handling of..." chain in the report
        f"the ContextSMS emulator fixtures need the emulator extra ({missing}): {INSTALL_HINT}",
        pytrace=False,
    )


def _ini_options(config: pytest.Config) -> dict[str, Any]:
    """EmulatorProcess keyword arguments from the ini options that are set."""
    options: dict[str, Any] = {}
    users = [u.strip() for u in config.getini("contextsms_emulator_users") if u.strip()]
    if users:
        options["users"] = users
    ttl = str(config.getini("contextsms_emulator_token_ttl") or "").strip()
    if ttl:
        try:
            options["token_ttl"] = int(ttl)
        except ValueError:
            raise pytest.UsageError(
                f"contextsms_emulator_token_ttl must be a whole number of seconds, got {ttl!r}"
            ) from None
    if not config.getini("contextsms_emulator_honour_idempotency_keys"):
        options["honour_idempotency_keys"] = False
    level = str(config.getini("contextsms_emulator_log_level") or "").strip()
    if level:
        options["log_level"] = level
    args = list(config.getini("contextsms_emulator_args") or [])
    if args:
        options["extra_args"] = args
    return options


def _check_options(options: dict[str, Any], where: str) -> dict[str, Any]:
    allowed = set(inspect.signature(_process_class()).parameters)
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise pytest.UsageError(
            f"{where}: unknown emulator option(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return options


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
    return _check_options(dict(marker.kwargs), f"@pytest.mark.{MARKER} on {request.node.nodeid}")


def _start(options: dict[str, Any]) -> EmulatorProcess:
    process = _process_class()(**options)
    process.start()
    _USERS[process] = list(options.get("users") or [])
    return process


def _track(request: pytest.FixtureRequest, process: EmulatorProcess) -> None:
    item = request.node
    if isinstance(item, pytest.Item):
        item.stash.setdefault(_LOGS_KEY, []).append(process)


def _account_of(process: EmulatorProcess) -> EmulatorAccount:
    from .stack import EmulatorAccount

    users = _USERS.get(process) or []
    return EmulatorAccount.parse(users[0]) if users else EmulatorAccount.demo()


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def contextsms_emulator_factory(
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., EmulatorProcess]]:
    """Start ContextSMS emulators: ``make(**options) -> EmulatorProcess``, each on a free
    loopback port with an in-memory database, stopped after the test.

    ``options`` are ``EmulatorProcess``'s keyword arguments (``users``, ``token_ttl``,
    ``honour_idempotency_keys``, ``error_rate``, ``latency_ms``, ...) over the ini
    defaults. For tests that need several, e.g. a dev and a prod emulator.
    """
    started: list[EmulatorProcess] = []
    defaults = _ini_options(request.config)

    def make(**options: Any) -> EmulatorProcess:
        process = _start(_check_options({**defaults, **options}, "contextsms_emulator_factory"))
        started.append(process)
        _track(request, process)
        return process

    yield make
    for process in reversed(started):
        process.stop()


@pytest.fixture(scope="session")
def contextsms_emulator_session(request: pytest.FixtureRequest) -> Iterator[EmulatorProcess]:
    """One ContextSMS emulator for the whole session (ini options only). Its records
    outlive each test: call ``.reset()`` where that matters, or set
    ``contextsms_emulator_reuse = true`` and use ``contextsms_emulator``."""
    process = _start(_check_options(_ini_options(request.config), "ini options"))
    yield process
    process.stop()


@pytest.fixture
def contextsms_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorProcess]:
    """A running ContextSMS emulator for this test (an ``EmulatorProcess``): both APIs,
    the demo account unless ``users`` says otherwise, stopped afterwards.

    Options: ``@pytest.mark.contextsms_emulator(token_ttl=5, error_rate=0.2,
    honour_idempotency_keys=False, ...)``, else the ini options. With
    ``contextsms_emulator_reuse = true`` (and no marker) it is the session's emulator,
    reset (records, faults, request log) before the test.
    """
    options = _marker_options(request)
    if options is None and request.config.getini("contextsms_emulator_reuse"):
        process: EmulatorProcess = request.getfixturevalue("contextsms_emulator_session")
        process.reset()  # also puts Idempotency-Key handling back to its start-up setting
        _track(request, process)
        yield process
        return
    process = _start(_check_options({**_ini_options(request.config), **(options or {})}, "options"))
    _track(request, process)
    yield process
    process.stop()


@pytest.fixture
def contextsms_platform(request: pytest.FixtureRequest) -> str:
    """The platform the stack fixtures speak: ``webex`` unless the ini option
    ``contextsms_platform`` says ``teams``. Parametrize it to run a test on both:
    ``@pytest.mark.parametrize("contextsms_platform", ["webex", "teams"])``."""
    platform = str(request.config.getini("contextsms_platform") or "webex").strip().lower()
    if platform not in ("webex", "teams"):
        raise pytest.UsageError(f"contextsms_platform must be webex or teams, got {platform!r}")
    return platform


@pytest.fixture
def contextsms_account(contextsms_emulator: EmulatorProcess) -> EmulatorAccount:
    """The account the fixtures log in as: the emulator's first user (or the demo one)."""
    return _account_of(contextsms_emulator)


@pytest.fixture
def contextsms_stack_config(
    contextsms_emulator: EmulatorProcess,
    contextsms_platform: str,
    contextsms_account: EmulatorAccount,
) -> dict[str, str]:
    """The ``contextsms:*`` stack config that points a Pulumi stack at
    ``contextsms_emulator``: platform, apiBase (and authBase for Webex), username,
    password, cspId. Set ``contextsms:password`` as a secret
    (``pulumi_contextsms.testing.automation_config`` does)."""
    from .stack import emulator_stack_config

    return emulator_stack_config(contextsms_emulator, contextsms_platform, contextsms_account)


@pytest.fixture
def contextsms_env(
    contextsms_emulator: EmulatorProcess,
    contextsms_platform: str,
    contextsms_account: EmulatorAccount,
) -> dict[str, str]:
    """The same settings as ``CONTEXTSMS_*`` environment variables, for a stack that
    sets no ``contextsms:*`` key (add them to the Pulumi command's environment)."""
    from .stack import emulator_env

    return emulator_env(contextsms_emulator, contextsms_platform, contextsms_account)


@pytest.fixture
def contextsms_client(
    contextsms_emulator: EmulatorProcess,
    contextsms_platform: str,
    contextsms_account: EmulatorAccount,
) -> Iterator[ContextSmsClient]:
    """A ``pulumi_contextsms.client.ContextSmsClient`` logged in to
    ``contextsms_emulator`` (the platform of ``contextsms_platform``): to seed records
    before a test or look at them after, through the API as a user would."""
    from .stack import emulator_client

    client = emulator_client(contextsms_emulator, contextsms_platform, contextsms_account)
    yield client
    client.close()


@pytest.fixture
def contextsms_webhook_receiver() -> Iterator[WebhookReceiver]:
    """A running ``WebhookReceiver``: an HTTP endpoint on a free loopback port that
    answers the verification challenge and records every event (``.url``,
    ``.wait_for_events(n)``, ``.fail_next(n)``)."""
    from .receiver import WebhookReceiver

    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def contextsms_mocks(request: pytest.FixtureRequest) -> Callable[..., ContextSmsMocks]:
    """Install ``ContextSmsMocks`` for a unit test: ``contextsms_mocks(mocks=None,
    mode="validate", config=None)``. ``validate`` runs our providers' ``check()``
    offline; ``emulator`` also creates through ``contextsms_emulator`` (started on
    demand) with ``contextsms_stack_config``. Returns the installed mocks."""

    def install(
        mocks: Any = None,
        *,
        mode: str = "validate",
        config: dict[str, Any] | None = None,
        project: str = "project",
        stack: str = "stack",
        preview: bool = False,
    ) -> ContextSmsMocks:
        from .mocks import ContextSmsMocks

        if config is None and mode == "emulator":
            config = request.getfixturevalue("contextsms_stack_config")
        if config is None:
            platform = request.getfixturevalue("contextsms_platform")
            config = {"contextsms:platform": platform, "contextsms:cspId": "CSP0000001"}
        created = ContextSmsMocks(mocks, config=config, mode=mode, environ={})  # type: ignore[arg-type]
        return created.install(project=project, stack=stack, preview=preview)

    return install
