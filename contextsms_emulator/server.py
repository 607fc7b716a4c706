"""Serve the emulator over HTTP until a signal: what the command runs once its flags are read.

Why a module of its own: this is the only part that needs uvicorn, which the command
(:mod:`contextsms_emulator.command`) may not import before it has checked that the
``emulator`` extra is installed. :func:`run` builds the app, serves it with uvicorn on a
socket bound here (so ``--port 0`` works: the real port is known before uvicorn starts),
writes the one ``contextsms-emulator listening on http://HOST:PORT`` line only once the
server accepts connections (what :class:`~contextsms_emulator.EmulatorProcess` waits
for), and turns SIGTERM/SIGINT into a graceful stop with exit status 0.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from contextsms_emulator.app import create_app
from contextsms_emulator.command import READY_PREFIX
from contextsms_emulator.middleware import InjectedDrop
from contextsms_emulator.records_file import RecordsFileError
from contextsms_emulator.schema import NewerDatabaseError
from contextsms_emulator.seeding import SeedFileError
from contextsms_emulator.settings import Settings


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY on accepted sockets only when it does,
    # and without it every response (headers, then body) waits ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _QuietDrops(logging.Filter):
    """uvicorn logs a full traceback for an app exception; an injected drop is not one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InjectedDrop))


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging setup plus the emulator's own logger on the same handler."""
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["contextsms_emulator"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def make_server(
    app: Any, host: str, port: int, log_level: str, on_ready: Callable[[str], None]
) -> tuple[_Server, socket.socket]:
    """A uvicorn server for ``app`` and its bound socket; ``on_ready(url)`` once it listens."""
    sock = bind_socket(host, port)
    url = url_for(host, sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_level=log_level,
        log_config=log_config(log_level),
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    return _Server(config, lambda: on_ready(url)), sock


def run(settings: Settings, host: str, port: int, log_level: str) -> int:
    """Serve until SIGTERM or SIGINT: 0 then, 2 for start-up records or a database that
    do not fit, 1 if the address cannot be bound."""
    # uvicorn handles SIGINT/SIGTERM while serving and re-raises them afterwards; with
    # these handlers in place that re-raise is harmless, so a signal means exit 0.
    stop_requested = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    try:
        app = create_app(settings)
    except (RecordsFileError, SeedFileError, NewerDatabaseError) as exc:
        sys.stderr.write(f"contextsms-emulator: {exc}\n")
        return 2

    def announce(url: str) -> None:
        if stop_requested:
            server.should_exit = True
            return
        sys.stdout.write(f"{READY_PREFIX}{url}\n")
        sys.stdout.flush()

    try:
        server, sock = make_server(app, host, port, log_level, announce)
    except OSError as exc:
        app.emulator.close()
        sys.stderr.write(f"contextsms-emulator: cannot listen on {host}:{port}: {exc}\n")
        return 1
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
        app.emulator.close()
    return 0
