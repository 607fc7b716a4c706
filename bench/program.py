"""The benchmarked Pulumi program (copied into each stack's project as ``__main__.py``).

One enterprise and ``bench:mappings`` number mappings that depend on it, served by our
providers (``bench:kind`` = real) or by the do-nothing floor (`bench.floor`): the same
graph and inputs either way. ``bench:prefix`` (three digits) keeps phone numbers unique
across the stacks of one run, since a number maps once across ContextSMS. On
``contextsms:platform`` teams the records take the Teams fields (a mapping name, no MMS
settings).
"""

import importlib

import pulumi

cfg = pulumi.Config("bench")
# Only the chosen module is imported: the floor must not pay for importing ours.
resources = importlib.import_module(
    "pulumi_contextsms" if cfg.require("kind") == "real" else "bench.floor"
)
Enterprise, NumberMapping = resources.Enterprise, resources.NumberMapping

prefix = cfg.require("prefix")
teams = pulumi.Config("contextsms").get("platform") == "teams"
enterprise = Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number=f"+1555{prefix}0000",
    email="sarah@abcmarketing.com",
    default_mms_selection=None if teams else True,
)
for i in range(cfg.require_int("mappings")):
    NumberMapping(
        f"m{i}",
        enterprise_id=enterprise.enterprise_id,
        phone_number=f"+1555{prefix}{i:04d}",
        messaging_app_id=f"{'teams-channel' if teams else 'webex-bot'}-{i}",
        mms_enabled=None if teams else True,
        name=f"Desk {i}" if teams else None,
    )
pulumi.export("enterprise_id", enterprise.enterprise_id)
