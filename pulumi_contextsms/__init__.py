"""Pulumi resources for ContextSMS: SMS/MMS numbers routed to Webex bots and Teams channels.

```python
import pulumi_contextsms as contextsms

ent = contextsms.Enterprise("acme", name="ABC Marketing Company", contact="Sarah Johnson",
                            phone_number="+15551234567", email="sarah@abcmarketing.com")
contextsms.NumberMapping("frontdesk", enterprise_id=ent.enterprise_id,
                         phone_number="+15551234567", messaging_app_id="webex-bot-12345")
```
"""

import lazy_loader

# The public names are listed once, in __init__.pyi (what type checkers read); each is
# imported on first use.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
