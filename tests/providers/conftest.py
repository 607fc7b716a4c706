"""Fixtures for calling the dynamic providers directly, without the Pulumi engine.

`settings(...)` installs stack settings in `providers.session` the way the provider's
configure() does (from a dict of stack config, with an empty environment). Nothing
leaks between tests: the session's settings and clients, the listing and
enterprise caches and the journal of creates in flight are fresh for each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from providers_support import stack_config

from pulumi_contextsms import session
from pulumi_contextsms.client import ContextSmsClient
from pulumi_contextsms.config import StackSettings
from pulumi_contextsms.providers.journal import Journal


@pytest.fixture(autouse=True)
def _isolated_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    fresh = session.Session(Journal(tmp_path / "journal"))
    monkeypatch.setattr(session, "current", fresh)
    yield
    fresh.close()


@pytest.fixture
def settings() -> Callable[..., StackSettings]:
    """Install the stack settings of `platform` (plus `extra` config keys)."""

    def install(platform: str, api_base: str | None = None, **extra: Any) -> StackSettings:
        config = stack_config(platform, api_base, **extra)
        built = StackSettings.from_config(config.get, environ={})
        session.configure(built)
        return built

    return install


@pytest.fixture
def no_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything builds an API client (the only way to send a request)."""

    def refuse(*_args: Any, **_kwargs: Any) -> ContextSmsClient:
        raise AssertionError("an API client was built: this call must not touch the network")

    monkeypatch.setattr(session, "new_client", refuse)
