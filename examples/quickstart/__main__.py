"""Quickstart: one enterprise with two numbers routed to Webex bots (or Teams channels).

Run it with `make demo` (starts the emulator for you), or against your own settings:
`pulumi config set contextsms:platform webex`, `contextsms:apiBase`, `contextsms:username`,
`pulumi config set --secret contextsms:password ...`, `contextsms:cspId`.
"""

import pulumi

import pulumi_contextsms as contextsms

platform = pulumi.Config("contextsms").get("platform") or "webex"
webex = platform == "webex"

acme = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    default_mms_selection=True if webex else None,
)

front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=acme.enterprise_id,
    phone_number="+15551234567",
    messaging_app_id="webex-bot-12345" if webex else "teams-channel-id-12345",
    mms_enabled=True if webex else None,
    name=None if webex else "FrontDesk",
)

support = contextsms.NumberMapping(
    "support",
    enterprise_id=acme.enterprise_id,
    phone_number="+15559871234",
    messaging_app_id="webex-bot-support" if webex else "teams-channel-support",
    mms_enabled=False if webex else None,
    name=None if webex else "Support",
)

pulumi.export("enterprise_id", acme.enterprise_id)
pulumi.export("front_desk_mapping_id", front_desk.mapping_id)
pulumi.export("support_mapping_id", support.mapping_id)
