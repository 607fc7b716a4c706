"""Golden stack "teams": a Teams CSP, an enterprise under it and two mappings, all on the
named connection `teams` (contextsms:profiles, its password set with --secret)."""

import pulumi

import pulumi_contextsms as contextsms

reseller = contextsms.Csp(
    "reseller",
    email="ops@reseller-inc.com",
    name="Reseller Inc",
    city="Austin",
    profile="teams",
)
sunshine = contextsms.Enterprise(
    "sunshine-dental",
    name="Sunshine Dental Clinic",
    contact="Dr. Maria Rodriguez",
    phone_number="+15559876543",
    email="maria@sunshinedental.com",
    csp_id=reseller.csp_id,
    profile="teams",
)
front_desk = contextsms.NumberMapping(
    "front-desk",
    enterprise_id=sunshine.enterprise_id,
    phone_number="+15559876543",
    messaging_app_id="teams-channel-id-12345",
    name="FrontDesk",
    profile="teams",
)
billing = contextsms.NumberMapping(
    "billing",
    enterprise_id=sunshine.enterprise_id,
    phone_number="+12223334444",
    messaging_app_id="teams-channel-id-67890",
    name="Billing",
    profile="teams",
)
pulumi.export("csp_id", reseller.csp_id)
pulumi.export("enterprise_id", sunshine.enterprise_id)
pulumi.export("mapping_ids", [front_desk.mapping_id, billing.mapping_id])
