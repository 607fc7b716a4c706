"""What is retried, how long to wait, and when to give up: the policy and its named
defaults. The request loop (`request_loop.py`) applies them; the rules are written once,
in docs/client.md ("What is retried").
"""

from __future__ import annotations

import math
import random
from datetime import UTC

from pydantic import BaseModel, ConfigDict, Field

from .limits import DEFAULT_MAX_ATTEMPTS, DEFAULT_TOTAL_TIMEOUT, MAX_ATTEMPTS_LIMIT

__all__ = [
    "DEFAULT_BACKOFF_BASE",
    "DEFAULT_BACKOFF_CAP",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_TOTAL_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "MAX_RETRY_AFTER",
    "RetryPolicy",
    "parse_retry_after",
]

DEFAULT_BACKOFF_BASE = 0.5
"""Seconds: the jitter ceiling before the first retry."""
DEFAULT_BACKOFF_FACTOR = 2.0
"""The ceiling grows by this factor per retry."""
DEFAULT_BACKOFF_CAP = 8.0
"""Seconds: the jitter ceiling never exceeds this."""
MAX_RETRY_AFTER = 30.0
"""Seconds: a longer Retry-After is shortened to this."""

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class RetryPolicy(BaseModel):
    """Retry settings; the defaults are the module's named constants."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1, le=MAX_ATTEMPTS_LIMIT)
    backoff_base: float = Field(default=DEFAULT_BACKOFF_BASE, ge=0)
    backoff_factor: float = Field(default=DEFAULT_BACKOFF_FACTOR, ge=1)
    backoff_cap: float = Field(default=DEFAULT_BACKOFF_CAP, ge=0)
    max_retry_after: float = Field(default=MAX_RETRY_AFTER, ge=0)
    total_timeout: float = Field(default=DEFAULT_TOTAL_TIMEOUT, gt=0)

    @classmethod
    def no_retries(cls) -> RetryPolicy:
        """A policy that sends each request once (the 401 re-auth still applies)."""
        return cls(max_attempts=1)

    def backoff_ceiling(self, retry_number: int) -> float:
        """The largest wait before retry `retry_number` (1 for the first retry)."""
        exponent = max(retry_number - 1, 0)
        try:
            growth = self.backoff_factor**exponent
        except OverflowError:  # pragma: no cover - absurd retry numbers
            growth = math.inf
        return min(self.backoff_cap, self.backoff_base * growth)

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """A full-jitter wait before retry `retry_number`."""
        return rng.uniform(0.0, self.backoff_ceiling(retry_number))

    def retry_after_delay(
        self, retry_after: float | None, retry_number: int, rng: random.Random
    ) -> float:
        """The wait after a 429: its Retry-After (capped), else the backoff."""
        if retry_after is None:
            return self.backoff(retry_number, rng)
        return min(max(retry_after, 0.0), self.max_retry_after)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date).

    `now` is the current wall-clock time (epoch seconds), used for HTTP-dates. Returns
    None when the header is missing or unusable; never a negative number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            import email.utils  # only an HTTP-date Retry-After needs the email parser

            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)
