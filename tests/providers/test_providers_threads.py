"""provider_threads: widening the SDK's four-thread provider pool, in-process.

Each test builds a real `ThreadPoolExecutor(max_workers=4)`, as the SDK's provider
server does, and calls `widen` from one of its workers, as configure() is called. The
same mechanism in a real `python -m pulumi.dynamic` of the SDK floor and the newest SDK:
tests/pulumi/test_provider_threads_sdks.py.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as futures_thread

import pytest

from pulumi_contextsms import provider_threads

WAIT = 5.0  # seconds a call waits for the others before giving up (only on failure)


@pytest.fixture(autouse=True)
def _provider_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as if in `python -m pulumi.dynamic`, with nothing said and nothing widened."""
    fake_main = types.ModuleType("__main__")
    fake_main.__spec__ = types.SimpleNamespace(name=provider_threads.PROVIDER_MAIN)  # type: ignore[assignment]
    monkeypatch.setitem(sys.modules, "__main__", fake_main)


@pytest.fixture
def sdk_pool() -> Iterator[ThreadPoolExecutor]:
    """The SDK's pool: `futures.ThreadPoolExecutor(max_workers=4)`."""
    pool = ThreadPoolExecutor(max_workers=provider_threads.SDK_POOL_SIZE)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


class InFlight:
    """Calls that wait until `target` of them run at once (or WAIT passes); the peak."""

    def __init__(self, target: int, wait: float = WAIT) -> None:
        self.target = target
        self.wait = wait
        self.now = self.peak = 0
        self._lock = threading.Lock()
        self._reached = threading.Event()

    def call(self, before: Callable[[], None] = lambda: None) -> int:
        before()
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            if self.now >= self.target:
                self._reached.set()
        self._reached.wait(self.wait)
        with self._lock:
            self.now -= 1
        return self.peak


def serve(
    pool: ThreadPoolExecutor, calls: int, target: int, limit: int | None, wait: float = WAIT
) -> InFlight:
    """`calls` calls submitted at once, the first of which widens the pool to `limit`
    (like configure() on the first call), the way gRPC submits every RPC."""
    flight = InFlight(target, wait)
    if limit is None:
        first = flight.call
    else:
        first = lambda: flight.call(lambda: provider_threads.widen(limit))  # noqa: E731
    futures = [pool.submit(first)] + [pool.submit(flight.call) for _ in range(calls - 1)]
    for future in futures:
        future.result(timeout=3 * WAIT)
    return flight


def test_without_widening_the_sdk_pool_serves_four_calls_at_once(sdk_pool):
    # the ceiling this module lifts (each call gives up waiting for a fifth after 0.2 s)
    assert serve(sdk_pool, 12, target=5, limit=None, wait=0.2).peak == 4


def test_widening_from_a_worker_serves_the_calls_already_queued_at_once(sdk_pool, capsys):
    flight = serve(sdk_pool, 40, target=32, limit=32)
    assert flight.peak == 32
    assert sdk_pool._max_workers == 32
    assert provider_threads.pool_size() == 32
    assert capsys.readouterr().err == ""


def test_the_pool_grows_only_as_far_as_the_calls_that_arrive(sdk_pool):
    serve(sdk_pool, 6, target=6, limit=32)
    assert serve(sdk_pool, 6, target=6, limit=32).peak == 6
    assert len(sdk_pool._threads) <= 6 + 1  # threads start on demand, not up to the limit


def test_never_more_calls_at_once_than_the_limit(sdk_pool):
    assert serve(sdk_pool, 40, target=40, limit=12, wait=0.3).peak == 12


def test_never_shrinks_a_pool_that_is_already_wider():
    pool = ThreadPoolExecutor(max_workers=64)
    try:
        pool.submit(provider_threads.widen, 32).result()
        assert pool._max_workers == 64
    finally:
        pool.shutdown()


def test_outside_the_provider_process_nothing_changes_and_nothing_is_said(
    sdk_pool, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    sdk_pool.submit(provider_threads.widen, 32).result()
    assert sdk_pool._max_workers == 4
    assert provider_threads.pool_size() is None
    assert capsys.readouterr().err == ""


def _says_once_and_keeps_four(capsys: pytest.CaptureFixture[str], *calls: Callable[[], object]):
    for call in calls:
        call()
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("pulumi-contextsms: serving at most 4 calls at once, as the Pulumi SDK")
    assert provider_threads.pool_size() is None
    return err


def test_not_on_a_pool_worker_it_says_so_once_and_changes_nothing(capsys):
    err = _says_once_and_keeps_four(
        capsys, lambda: provider_threads.widen(32), lambda: provider_threads.widen(32)
    )
    assert "not served by a ThreadPoolExecutor worker" in err


def test_an_executor_of_another_kind_is_left_alone(capsys):
    class Custom(ThreadPoolExecutor):
        pass

    pool = Custom(max_workers=4)
    try:
        err = _says_once_and_keeps_four(
            capsys,
            lambda: pool.submit(provider_threads.widen, 32).result(),
            lambda: pool.submit(provider_threads.widen, 32).result(),
        )
    finally:
        pool.shutdown()
    assert pool._max_workers == 4
    assert "not a ThreadPoolExecutor" in err


def _inside(
    pool: ThreadPoolExecutor, owner: object, attribute: str, replacement: object | None
) -> None:
    """On a worker of `pool`: widen while `owner.<attribute>` is missing (None) or
    replaced, then put it back (submit() itself needs them)."""

    def task() -> None:
        saved = getattr(owner, attribute)
        if replacement is None:
            delattr(owner, attribute)
        else:
            setattr(owner, attribute, replacement)
        try:
            provider_threads.widen(32)
        finally:
            setattr(owner, attribute, saved)

    pool.submit(task).result()


def test_missing_python_internals_leave_the_pool_as_it_was(sdk_pool, capsys):
    err = _says_once_and_keeps_four(
        capsys, lambda: _inside(sdk_pool, futures_thread, "_global_shutdown_lock", None)
    )
    assert sdk_pool._max_workers == 4
    assert "concurrent.futures.thread lacks its shutdown lock" in err


def test_a_missing_executor_attribute_leaves_the_pool_as_it_was(sdk_pool, capsys):
    err = _says_once_and_keeps_four(
        capsys, lambda: _inside(sdk_pool, sdk_pool, "_work_queue", None)
    )
    assert sdk_pool._max_workers == 4
    assert "ThreadPoolExecutor lacks _work_queue" in err


def test_an_error_inside_the_executor_is_reported_not_raised(sdk_pool, capsys):
    class BrokenQueue:
        def qsize(self) -> int:
            raise RuntimeError("queue gone")

    err = _says_once_and_keeps_four(
        capsys, lambda: _inside(sdk_pool, sdk_pool, "_work_queue", BrokenQueue())
    )
    assert sdk_pool._max_workers == 4
    assert "RuntimeError: queue gone" in err


# --- the configure() hook ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "environ", "limit"),
    [
        ({}, {}, 32),
        ({"contextsms:maxParallel": "64"}, {}, 64),
        ({}, {"CONTEXTSMS_MAX_PARALLEL": "16"}, 16),
        ({"contextsms:maxParallel": "8"}, {"CONTEXTSMS_MAX_PARALLEL": "16"}, 8),
        ({"contextsms:maxParallel": "2"}, {}, 32),  # bad: check() reports it, the default serves
    ],
)
def test_configure_widens_to_contextsms_max_parallel(monkeypatch, config, environ, limit):
    from pulumi.dynamic import Config, ConfigureRequest

    from pulumi_contextsms.providers.mapping import NumberMappingProvider

    asked: list[int] = []
    monkeypatch.setattr(provider_threads, "widen", asked.append)
    for name in ("CONTEXTSMS_MAX_PARALLEL",):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    NumberMappingProvider().configure(ConfigureRequest(Config(config, "project")))
    assert asked == [limit]


def test_the_bound_never_exceeds_the_connections_a_client_keeps():
    from pulumi_contextsms import config
    from pulumi_contextsms.client.settings import MAX_CONNECTIONS

    assert config.MAX_MAX_PARALLEL == MAX_CONNECTIONS
    assert config.MIN_MAX_PARALLEL == provider_threads.SDK_POOL_SIZE
    assert config.MIN_MAX_PARALLEL <= config.DEFAULT_MAX_PARALLEL <= config.MAX_MAX_PARALLEL
