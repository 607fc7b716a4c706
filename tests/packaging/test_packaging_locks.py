"""What the package promises users (ranges, floors) and what CI installs (locks) agree.

requirements/*.txt are written by `make lock` (scripts/lock.py); these tests fail when
pyproject.toml, tools/go.mod or an installed venv moved without a new lock.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
LOCKS = REPO / "requirements"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
CI_LOCKS = ("ci-py3.11", "ci-py3.13")
NEWEST_LOCKS = ("compat-newest-py3.11", "compat-newest-py3.12", "compat-newest-py3.13")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    lines = (LOCKS / f"{lock}.txt").read_text().splitlines()
    return {
        norm(name): version
        for name, _, version in (
            line.partition("==") for line in lines if "==" in line and not line.startswith("#")
        )
    }


def floors() -> dict[str, str]:
    found = {}
    for requirement in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["emulator"]]:
        match = re.match(r"^([A-Za-z0-9._-]+)\s*>=\s*([^,;\s]+)", requirement)
        assert match, f"{requirement!r} has no >= floor"
        found[norm(match[1])] = match[2]
    return found


def cli_version() -> str:
    match = re.search(
        r"github\.com/pulumi/pulumi/pkg/v3 v(\S+)", (REPO / "tools/go.mod").read_text()
    )
    assert match
    return match[1]


def test_the_sdk_is_a_range_from_the_floor_the_code_needs_to_the_next_major() -> None:
    assert "pulumi>=3.216.0,<4" in PROJECT["dependencies"]
    assert not any("==" in r for r in PROJECT["dependencies"])


def test_dev_tools_are_dependency_groups_not_a_published_extra() -> None:
    assert set(PROJECT["optional-dependencies"]) == {"emulator"}
    assert set(PYPROJECT["dependency-groups"]) == {"test", "lint", "dev"}


def test_the_floor_lane_installs_every_dependency_exactly_at_its_floor() -> None:
    locked = pins("compat-floor-py3.11")
    for name, floor in floors().items():
        assert Version(locked[name]) == Version(floor), name


def test_the_sdk_floor_is_also_what_the_floor_lane_on_313_installs() -> None:
    assert Version(pins("compat-floor-py3.13")["pulumi"]) == Version(floors()["pulumi"])


def locked_against_cli(lock: str) -> str:
    """The CLI version `make lock` resolved the lock's SDK against (its header says)."""
    match = re.search(r"\(tools/go\.mod: v(\S+)\)", (LOCKS / f"{lock}.txt").read_text())
    assert match, f"{lock}: no `(tools/go.mod: vX)` in its header: run `make lock`"
    return match[1]


def test_the_suite_runs_the_newest_sdk_not_newer_than_the_cli_it_builds() -> None:
    """The proxy (CLI) and PyPI (SDK) publish apart: the main suite runs the newest SDK
    published that is not newer than its CLI. The newest lanes, locked in the same
    `make lock`, say which SDK was the newest published then."""
    cli = Version(cli_version())
    newest_by_lock = {lock: Version(pins(lock)["pulumi"]) for lock in NEWEST_LOCKS}
    assert len(set(newest_by_lock.values())) == 1, newest_by_lock
    newest = newest_by_lock[NEWEST_LOCKS[0]]
    for lock in CI_LOCKS:
        assert locked_against_cli(lock) == cli_version(), f"{lock}: the CLI moved, run `make lock`"
        sdk = Version(pins(lock)["pulumi"])
        assert sdk <= cli, f"{lock}: SDK {sdk} is newer than the CLI {cli}"
        assert sdk <= newest, f"{lock}: SDK {sdk} is newer than the newest lanes' {newest}"
        if newest <= cli:
            assert sdk == newest, f"{lock}: SDK {sdk}, but {newest} (<= CLI {cli}) was published"


def test_every_lock_satisfies_the_published_ranges() -> None:
    for path in sorted(LOCKS.glob("*.txt")):
        locked = pins(path.stem)
        for text in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["emulator"]]:
            requirement = Requirement(text.split("#")[0])
            version = locked[norm(requirement.name)]
            assert requirement.specifier.contains(version, prereleases=True), (path.name, text)


def test_this_venv_holds_exactly_its_lock() -> None:
    lock = f"ci-py{sys.version_info.major}.{sys.version_info.minor}"
    if not (LOCKS / f"{lock}.txt").exists():
        pytest.skip(f"no {lock} lock: this interpreter is not one the suite installs")
    installed = {
        norm(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if norm(dist.metadata["Name"]) != "pulumi-contextsms"
    }
    assert installed == pins(lock)
