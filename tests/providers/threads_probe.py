"""A provider for the thread-pool tests, served by a real `python -m pulumi.dynamic`.

`Probe` is one of ours (it inherits our configure(), and so the widening hook); its
create waits until `target` creates run at once (or `wait` seconds pass) and answers
the peak it saw. `SdkOnly` is the same without our configure(): the SDK's own pool.
Importable by name in the provider process (PYTHONPATH), so dill pickles both by
reference, as it pickles ours.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider

from pulumi_contextsms import provider_threads
from pulumi_contextsms.providers.provider import ContextSmsProvider

_lock = threading.Lock()
_reached = threading.Event()
_now = 0
_peak = 0
_ids = itertools.count()


def _in_flight(target: int, wait: float) -> int:
    global _now, _peak
    with _lock:
        _now += 1
        _peak = max(_peak, _now)
        if _now >= target:
            _reached.set()
    _reached.wait(wait)
    with _lock:
        _now -= 1
        return _peak


def _create(props: dict[str, Any]) -> CreateResult:
    peak = _in_flight(int(props["target"]), float(props["wait"]))
    outs = {"peak": peak, "pool": provider_threads.pool_size() or 0}
    return CreateResult(f"probe-{next(_ids)}", outs)


class Probe(ContextSmsProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return _create(props)


class SdkOnly(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return _create(props)
