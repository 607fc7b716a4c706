"""`declare_inventory`: an inventory file as resources of a Pulumi program.

One `Enterprise` per entry, named by its key, and one `NumberMapping` per number, named
by the number itself: a number moved to another enterprise in the file is then the
same resource with another `enterprise_id` (one replacement, never a create beside a
delete). Entries with an ``id`` carry it as `adopt_id`, which acts only on the create
that first brings the record into the stack (`providers.adoption`).

The file is read and checked when the program runs, before any request: a problem
fails the program with one line per problem (`pulumi.RunError`, which the Python
language host prints without a traceback).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
from pulumi.runtime.config import get_config

from .client.errors import ConfigurationError
from .config import StackSettings
from .failures import InventoryError
from .inventory import Inventory, Source, load
from .resources import Enterprise, NumberMapping

__all__ = ["DeclaredInventory", "declare_inventory"]


@dataclass(frozen=True)
class DeclaredInventory:
    """The resources an inventory declared, by enterprise key and by number."""

    inventory: Inventory
    enterprises: dict[str, Enterprise]
    numbers: dict[str, NumberMapping]


def _platform(profile: str | None) -> str | None:
    """The platform the stack's settings give `profile`, if they give one (a bad setting
    is reported by the resources' own checks, naming its key)."""
    try:
        return StackSettings.from_config(get_config).connection(profile).platform.value
    except ConfigurationError:
        return None


def _sources(sources: tuple[Source, ...]) -> list[Source]:
    stack = pulumi.get_stack()
    return [
        source if isinstance(source, Mapping) else Path(os.fspath(source).replace("{stack}", stack))
        for source in sources
    ]


def declare_inventory(
    *sources: Source,
    profile: str | None = None,
    name_prefix: str = "",
    opts: pulumi.ResourceOptions | None = None,
) -> DeclaredInventory:
    """Declare the inventory of `sources` (files, or dicts in the same shape) merged in
    order: e.g. ``declare_inventory("contextsms.yaml", "contextsms.{stack}.yaml")`` for a
    base and a per-stack overlay (``{stack}`` is this stack's name; paths are relative to
    the project directory). `profile` picks the connection (``contextsms:profiles``);
    `name_prefix` keeps the resource names of two inventories in one program apart;
    `opts` applies to every resource."""
    if not sources:
        raise pulumi.RunError("declare_inventory needs a file (or a dict): none was given")
    try:
        inventory = load(*_sources(sources), platform=_platform(profile))
    except InventoryError as exc:
        raise pulumi.RunError(str(exc)) from None
    enterprises: dict[str, Enterprise] = {}
    numbers: dict[str, NumberMapping] = {}
    for key, entry in inventory.enterprises.items():
        enterprise = Enterprise(
            f"{name_prefix}{key}",
            name=entry.name,
            contact=entry.contact,
            phone_number=entry.phone_number,
            email=entry.email,
            csp_id=entry.csp_id,
            default_mms_selection=entry.default_mms_selection,
            profile=profile,
            adopt_id=entry.id,
            opts=opts,
        )
        enterprises[key] = enterprise
        for number, mapping in entry.numbers.items():
            numbers[number] = NumberMapping(
                f"{name_prefix}{number}",
                enterprise_id=enterprise.enterprise_id,
                phone_number=number,
                messaging_app_id=mapping.messaging_app_id,
                mms_enabled=mapping.mms_enabled,
                name=mapping.name,
                profile=profile,
                adopt_id=mapping.id,
                opts=opts,
            )
    return DeclaredInventory(inventory, enterprises, numbers)
