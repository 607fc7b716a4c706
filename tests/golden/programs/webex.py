"""Golden stack "webex": a Webex enterprise with two mappings, on the default connection
(top-level contextsms:* config, the password from CONTEXTSMS_PASSWORD)."""

import pulumi

import pulumi_contextsms as contextsms

acme = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    default_mms_selection=True,
)
front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=acme.enterprise_id,
    phone_number="+15551234567",
    messaging_app_id="webex-bot-12345",
    mms_enabled=True,
)
billing = contextsms.NumberMapping(
    "billing",
    enterprise_id=acme.enterprise_id,
    phone_number="+15559870002",
    messaging_app_id="webex-bot-67890",
    mms_enabled=False,
)
pulumi.export("enterprise_id", acme.enterprise_id)
pulumi.export("mapping_ids", [front_desk.mapping_id, billing.mapping_id])
