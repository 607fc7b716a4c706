"""Peak memory of the dynamic-provider processes a CLI command starts, from /proc.

Why poll: the provider runs as ``python -m pulumi.dynamic``, a grandchild of the CLI
(through the ``pulumi-resource-pulumi-python`` shell script), that lives only for the
command. Its ``VmHWM`` (peak resident set) only grows, so the last sample before it exits
is its peak to within one polling interval. The tree is walked through
``/proc/PID/task/TID/children`` from the CLI's pid, so other users' processes (other
test suites on the machine) are never mistaken for ours.
"""

from __future__ import annotations

import threading
from pathlib import Path

PROVIDER_MARK = b"pulumi.dynamic"
INTERVAL = 0.1


def children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(k) for k in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return kids


def _descendants(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def _hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def _is_provider(pid: int) -> bool:
    try:
        return PROVIDER_MARK in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False


class ProviderMemory:
    """Samples the provider processes under one CLI process until `stop()`."""

    def __init__(self, root_pid: int, interval: float = INTERVAL) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.peaks_kib: dict[int, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProviderMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._sample()
            if self._done.wait(self.interval):
                return

    def _sample(self) -> None:
        for pid in _descendants(self.root_pid):
            # checked every time: a forked child shows its parent's command line until exec
            if pid not in self.peaks_kib and not _is_provider(pid):
                continue
            hwm = _hwm_kib(pid)
            if hwm is not None:
                self.peaks_kib[pid] = max(hwm, self.peaks_kib.get(pid, 0))

    @property
    def processes(self) -> int:
        """How many provider processes the command started (that lived one interval)."""
        return len(self.peaks_kib)

    @property
    def peak_mib(self) -> float:
        """The largest provider peak, in MiB (0 if none was seen)."""
        return max(self.peaks_kib.values(), default=0) / 1024
