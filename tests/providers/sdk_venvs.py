"""Small venvs with another pulumi SDK, for tests that must run inside its provider process.

Each holds one `pulumi==VERSION` and the package's other runtime dependencies (as
pyproject.toml states them); the package itself comes from the working tree through
PYTHONPATH. Built once per SDK, Python and dependency list, outside the clone
(``$XDG_CACHE_HOME/pulumi-contextsms/sdk-venvs``, a file lock guards it), with the
suite's own pip driving the venv's interpreter.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-contextsms"

SDK_FLOOR = "3.216.0"
"""The oldest SDK we support: the first whose `ReadResult` takes `inputs`."""


def _newest_locked() -> str:
    lock = REPO / "requirements" / "compat-newest-py3.11.txt"
    match = re.search(r"^pulumi==(\S+)$", lock.read_text(), re.MULTILINE)
    assert match, f"{lock.name} pins no pulumi"
    return match[1]


SDK_NEWEST = _newest_locked()
"""The newest SDK on PyPI at the last `make lock` (what the compat lane's newest lanes pin)."""


def _dependencies(sdk: str) -> list[str]:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    others = [d for d in declared if not re.match(r"pulumi\b(?![-_])", d)]
    return [f"pulumi=={sdk}", *others]


def _run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, args))}:\n{result.stdout}{result.stderr}")


def sdk_python(sdk: str) -> Path:
    """The interpreter of a venv holding pulumi `sdk` (built on first use)."""
    requirements = _dependencies(sdk)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
    venv = CACHE / "sdk-venvs" / f"pulumi-{sdk}-py{python}-{digest}"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f"{venv.name}.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            _run(sys.executable, "-m", "venv", "--without-pip", venv)
            _run(
                sys.executable, "-m", "pip", "--disable-pip-version-check",
                "--python", venv / "bin" / "python", "install", "--quiet", *requirements,
            )  # fmt: skip
            (venv / ".complete").write_text("\n".join(requirements) + "\n")
    return venv / "bin" / "python"
