"""A user's program: one enterprise and its front-desk number, routed to a Webex bot."""

import pulumi

import pulumi_contextsms as contextsms

config = pulumi.Config("frontdesk")

clinic = contextsms.Enterprise(
    "clinic",
    name=config.get("name") or "Sunshine Dental Clinic",
    contact="Dr. Maria Rodriguez",
    phone_number="+15559876543",
    email="maria@sunshinedental.com",
    default_mms_selection=True,
)
front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=clinic.enterprise_id,
    phone_number=config.get("number") or "+15559876543",
    messaging_app_id="sunshine-frontdesk-bot",
    mms_enabled=True,
)

pulumi.export("enterprise_id", clinic.enterprise_id)
pulumi.export("mapping_id", front_desk.mapping_id)
pulumi.export("number", front_desk.phone_number)
