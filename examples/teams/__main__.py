"""Teams Platform API (v2): an enterprise and two numbers routed to Teams channels.

Needs contextsms:platform=teams. Teams mappings update in place (PUT), so renaming a
channel mapping keeps its id; moving it to another enterprise replaces it.
"""

import pulumi

import pulumi_contextsms as contextsms

sunshine = contextsms.Enterprise(
    "sunshine-dental",
    name="Sunshine Dental Clinic",
    contact="Dr. Maria Rodriguez",
    phone_number="+15559876543",
    email="maria@sunshinedental.com",
)

front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=sunshine.enterprise_id,
    phone_number="+15559876543",
    messaging_app_id="teams-channel-id-12345",
    name="FrontDesk",
)

billing = contextsms.NumberMapping(
    "billing",
    enterprise_id=sunshine.enterprise_id,
    phone_number="+12223334444",
    messaging_app_id="teams-channel-id-67890",
    name="Billing",
)

pulumi.export("enterprise_id", sunshine.enterprise_id)
pulumi.export("mapping_ids", [front_desk.mapping_id, billing.mapping_id])
pulumi.export("front_desk_lookup", contextsms.get_mapping_by_app_id(front_desk.messaging_app_id))
