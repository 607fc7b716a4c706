"""Pulumi mocks that run the ContextSMS providers, for unit tests of users' programs.

Pulumi's mocks never run a dynamic provider (pulumi/pulumi#1186): under plain
``pulumi.runtime.set_mocks`` a ``NumberMapping`` with a bad phone number "works" and has
no ``mapping_id``. :class:`ContextSmsMocks` sends every ContextSMS resource to its own
provider instead, the one pickled in the resource's ``__provider`` input (as the engine
does), and everything else to the user's mocks:

* ``mode="validate"`` (default): the provider's ``check()`` only, no network. A check
  failure raises :class:`CheckFailedError` in the test with the provider's message; a
  valid resource gets the outputs a create would give, synthesised: ids in the
  ``9xxxxxx`` range (``E9012345``, ``NTMAP9012345``, ``CSP9012345``: documented shapes,
  derived from the resource name so they are stable, never numbers an emulator hands
  out in a test) and dates of 2000-01-01.
* ``mode="emulator"``: ``check()`` then a real ``create()`` against the API the
  settings name, which must be on a loopback host (the emulator; see the pytest
  plugin's fixtures). Nothing is ever deleted: use an emulator per test.

During a preview (``set_mocks(..., preview=True)``) nothing is created in either mode
and the computed outputs are unknown, as in ``pulumi preview``.

The providers read their settings in ``configure()``; these mocks hand them the
``config`` given here (the ``contextsms:*`` keys, as in a stack file), with the
``CONTEXTSMS_*`` environment as fallback, exactly like the engine does. Pulumi runs
mocks on worker threads where ``pulumi.runtime.set_all_config`` is not visible, so pass
the config here; :meth:`ContextSmsMocks.install` installs the mocks and the same config
for the program's own ``pulumi.Config`` reads in one call. In ``validate`` mode the
connection keys that are not set get harmless placeholders (an unreachable loopback
base, a dummy login): set ``contextsms:platform`` (and whatever the program reads).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import hashlib
import json
import os
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, Self
from urllib.parse import urlsplit

import dill  # type: ignore[import-untyped]  # what pulumi.dynamic pickles providers with
import pulumi
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks
from pulumi.runtime.rpc import UNKNOWN

from ..client.settings import is_loopback_host
from ..config import NAMESPACE, PROFILES_KEY, StackSettings

__all__ = [
    "CheckFailedError",
    "ContextSmsMocks",
    "Failure",
    "MOCK_TIMESTAMP_MS",
    "MockMode",
    "TYPE_PREFIX",
]

TYPE_PREFIX: Final = "pulumi-python:dynamic/contextsms:"
"""The type token prefix of every ContextSMS resource (``...:Enterprise``)."""
PROVIDER_KEY: Final = "__provider"
MOCK_TIMESTAMP_MS: Final = 946_684_800_000
"""2000-01-01T00:00:00Z: ``created_date``/``update_date`` of a synthesised record."""

MockMode = Literal["validate", "emulator"]

# What a create adds to the checked inputs, per resource kind (validate mode).
_ID_OUTPUT: Final = {"Enterprise": "enterprise_id", "NumberMapping": "mapping_id", "Csp": "csp_id"}
_ID_PREFIX: Final = {"Enterprise": "E", "NumberMapping": "NTMAP", "Csp": "CSP"}
_EXTRA_OUTPUTS: Final[dict[str, dict[str, Any]]] = {
    "Enterprise": {"created_date": MOCK_TIMESTAMP_MS, "update_date": MOCK_TIMESTAMP_MS},
    "NumberMapping": {},
    "Csp": {"retained_on_delete": True},
}
_PLACEHOLDER_BASES: Final = {
    "webex": "http://127.0.0.1:9/api/v1",  # port 9 (discard): never contacted
    "teams": "http://127.0.0.1:9/api/v2",
}
_PLACEHOLDER_LOGIN: Final = {"username": "mock@contextsms.test", "password": "mock-password"}
_SECRET_NAMES: Final = frozenset({"password"})


failure_garbage = threading.Event()
"""Set when a resource failed under these mocks. Pulumi's runtime then leaves the
exception in the futures of the resource's outputs, which nobody retrieves; collected
at a random later moment, their finalizers (asyncio's "Future exception was never
retrieved" log) can run inside ``ast.parse`` while pytest formats another test's
failure, and CPython 3.11.7 then raises ``SystemError: AST constructor recursion depth
mismatch`` (an INTERNALERROR). The pytest plugin collects them after such a test."""


def release_failed_outputs() -> None:
    """Drop what Pulumi's runtime still holds of the last program run (its pending RPCs
    and outputs, which ``pulumi.runtime.test`` itself clears before the next run) and
    collect the futures now, while the test that failed them is still the current one."""
    failure_garbage.clear()
    settings = pulumi.runtime.settings.SETTINGS
    for held in (getattr(settings, "rpc_manager", None), getattr(settings, "outputs", None)):
        if held is not None:
            held.clear()
    gc.collect()


@dataclass(frozen=True)
class Failure:
    """One input the provider refused, as ``check()`` reported it."""

    property: str
    reason: str


class CheckFailedError(Exception):
    """A ContextSMS resource failed its provider's ``check()``: what ``pulumi preview``
    would refuse. ``failures`` holds each input and the provider's reason."""

    def __init__(self, kind: str, name: str, failures: list[Failure]) -> None:
        self.kind = kind
        self.name = name
        self.failures = failures
        reasons = [
            f.reason if f.reason.startswith(f.property) else f"{f.property}: {f.reason}"
            for f in failures
        ]
        super().__init__(f"{kind} {name!r} failed validation: " + "; ".join(reasons))


class _DefaultMocks(Mocks):
    """What a test without mocks of its own gets for other resources: inputs echoed."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: MockCallArgs) -> Any:
        return {}  # a dict: the mock monitor iterates a tuple's failures, even None


class ContextSmsMocks(Mocks):
    """Mocks that run ContextSMS resources through their providers (see the module).

    ``mocks`` gets every other resource and every invoke; ``config`` holds the stack's
    ``contextsms:*`` values (``None`` for the engine's ``PULUMI_CONFIG`` environment
    variable); ``environ`` replaces ``os.environ`` for the ``CONTEXTSMS_*`` fallback;
    ``preview`` says whether this is a preview (:meth:`install` sets it): mocks run on
    worker threads that do not see ``set_mocks(preview=...)`` reliably.
    """

    def __init__(
        self,
        mocks: Mocks | None = None,
        *,
        config: Mapping[str, Any] | None = None,
        mode: MockMode = "validate",
        environ: Mapping[str, str] | None = None,
        preview: bool | None = None,
    ) -> None:
        if mode not in ("validate", "emulator"):
            raise ValueError(f"mode must be 'validate' or 'emulator', got {mode!r}")
        self.inner = mocks or _DefaultMocks()
        self.mode: MockMode = mode
        self.config = dict(config) if config is not None else None
        self._environ = environ
        self.preview = preview
        self._lock = threading.Lock()
        self._providers: dict[str, ResourceProvider] = {}
        self._ids: dict[str, str] = {}

    # --- setup ----------------------------------------------------------------------------

    def install(
        self, *, project: str = "project", stack: str = "stack", preview: bool = False
    ) -> Self:
        """``pulumi.runtime.set_mocks(self, ...)`` plus ``set_all_config`` with this
        config (the password keys as secrets), so the program reads what the providers
        read."""
        self.preview = preview
        _ensure_event_loop()
        pulumi.runtime.set_mocks(self, project=project, stack=stack, preview=preview)
        config = self._raw_config()
        pulumi.runtime.set_all_config(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()},
            [k for k in config if k.rpartition(":")[2] in _SECRET_NAMES],
        )
        return self

    def _raw_config(self) -> dict[str, Any]:
        if self.config is not None:
            return dict(self.config)
        return {k: v for k, v in pulumi.runtime.get_config_env().items() if k.startswith(NAMESPACE)}

    def _provider_config(self) -> dict[str, Any]:
        config = self._raw_config()
        if self.mode == "validate":
            config = _with_placeholders(config, self._env())
        return config

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    # --- the Mocks interface --------------------------------------------------------------

    def call(self, args: MockCallArgs) -> Any:
        return self.inner.call(args)

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.typ.startswith(TYPE_PREFIX):
            return self.inner.new_resource(args)
        try:
            return self._run_provider(args)
        except BaseException:
            failure_garbage.set()
            raise

    def _run_provider(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        kind = args.typ.removeprefix(TYPE_PREFIX)
        provider = self._provider(args.inputs.get(PROVIDER_KEY), args.typ)
        config = self._provider_config()
        provider.configure(ConfigureRequest(Config(raw_config=config, project_name="project")))
        props = {k: v for k, v in args.inputs.items() if k != PROVIDER_KEY}
        checked = provider.check({}, props)
        if checked.failures:
            failures = [Failure(f.property, f.reason) for f in checked.failures]
            raise CheckFailedError(kind, args.name, failures)
        inputs = dict(checked.inputs or {})
        if self.preview if self.preview is not None else pulumi.runtime.is_dry_run():
            return self._previewed(kind, inputs)
        if self.mode == "validate":
            return self._synthesised(kind, args.name, inputs)
        self._require_loopback(config, inputs)
        created = provider.create(inputs)
        outputs = dict(created.outs or {})
        # The engine has the record in the stack's state now; its next command's diff is
        # what tells the provider so (settling its journal of creates in flight). A
        # mocked program has no next command: run that offline diff at once.
        provider.diff(created.id, outputs, inputs)
        return created.id, outputs

    # --- helpers --------------------------------------------------------------------------

    def _provider(self, pickled: Any, typ: str) -> ResourceProvider:
        if not isinstance(pickled, str) or not pickled:
            raise TypeError(f"{typ}: no pickled provider in the __provider input")
        with self._lock:
            provider = self._providers.get(pickled)
            if provider is None:
                provider = dill.loads(base64.b64decode(pickled))
                if not isinstance(provider, ResourceProvider) or not type(
                    provider
                ).__module__.startswith("pulumi_contextsms."):
                    raise TypeError(f"{typ}: __provider is not a ContextSMS provider")
                self._providers[pickled] = provider
            return provider

    def _fake_id(self, kind: str, name: str) -> str:
        """``E9`` + 6 digits from the resource name: stable from run to run whatever the
        registration order (mocks run on several threads), and unique in one program."""
        digest = int.from_bytes(hashlib.sha256(f"{kind}/{name}".encode()).digest()[:8], "big")
        with self._lock:
            number = digest % 1_000_000
            while True:
                fake = f"{_ID_PREFIX[kind]}9{number:06d}"
                owner = self._ids.setdefault(fake, name)
                if owner == name:
                    return fake
                number = (number + 1) % 1_000_000

    def _synthesised(
        self, kind: str, name: str, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        fake = self._fake_id(kind, name)
        return fake, {**inputs, **_EXTRA_OUTPUTS.get(kind, {}), _ID_OUTPUT[kind]: fake}

    @staticmethod
    def _previewed(kind: str, inputs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        computed = dict.fromkeys([_ID_OUTPUT[kind], *_EXTRA_OUTPUTS.get(kind, {})], UNKNOWN)
        return None, {**inputs, **computed}

    def _require_loopback(self, config: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
        """Emulator mode creates for real and never deletes: only on a loopback API."""
        settings = StackSettings.from_config(config.get, self._env())
        connection = settings.connection(inputs.get("profile"))
        host = urlsplit(connection.api_base).hostname or ""
        if not is_loopback_host(host):
            raise RuntimeError(
                f"ContextSmsMocks(mode='emulator') creates records and never deletes them, "
                f"so it only runs against a loopback API (the emulator), not {host}"
            )


def _ensure_event_loop() -> None:
    """``set_mocks`` makes the root stack's futures on the thread's current event loop,
    and there is none once anything in the process ran ``asyncio.run()`` (another test,
    pytest-asyncio, anyio): set a fresh one then, as ``pulumi.runtime.test`` does."""
    try:
        asyncio.get_running_loop()
        return
    except RuntimeError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: no implicit loop
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())


def _with_placeholders(config: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """The config with a dummy login and an unreachable base where none is set (top
    level and in each profile), so ``check()`` can resolve a connection offline."""
    filled = dict(config)
    filled.update(_fill(_top_level(config), environ, prefix=f"{NAMESPACE}:"))
    raw = config.get(PROFILES_KEY)
    profiles = json.loads(raw) if isinstance(raw, str) and raw.strip() else raw
    if isinstance(profiles, Mapping) and all(isinstance(p, Mapping) for p in profiles.values()):
        filled[PROFILES_KEY] = {
            name: {**values, **_fill(values, environ, prefix="")}
            for name, values in profiles.items()
        }
    return filled


def _top_level(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k.removeprefix(f"{NAMESPACE}:"): v
        for k, v in config.items()
        if k.startswith(f"{NAMESPACE}:") and k != PROFILES_KEY
    }


def _fill(values: Mapping[str, Any], environ: Mapping[str, str], *, prefix: str) -> dict[str, Any]:
    def known(name: str, env_var: str) -> bool:
        return bool(values.get(name)) or bool(environ.get(env_var))

    added: dict[str, Any] = {}
    platform = str(values.get("platform") or environ.get("CONTEXTSMS_PLATFORM") or "").lower()
    has_base = known("apiBase", "CONTEXTSMS_API_BASE")
    if not has_base and not known("environment", "CONTEXTSMS_ENVIRONMENT"):
        base = _PLACEHOLDER_BASES.get(platform)
        if base is not None:
            added[f"{prefix}apiBase"] = base
    for name, value in _PLACEHOLDER_LOGIN.items():
        if not known(name, f"CONTEXTSMS_{name.upper()}"):
            added[f"{prefix}{name}"] = value
    return added
