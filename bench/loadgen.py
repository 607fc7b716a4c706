"""The emulator load generator: 50 API clients on loopback, a realistic mix of calls.

Two phases against one emulator process:

* **paced** (the target): every client sends on a fixed schedule so that together they
  offer `rate` requests/s, a little above the 1,000/s target. Latency is measured from
  the *scheduled* send time, so a server that falls behind is charged for the queue it
  builds (no "coordinated omission"). A closed loop of 50 clients could not test the
  target at all: its latency is 50 / throughput by construction.
* **saturation** (context): every client sends its next request as soon as the last
  one answers; the throughput is the emulator's capacity on this machine.

The mix per client: 50 % GET of an enterprise, 35 % listings of an enterprise's 20
mappings, 15 % writes (a mapping create, then its delete). Each client logs in once
before the clock starts. The generator runs in this process on one asyncio loop and
competes with the emulator for the same cores; both CPU shares are reported.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess

from .http1 import Http1Connection
from .procmem import children

CLIENTS = 50
ENTERPRISES = 5
MAPPINGS_PER_ENTERPRISE = 20
WARMUP = 1.0
API = "/api/v1"  # the Webex dialect, as the benchmarked stacks use
AUTH = "/v1"


@dataclass(frozen=True)
class LoadResult:
    phase: str
    clients: int
    offered_rps: float | None  # None: closed loop
    seconds: float
    completed: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    emulator_cpu: float  # cores used by the emulator process (1.0 = one full core)
    generator_cpu: float  # cores used by this process

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _emulator_pid() -> int:
    for pid in children(os.getpid()):
        if b"contextsms_emulator" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError("the emulator is not a child of this process")


class _Client:
    """One API client: its own connection, token and random stream."""

    def __init__(self, index: int, url: str, enterprises: list[str]) -> None:
        self.index = index
        self.enterprises = enterprises
        self.rng = random.Random(index)
        self.http = Http1Connection(url)
        self.created: list[str] = []
        self.numbers = 0
        self.errors = 0

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """A request that must succeed (set-up); its JSON body."""
        status, data = await self.http.request(method, path, body)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} -> {status}: {data[:200]!r}")
        return json.loads(data) if data else None

    async def login(self) -> None:
        body = {"username": DEMO_USER, "password": DEMO_PASSWORD}
        tokens = await self.call("POST", f"{AUTH}/auth/login", body)
        self.http.headers["Authorization"] = f"Bearer {tokens['accessToken']}"

    async def one(self) -> None:
        """One request of the mix."""
        enterprise = self.rng.choice(self.enterprises)
        draw = self.rng.random()
        if draw < 0.50:
            status, _ = await self.http.request(
                "GET", f"{API}/enterprise/getenterprise/{enterprise}"
            )
        elif draw < 0.85:
            status, _ = await self.http.request("GET", f"{API}/mappings/enterprise/{enterprise}")
        elif self.created:
            status, _ = await self.http.request("DELETE", f"{API}/mapping/{self.created.pop()}")
        else:
            self.numbers = (self.numbers + 1) % 10_000
            body = {
                "messagingAppId": f"load-{self.index}-{self.numbers}",
                "phoneNumber": f"+1556{self.index:03d}{self.numbers:04d}",
                "messagingAppType": "Webex",
            }
            status, data = await self.http.request("POST", f"{API}/mapping/add/{enterprise}", body)
            if status == 201:
                self.created.append(json.loads(data)["numberToMessageAppMapId"])
        if not 200 <= status < 300:
            self.errors += 1


async def _seed(url: str) -> list[str]:
    """The enterprises the clients read, each with its mappings (not timed)."""
    seeder = _Client(999, url, [])
    await seeder.login()
    ids = []
    for e in range(ENTERPRISES):
        enterprise = {
            "name": f"Load {e}",
            "contact": "Load Generator",
            "phoneNumber": f"+1557000{e:04d}",
            "email": "load@example.com",
        }
        ids.append(
            (await seeder.call("POST", f"{API}/enterprise/{DEMO_CSP_ID}", enterprise))[
                "enterpriseId"
            ]
        )
        for m in range(MAPPINGS_PER_ENTERPRISE):
            mapping = {
                "messagingAppId": f"seed-{e}-{m}",
                "phoneNumber": f"+1557{e + 1:03d}{m:04d}",
                "messagingAppType": "Webex",
            }
            await seeder.call("POST", f"{API}/mapping/add/{ids[-1]}", mapping)
    await seeder.http.close()
    return ids


async def _phase(
    clients: list[_Client], seconds: float, rate: float | None
) -> tuple[list[float], float, float, float]:
    """Run every client for WARMUP + `seconds`; latencies (ms) of requests started after
    the warm-up, the measured window, and the emulator's and our CPU seconds in it."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    measure_from = start + WARMUP
    stop = measure_from + seconds
    latencies: list[float] = []
    last_done = measure_from
    cpu: dict[str, float] = {}
    pid = _emulator_pid()

    async def mark() -> None:
        await asyncio.sleep(max(0.0, measure_from - loop.time()))
        cpu["emulator"], cpu["ours"] = _cpu_seconds(pid), time.process_time()

    async def drive(client: _Client) -> None:
        nonlocal last_done
        interval = len(clients) / rate if rate else 0.0
        due = start + interval * client.index / len(clients)
        while True:
            now = loop.time()
            if rate:
                if due >= stop:
                    return
                if due > now:
                    await asyncio.sleep(due - now)
                began = due
                due += interval
            else:
                if now >= stop:
                    return
                began = now
            await client.one()
            done = loop.time()
            if began >= measure_from:
                latencies.append((done - began) * 1000)
                last_done = max(last_done, done)

    await asyncio.gather(mark(), *(drive(c) for c in clients))
    emulator_cpu = _cpu_seconds(pid) - cpu["emulator"]
    ours = time.process_time() - cpu["ours"]
    return latencies, max(last_done - measure_from, seconds), emulator_cpu, ours


def _result(
    phase: str,
    clients: list[_Client],
    rate: float | None,
    measured: tuple[list[float], float, float, float],
    errors_before: int,
) -> LoadResult:
    latencies, window, emulator_cpu, ours = measured
    ordered = sorted(latencies)
    return LoadResult(
        phase=phase,
        clients=len(clients),
        offered_rps=rate,
        seconds=round(window, 3),
        completed=len(latencies),
        errors=sum(c.errors for c in clients) - errors_before,
        rps=len(latencies) / window,
        p50_ms=statistics.median(ordered) if ordered else float("nan"),
        p95_ms=_percentile(ordered, 0.95),
        p99_ms=_percentile(ordered, 0.99),
        max_ms=ordered[-1] if ordered else float("nan"),
        emulator_cpu=emulator_cpu / window,
        generator_cpu=ours / window,
    )


async def _run(
    emulator: EmulatorProcess, seconds: float, rate: float, clients: int
) -> list[LoadResult]:
    enterprises = await _seed(emulator.url)
    pool = [_Client(i, emulator.url, enterprises) for i in range(clients)]
    try:
        await asyncio.gather(*(c.login() for c in pool))
        results = []
        for phase, phase_rate in (("paced", rate), ("saturation", None)):
            errors = sum(c.errors for c in pool)
            measured = await _phase(pool, seconds, phase_rate)
            results.append(_result(phase, pool, phase_rate, measured, errors))
        return results
    finally:
        await asyncio.gather(*(c.http.close() for c in pool))


def run_load(
    emulator: EmulatorProcess,
    *,
    seconds: float = 10.0,
    rate: float = 1100.0,
    clients: int = CLIENTS,
) -> list[LoadResult]:
    """The paced phase at `rate` requests/s, then the saturation phase, `seconds` each."""
    return asyncio.run(_run(emulator, seconds, rate, clients))
