"""Adopting an existing record by ID: the record must already match the program.

Why: `pulumi import` does not work for dynamic resources (pulumi/pulumi#16175), so
resources accept ``adopt_id``. Adoption verifies and takes over; it never writes, so a
record that differs from the program is reported field by field instead of being
changed silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mismatches(wanted: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """One phrase per input the program sets that the record does not share."""
    return [
        f"{name} is {actual.get(name)!r} in ContextSMS but {value!r} in the program"
        for name, value in wanted.items()
        if value is not None and actual.get(name) != value
    ]
