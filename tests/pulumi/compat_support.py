"""The compat lane's machinery: the built wheel, its lanes, fresh venvs outside the clone.

A lane is a user's environment: a Python (3.11 or 3.13) and a lock of every version in
it (requirements/compat-*.txt, written by `make lock`): the SDK floor with every other
dependency at its floor, or the newest of everything. Each run builds the wheel from
the working tree and installs it into a fresh venv, as a user would
(`pip install <wheel>[emulator] pulumi==<sdk>`). Only the downloaded wheels of a lane's
lock are cached (outside the clone, keyed by the lock's hash), so the install is
offline and takes seconds; the venv, the project and the wheel under test are new
every time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAIN_PYTHON = REPO / ".venv" / "bin" / "python"
LOCKS = REPO / "requirements"
CACHE = Path(
    os.environ.get("CONTEXTSMS_TOOLS_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-contextsms"
)


@dataclass(frozen=True)
class Lane:
    sdk_choice: str  # "floor" or "newest"
    python: str  # "3.11"

    @property
    def name(self) -> str:
        return f"{self.sdk_choice}-py{self.python}"

    @property
    def lock(self) -> Path:
        return LOCKS / f"compat-{self.name}.txt"

    def pinned(self, distribution: str) -> str:
        pattern = rf"^{re.escape(distribution)}==(\S+)$"
        match = re.search(pattern, self.lock.read_text(), re.MULTILINE | re.IGNORECASE)
        assert match, f"{self.lock.name} pins no {distribution}"
        return match[1]

    @property
    def sdk(self) -> str:
        return self.pinned("pulumi")


# The SDK floor and the newest SDK on the oldest and newest Python we support, and the
# newest on 3.12 between them (its floors, like 3.13's, predate its wheels).
LANES = [
    Lane("floor", "3.11"),
    Lane("floor", "3.13"),
    Lane("newest", "3.11"),
    Lane("newest", "3.12"),
    Lane("newest", "3.13"),
]


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}{result.stderr}"
        )
    return result


def interpreter(version: str) -> str:
    return run(REPO / "scripts" / "python-for.sh", version).stdout.strip()


def pip(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The suite's own pip (locked, >= 25.1), driving another interpreter via --python."""
    return run(MAIN_PYTHON, "-m", "pip", "--disable-pip-version-check", *args)


def build_wheel(out: Path) -> Path:
    """The wheel of the working tree, built offline by hatchling from the dev group."""
    pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", out, REPO)
    (wheel,) = out.glob("pulumi_contextsms-*.whl")
    return wheel


def wheelhouse(lane: Lane, python: Path) -> Path:
    """The lane's locked wheels, downloaded once per lock (a lock file guards it)."""
    digest = hashlib.sha256(lane.lock.read_bytes()).hexdigest()[:12]
    house = CACHE / "wheelhouse" / f"{lane.name}-{digest}"
    house.parent.mkdir(parents=True, exist_ok=True)
    with (house.parent / f"{house.name}.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (house / ".complete").exists():
            pip(
                "--python", python, "download", "--quiet", "--no-deps",
                "--only-binary", ":all:", "--dest", house, "--requirement", lane.lock,
            )  # fmt: skip
            (house / ".complete").write_text(lane.lock.name + "\n")
    return house


def fresh_venv(lane: Lane, path: Path, *requirements: str | Path) -> Path:
    """A new venv at `path` (outside the clone) with `requirements` installed, offline,
    from the lane's wheelhouse and within its lock."""
    run(interpreter(lane.python), "-m", "venv", "--without-pip", path)
    python = path / "bin" / "python"
    pip(
        "--python", python, "install", "--quiet", "--no-index",
        "--find-links", wheelhouse(lane, python), "--constraint", lane.lock, *requirements,
    )  # fmt: skip
    pip("--python", python, "check")
    return path


def cli_path() -> str:
    """PATH for the CLI without the clone's .venv/bin: the built tools' own directory
    (the CLI finds its language host and the dynamic provider beside itself)."""
    tools = Path(os.path.realpath(REPO / ".venv" / "bin" / "pulumi")).parent
    rest = [
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and Path(p).resolve() != (REPO / ".venv" / "bin").resolve()
    ]
    return os.pathsep.join([str(tools), *rest])


def in_venv(path: str, venv: Path) -> bool:
    """`path` is inside `venv` (symlinks not followed: a venv's python links out)."""
    where = Path(os.path.abspath(path))
    return where.is_relative_to(venv) and not where.is_relative_to(REPO)
