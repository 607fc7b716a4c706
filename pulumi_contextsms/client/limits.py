"""Every default and bound of a connection's settings, written once, free of pydantic.

The client's models (`retry.RetryPolicy`, `settings.Timeouts`, `settings.ConnectionSettings`)
and the Pulumi layer's stack settings (which name them by their stack keys) bound the
same values: both read them here. Standard library
only: the Pulumi program process loads `config` with the resource classes.
"""

from __future__ import annotations

from typing import Final

DEFAULT_MAX_ATTEMPTS: Final = 6
"""Sends per call, the first one included."""
MAX_ATTEMPTS_LIMIT: Final = 100
"""The most sends per call a setting may ask for."""
DEFAULT_TOTAL_TIMEOUT: Final = 60.0
"""Seconds: no retry starts later than this after the call started."""
DEFAULT_CONNECT_TIMEOUT: Final = 5.0
DEFAULT_READ_TIMEOUT: Final = 30.0
DEFAULT_WRITE_TIMEOUT: Final = 30.0
DEFAULT_POOL_TIMEOUT: Final = 10.0
DEFAULT_REQUESTS_PER_SECOND: Final[float | None] = None
"""Off: neither document states a rate limit, so a client sends as fast as it is asked
(`rate.py` spaces the sends when a rate is set)."""
MAX_CONNECTIONS: Final = 100
"""Connections a client opens at most, and keeps open when idle: as many as the calls
it may run at once (the Pulumi layer lets at most this many run at once, so it is also
the top of its parallelism setting), so a burst of calls reuses every connection the
last burst opened. httpx keeps only 20 idle ones by default: against a far-away API each
connection reopened costs a TCP and a TLS handshake on top of the call."""
