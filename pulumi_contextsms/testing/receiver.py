"""A webhook receiver for tests: a real HTTP server that records what ContextSMS sends.

It answers the verification challenge, answers events 200 (or the failures a test asks
for with :meth:`WebhookReceiver.fail_next`), and keeps every request with the time it
arrived, so a test can assert on events, on retries and on the gaps between them::

    with WebhookReceiver() as receiver:
        emulator.register_webhook(receiver.url, enterprise_id=enterprise_id)
        emulator.send_inbound("+15559871234", "+15551230001", "Hello")
        [event] = receiver.wait_for_events(1)
        assert event.mapping_id == mapping_id

Standard library server plus :mod:`pulumi_contextsms.events`; one thread per request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Final, Self

from ..events import (
    InvalidEventError,
    MessageReceivedEvent,
    WebhookChallenge,
    challenge_response,
    parse_webhook,
)

__all__ = ["ReceivedRequest", "WebhookReceiver"]

DEFAULT_PATH: Final = "/webhooks/messages"
"""The endpoint the Webex guide suggests integrators implement."""
MAX_BODY: Final = 1 << 20


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it arrived, and what the receiver answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float  # time.monotonic() on arrival
    status: int
    parsed: MessageReceivedEvent | WebhookChallenge | None

    @property
    def is_challenge(self) -> bool:
        return isinstance(self.parsed, WebhookChallenge)

    @property
    def event(self) -> MessageReceivedEvent | None:
        return self.parsed if isinstance(self.parsed, MessageReceivedEvent) else None


class WebhookReceiver:
    """An HTTP server on a free loopback port; ``url`` is its webhook endpoint."""

    def __init__(self, *, host: str = "127.0.0.1", path: str = DEFAULT_PATH) -> None:
        self._host = host
        self._path = path
        self._lock = threading.Condition()
        self._requests: list[ReceivedRequest] = []
        self._failures: deque[int] = deque()
        self._answer_challenges = True
        self._delay = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length)
                status, answer = receiver._answer(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: the test asserts on requests, not on log lines

        self._server = ThreadingHTTPServer((self._host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="contextsms-webhook-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self._path}"

    # --- behaviour ----------------------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` events with ``status`` (challenges are not counted)."""
        with self._lock:
            self._failures.extend([status] * count)

    def delay_events(self, seconds: float) -> None:
        """Take ``seconds`` before answering each event (a slow receiver)."""
        with self._lock:
            self._delay = seconds

    def answer_challenges(self, enabled: bool) -> None:
        """With False, challenges get a 200 that does not echo the token (and fail)."""
        with self._lock:
            self._answer_challenges = enabled

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        parsed: MessageReceivedEvent | WebhookChallenge | None = None
        answer: dict[str, object]
        try:
            parsed = parse_webhook(body)
        except InvalidEventError as exc:
            status, answer = 400, {"error": str(exc)}
        with self._lock:
            if isinstance(parsed, WebhookChallenge):
                status = 200
                answer = dict(challenge_response(parsed)) if self._answer_challenges else {}
            elif parsed is not None:
                status = self._failures.popleft() if self._failures else 200
                answer = {"received": status < 300}
            arrived = time.monotonic()
            delay = self._delay if isinstance(parsed, MessageReceivedEvent) else 0.0
        if delay:
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        with self._lock:
            self._requests.append(ReceivedRequest(path, headers, body, arrived, status, parsed))
            self._lock.notify_all()
        return status, json.dumps(answer).encode()

    # --- what arrived -------------------------------------------------------------------

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request answered so far, in the order the answers went out."""
        with self._lock:
            return list(self._requests)

    @property
    def events(self) -> list[MessageReceivedEvent]:
        """The events answered with a 2xx (delivered), in arrival order."""
        return [r.event for r in self.requests if r.event is not None and r.status < 300]

    def event_attempts(self, message_id: str) -> list[ReceivedRequest]:
        """Every arrival of one message's event (failed attempts included)."""
        return [r for r in self.requests if r.event and r.event.message.message_id == message_id]

    def wait_for_events(self, count: int, timeout: float = 30.0) -> list[MessageReceivedEvent]:
        """Block until ``count`` events were delivered (TimeoutError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                delivered = [
                    r.event for r in self._requests if r.event is not None and r.status < 300
                ]
                if len(delivered) >= count:
                    return delivered
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(delivered)} of {count} events arrived within {timeout:.0f}s"
                    )
                self._lock.wait(remaining)
