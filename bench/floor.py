"""The engine floor: the benchmark's resource graph served by a do-nothing provider.

Why a module of its own: the program and the dynamic-provider process must both import
it, so that dill pickles the providers *by reference* exactly like ours (a class defined
in the program's ``__main__`` would be pickled by value, a different cost). The
resources take the same inputs and produce the same kind of outputs as
`pulumi_contextsms.Enterprise` / `NumberMapping`; create returns an id at once, read
returns the recorded props, delete does nothing. So "real / floor" isolates what our
provider adds (validation, diffing, HTTP) from what the engine and SDK cost anyway.
"""

from __future__ import annotations

import itertools
import os
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, ReadResult, ResourceProvider

_ids = itertools.count(1)
# Every prop ours sends (unset inputs and output placeholders are None), so that the
# floor's messages and state have the same shape.
_ENTERPRISE_PROPS = (
    *("name", "contact", "phone_number", "email", "csp_id", "default_mms_selection"),
    *("profile", "adopt_id", "enterprise_id", "platform", "created_date", "update_date"),
)
_MAPPING_PROPS = (
    *("enterprise_id", "phone_number", "messaging_app_id", "messaging_app_type"),
    *("mms_enabled", "name", "profile", "adopt_id", "mapping_id", "platform"),
)


class _FloorProvider(ResourceProvider):
    """Default check and diff (the engine compares inputs); no I/O at all."""

    serialize_as_secret_always = False  # like ours: a by-reference pickle holds no secret
    id_output: ClassVar[str]

    def create(self, props: dict[str, Any]) -> CreateResult:
        id_ = f"floor-{os.getpid()}-{next(_ids)}"
        return CreateResult(id_, {**props, self.id_output: id_})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        return None


class FloorEnterpriseProvider(_FloorProvider):
    id_output = "enterprise_id"


class FloorMappingProvider(_FloorProvider):
    id_output = "mapping_id"


class Enterprise(pulumi.dynamic.Resource, module="floor", name="Enterprise"):
    """Same inputs and outputs as `pulumi_contextsms.Enterprise`."""

    enterprise_id: pulumi.Output[str]

    def __init__(self, resource_name: str, **inputs: Any) -> None:
        props = {**dict.fromkeys(_ENTERPRISE_PROPS), **inputs}
        super().__init__(FloorEnterpriseProvider(), resource_name, props)


class NumberMapping(pulumi.dynamic.Resource, module="floor", name="NumberMapping"):
    """Same inputs and outputs as `pulumi_contextsms.NumberMapping`."""

    mapping_id: pulumi.Output[str]

    def __init__(self, resource_name: str, **inputs: Any) -> None:
        props = {**dict.fromkeys(_MAPPING_PROPS), **inputs}
        super().__init__(FloorMappingProvider(), resource_name, props)
