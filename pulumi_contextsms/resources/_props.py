"""Turning resource arguments into dynamic-resource props."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import pulumi

OWNER = "owner"


def owner(kind: str, resource_name: str) -> str:
    """The resource that declares the record, by stack
    (``organization/project/stack/Kind/name``): the provider's evidence of which
    resource of which stack made a record whose create was interrupted. Two resources
    of one stack that declare the same record are two owners: neither may take over
    what the other made."""
    stack = f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"
    return f"{stack}/{kind}/{resource_name}"


def props_of(args: Any, outputs: Iterable[str], kind: str, resource_name: str) -> dict[str, Any]:
    """The args dataclass's fields (shallow: Outputs cannot be copied), the declaring
    resource, plus each output-only property set to None so the engine fills it in."""
    props: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(args)}
    props[OWNER] = owner(kind, resource_name)
    props.update(dict.fromkeys(outputs))
    return props
