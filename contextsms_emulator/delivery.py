"""Outbound HTTP for webhooks: the retry schedule and the courier that sends.

The Webex guide promises that "our platform will retry according to exponential backoff
rules" while a receiver is unavailable, without giving the rules; the emulator's are
:class:`DeliveryPolicy`: attempt 1 at once, then waits of ``first_retry``,
``first_retry * backoff``, ``first_retry * backoff**2``, ... capped at ``max_retry``,
for at most ``max_attempts`` attempts in all. Any 2xx answer is a delivery; anything
else (another status, a timeout, a refused or dropped connection) is a failed attempt.
There is no jitter, so a schedule is reproducible in tests.

The :class:`Courier` runs every outbound request on an event loop of its own, in a
daemon thread: the server's loop never waits on a slow receiver, however the app is
served (uvicorn, an in-process ASGI transport). Tests inject the transport, the sleep
and the clock, so a whole retry schedule runs in no real time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import httpx

DEFAULT_MAX_ATTEMPTS: Final = 6
DEFAULT_FIRST_RETRY_SECONDS: Final = 1.0
DEFAULT_BACKOFF_FACTOR: Final = 2.0
DEFAULT_MAX_RETRY_SECONDS: Final = 60.0
DEFAULT_TIMEOUT_SECONDS: Final = 5.0
MAX_ERROR_TEXT: Final = 200
MAX_ANSWER_BYTES: Final = 4096
"""How much of a receiver's answer is read: enough for a challenge echo."""
USER_AGENT: Final = "contextsms-emulator-webhooks/0.1"

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard the emulator tries to deliver one event to one webhook."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    first_retry_seconds: float = DEFAULT_FIRST_RETRY_SECONDS
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    max_retry_seconds: float = DEFAULT_MAX_RETRY_SECONDS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.first_retry_seconds <= 0 or self.timeout_seconds <= 0:
            raise ValueError("first_retry_seconds and timeout_seconds must be positive")
        if self.backoff_factor < 1:
            raise ValueError("backoff_factor must be at least 1")
        if self.max_retry_seconds < self.first_retry_seconds:
            raise ValueError("max_retry_seconds must be at least first_retry_seconds")

    def retry_delay(self, failed_attempt: int) -> float | None:
        """Seconds to wait after attempt number ``failed_attempt`` (1-based) failed, or
        None when that was the last attempt."""
        if failed_attempt >= self.max_attempts:
            return None
        delay = self.first_retry_seconds * self.backoff_factor ** (failed_attempt - 1)
        return min(delay, self.max_retry_seconds)

    def schedule(self) -> list[float]:
        """Every wait between attempts, in order (``max_attempts - 1`` of them)."""
        return [d for n in range(1, self.max_attempts) if (d := self.retry_delay(n)) is not None]


@dataclass(frozen=True, slots=True)
class Answer:
    """What one POST to a receiver came to."""

    status_code: int | None
    error: str | None
    duration_ms: int
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _describe(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text[:MAX_ERROR_TEXT]


class Courier:
    """Sends the emulator's outbound requests from a loop in a thread of its own.

    ``transport`` replaces the network (``httpx.MockTransport`` in unit tests);
    ``sleep`` (awaitable) and ``clock`` (epoch seconds) replace real time. The thread
    starts on first use.
    """

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sleep = sleep
        self.clock = clock
        self._transport = transport
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: httpx.AsyncClient | None = None
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._keep: set[concurrent.futures.Future[Any]] = set()  # not cancelled by a reset
        self._closed = False

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # --- the loop -----------------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise RuntimeError("the courier is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="contextsms-emulator-courier", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def submit(
        self, work: Coroutine[Any, Any, T], *, cancellable: bool = True
    ) -> concurrent.futures.Future[T]:
        """Run ``work`` on the courier's loop; the future settles when it is done.

        :meth:`cancel_all` (a reset) cancels only ``cancellable`` work: a request
        handler awaiting the rest must not see its await cancelled under it.
        """
        future = asyncio.run_coroutine_threadsafe(work, self._ensure_loop())
        with self._lock:
            (self._futures if cancellable else self._keep).add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._futures.discard(future)
            self._keep.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until all submitted work is done (True), or ``timeout`` passes (False).

        Work submitted while waiting is waited for too. For tests with a fake sleep.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = self._futures | self._keep
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            concurrent.futures.wait(pending, timeout=remaining)

    def cancel_all(self, timeout: float = 5.0, *, everything: bool = False) -> None:
        """Cancel all cancellable work (with ``everything``, all work) and wait until it
        has stopped."""
        with self._lock:
            pending = self._futures | self._keep if everything else set(self._futures)
        for future in pending:
            future.cancel()  # cancels the task on the courier's loop
        concurrent.futures.wait(pending, timeout=timeout)

    def close(self) -> None:
        """Cancel everything, close the HTTP client, stop the thread. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self.cancel_all(everything=True)

        async def shut() -> None:
            if self._http is not None:
                await self._http.aclose()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()

    # --- HTTP ---------------------------------------------------------------------------

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> Answer:
        """POST ``body`` (JSON) to ``url`` once; never raises for a network failure."""
        if self._http is None:  # made on the courier's loop, used only there
            self._http = httpx.AsyncClient(transport=self._transport, follow_redirects=False)
        started = time.monotonic()
        request_headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
        }
        try:
            async with self._http.stream(
                "POST", url, content=body, headers=request_headers, timeout=timeout
            ) as response:
                answer = bytearray()
                async for chunk in response.aiter_bytes():
                    answer += chunk
                    if len(answer) >= MAX_ANSWER_BYTES:
                        break
        except httpx.HTTPError as exc:
            return Answer(None, _describe(exc), _elapsed_ms(started))
        return Answer(
            response.status_code,
            None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}",
            _elapsed_ms(started),
            bytes(answer[:MAX_ANSWER_BYTES]),
        )


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
