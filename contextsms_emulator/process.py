"""Run the emulator as a subprocess: the fixture for test suites that need a real server.

Example, in a user's own ``conftest.py``::

    import pytest
    from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, EmulatorProcess

    @pytest.fixture
    def emulator():
        with EmulatorProcess(token_ttl=60) as emu:
            yield emu

    def test_create_enterprise(emulator):
        import httpx
        login = httpx.post(f"{emulator.webex_auth_base}/auth/login",
                           json={"username": DEMO_USER, "password": DEMO_PASSWORD})
        token = login.json()["accessToken"]
        r = httpx.post(f"{emulator.webex_api_base}/enterprise/{DEMO_CSP_ID}",
                       headers={"Authorization": f"Bearer {token}"},
                       json={"name": "ABC Marketing Company", "contact": "Sarah Johnson",
                             "phoneNumber": "+15551234567", "email": "sarah@abcmarketing.com"})
        assert r.status_code == 201
        assert [e["name"] for e in emulator.records()["enterprises"]] == ["ABC Marketing Company"]

The process listens on a free loopback port (``--port 0``); :meth:`restart` brings it
back on the same port and database, which is how persistence is tested. Passwords given
in ``users`` appear on the child's command line: use test credentials only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Final, Self
from urllib.parse import urlencode

from contextsms_emulator.command import READY_PREFIX
from contextsms_emulator.faults import FaultKind

if TYPE_CHECKING:  # imported on first use: the emulator child process never needs httpx
    import httpx

STARTUP_TIMEOUT: Final = 20.0
STOP_TIMEOUT: Final = 5.0
_OPERATOR_TIMEOUT: Final = 10.0


class EmulatorStartupError(RuntimeError):
    """The emulator exited or stayed silent instead of announcing that it listens."""


class EmulatorProcess:
    """A ``python -m contextsms_emulator`` child process, started on entering the context.

    Options map to the CLI flags (``None`` means the flag's default). ``users`` are
    ``EMAIL:PASSWORD:CSPID[:ROLE]`` strings; leave it empty for the demo account.
    ``port`` 0 picks a free port. ``seed_files`` are ``--seed`` files (applied only to a
    database without enterprises). ``command`` runs another installation's emulator
    (e.g. ``[".../venv/bin/contextsms-emulator"]``); by default this interpreter's
    ``python -m contextsms_emulator``.
    """

    def __init__(
        self,
        *,
        db: str = ":memory:",
        port: int = 0,
        users: Iterable[str] = (),
        token_ttl: int | None = None,
        refresh_ttl: int | None = None,
        error_rate: float | None = None,
        rate_limit_rate: float | None = None,
        retry_after: int | None = None,
        latency_ms: int | None = None,
        drop_rate: float | None = None,
        fault_seed: int | None = None,
        stripe_webhook_secret: str | None = None,
        webhook_tolerance: int | None = None,
        honour_idempotency_keys: bool | None = None,
        delivery_attempts: int | None = None,
        delivery_first_retry: float | None = None,
        delivery_backoff: float | None = None,
        delivery_max_retry: float | None = None,
        delivery_timeout: float | None = None,
        seed_files: Iterable[str | os.PathLike[str]] = (),
        log_level: str = "warning",
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        command: Sequence[str] | None = None,
    ) -> None:
        self.db = db
        self._command = list(command or [sys.executable, "-m", "contextsms_emulator"])
        self.startup_timeout = startup_timeout
        self._env = dict(env) if env is not None else None
        self._args: list[str] = ["--db", db, "--log-level", log_level]
        for user in users:
            self._args += ["--user", user]
        for seed_file in seed_files:
            self._args += ["--seed", os.fspath(seed_file)]
        options: dict[str, object | None] = {
            "--token-ttl": token_ttl,
            "--refresh-ttl": refresh_ttl,
            "--error-rate": error_rate,
            "--rate-limit-rate": rate_limit_rate,
            "--retry-after": retry_after,
            "--latency-ms": latency_ms,
            "--drop-rate": drop_rate,
            "--fault-seed": fault_seed,
            "--stripe-webhook-secret": stripe_webhook_secret,
            "--webhook-tolerance": webhook_tolerance,
            "--delivery-attempts": delivery_attempts,
            "--delivery-first-retry": delivery_first_retry,
            "--delivery-backoff": delivery_backoff,
            "--delivery-max-retry": delivery_max_retry,
            "--delivery-timeout": delivery_timeout,
        }
        for flag, value in options.items():
            if value is not None:
                self._args += [flag, str(value)]
        if honour_idempotency_keys is False:
            self._args.append("--ignore-idempotency-keys")
        self._args += list(extra_args)
        self._proc: subprocess.Popen[str] | None = None
        self._readers: list[threading.Thread] = []
        self._output: deque[str] = deque(maxlen=200)
        self._port = port
        self._returncode: int | None = None
        self._url: str | None = None
        self._client: httpx.Client | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        """Start the child and wait until it listens (or raise EmulatorStartupError)."""
        if self._proc is not None:
            raise RuntimeError("emulator already running")
        command = [*self._command, "--port", str(self._port)]
        env = {**os.environ, **(self._env or {}), "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(
            command + self._args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        ready = threading.Event()
        found: list[str] = []

        def watch_stdout(stream: IO[str]) -> None:
            for line in stream:
                if not found and line.startswith(READY_PREFIX):
                    found.append(line[len(READY_PREFIX) :].strip())
                    ready.set()
                else:
                    self._output.append(line.rstrip("\n"))
            ready.set()  # EOF: the child exited

        def drain(stream: IO[str]) -> None:
            for line in stream:
                self._output.append(line.rstrip("\n"))

        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [
            threading.Thread(target=watch_stdout, args=(self._proc.stdout,), daemon=True),
            threading.Thread(target=drain, args=(self._proc.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        if not ready.wait(self.startup_timeout) or not found:
            self.stop()
            raise EmulatorStartupError(
                "emulator did not start within "
                f"{self.startup_timeout:.0f}s; its output:\n" + "\n".join(self._output)
            )
        self._url = found[0]
        self._port = int(self._url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        """Terminate (SIGTERM), then kill if still alive after 5 s. Safe to call twice."""
        proc, self._proc = self._proc, None
        if self._client is not None:
            self._client.close()
            self._client = None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._returncode = proc.returncode
        for reader in self._readers:
            reader.join(STOP_TIMEOUT)
        self._readers = []
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def restart(self) -> Self:
        """Stop, then start on the same port and database (state survives if ``db`` is a file)."""
        self.stop()
        deadline = time.monotonic() + STOP_TIMEOUT
        while True:
            try:
                return self.start()
            except EmulatorStartupError:
                if time.monotonic() > deadline:  # the port may linger briefly
                    raise

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit status once stopped (0 after a clean SIGTERM), None while running."""
        return self._returncode if self._proc is None else self._proc.poll()

    @property
    def output(self) -> list[str]:
        """The child's recent log lines (stderr and any stray stdout)."""
        return list(self._output)

    # --- addresses ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._url is None:
            raise RuntimeError("emulator not started")
        return self._url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def webex_api_base(self) -> str:
        return self.url + "/api/v1"

    @property
    def webex_auth_base(self) -> str:
        return self.url + "/v1"

    @property
    def teams_api_base(self) -> str:
        return self.url + "/api/v2"

    # --- operator API -----------------------------------------------------------------------

    def _operator(self, method: str, path: str, json: Any = None) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(base_url=self.url, timeout=_OPERATOR_TIMEOUT)
        response = self._client.request(method, f"/_emulator{path}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None

    def requests(self) -> list[dict[str, Any]]:
        """The API call log: ``method, path, query, status, fault, requestId, time``."""
        result: list[dict[str, Any]] = self._operator("GET", "/requests")
        return result

    def clear_requests(self) -> None:
        self._operator("DELETE", "/requests")

    def records(self, service: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every CSP, enterprise and mapping of every tenant (snake_case), each with its
        ``service``; only ``service``'s (``webex`` or ``teams``) if given."""
        query = f"?{urlencode({'service': service})}" if service else ""
        result: dict[str, list[dict[str, Any]]] = self._operator("GET", "/records" + query)
        return result

    def seed(
        self, accounts: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        """``POST /_emulator/seed``: create portal-made records (one account, or a list);
        the records made, in the shape of :meth:`records`. All or nothing: a refused
        body raises ``httpx.HTTPStatusError`` (400 or 409) and changes nothing."""
        body = dict(accounts) if isinstance(accounts, Mapping) else [dict(a) for a in accounts]
        result: dict[str, list[dict[str, Any]]] = self._operator("POST", "/seed", body)
        return result

    def reset(self) -> None:
        self._operator("POST", "/reset")

    def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = self._operator("GET", "/faults")
        return result

    def set_faults(self, **settings: Any) -> dict[str, Any]:
        """Replace the random faults: ``error_rate``, ``rate_limit_rate``,
        ``retry_after_seconds``, ``latency_ms``, ``drop_rate``, ``seed``."""
        result: dict[str, Any] = self._operator("PUT", "/faults", settings)
        return result

    def clear_faults(self) -> None:
        self._operator("DELETE", "/faults")

    def fault_next(
        self,
        kind: FaultKind,
        count: int = 1,
        method: str | None = None,
        path_regex: str | None = None,
    ) -> dict[str, Any]:
        """Give the next ``count`` matching API calls the fault ``kind``."""
        body = {"kind": kind, "count": count, "method": method, "path_regex": path_regex}
        result: dict[str, Any] = self._operator("POST", "/faults/next", body)
        return result

    def idempotency(self) -> bool:
        """Whether the emulator honours ``Idempotency-Key`` now."""
        return bool(self._operator("GET", "/idempotency")["honour"])

    def set_idempotency(self, honour: bool) -> None:
        """Honour ``Idempotency-Key``, or ignore it like a service that does not support it."""
        self._operator("PUT", "/idempotency", {"honour": honour})

    # --- inbound messages and webhooks --------------------------------------------------------

    def register_webhook(
        self,
        url: str,
        *,
        enterprise_id: str | None = None,
        csp_id: str | None = None,
        skip_verification: bool = False,
    ) -> dict[str, Any]:
        """``POST /_emulator/webhooks``: the registration, ``active`` once its challenge
        was echoed (see docs/emulator.md)."""
        body = {
            "url": url,
            "enterprise_id": enterprise_id,
            "csp_id": csp_id,
            "skip_verification": skip_verification,
        }
        result: dict[str, Any] = self._operator("POST", "/webhooks", body)
        return result

    def webhooks(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._operator("GET", "/webhooks")
        return result

    def verify_webhook(self, webhook_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._operator("POST", f"/webhooks/{webhook_id}/verify")
        return result

    def delete_webhook(self, webhook_id: str) -> None:
        self._operator("DELETE", f"/webhooks/{webhook_id}")

    def send_inbound(
        self,
        to: str,
        from_: str,
        text: str = "",
        media: Iterable[Mapping[str, str]] = (),
        service: str | None = None,
    ) -> dict[str, Any]:
        """``POST /_emulator/inbound``: an SMS (or an MMS, with ``media`` items
        ``{"url", "content_type"}``) from ``from_`` reaches the platform number ``to``;
        ``service`` (``webex`` or ``teams``) only if ``to`` is mapped on both."""
        body: dict[str, Any] = {
            "to": to,
            "from": from_,
            "text": text,
            "media": [dict(m) for m in media],
        }
        if service is not None:
            body["service"] = service
        result: dict[str, Any] = self._operator("POST", "/inbound", body)
        return result

    def inbound_messages(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._operator("GET", "/inbound")
        return result

    def deliveries(self, **filters: str) -> list[dict[str, Any]]:
        """The delivery log; filters: ``webhook_id``, ``message_id``, ``status``."""
        query = f"?{urlencode(filters)}" if filters else ""
        result: list[dict[str, Any]] = self._operator("GET", "/deliveries" + query)
        return result

    def wait_for_deliveries(
        self, timeout: float = 30.0, poll: float = 0.05, **filters: str
    ) -> list[dict[str, Any]]:
        """The delivery log once no matching delivery is pending any more (raises
        ``TimeoutError`` after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.deliveries(**filters)
            if all(d["status"] != "pending" for d in found):
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"deliveries still pending after {timeout:.0f}s: {found}")
            time.sleep(poll)
