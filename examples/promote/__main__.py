"""The program promote.py moves from dev to prod: the same code, each stack's numbers."""

import pulumi

import pulumi_contextsms as contextsms

config = pulumi.Config()
stack = pulumi.get_stack()

enterprise = contextsms.Enterprise(
    "brightstar",
    name=f"BrightStar Marketing ({stack})",
    contact="Mike Chen",
    phone_number="+15559871234",
    email="mike@brightstar.com",
    default_mms_selection=True,
)
mappings = [
    contextsms.NumberMapping(
        f"line-{index}",
        enterprise_id=enterprise.enterprise_id,
        phone_number=number,
        messaging_app_id=f"brightstar-{stack}-bot-{index}",
        mms_enabled=True,
    )
    for index, number in enumerate(config.require_object("numbers"), start=1)
]

pulumi.export("enterprise_id", enterprise.enterprise_id)
pulumi.export("mapping_ids", [mapping.mapping_id for mapping in mappings])
