"""Turning resource arguments into dynamic-resource props."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any


def props_of(args: Any, outputs: Iterable[str]) -> dict[str, Any]:
    """The args dataclass's fields (shallow: Outputs cannot be copied), plus each
    output-only property set to None so the engine knows to fill it in."""
    props: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(args)}
    props.update(dict.fromkeys(outputs))
    return props
