"""A far-away API: what each round trip of latency costs an up, a refresh and a destroy.

Three emulators answer every API call 0, 100 and 300 ms late (``--latency-ms``). For
each point of the grid (N mappings, ``--parallel P``) one real stack per emulator runs
up, refresh and destroy with ``--parallel P``, the three stacks back to back per
command, so a change of machine load hits them alike. The figure is

    (time at L ms - the same command at 0 ms) / (round-trip floor x L)

where the round-trip floor is the number of sequential waves of requests the command
needs at best (`floor_round_trips`); 1.0x means latency cost nothing beyond those
waves. Each run's requests are counted too and must be the ones the floor counts
(`economy.expected`): a floor that forgot a request would flatter the ratio.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.config import DEFAULT_MAX_PARALLEL

from .cli import PulumiStack, Workspace
from .economy import RequestCounts, expected
from .targets import Row

LATENCIES_MS = (100, 300)
SIZES = (100, 500)
PARALLELS = (8, 32)
QUICK_LATENCIES_MS = (300,)
QUICK_SIZES = (100,)
TEAMS_POINT = ("teams", 100, 32, 300)  # platform, N, --parallel, latency: full runs only
# For context, full runs only: the same up with the SDK's own four threads
# (contextsms:maxParallel 4 leaves the pool as the SDK made it).
SDK_CEILING_POINT = ("webex", 100, 32, 300, 4)
# For context, full runs only: points with the engine's checkpoints on, as users run it.
CHECKPOINT_POINTS = (("webex", 100, 32, 300), ("webex", 500, 32, 300))
STEPS = ("up", "refresh", "destroy")
# The engine's per-step state writes are off for the grid (`--latency-checkpoints` keeps
# them): at N=500 each is a write of the whole state, they take most of a 0 ms up (35 s
# here against 4 s for the same up without them), they serialise step completions (14
# calls in flight at --parallel 32) and they overlap the waits. What is left is the
# latency and the provider's concurrency, which this grid is about (docs/performance.md).
ENGINE_ENV = {"PULUMI_SKIP_CHECKPOINTS": "true"}
REFRESH_RUNS = 3  # refreshes per stack and repeat: the cheapest command has the least signal
SMALL_N = 100  # points this small run twice as many repeats: their floors are short
UP_DESTROY_MAX = 1.30
REFRESH_MAX = 1.10
REFRESH_ROUND_TRIPS = 3


def floor_round_trips(
    step: str,
    n: int,
    parallel: int,
    platform: str = "webex",
    *,
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    trusted: bool = False,
    new_enterprise: bool = True,
) -> int:
    """The fewest sequential waves of requests the command can take, at `parallel`
    (``--parallel``) capped by the provider's own bound (``contextsms:maxParallel``),
    with Idempotency-Key `trusted` or not (``contextsms:trustIdempotencyKeys``).

    * up: 1 login; the enterprise: 1 create, after 1 listing of the CSP's enterprises
      on Teams unless keys are trusted (the snapshot a lost create is reconciled
      against); then the mappings in ceil(N / P) waves of P creates. A mapping create
      in an enterprise this provider process did not create (`new_enterprise` False:
      an adopted or earlier enterprise) first lists that enterprise's mappings, once per
      process, which all the first wave waits for: 1 more. The benchmark's up creates
      its enterprise, on Webex: 2 + ceil(N / P).
    * refresh: 3, the target's own count: the login, then the enterprise read and the
      one listing of its mappings. Those two can overlap, so 2 waves is the minimum and
      3 already holds one round trip of slack.
    * destroy: 1 login, ceil(N / P) waves of mapping deletes, then the enterprise's
      (deleted only after the mappings that depend on it): 2 + ceil(N / P).
    """
    width = max(1, min(parallel, max_parallel))
    waves = math.ceil(n / width)
    if step == "up":
        enterprise = 2 if platform == "teams" and not trusted else 1
        snapshot = 0 if new_enterprise or trusted else 1
        return 1 + enterprise + snapshot + waves
    if step == "refresh":
        return REFRESH_ROUND_TRIPS
    if step == "destroy":
        return 1 + waves + 1
    raise ValueError(f"no round-trip floor for {step!r}")


@dataclass(frozen=True)
class Point:
    platform: str
    n: int
    parallel: int
    latencies_ms: tuple[int, ...]
    max_parallel: int | None = None  # contextsms:maxParallel, when not the default
    repeats: int = 1
    checkpoints: bool = False  # the engine's per-step state writes, as users run it

    def label(self, latency_ms: int) -> str:
        platform = "" if self.platform == "webex" else f"{self.platform}, "
        bound = "" if self.max_parallel is None else f", maxParallel {self.max_parallel}"
        saves = ", with checkpoints" if self.checkpoints else ""
        return f"{platform}{latency_ms} ms, N={self.n}, --parallel {self.parallel}{bound}{saves}"

    @property
    def key(self) -> tuple[str, int, int, int | None, bool]:
        return (self.platform, self.n, self.parallel, self.max_parallel, self.checkpoints)

    @property
    def context(self) -> bool:
        """Reported for comparison, not held to a target."""
        return self.max_parallel is not None or self.checkpoints


@dataclass(frozen=True)
class LatencySample:
    platform: str
    n: int
    parallel: int
    max_parallel: int | None
    latency_ms: int
    repeat: int
    attempt: int  # the refreshes of one repeat: 0, 1, 2
    step: str
    seconds: float
    provider_processes: int
    requests: RequestCounts
    peak_in_flight: int  # the most calls that started within one latency of each other
    checkpoints: bool = False


def grid(quick: bool, repeats: int = 1) -> list[Point]:
    """The points: `repeats` each, twice that for the N=100 points (their floors are a
    few round trips, so machine noise weighs more)."""
    latencies = QUICK_LATENCIES_MS if quick else LATENCIES_MS

    def times(n: int) -> int:
        return 2 * repeats if n <= SMALL_N else repeats

    points = [
        Point("webex", n, parallel, latencies, repeats=times(n))
        for n in (QUICK_SIZES if quick else SIZES)
        for parallel in PARALLELS
    ]
    if not quick:
        platform, n, parallel, latency = TEAMS_POINT
        points.append(Point(platform, n, parallel, (latency,), repeats=times(n)))
        platform, n, parallel, latency, bound = SDK_CEILING_POINT
        points.append(Point(platform, n, parallel, (latency,), bound, repeats=repeats))
        for platform, n, parallel, latency in CHECKPOINT_POINTS:
            points.append(Point(platform, n, parallel, (latency,), repeats=1, checkpoints=True))
    return points


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def peak_in_flight(log: Iterable[Mapping[str, str]], latency_ms: int) -> int:
    """Every call takes at least `latency_ms`, so calls that started within that long
    of each other were in flight together; 0 when there is no latency to tell."""
    if latency_ms <= 0:
        return 0
    window = latency_ms / 1000
    starts = sorted(_seconds(e["time"]) for e in log if not e["path"].startswith("/_emulator"))
    peak, first = 0, 0
    for last, started in enumerate(starts):
        while starts[first] <= started - window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


class LatencyGrid:
    """Runs the grid's points against one emulator per latency."""

    def __init__(
        self,
        workspace: Workspace,
        emulators: Mapping[int, EmulatorProcess],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.workspace = workspace
        self.emulators = emulators
        self.env = dict(ENGINE_ENV if env is None else env)
        self.samples: list[LatencySample] = []
        self._prefixes = itertools.count(500)  # apart from the main block's stacks

    def _stack(self, point: Point, latency_ms: int, repeat: int, prefix: int) -> PulumiStack:
        emulator = self.emulators[latency_ms]
        base = emulator.webex_api_base if point.platform == "webex" else emulator.teams_api_base
        config = {
            "contextsms:platform": point.platform,
            "contextsms:apiBase": base,
            "contextsms:username": DEMO_USER,
            "contextsms:cspId": DEMO_CSP_ID,
            "bench:kind": "real",
            "bench:mappings": str(point.n),
            "bench:prefix": f"{prefix:03d}",
        }
        if point.max_parallel is not None:
            config["contextsms:maxParallel"] = str(point.max_parallel)
        bound = "" if point.max_parallel is None else f"-b{point.max_parallel}"
        saves = "-ckpt" if point.checkpoints else ""
        name = (
            f"lat-{point.platform}-{point.n}-p{point.parallel}{bound}{saves}"
            f"-{latency_ms}ms-r{repeat}"
        )
        secrets = {"contextsms:password": DEMO_PASSWORD}
        env = {k: v for k, v in self.env.items() if k not in ENGINE_ENV or not point.checkpoints}
        return self.workspace.stack(name, config, secrets, env)

    def run(self, points: Sequence[Point], progress: Callable[[str], None] = print) -> None:
        for repeat in range(max((p.repeats for p in points), default=0)):
            for point in (p for p in points if repeat < p.repeats):
                prefix = next(self._prefixes)
                if prefix > 999:
                    raise RuntimeError("phone prefixes exhausted: fewer repeats")
                latencies = (0, *point.latencies_ms)
                order = latencies if repeat % 2 == 0 else latencies[::-1]
                stacks = {lat: self._stack(point, lat, repeat, prefix) for lat in order}
                for step in STEPS:
                    for attempt in range(REFRESH_RUNS if step == "refresh" else 1):
                        for latency_ms in order if attempt % 2 == 0 else order[::-1]:
                            stack = stacks[latency_ms]
                            sample = self._step(point, latency_ms, repeat, attempt, step, stack)
                            self.samples.append(sample)
                            progress(
                                f"  latency {point.label(latency_ms):<32} r{repeat} {step:<8}"
                                f" {sample.seconds:6.2f} s  [{sample.requests.describe()}]"
                                f"{f'  {sample.peak_in_flight} in flight' if latency_ms else ''}"
                            )

    def _step(
        self,
        point: Point,
        latency_ms: int,
        repeat: int,
        attempt: int,
        step: str,
        stack: PulumiStack,
    ) -> LatencySample:
        emulator = self.emulators[latency_ms]
        emulator.clear_requests()
        run = getattr(stack, step)("--parallel", str(point.parallel))
        log = emulator.requests()
        return LatencySample(
            point.platform,
            point.n,
            point.parallel,
            point.max_parallel,
            latency_ms,
            repeat,
            attempt,
            step,
            run.seconds,
            run.provider_processes,
            RequestCounts.of(log),
            peak_in_flight(log, latency_ms),
            point.checkpoints,
        )


SECTION = "Far-away API: (time - same run at 0 ms) / round-trip floor, median of pairs"


def _point(s: LatencySample) -> Point:
    return Point(s.platform, s.n, s.parallel, (), s.max_parallel, checkpoints=s.checkpoints)


def evaluate(samples: Sequence[LatencySample]) -> list[Row]:
    """One row per point, command and latency; one row for the requests of every run.
    A point with its own ``contextsms:maxParallel`` or with the engine's checkpoints is
    context (INFO), not a target."""
    rows: list[Row] = []
    base = {(_point(s).key, s.repeat, s.attempt, s.step): s for s in samples if s.latency_ms == 0}
    points = sorted(
        {_point(s).key for s in samples},
        key=lambda k: (k[3] is not None or k[4], k[0] != "webex", k[1], k[2]),
    )
    for key in points:
        platform, n, parallel, max_parallel, checkpoints = key
        point = Point(platform, n, parallel, (), max_parallel, checkpoints=checkpoints)
        mine = [s for s in samples if _point(s).key == key]
        for step in STEPS:
            for latency_ms in sorted({s.latency_ms for s in mine} - {0}):
                runs = [s for s in mine if (s.latency_ms, s.step) == (latency_ms, step)]
                deltas = [
                    s.seconds - zero.seconds
                    for s in runs
                    if (zero := base.get((key, s.repeat, s.attempt, step))) is not None
                ]
                if not deltas:
                    continue
                bound = DEFAULT_MAX_PARALLEL if max_parallel is None else max_parallel
                waves = floor_round_trips(step, n, parallel, platform, max_parallel=bound)
                floor = waves * latency_ms / 1000
                delta = statistics.median(deltas)
                ratio = delta / floor
                limit = REFRESH_MAX if step == "refresh" else UP_DESTROY_MAX
                peak = max(s.peak_in_flight for s in runs)
                label = point.label(latency_ms)
                measured = (
                    f"{ratio:.2f}x (+{delta:.2f} s; floor {waves} round trips = {floor:.1f} s;"
                    f" {peak} in flight)"
                )
                if max_parallel is not None:
                    # context: the same floor as the default's, to show what the SDK's
                    # four threads cost
                    waves = floor_round_trips(step, n, parallel, platform)
                    ratio = delta / (waves * latency_ms / 1000)
                    measured = (
                        f"{ratio:.2f}x of the default's floor of {waves} round trips"
                        f" (+{delta:.2f} s; {peak} in flight)"
                    )
                    rows.append(Row(SECTION, f"{step}, {label}", measured, "reported", "INFO"))
                    continue
                if point.context:
                    rows.append(Row(SECTION, f"{step}, {label}", measured, "reported", "INFO"))
                    continue
                target = (
                    f"<= {limit:.2f}x ({REFRESH_ROUND_TRIPS} round trips + 10 %)"
                    if step == "refresh"
                    else f"<= {limit:.2f}x"
                )
                status = "PASS" if ratio <= limit else "MISS"
                rows.append(Row(SECTION, f"{step}, {label}", measured, target, status))
    modelled = [s for s in samples if expected(s.step, s.n, s.platform).matches(s.requests)]
    single = [s for s in samples if s.provider_processes <= 1]
    ok = len(modelled) == len(samples) and len(single) == len(samples)
    wrong = next((s for s in samples if s not in modelled), None)
    detail = (
        "" if wrong is None else f"; e.g. {wrong.step} N={wrong.n}: {wrong.requests.describe()}"
    )
    rows.append(
        Row(
            SECTION,
            "requests of every run above",
            f"{len(modelled)}/{len(samples)} runs as the floors count them{detail}",
            "exactly the requests each floor counts, 1 provider process",
            "PASS" if ok else "MISS",
        )
    )
    return rows
