"""The Teams-only surface through the CLI: the Csp resource and the lookup functions
(with a named Webex profile in the same program for the lookups both APIs have)."""

from __future__ import annotations

import json

import httpx
import pytest
from cli_harness import api_requests, connection_config, live_records

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, stripe_signature
from contextsms_emulator.settings import DEFAULT_WEBHOOK_SECRET

pytestmark = pytest.mark.pulumi_cli

CSP_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

reseller = contextsms.Csp(
    "reseller", contextsms.CspArgs(email="ops@reseller-inc.com", name="Reseller Inc")
)
ent = contextsms.Enterprise(
    "acme",
    name="ABC Marketing Company",
    contact="Sarah Johnson",
    phone_number="+15551234567",
    email="sarah@abcmarketing.com",
    csp_id=reseller.csp_id,
)
pulumi.export("csp_id", reseller.csp_id)
pulumi.export("retained_on_delete", reseller.retained_on_delete)
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("enterprise_csp_id", ent.csp_id)
"""


def test_enterprise_lives_under_a_created_csp_and_destroy_leaves_the_csp(project_factory, emulator):
    project = project_factory(CSP_PROGRAM)
    project.connect(emulator, "teams")

    project.up()

    outputs = project.outputs()
    csps = emulator.records()["csps"]
    assert [(c["csp_id"], c["parent_csp_id"], c["name"]) for c in csps] == [
        (outputs["csp_id"], DEMO_CSP_ID, "Reseller Inc")
    ]
    assert outputs["retained_on_delete"] is True
    enterprises, _ = live_records(emulator)
    assert [(e["enterprise_id"], e["csp_id"]) for e in enterprises] == [
        (outputs["enterprise_id"], outputs["csp_id"])
    ]
    assert outputs["enterprise_csp_id"] == outputs["csp_id"]

    emulator.clear_requests()
    project.destroy()

    assert live_records(emulator) == ([], [])
    assert emulator.records()["csps"] == csps  # the API cannot delete a CSP
    assert [r["method"] for r in api_requests(emulator) if "/csp" in r["path"]] == []


LOOKUP_PROGRAM = """
import pulumi
import pulumi_contextsms as contextsms

def after(value, *resources):
    # `value` once `resources` exist: a lookup must not run before what it looks for
    return pulumi.Output.all(value, *[r.id for r in resources]).apply(lambda v: v[0])

ent = contextsms.Enterprise(
    "acme", name="ABC Marketing Company", contact="Sarah Johnson",
    phone_number="+15551234567", email="sarah@abcmarketing.com",
)
desk = contextsms.NumberMapping(
    "frontdesk", enterprise_id=ent.enterprise_id, phone_number="+15559870000",
    messaging_app_id="teams-channel-1", name="Front Desk",
)
pulumi.export("enterprise_id", ent.enterprise_id)
pulumi.export("mapping_id", desk.mapping_id)
pulumi.export("enterprise", contextsms.get_enterprise(ent.enterprise_id))
pulumi.export("enterprise_mappings", contextsms.get_enterprise_mappings(after(ent.id, desk)))
pulumi.export("by_app_id", contextsms.get_mapping_by_app_id(desk.messaging_app_id))
pulumi.export("no_such_app", contextsms.get_mapping_by_app_id("no-such-channel"))
pulumi.export("csp_config", contextsms.get_csp_config(desk.phone_number))
pulumi.export("paid", contextsms.get_payment_status("billing@abcmarketing.com"))
pulumi.export("unpaid", contextsms.get_payment_status("sarah@abcmarketing.com"))

# the Webex API in the same program, through the profile "webex"
bot = contextsms.Enterprise(
    "acme-webex", name="ABC Webex", contact="Sarah Johnson", phone_number="+15551234568",
    email="sarah@abcmarketing.com", default_mms_selection=True, profile="webex",
)
bot_desk = contextsms.NumberMapping(
    "bot-desk", enterprise_id=bot.enterprise_id, phone_number="+15559870001",
    messaging_app_id="webex-bot-1", mms_enabled=True, profile="webex",
)
pulumi.export("webex_enterprise_id", bot.enterprise_id)
pulumi.export("enterprises", contextsms.get_enterprises(after(ent.csp_id, bot)))  # both APIs
pulumi.export("webex_mapping_id", bot_desk.mapping_id)
pulumi.export("webex_enterprise", contextsms.get_enterprise(bot.enterprise_id, profile="webex"))
pulumi.export(
    "webex_mappings",
    contextsms.get_enterprise_mappings(after(bot.id, bot_desk), profile="webex"),
)
"""


def _subscribe(emulator, email: str) -> None:
    """Deliver a signed Stripe event making `email` a paying customer."""
    payload = json.dumps(
        {
            "id": "evt_lookup_test",
            "object": "event",
            "type": "customer.subscription.created",
            "data": {"object": {"id": "sub_1", "status": "active", "customer_email": email}},
        }
    ).encode()
    response = httpx.post(
        f"{emulator.teams_api_base}/stripe/webhook",
        content=payload,
        headers={
            "Stripe-Signature": stripe_signature.header(payload, DEFAULT_WEBHOOK_SECRET),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200, response.text


def test_lookups_return_the_records_the_program_created(project_factory, emulator):
    project = project_factory(LOOKUP_PROGRAM)
    webex = {
        f"contextsms:profiles.webex.{k.split(':')[1]}": v
        for k, v in connection_config(emulator, "webex").items()
    }
    project.connect(emulator, "teams")
    project.config_all(
        webex, secrets={"contextsms:profiles.webex.password": DEMO_PASSWORD}, path=True
    )
    _subscribe(emulator, "billing@abcmarketing.com")

    project.up()

    out = project.outputs()
    enterprise_id, mapping_id = out["enterprise_id"], out["mapping_id"]
    assert {k: out["enterprise"][k] for k in ("enterprise_id", "name", "contact", "email")} == {
        "enterprise_id": enterprise_id,
        "name": "ABC Marketing Company",
        "contact": "Sarah Johnson",
        "email": "sarah@abcmarketing.com",
    }
    assert out["enterprise"]["phone_number"] == "+15551234567"
    assert [
        (m["mapping_id"], m["phone_number"], m["name"]) for m in out["enterprise_mappings"]
    ] == [(mapping_id, "+15559870000", "Front Desk")]
    # the CSP's Teams enterprises only: the Webex one lives on the other service
    assert [e["enterprise_id"] for e in out["enterprises"]] == [enterprise_id]
    assert out["by_app_id"]["mapping_id"] == mapping_id
    assert out["by_app_id"]["messaging_app_id"] == "teams-channel-1"
    assert "no_such_app" not in out  # the lookup found nothing: None, which exports as absent
    assert out["csp_config"]["product_name"] == "ContextSMS"
    assert out["paid"] == {
        "email": "billing@abcmarketing.com",
        "paid": True,
        "subscription_status": "active",
    }
    assert out["unpaid"] == {
        "email": "sarah@abcmarketing.com",
        "paid": False,
        "subscription_status": "none",
    }
    # the Webex dialect, through the profile
    assert out["webex_enterprise"]["enterprise_id"] == out["webex_enterprise_id"]
    assert out["webex_enterprise"]["default_mms_selection"] is True
    assert [(m["mapping_id"], m["mms_enabled"]) for m in out["webex_mappings"]] == [
        (out["webex_mapping_id"], True)
    ]
    # the profile's resources went through the Webex API, the others through Teams
    paths = {r["path"] for r in api_requests(emulator) if r["method"] == "POST"}
    assert f"/api/v1/mapping/add/{out['webex_enterprise_id']}" in paths
    assert f"/api/v2/mapping/add/{enterprise_id}" in paths
