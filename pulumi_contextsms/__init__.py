"""Pulumi resources for ContextSMS: SMS/MMS numbers routed to Webex bots and Teams channels.

```python
import pulumi_contextsms as contextsms

ent = contextsms.Enterprise("acme", name="ABC Marketing Company", contact="Sarah Johnson",
                            phone_number="+15551234567", email="sarah@abcmarketing.com")
contextsms.NumberMapping("frontdesk", enterprise_id=ent.enterprise_id,
                         phone_number="+15551234567", messaging_app_id="webex-bot-12345")
```
"""

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
    "Enterprise",
    "EnterpriseArgs",
    "NumberMapping",
    "NumberMappingArgs",
    "get_csp_config",
    "get_csp_mappings",
    "get_enterprise",
    "get_enterprise_mappings",
    "get_enterprises",
    "get_mapping_by_app_id",
    "get_payment_status",
]
