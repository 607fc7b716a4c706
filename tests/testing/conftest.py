"""Fixtures for the tests of `pulumi_contextsms.testing` and `pulumi_contextsms.events`.

The mocks configure the providers' process-wide session exactly as the engine would;
each test gets a fresh one (settings, clients, listing and enterprise caches, and a
journal of creates in flight in its own directory), put back afterwards, so nothing
leaks into other tests or into the machine's state directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_contextsms import session
from pulumi_contextsms.providers.journal import Journal

pytest_plugins = ["pytester"]


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture(autouse=True)
def _isolated_session(monkeypatch: pytest.MonkeyPatch, journal_dir: Path) -> Iterator[None]:
    fresh = session.Session(Journal(journal_dir))
    monkeypatch.setattr(session, "current", fresh)
    yield
    fresh.close()
