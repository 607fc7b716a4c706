"""A client-side request rate: requests start at least 1/rate seconds apart.

Why: a big `pulumi up` runs up to 100 calls at once and a discovery run lists everything
it can; a service with a rate limit answers that with 429s, each retried after a wait.
Spacing the sends keeps a client under the limit instead of bouncing off it. It is a
leaky bucket of one: no burst, every send (API calls, their retries, logins and token
refreshes) takes the next free slot. A 429 is still retried with its Retry-After: the
spacing does not replace that, it makes it rare.

Each thread reserves its slot under the lock and sleeps outside it, so threads never
queue on the lock while they wait. Per client, so per connection profile per process.
Off by default (`settings.DEFAULT_REQUESTS_PER_SECOND`), and then this module is not even
loaded: the start-up paths pay nothing for it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

__all__ = ["RequestSpacing", "is_valid_rate"]


def is_valid_rate(value: object) -> bool:
    """A number of requests per second the spacing can use: finite, > 0, and with a
    finite spacing (a tiny rate such as 1e-320 would mean waiting forever)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
        and math.isfinite(1.0 / value)
    )


class RequestSpacing:
    """Hands out send times at least `1 / requests_per_second` seconds apart.

    `clock` and `sleep` are injectable (tests never wait). If the clock steps back (a
    wall clock set back), the slots already handed out move back with it, so nobody
    sleeps for the size of the step.
    """

    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not is_valid_rate(requests_per_second):
            raise ValueError(
                f"requests_per_second must be a finite number > 0, got {requests_per_second!r}"
            )
        self.interval = 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free = -math.inf
        self._last_seen = -math.inf

    def wait_turn(self) -> float:
        """Wait until this caller may send; return the seconds waited."""
        with self._lock:
            now = self._clock()
            if now < self._last_seen:  # the clock stepped back: so do the slots
                self._next_free -= self._last_seen - now
            self._last_seen = now
            start = max(now, self._next_free)
            self._next_free = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay
