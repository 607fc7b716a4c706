"""Write requirements/*.txt: the exact versions each environment of `make test` installs.

Each lock is the `pip freeze --all` of a fresh venv into which pip resolved the named
requirements from PyPI, so installing with it as constraints gives that environment
back, byte for byte, until the next `make lock`: a release of an unrelated tool cannot
break `make test` (which runs with filterwarnings = error). Run `make lock` to move
every environment to today's newest versions, then `make test`.

  ci-py3.11             the main suite: the package (editable), its emulator extra and
                        the dev group; pulumi: the newest release on the index that is not
                        newer than the CLI (tools/go.mod), as pip resolves `pulumi<=CLI`
  ci-py3.13             the unit and emulator tests on 3.13: the test group
  compat-floor-py3.11   a user's venv with every dependency at its floor (pyproject.toml)
  compat-floor-py3.13   the SDK floor on 3.13; the other floors predate 3.13 wheels, so
                        they are resolved to the newest
  compat-newest-py3.11  a user's venv with the newest of everything (pulumi < 4)
  compat-newest-py3.12  the same on 3.12
  compat-newest-py3.13  the same on 3.13
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCKS = REPO / "requirements"
PIP = "pip>=25.1,<26"  # --group needs 25.1; pulumi requires pip<26
PROJECT = "pulumi-contextsms"


def pyproject() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def floors() -> list[str]:
    """`name==floor` for every runtime and emulator dependency (its `>=` bound)."""
    project = pyproject()["project"]
    assert isinstance(project, dict)
    requirements = [*project["dependencies"], *project["optional-dependencies"]["emulator"]]
    pins = []
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", requirement)
        if match is None:
            raise SystemExit(f"lock: {requirement!r} has no >= floor")
        pins.append(f"{match[1]}=={match[2]}")
    return pins


def sdk_floor() -> str:
    return next(pin for pin in floors() if pin.startswith("pulumi=="))


def cli_version() -> str:
    """The Pulumi CLI the tests build (tools/go.mod's pkg/v3), without the `v`."""
    text = (REPO / "tools" / "go.mod").read_text()
    match = re.search(r"github\.com/pulumi/pulumi/pkg/v3 v(\S+)", text)
    if match is None:
        raise SystemExit("lock: tools/go.mod pins no github.com/pulumi/pulumi/pkg/v3")
    return match[1]


@functools.cache
def cli_sdk() -> str:
    """`pulumi==X`: the newest SDK the index serves that is not newer than the CLI.

    The proxy and PyPI publish on their own schedules (the CLI can be ahead of the SDK,
    or behind it), so the main suite runs the newest SDK it can without running an SDK
    newer than its CLI. Resolved once, so that both ci locks pin the same release.
    """
    with tempfile.TemporaryDirectory(prefix="lock-sdk-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([interpreter("3.11"), "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "--quiet", "install", "--upgrade", PIP], check=True)
        report = subprocess.run(
            [
                *pip, "install", "--quiet", "--dry-run", "--ignore-installed", "--no-deps",
                "--report", "-", f"pulumi<={cli_version()}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    (chosen,) = json.loads(report)["install"]
    return f"pulumi=={chosen['metadata']['version']}"


@dataclass(frozen=True)
class Lock:
    name: str
    python: str
    base: tuple[str, ...]
    what: str
    with_cli_sdk: bool = False  # and pulumi: cli_sdk(), resolved only when locked

    @property
    def requirements(self) -> tuple[str, ...]:
        return (*self.base, cli_sdk()) if self.with_cli_sdk else self.base

    @property
    def notes(self) -> list[str]:
        if not self.with_cli_sdk:
            return []
        return [
            f"# {cli_sdk()}: the newest pulumi on the index not newer than the CLI "
            f"(tools/go.mod: v{cli_version()})."
        ]


def locks() -> list[Lock]:
    wheel = ".[emulator]"
    return [
        Lock("ci-py3.11", "3.11", ("-e", wheel, "--group", "dev"), "the main suite", True),
        Lock("ci-py3.13", "3.13", ("-e", wheel, "--group", "test"), "tests on 3.13", True),
        Lock("compat-floor-py3.11", "3.11", (wheel, *floors()), "every dependency at its floor"),
        Lock("compat-floor-py3.13", "3.13", (wheel, sdk_floor()), "the SDK floor on 3.13"),
        Lock("compat-newest-py3.11", "3.11", (wheel,), "the newest of everything"),
        Lock("compat-newest-py3.12", "3.12", (wheel,), "the newest of everything"),
        Lock("compat-newest-py3.13", "3.13", (wheel,), "the newest of everything"),
    ]


def interpreter(version: str) -> str:
    return subprocess.run(
        [str(REPO / "scripts" / "python-for.sh"), version],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def freeze(lock: Lock) -> str:
    with tempfile.TemporaryDirectory(prefix=f"lock-{lock.name}-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([interpreter(lock.python), "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        pip = [python, "-m", "pip", "--disable-pip-version-check", "--quiet"]
        subprocess.run([*pip, "install", "--upgrade", PIP], check=True)
        subprocess.run([*pip, "install", *lock.requirements], cwd=REPO, check=True)
        subprocess.run([*pip, "check"], check=True)
        frozen = subprocess.run(
            [*pip, "freeze", "--all", "--exclude-editable"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        version = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    pins = sorted(
        (line for line in frozen.splitlines() if not line.lower().startswith(PROJECT)),
        key=str.lower,
    )
    header = [
        f"# {lock.name}: {lock.what}. Generated by `make lock` (scripts/lock.py) on",
        f"# {datetime.now(UTC):%Y-%m-%d} with Python {version}: "
        f"pip install {' '.join(lock.requirements)}",
        *lock.notes,
        "# Do not edit: run `make lock`.",
    ]
    return "\n".join([*header, *pins]) + "\n"


def main() -> int:
    LOCKS.mkdir(exist_ok=True)
    chosen = set(sys.argv[1:])
    for lock in locks():
        if chosen and lock.name not in chosen:
            continue
        (LOCKS / f"{lock.name}.txt").write_text(freeze(lock))
        print(f"lock: wrote requirements/{lock.name}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
