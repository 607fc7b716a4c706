"""Bodies of the ``/_emulator`` operator API (snake_case, unknown fields refused)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class OperatorModel(BaseModel):
    """Strict JSON types, as the API's bodies: ``true`` is not a latency, ``"5"`` no count."""

    model_config = ConfigDict(extra="forbid", strict=True)


class FaultSettings(OperatorModel):
    """The random faults; ``PUT`` replaces them all (fields left out reset to defaults)."""

    error_rate: float = Field(default=0.0, ge=0, le=1)
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after_seconds: int = Field(default=1, ge=0)
    latency_ms: int = Field(default=0, ge=0)
    drop_rate: float = Field(default=0.0, ge=0, le=1)
    seed: int | None = None


class NextFault(OperatorModel):
    count: int = Field(default=1, ge=1)
    kind: Literal["error", "rate_limit", "drop", "stall"]
    method: str | None = None
    path_regex: str | None = None


class PendingFault(OperatorModel):
    kind: str
    remaining: int
    method: str | None
    path_regex: str | None


class FaultState(FaultSettings):
    next: list[PendingFault]
    held: int = Field(description="committed answers a stall is holding back now")


class IdempotencySettings(OperatorModel):
    """Whether ``Idempotency-Key`` is honoured (false: ignored, as by a service without it)."""

    honour: bool


class RequestLogItem(OperatorModel):
    method: str
    path: str
    query: str
    status: int
    fault: Literal["error", "rate_limit", "drop", "stall"] | None
    requestId: str
    time: str = Field(description="ISO-8601 UTC, milliseconds")


class Records(OperatorModel):
    """Records as stored (snake_case), each with its ``service`` (``webex`` | ``teams``)."""

    csps: list[dict[str, object]]
    enterprises: list[dict[str, object]]
    mappings: list[dict[str, object]]
