"""Webex Bot API (v1): an enterprise and two numbers routed to Webex bots.

Needs contextsms:platform=webex. Every change to a Webex mapping replaces it (the v1 API
has no update), deleting the old mapping first because a number maps only once.
"""

import pulumi

import pulumi_contextsms as contextsms

brightstar = contextsms.Enterprise(
    "brightstar",
    name="BrightStar Marketing",
    contact="Mike Chen",
    phone_number="+15559871234",
    email="mike@brightstar.com",
    default_mms_selection=True,
)

sales = contextsms.NumberMapping(
    "sales",
    enterprise_id=brightstar.enterprise_id,
    phone_number="+15559871234",
    messaging_app_id="brightstar-webex-bot",
    mms_enabled=True,
)

service = contextsms.NumberMapping(
    "service",
    enterprise_id=brightstar.enterprise_id,
    phone_number="+15559871235",
    messaging_app_id="brightstar-service-bot",
    mms_enabled=False,
)

pulumi.export("enterprise_id", brightstar.enterprise_id)
pulumi.export("mapping_ids", [sales.mapping_id, service.mapping_id])
# A lookup runs as soon as its input is known: make that input wait for the mappings,
# so the listing sees them.
after_mappings = pulumi.Output.all(
    brightstar.enterprise_id, sales.mapping_id, service.mapping_id
).apply(lambda ids: ids[0])
pulumi.export("mappings", contextsms.get_enterprise_mappings(after_mappings))
