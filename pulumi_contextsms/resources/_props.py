"""Turning resource arguments into dynamic-resource props."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import pulumi

OWNER = "owner"


def owner() -> str:
    """The stack that declares the resource (``organization/project/stack``): the
    provider's evidence of which stack made a record whose create was interrupted."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


def props_of(args: Any, outputs: Iterable[str]) -> dict[str, Any]:
    """The args dataclass's fields (shallow: Outputs cannot be copied), the declaring
    stack, plus each output-only property set to None so the engine fills it in."""
    props: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(args)}
    props[OWNER] = owner()
    props.update(dict.fromkeys(outputs))
    return props
