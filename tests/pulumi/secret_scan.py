"""One secrets scan across every real-CLI test (issue 4).

After each test, everything it produced is searched for a secret: every file under the
test's directory (state backend with its history and backups, PULUMI_HOME, projects),
the output of every CLI run (which carries the program's and the provider's stderr and
any exception text), and the emulator's log. A secret is any password the harness gave
the CLI, or anything shaped like a JWT (every access and refresh token is one).

The only place a password may show in clear is the output of a command that was asked
to reveal secrets (`--show-secrets`); a token may show nowhere.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

JWT = re.compile(rb"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}")
REVEALING_FLAG = "--show-secrets"


@dataclass
class Totals:
    """What the scans of the session covered, for the summary line."""

    tests: int = 0
    files: int = 0
    bytes: int = 0
    cli_runs: int = 0
    emulator_lines: int = 0
    findings: list[str] = field(default_factory=list)


TOTALS = Totals()
_lock = threading.Lock()
_passwords: set[str] = set()
_cli_runs: list[tuple[tuple[str, ...], str]] = []
_emulator_lines: list[str] = []


def register_password(value: str) -> None:
    """A password handed to the CLI (config secret or environment variable)."""
    if value:
        with _lock:
            _passwords.add(value)


def record_cli_run(args: Iterable[str], output: str) -> None:
    with _lock:
        _cli_runs.append((tuple(args), output))


def record_emulator_output(lines: Iterable[str]) -> None:
    with _lock:
        _emulator_lines.extend(lines)


def start_test() -> None:
    with _lock:
        _cli_runs.clear()
        _emulator_lines.clear()


def _leaks(data: bytes, passwords: set[str], *, reveal: bool = False) -> list[str]:
    found = [f"a token ({match[:12]!r}...)" for match in JWT.findall(data)]
    if not reveal:
        found += [f"the password {p[:2]!r}..." for p in passwords if p.encode() in data]
    return found


def scan(
    root: Path,
    passwords: set[str],
    cli_runs: Iterable[tuple[tuple[str, ...], str]],
    log_lines: Iterable[str],
) -> tuple[list[str], int, int]:
    """The leaks in the files under `root`, the CLI runs' output and the log lines;
    with the number of files and bytes read."""
    findings: list[str] = []
    files = size = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        files += 1
        size += len(data)
        findings += [f"{path.relative_to(root)}: {leak}" for leak in _leaks(data, passwords)]
    for args, output in cli_runs:
        leaks = _leaks(output.encode(), passwords, reveal=REVEALING_FLAG in args)
        findings += [f"output of `pulumi {' '.join(args)}`: {leak}" for leak in leaks]
    log = "\n".join(log_lines).encode()
    findings += [f"the emulator's log: {leak}" for leak in _leaks(log, passwords)]
    return findings, files, size


def finish_test(root: Path) -> list[str]:
    """Scan what the test left under `root` and what it recorded; return the findings
    and add the figures to the session's totals."""
    with _lock:
        passwords = set(_passwords)
        runs = list(_cli_runs)
        lines = list(_emulator_lines)
    findings, files, size = scan(root, passwords, runs, lines)
    with _lock:
        TOTALS.tests += 1
        TOTALS.files += files
        TOTALS.bytes += size
        TOTALS.cli_runs += len(runs)
        TOTALS.emulator_lines += len(lines)
        TOTALS.findings += findings
    return findings
