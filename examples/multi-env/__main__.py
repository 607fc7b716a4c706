"""One program, several environments: each stack's config picks where it deploys.

`pulumi up --stack dev` deploys to the emulator; `pulumi up --stack prod` to production,
only because Pulumi.prod.yaml opts in with contextsms:environment=production.
"""

import pulumi

import pulumi_contextsms as contextsms

config = pulumi.Config()
stack = pulumi.get_stack()

enterprise = contextsms.Enterprise(
    "clinic",
    name=f"Sunshine Dental Clinic ({stack})",
    contact="Dr. Maria Rodriguez",
    phone_number="+15559876543",
    email="maria@sunshinedental.com",
)

mappings = [
    contextsms.NumberMapping(
        f"line-{index}",
        enterprise_id=enterprise.enterprise_id,
        phone_number=number,
        messaging_app_id=f"teams-channel-{stack}-{index}",
        name=f"Line {index}",
    )
    for index, number in enumerate(config.require_object("numbers"), start=1)
]

pulumi.export("enterprise_id", enterprise.enterprise_id)
pulumi.export("mapping_ids", [mapping.mapping_id for mapping in mappings])
