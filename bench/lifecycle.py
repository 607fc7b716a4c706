"""The CLI part of the benchmark: floor and real stacks, side by side, interleaved.

Each repeat makes a fresh floor stack and a fresh real stack of the same size and runs
the same commands on both, one after the other per command (up on both, then refresh on
both, ...), swapping which goes first on every repeat, so that a change in machine load
hits both sides alike. Only the real stack talks to the emulator; its request log is
cleared before and read after every command of the real stack.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess

from .cli import PulumiStack, Run, Workspace
from .economy import RequestCounts
from .footprint import Footprint, measure, needs_secrets

KINDS = ("floor", "real")

# step name -> the command it runs
STEPS: dict[str, Callable[[PulumiStack], Run]] = {
    "plan": lambda s: s.preview(),  # preview of a new stack: everything to create
    "up": lambda s: s.up(),
    "noop-preview": lambda s: s.preview("--expect-no-changes"),
    "noop-up": lambda s: s.up("--expect-no-changes"),
    "refresh": lambda s: s.refresh(),
    "destroy": lambda s: s.destroy(),
}
TIMED = ("up", "refresh", "destroy")
PLAN_CHECKS = ("plan", "noop-preview", "noop-up")
# A small stack's plans, in every repeat: what a preview on each pull request costs.
SMALL_STEPS = ("plan", "up", "noop-preview", "noop-up", "destroy")


@dataclass(frozen=True)
class Sample:
    """One command on one stack."""

    block: str  # "main", "scale" or a diagnostic's name
    kind: str  # "floor" or "real"
    n: int
    repeat: int
    step: str
    seconds: float
    provider_processes: int
    provider_peak_mib: float
    requests: RequestCounts | None  # real stacks only


class Lifecycle:
    """Runs blocks of repeats against one emulator and one workspace."""

    def __init__(self, emulator: EmulatorProcess, workspace: Workspace) -> None:
        self.emulator = emulator
        self.workspace = workspace
        self.samples: list[Sample] = []
        self.footprints: dict[str, Footprint] = {}  # by kind, at N
        self._prefixes = itertools.count()

    @classmethod
    def skipped(cls) -> Lifecycle:
        """No CLI runs at all (``--latency-only``): empty samples and footprints."""
        life = cls.__new__(cls)
        life.samples, life.footprints = [], {}
        return life

    def _config(self, kind: str, n: int) -> dict[str, str]:
        prefix = next(self._prefixes)
        if prefix > 999:
            raise RuntimeError("more than 1000 stacks in one run: phone prefixes exhausted")
        return {
            "contextsms:platform": "webex",
            "contextsms:apiBase": self.emulator.webex_api_base,
            "contextsms:username": DEMO_USER,
            "contextsms:cspId": DEMO_CSP_ID,
            "bench:kind": kind,
            "bench:mappings": str(n),
            "bench:prefix": f"{prefix:03d}",
        }

    def run_block(
        self,
        block: str,
        n: int,
        repeats: int,
        *,
        steps: Sequence[str] = TIMED,
        first_repeat_steps: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        measure_footprint: bool = False,
        progress: Callable[[str], None] = print,
    ) -> None:
        """`repeats` pairs of fresh stacks; `first_repeat_steps` run only in repeat 0
        (the request checks of plans and no-ops, whose counts do not vary)."""
        for repeat in range(repeats):
            order = KINDS if repeat % 2 == 0 else KINDS[::-1]
            stacks = {
                kind: self.workspace.stack(
                    f"{block}-{kind}-{n}-r{repeat}",
                    self._config(kind, n),
                    {"contextsms:password": DEMO_PASSWORD},
                    env,
                )
                for kind in order
            }
            chosen = set(steps) | (set(first_repeat_steps) if repeat == 0 else set())
            for step in (s for s in STEPS if s in chosen):
                for kind in order:
                    sample = self._step(block, kind, n, repeat, step, stacks[kind])
                    self.samples.append(sample)
                    progress(_line(sample))
                if step == "up" and measure_footprint and repeat == 0:
                    for kind, stack in stacks.items():
                        self.footprints[kind] = _footprint(stack, n)

    def _step(
        self, block: str, kind: str, n: int, repeat: int, step: str, stack: PulumiStack
    ) -> Sample:
        real = kind == "real"
        if real:
            self.emulator.clear_requests()
        run = STEPS[step](stack)
        counts = RequestCounts.of(self.emulator.requests()) if real else None
        return Sample(
            block,
            kind,
            n,
            repeat,
            step,
            run.seconds,
            run.provider_processes,
            run.provider_peak_mib,
            counts,
        )


def _footprint(stack: PulumiStack, n: int) -> Footprint:
    export = stack.export()
    shown = stack.export(show_secrets=True) if needs_secrets(export) else None
    return measure(export, n, shown)


def _line(s: Sample) -> str:
    requests = f"  [{s.requests.describe()}]" if s.requests is not None else ""
    return (
        f"  {s.block:<12} {s.kind:<5} N={s.n:<5} r{s.repeat} {s.step:<13}"
        f" provider {s.provider_processes}x {s.provider_peak_mib:5.1f} MiB{requests}"
    )
