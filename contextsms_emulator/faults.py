"""Fault injection: what goes wrong with the next API call, decided before it runs.

Two sources, checked in this order:

1. one-shot rules (``POST /_emulator/faults/next``): the next ``count`` matching calls
   get the fault, deterministically;
2. random rates (``PUT /_emulator/faults`` or the ``--*-rate`` flags), drawn from one
   seeded RNG so a seed reproduces a run.

``error`` and ``rate_limit`` answer without running the request; ``drop`` runs and
commits it, then cuts the connection; ``stall`` (one-shot only) runs and commits it,
then holds the answer until the client gives up. Drops and stalls only ever hit writes
(POST/PUT/DELETE), because losing a read's answer proves nothing about a client's retry
safety.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

FaultKind = Literal["error", "rate_limit", "drop", "stall"]
LOST_ANSWER_KINDS: Final = frozenset({"drop", "stall"})
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Random fault rates; all zero means a well-behaved server."""

    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after_seconds: int = 1
    latency_ms: int = 0
    drop_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.retry_after_seconds < 0 or self.latency_ms < 0:
            raise ValueError("retry_after_seconds and latency_ms must not be negative")


@dataclass(slots=True)
class OneShotFault:
    """``remaining`` more calls matching ``method``/``path_regex`` get ``kind``."""

    kind: FaultKind
    remaining: int
    method: str | None = None
    path_regex: str | None = None
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.remaining < 1:
            raise ValueError("count must be at least 1")
        self.method = self.method.upper() if self.method else None
        self._pattern = re.compile(self.path_regex) if self.path_regex else None

    def matches(self, method: str, path: str) -> bool:
        if self.kind in LOST_ANSWER_KINDS and method not in WRITE_METHODS:
            return False
        if self.method and self.method != method:
            return False
        return self._pattern is None or self._pattern.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "method": self.method,
            "path_regex": self.path_regex,
        }


class FaultInjector:
    """Holds the fault configuration and answers "which fault, if any, for this call?"."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._pending: list[OneShotFault] = []
        self.held = 0  # committed answers a stall is holding back now
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    @property
    def latency_seconds(self) -> float:
        return self._config.latency_ms / 1000.0

    def configure(self, config: FaultConfig) -> None:
        """Replace the random configuration (the RNG is reseeded); one-shots stay."""
        self._config = config
        self._rng = random.Random(config.seed)
        self._active = bool(config.error_rate or config.rate_limit_rate or config.drop_rate)

    def add_next(self, fault: OneShotFault) -> None:
        self._pending.append(fault)

    def reset(self) -> None:
        self._pending.clear()
        self.configure(FaultConfig())

    def decide(self, method: str, path: str) -> FaultKind | None:
        """The fault for this call; consumes a one-shot or draws from the RNG."""
        for index, rule in enumerate(self._pending):
            if rule.matches(method, path):
                rule.remaining -= 1
                if rule.remaining == 0:
                    del self._pending[index]
                return rule.kind
        if not self._active:
            return None
        config, rng = self._config, self._rng
        if config.error_rate and rng.random() < config.error_rate:
            return "error"
        if config.rate_limit_rate and rng.random() < config.rate_limit_rate:
            return "rate_limit"
        if config.drop_rate and method in WRITE_METHODS and rng.random() < config.drop_rate:
            return "drop"
        return None

    def snapshot(self) -> dict[str, Any]:
        """The ``GET /_emulator/faults`` body: the rates plus the pending one-shots."""
        return {
            **asdict(self._config),
            "next": [rule.describe() for rule in self._pending],
            "held": self.held,
        }
