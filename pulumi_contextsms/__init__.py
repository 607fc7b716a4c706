"""Pulumi resources for ContextSMS: SMS/MMS numbers routed to Webex bots and Teams channels.

```python
import pulumi_contextsms as contextsms

ent = contextsms.Enterprise("acme", name="ABC Marketing Company", contact="Sarah Johnson",
                            phone_number="+15551234567", email="sarah@abcmarketing.com")
contextsms.NumberMapping("frontdesk", enterprise_id=ent.enterprise_id,
                         phone_number="+15551234567", messaging_app_id="webex-bot-12345")
```
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .declare import DeclaredInventory, declare_inventory
    from .functions import (
        get_csp_config,
        get_csp_mappings,
        get_enterprise,
        get_enterprise_mappings,
        get_enterprises,
        get_mapping_by_app_id,
        get_payment_status,
    )
    from .resources import (
        Csp,
        CspArgs,
        Enterprise,
        EnterpriseArgs,
        NumberMapping,
        NumberMappingArgs,
    )

__all__ = [
    "Csp",
    "CspArgs",
    "DeclaredInventory",
    "Enterprise",
    "EnterpriseArgs",
    "NumberMapping",
    "NumberMappingArgs",
    "declare_inventory",
    "get_csp_config",
    "get_csp_mappings",
    "get_enterprise",
    "get_enterprise_mappings",
    "get_enterprises",
    "get_mapping_by_app_id",
    "get_payment_status",
]


def __getattr__(name: str) -> Any:
    """Exports are imported on first use (PEP 562): the provider process unpickles
    `pulumi_contextsms.providers.*` and has no use for the resources or lookups."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in ("declare_inventory", "DeclaredInventory"):
        module = ".declare"
    else:
        module = ".functions" if name.startswith("get_") else ".resources"
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
