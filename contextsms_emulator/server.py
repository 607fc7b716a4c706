"""Serve an app with uvicorn on a socket we bind ourselves (so ``--port 0`` works).

Binding first lets the CLI learn the real port before uvicorn starts, and print the one
``contextsms-emulator listening on http://HOST:PORT`` line only once the server accepts
connections: that line is what :class:`~contextsms_emulator.EmulatorProcess` waits for.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Any, Final

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from contextsms_emulator.middleware import InjectedDrop

READY_PREFIX: Final = "contextsms-emulator listening on "


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
