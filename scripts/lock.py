"""Write requirements/*.txt: the exact versions each environment of `make test` installs.

Each lock is what pip installs into a fresh `python -m venv` from the named requirements
(the venv's own pip and setuptools included), as `uv pip compile` resolves it from PyPI's
metadata for that interpreter, so installing with it as constraints gives that environment
back, byte for byte, until the next `make lock`: a release of an unrelated tool cannot
break `make test` (which runs with filterwarnings = error). Run `make lock` (which
installs the pinned uv, scripts/lock.sh) to move every environment to today's newest
versions, then `make test`. uv resolves; this adds what it does not know: the SDK the
CLI of tools/go.mod allows, the floors of pyproject.toml, the venv's seed, the headers.

  ci-py3.11             the main suite: the package (editable), its emulator extra and
                        the dev group; pulumi: the newest release on the index that is not
                        newer than the CLI (tools/go.mod), as uv resolves `pulumi<=CLI`
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
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCKS = REPO / "requirements"
PIP = "pip>=25.1,<26"  # the venv's pip, upgraded: --group needs 25.1; pulumi requires pip<26
UV = os.environ.get("CONTEXTSMS_UV", "uv")  # scripts/lock.sh installs the pinned one


def run(*args: str, stdin: str | None = None) -> str:
    out = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, text=True, check=True, cwd=REPO)
    return out.stdout.strip()


def floors() -> list[str]:
    """`name==floor` for every runtime and emulator dependency (its `>=` bound)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["emulator"]]
    pins = []
    for requirement in requirements:
        match = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", requirement)
        if match is None:
            raise SystemExit(f"lock: {requirement!r} has no >= floor")
        pins.append(f"{match[1]}=={match[2]}")
    return pins


def cli_version() -> str:
    """The Pulumi CLI the tests build (tools/go.mod's pkg/v3), without the `v`."""
    text = (REPO / "tools" / "go.mod").read_text()
    match = re.search(r"github\.com/pulumi/pulumi/pkg/v3 v(\S+)", text)
    if match is None:
        raise SystemExit("lock: tools/go.mod pins no github.com/pulumi/pulumi/pkg/v3")
    return match[1]


@functools.cache
def uv_version() -> str:
    return run(UV, "--version").split()[1]


@functools.cache
def interpreter(version: str) -> str:
    return run(str(REPO / "scripts" / "python-for.sh"), version)


def compile_(python: str, *requirements: str, flags: tuple[str, ...] = ()) -> str:
    return run(
        UV, "pip", "compile", "--quiet", "--no-config", "--python", interpreter(python),
        "--no-header", "--no-annotate", "--no-emit-package", "pulumi-contextsms",
        *flags, "-",
        stdin="\n".join(requirements) + "\n",
    )  # fmt: skip


@functools.cache
def cli_sdk() -> str:
    """`pulumi==X`: the newest SDK the index serves that is not newer than the CLI.

    The proxy and PyPI publish on their own schedules (the CLI can be ahead of the SDK,
    or behind it), so the main suite runs the newest SDK it can without running an SDK
    newer than its CLI. Resolved once, so that both ci locks pin the same release.
    """
    return compile_("3.11", f"pulumi<={cli_version()}", flags=("--no-deps",))


@functools.cache
def seed(python: str) -> tuple[str, ...]:
    """What `python -m venv` puts in a venv besides pip (setuptools, before 3.12)."""
    code = (
        "import ensurepip\n"
        "packages = getattr(ensurepip, '_get_packages', dict)()\n"
        "print(*(f'{n}=={p.version}' for n, p in packages.items() if n != 'pip'))\n"
    )
    return tuple(run(interpreter(python), "-c", code).split())


@dataclass(frozen=True)
class Lock:
    name: str
    python: str
    base: tuple[str, ...]
    what: str
    group: str | None = None
    with_cli_sdk: bool = False  # and pulumi: cli_sdk(), resolved only when locked

    @property
    def requirements(self) -> tuple[str, ...]:
        sdk = (cli_sdk(),) if self.with_cli_sdk else ()
        return (*self.base, *sdk, PIP, *seed(self.python))

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
    sdk_floor = next(pin for pin in floors() if pin.startswith("pulumi=="))
    return [
        Lock("ci-py3.11", "3.11", (f"-e {wheel}",), "the main suite", "dev", True),
        Lock("ci-py3.13", "3.13", (f"-e {wheel}",), "tests on 3.13", "test", True),
        Lock("compat-floor-py3.11", "3.11", (wheel, *floors()), "every dependency at its floor"),
        Lock("compat-floor-py3.13", "3.13", (wheel, sdk_floor), "the SDK floor on 3.13"),
        Lock("compat-newest-py3.11", "3.11", (wheel,), "the newest of everything"),
        Lock("compat-newest-py3.12", "3.12", (wheel,), "the newest of everything"),
        Lock("compat-newest-py3.13", "3.13", (wheel,), "the newest of everything"),
    ]


def write(lock: Lock) -> None:
    group = ("--group", lock.group) if lock.group else ()
    pins = compile_(lock.python, *lock.requirements, flags=group)
    python = run(
        interpreter(lock.python), "-c", "import platform; print(platform.python_version())"
    )
    header = [
        f"# {lock.name}: {lock.what}. Generated by `make lock` (scripts/lock.py) on",
        f"# {datetime.now(UTC):%Y-%m-%d} with Python {python}, resolved by uv {uv_version()} "
        f"(uv pip compile{''.join(f' {g}' for g in group)}): {' '.join(lock.requirements)}",
        *lock.notes,
        "# Do not edit: run `make lock`.",
    ]
    (LOCKS / f"{lock.name}.txt").write_text("\n".join([*header, pins]) + "\n")


def main() -> int:
    LOCKS.mkdir(exist_ok=True)
    chosen = set(sys.argv[1:])
    for lock in locks():
        if not chosen or lock.name in chosen:
            write(lock)
            print(f"lock: wrote requirements/{lock.name}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
