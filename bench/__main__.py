"""`python -m bench` (`make bench`): run everything, print the table, keep the results.

    make bench                  # N=500 and 1000, and the latency grid: the recorded run
    make bench N=200            # another size
    BENCH_QUICK=1 make bench    # N=50, one pair, short load, a small grid: for development

A quick run writes bench/results/quick.json and leaves docs/performance.md alone; any
other run writes bench/results/latest.json and the table block of docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from contextsms_emulator.process import EmulatorProcess

from . import latency, machine, report
from .cli import Workspace, cli_version, ensure_bytecode
from .lifecycle import PLAN_CHECKS, SMALL_STEPS, TIMED, Lifecycle
from .loadgen import CLIENTS, LoadResult, run_load
from .targets import NO_CHECKPOINTS, SMALL_N, Evaluation

RESULTS = Path(__file__).with_name("results")


def _arguments() -> argparse.Namespace:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", default=quick, help="N=50, one pair")
    p.add_argument("--n", type=int, help="mappings at the base size (default 500; quick 50)")
    p.add_argument("--repeats", type=int, help="floor/real pairs at N (default 3; quick 1)")
    p.add_argument("--scale-repeats", type=int, default=1, help="pairs at 2N (default 1)")
    p.add_argument(
        "--small-repeats", type=int, help=f"pairs of the N={SMALL_N} plan checks (5; quick 2)"
    )
    p.add_argument("--load-seconds", type=float, help="per load phase (default 10; quick 3)")
    p.add_argument("--load-rate", type=float, default=1100.0, help="paced offered req/s")
    p.add_argument("--no-load", action="store_true", help="skip the emulator load test")
    p.add_argument("--no-diagnostics", action="store_true", help="skip the no-checkpoint runs")
    p.add_argument("--diagnostic-repeats", type=int, help="no-checkpoint pairs (2; quick 1)")
    p.add_argument("--no-latency", action="store_true", help="skip the far-away API grid")
    p.add_argument(
        "--latency-only",
        action="store_true",
        help="only the far-away API grid (bench/results/latency.json and its doc block)",
    )
    p.add_argument("--latency-repeats", type=int, help="repeats of the latency grid (2; quick 1)")
    p.add_argument(
        "--latency-checkpoints",
        action="store_true",
        help="run the latency grid with the engine's per-step state writes (off by default)",
    )
    p.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    p.add_argument("--keep", action="store_true", help="keep the stacks' work directory")
    args = p.parse_args()
    args.n = args.n or (50 if args.quick else 500)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.load_seconds = args.load_seconds or (3.0 if args.quick else 10.0)
    args.diagnostic_repeats = args.diagnostic_repeats or (1 if args.quick else 2)
    args.latency_repeats = args.latency_repeats or (1 if args.quick else 2)
    args.small_repeats = args.small_repeats or (2 if args.quick else 5)
    if args.latency_only:
        args.no_load = True
    return args


def _load(args: argparse.Namespace) -> list[LoadResult]:
    if args.no_load:
        return []
    print(f"emulator load: {CLIENTS} clients, {args.load_seconds:g} s per phase", flush=True)
    with EmulatorProcess() as emulator:
        return run_load(emulator, seconds=args.load_seconds, rate=args.load_rate)


def _lifecycle(args: argparse.Namespace, root: Path) -> Lifecycle:
    n = args.n
    with EmulatorProcess() as emulator:
        life = Lifecycle(emulator, Workspace(root))
        print(f"CLI runs: floor and real stacks, N={n} x{args.repeats}", flush=True)
        life.run_block(
            "main",
            n,
            args.repeats,
            first_repeat_steps=PLAN_CHECKS,
            measure_footprint=True,
        )
        print(f"CLI runs: N={SMALL_N}, plans and no-op up x{args.small_repeats}", flush=True)
        life.run_block("small", SMALL_N, args.small_repeats, steps=SMALL_STEPS)
        print(f"CLI runs: N={2 * n} x{args.scale_repeats}", flush=True)
        life.run_block("scale", 2 * n, args.scale_repeats)
        if not args.no_diagnostics:
            print("CLI runs: diagnostic, PULUMI_SKIP_CHECKPOINTS=true", flush=True)
            env = {"PULUMI_SKIP_CHECKPOINTS": "true"}
            for block, size in zip(NO_CHECKPOINTS, (n, 2 * n), strict=True):
                life.run_block(block, size, args.diagnostic_repeats, steps=TIMED, env=env)
        return life


def _latency(args: argparse.Namespace, root: Path) -> list[latency.LatencySample]:
    if args.no_latency:
        return []
    points = latency.grid(args.quick, args.latency_repeats)
    latencies = sorted({0, *(ms for p in points for ms in p.latencies_ms)})
    print(
        f"CLI runs: far-away API, emulators at {', '.join(f'{ms} ms' for ms in latencies)}, "
        f"{len(points)} points x{args.latency_repeats} (x{2 * args.latency_repeats} at N=100)",
        flush=True,
    )
    with ExitStack() as stack:
        emulators = {
            ms: stack.enter_context(EmulatorProcess(latency_ms=ms or None)) for ms in latencies
        }
        env = {} if args.latency_checkpoints else latency.ENGINE_ENV
        grid = latency.LatencyGrid(Workspace(root / "latency"), emulators, env)
        grid.run(points)
        return grid.samples


def main() -> None:
    args = _arguments()
    started = time.monotonic()
    ensure_bytecode()
    info = machine.describe(cli_version())
    print(f"machine: {info['cpus']} CPUs, {info['cpu_model']}, load {info['load_average_start']}")
    load = _load(args)
    root = Path(tempfile.mkdtemp(prefix="contextsms-bench-"))
    try:
        life = Lifecycle.skipped() if args.latency_only else _lifecycle(args, root)
        far = _latency(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    info["load_average_end"] = machine.load_average()
    rows = Evaluation(life.samples, args.n, life.footprints, load).evaluate()
    rows += latency.evaluate(far) if far else []
    print()
    print(report.text_table(rows))
    print()
    print(report.summary(rows))
    settings = {
        "n": args.n,
        "repeats": args.repeats,
        "scale_repeats": args.scale_repeats,
        "small_repeats": args.small_repeats,
        "load_seconds": args.load_seconds,
        "load_rate": args.load_rate,
        "quick": args.quick,
        "diagnostic_repeats": 0 if args.no_diagnostics else args.diagnostic_repeats,
        "latency_repeats": 0 if args.no_latency else args.latency_repeats,
        "latency_grid": [asdict(p) for p in latency.grid(args.quick, args.latency_repeats)],
        "latency_env": {} if args.latency_checkpoints else latency.ENGINE_ENV,
        "command": "scripts/bench.sh --latency-only" if args.latency_only else "make bench",
    }
    payload: dict[str, Any] = {
        "settings": settings,
        "machine": info,
        "summary": report.summary(rows),
        "rows": [asdict(r) for r in rows],
        "footprint": {kind: asdict(fp) for kind, fp in life.footprints.items()},
        "load": [r.as_dict() for r in load],
        "samples": [asdict(s) for s in life.samples],
        "latency_samples": [asdict(s) for s in far],
    }
    name = "latency" if args.latency_only else "latest"
    out = RESULTS / f"{'quick' if args.quick else name}.json"
    report.write_json(out, payload)
    if not args.quick and not args.no_doc:
        report.update_doc(
            rows, info, settings, latency_section=latency.SECTION, main=not args.latency_only
        )
    minutes = (time.monotonic() - started) / 60
    print(f"results: {out.relative_to(RESULTS.parent.parent)} (benchmark took {minutes:.0f} min)")


if __name__ == "__main__":
    main()
