"""Turning resource arguments into dynamic-resource props."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import pulumi

OWNER = "owner"
RESOURCE_URN = "resource_urn"  # providers.inputs.RESOURCE_URN: for messages, never stored


def owner(kind: str, resource_name: str) -> str:
    """The resource that declares the record, by stack
    (``organization/project/stack/Kind/name``): the provider's evidence of which
    resource of which stack made a record whose create was interrupted. Two resources
    of one stack that declare the same record are two owners: neither may take over
    what the other made."""
    stack = f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"
    return f"{stack}/{kind}/{resource_name}"


def connection_of(resource: Any) -> pulumi.Output[dict[str, str]]:
    """A resource's `connection` output: the service the record lives on, its `platform`
    and `api_base` outputs (state records the two flat, once per record: a dict in the
    outputs would cost more state than the fields in it; docs/performance.md)."""
    return pulumi.Output.all(resource.platform, resource.api_base).apply(
        lambda values: {"platform": values[0], "api_base": values[1]}
    )


def urn_of(kind: str, resource_name: str, parent: pulumi.Resource | None) -> pulumi.Input[str]:
    """The resource's URN as the engine makes it: a plain string for a resource of the
    stack itself (no Output, no event loop needed), from its parent's URN otherwise."""
    type_ = f"pulumi-python:dynamic/contextsms:{kind}"
    if parent is None:
        return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{type_}::{resource_name}"
    return pulumi.resource.create_urn(resource_name, type_, parent=parent)


def props_of(
    args: Any,
    outputs: Iterable[str],
    kind: str,
    resource_name: str,
    opts: pulumi.ResourceOptions | None,
) -> dict[str, Any]:
    """The args dataclass's fields (shallow: Outputs cannot be copied), the declaring
    resource (and its URN, which lets the provider's check() attach a message to this
    resource), plus each output-only property set to None so the engine fills it in."""
    props: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(args)}
    props[OWNER] = owner(kind, resource_name)
    props[RESOURCE_URN] = urn_of(kind, resource_name, opts.parent if opts else None)
    props.update(dict.fromkeys(outputs))
    return props
