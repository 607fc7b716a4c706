"""More than four calls at once in the dynamic provider process.

Why: the engine runs our providers in ``python -m pulumi.dynamic``, whose gRPC server
takes its threads from ``concurrent.futures.ThreadPoolExecutor(max_workers=4)``
(``pulumi/dynamic/__main__.py``, the same in every SDK from our floor to the newest).
So at most four creates, reads or deletes run at once, whatever ``--parallel`` says:
against an API 300 ms away, 100 creates wait 25 round trips instead of 4.

How: ``configure()``, which the SDK calls on one of those four threads, calls `widen`.
The calling thread is a worker of the server's executor, and a worker's only link to
its executor is the weak reference it was started with: that finds exactly the pool
serving us, nothing else. `widen` raises the pool's ``_max_workers`` to ``limit``
(``contextsms:maxParallel``) and starts a thread for each call already queued. The
executor starts a thread only when a call arrives and none is idle, so the pool grows
only as far as the calls the engine sends at once; the engine's step executor runs
``--parallel`` workers, so the effective limit is min(``--parallel``, ``limit``).

Why it is safe:

* Nothing becomes concurrent that was not: the SDK already serves four calls at once.
  Its per-call state is the call's own (each serialisation runs its own event loop),
  its provider cache has a lock; ours (session, listing and snapshot caches, the token,
  the journal, the client) is tested with 64 threads (tests/providers/
  test_providers_concurrency.py, tests/client/test_client_concurrency.py).
* It acts only where it was made for: in ``python -m pulumi.dynamic``, on a worker of a
  `ThreadPoolExecutor` with the CPython internals it uses (3.11 to 3.13), changed under
  the executor's own locks, the way ``submit()`` changes them. Anywhere else (a unit
  test, the program process) it does nothing; in a provider process whose SDK or
  Python is not what it expects it changes nothing, and says so once on stderr (the
  CLI shows the line): the SDK's four threads serve, as they always did.
* It only grows the pool, never shrinks or replaces it, and never past ``limit``.
"""

from __future__ import annotations

import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as futures_thread
from typing import Any

from . import session

__all__ = ["PROVIDER_MAIN", "SDK_POOL_SIZE", "pool_size", "widen"]

PROVIDER_MAIN = "pulumi.dynamic.__main__"
"""The module the engine runs as ``__main__`` in the dynamic provider process."""
SDK_POOL_SIZE = 4
"""What the SDK's provider server serves at once without us."""
_EXECUTOR_INTERNALS = ("_max_workers", "_shutdown_lock", "_work_queue", "_threads", "_shutdown")

_lock = threading.Lock()


class _Unexpected(Exception):
    """The SDK's or Python's internals are not what `widen` knows."""


def _in_provider_process() -> bool:
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == PROVIDER_MAIN


def _serving_executor() -> ThreadPoolExecutor:
    """The executor whose worker the current thread is."""
    current = threading.current_thread()
    if getattr(current, "_target", None) is not getattr(futures_thread, "_worker", None):
        raise _Unexpected("this call is not served by a ThreadPoolExecutor worker")
    args = getattr(current, "_args", None)
    reference = args[0] if isinstance(args, tuple) and args else None
    executor = reference() if isinstance(reference, weakref.ReferenceType) else None
    if type(executor) is not ThreadPoolExecutor:
        raise _Unexpected("the worker's executor is not a ThreadPoolExecutor")
    missing = [name for name in _EXECUTOR_INTERNALS if not hasattr(executor, name)]
    if not callable(getattr(executor, "_adjust_thread_count", None)):
        missing.append("_adjust_thread_count")
    if missing:
        raise _Unexpected(f"ThreadPoolExecutor lacks {', '.join(missing)}")
    if not isinstance(executor._max_workers, int):
        raise _Unexpected("ThreadPoolExecutor._max_workers is not a number")
    return executor


def _grow(executor: Any, limit: int) -> None:
    """Raise the pool's bound and start threads for the calls already waiting, under the
    executor's locks, as `ThreadPoolExecutor.submit` does."""
    global_lock = getattr(futures_thread, "_global_shutdown_lock", None)
    if global_lock is None or not hasattr(futures_thread, "_shutdown"):
        raise _Unexpected("concurrent.futures.thread lacks its shutdown lock")
    with executor._shutdown_lock, global_lock:
        if executor._shutdown or futures_thread._shutdown:
            return  # the server is stopping: nothing to serve
        if executor._max_workers >= limit:
            return
        waiting = executor._work_queue.qsize()
        threads = len(executor._threads)
        executor._max_workers = limit
        for _ in range(min(waiting, limit - threads)):
            executor._adjust_thread_count()


def _say_once(reason: str) -> None:
    state = session.current
    with _lock:
        if state.said_not_widened:
            return
        state.said_not_widened = True
    sys.stderr.write(
        f"pulumi-contextsms: serving at most {SDK_POOL_SIZE} calls at once, as the Pulumi SDK "
        f"does: could not widen the provider's thread pool ({reason})\n"
    )
    sys.stderr.flush()


def widen(limit: int) -> None:
    """Let the dynamic provider process serve up to `limit` calls at once (see the
    module docstring). Does nothing outside that process; never raises."""
    if not _in_provider_process():
        return
    try:
        executor = _serving_executor()
        widened = session.current.widened
        with _lock:
            if executor in widened and executor._max_workers >= limit:
                return
        _grow(executor, limit)
        with _lock:
            widened.add(executor)
    except Exception as exc:  # any surprise leaves the SDK's pool as it was
        _say_once(str(exc) if isinstance(exc, _Unexpected) else f"{type(exc).__name__}: {exc}")


def pool_size() -> int | None:
    """The bound of the pool `widen` widened in this process, if it did."""
    with _lock:
        return max((e._max_workers for e in session.current.widened), default=None)
