"""Telling the user something about one resource from inside the provider process.

Why: `pulumi preview` of an adoption shows `+ create`, the only operation a dynamic
provider has, so the provider says "adopts E0000123" (or why it will create instead) as
a message on that resource's row, the way the engine shows any provider's diagnostics.
The SDK's `pulumi.log` has no engine in the dynamic provider process (it prints to
stderr, which the CLI files under the stack), but every resource plugin is started with
the engine's address as its argument (Pulumi's plugin protocol), so the provider sends
the engine's `Log` call itself, with the resource's URN. Where there is no engine (unit
tests, users' mocks) or the call fails, the message goes to the `pulumi_contextsms`
logger instead.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import Any

from .. import session

__all__ = ["info", "warn"]

logger = logging.getLogger("pulumi_contextsms")

_ADDRESS = re.compile(r"^(127\.0\.0\.1|localhost|\[::1\]|[\w.-]+):\d{1,5}$")
_lock = threading.Lock()


def _engine_address(argv: list[str]) -> str | None:
    """The engine's host:port among the provider's arguments (the last such argument)."""
    return next((arg for arg in reversed(argv[1:]) if _ADDRESS.match(arg)), None)


def _stub() -> Any:
    engine = session.current.engine
    with _lock:
        if not engine:
            engine.append(_connect(_engine_address(sys.argv)))
        return engine[0]


def _connect(address: str | None) -> Any:
    if address is None:
        return None
    import grpc  # type: ignore[import-untyped]  # the SDK's own dependency, loaded on first use
    from pulumi.runtime.proto import engine_pb2_grpc

    return engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))


def _send(severity: str, urn: str | None, message: str) -> None:
    stub = _stub()
    if stub is not None and urn:
        from pulumi.runtime.proto import engine_pb2

        try:
            stub.Log(
                engine_pb2.LogRequest(
                    severity=getattr(engine_pb2, severity), message=message, urn=urn
                )
            )
            return
        except Exception as exc:  # the message must never fail the operation
            logger.debug("could not send a message to the engine: %s", exc)
    level = logging.WARNING if severity == "WARNING" else logging.INFO
    logger.log(level, "%s%s", f"{urn}: " if urn else "", message)


def info(urn: str | None, message: str) -> None:
    """An informational message on the resource `urn`."""
    _send("INFO", urn, message)


def warn(urn: str | None, message: str) -> None:
    """A warning on the resource `urn`."""
    _send("WARNING", urn, message)
