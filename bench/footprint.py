"""What a stack of our resources weighs: state per mapping and the pickled provider.

Why it matters: every resource's state carries a pickle of its provider (``__provider``)
and the engine rewrites the whole state file after every step, so bytes per resource
turn directly into time and disk on large stacks.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

MAPPING_TYPE = "NumberMapping"


@dataclass(frozen=True)
class Footprint:
    export_bytes: int
    mappings: int
    mapping_resource_bytes: int  # the largest mapping resource, as exported
    mapping_props_bytes: int  # of which its inputs and outputs (what the provider decides)
    pickle_bytes: int  # the largest decoded __provider of any of our resources

    @property
    def state_per_mapping(self) -> float:
        """The whole export divided by N: the enterprise, the engine's own provider
        resource and the stack resource are charged to the mappings too."""
        return self.export_bytes / self.mappings


def _size(value: Any) -> int:
    """Bytes as `pulumi stack export` lays it out (4-space indent)."""
    return len(json.dumps(value, indent=4).encode())


def _resources(export: str) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = json.loads(export)["deployment"].get("resources") or []
    return resources


def _pickle(value: Any) -> bytes | None:
    if isinstance(value, dict):  # a secret: {"plaintext": "\"<base64>\""} with --show-secrets
        if "plaintext" not in value:
            return None
        value = json.loads(value["plaintext"])
    return base64.b64decode(value) if isinstance(value, str) and value else None


def measure(export: str, mappings: int, shown: str | None = None) -> Footprint:
    """`export` is `pulumi stack export` output; `shown` the same with ``--show-secrets``,
    needed only if a provider was stored as a secret."""
    resources = _resources(export)
    ours = [r for r in resources if r["type"].startswith("pulumi-python:dynamic/")]
    blobs = [_pickle((r.get("outputs") or {}).get("__provider")) for r in ours]
    if None in blobs and shown is not None:
        ours = [r for r in _resources(shown) if r["type"].startswith("pulumi-python:dynamic/")]
        blobs = [_pickle((r.get("outputs") or {}).get("__provider")) for r in ours]
    mapped = [r for r in ours if r["type"].endswith(MAPPING_TYPE)]
    props = [{"inputs": r.get("inputs"), "outputs": r.get("outputs")} for r in mapped]
    return Footprint(
        export_bytes=len(export.encode()),
        mappings=mappings,
        mapping_resource_bytes=max((_size(r) for r in mapped), default=0),
        mapping_props_bytes=max((_size(p) for p in props), default=0),
        pickle_bytes=max((len(b) for b in blobs if b is not None), default=0),
    )


def needs_secrets(export: str) -> bool:
    """True if some ``__provider`` is stored as a secret (decoding it needs --show-secrets)."""
    return any(
        isinstance((r.get("outputs") or {}).get("__provider"), dict) for r in _resources(export)
    )
