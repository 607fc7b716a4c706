"""Wall-clock helpers in the two forms the APIs use: epoch milliseconds and ISO-8601 Z."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_ms() -> int:
    """Epoch milliseconds, the documented ``createdDate``/``updateDate`` format."""
    return time.time_ns() // 1_000_000


def iso_utc(epoch_seconds: float | None = None, *, millis: bool = False) -> str:
    """``2025-10-14T12:34:56Z`` (whole seconds, truncated) or with ``.123`` milliseconds."""
    seconds = time.time() if epoch_seconds is None else epoch_seconds
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
