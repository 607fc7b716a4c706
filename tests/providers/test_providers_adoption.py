"""adopt_id at check(): it acts only while the resource is not in the stack, and there
it is checked before anything is written: offline here, with what the provider process
has already read of the service (`no_http`)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from providers_support import UNREACHABLE_TEAMS, UNREACHABLE_WEBEX
from pulumi.output import Unknown

from pulumi_contextsms import session
from pulumi_contextsms.client.models import Enterprise, NumberMapping
from pulumi_contextsms.providers.enterprise import EnterpriseProvider
from pulumi_contextsms.providers.mapping import NumberMappingProvider

pytestmark = pytest.mark.usefixtures("no_http")

URN = "urn:pulumi:prod::infra::pulumi-python:dynamic/contextsms:NumberMapping::+15559870000"
MAPPING = {
    "enterprise_id": "E0000001",
    "phone_number": "+15559870000",
    "messaging_app_id": "app-1",
    "adopt_id": "NTMAP0000007",
    "resource_urn": URN,
}
ENTERPRISE = {
    "name": "ABC Marketing Company",
    "contact": "Sarah Johnson",
    "phone_number": "+15551234567",
    "email": "sarah@abcmarketing.com",
    "adopt_id": "E0000001",
}


def listed(*rows: tuple[str, str, str]) -> None:
    """What this process has listed of E0000001 on Webex: (mapping id, number, app id)."""
    session.current.listings.seed(
        (UNREACHABLE_WEBEX, "E0000001"),
        {
            i: NumberMapping(
                mapping_id=i, phone_number=n, messaging_app_id=a, messaging_app_type="Webex"
            )
            for i, n, a in rows
        },
    )


def check(provider: Any, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    return provider.check(olds, news)


def test_a_new_resource_adopts_a_matching_mapping_and_says_so(settings, caplog):
    settings("webex")
    listed(("NTMAP0000007", "+15559870000", "app-1"))

    with caplog.at_level(logging.INFO, logger="pulumi_contextsms"):
        result = check(NumberMappingProvider(), {}, MAPPING)

    assert result.failures == []
    assert result.inputs["adopt_id"] == "NTMAP0000007"
    assert result.inputs["mapping_id"] == "NTMAP0000007"  # preview shows it as the output
    assert "resource_urn" not in result.inputs  # said, never stored
    assert caplog.messages == [
        f"{URN}: adopts NTMAP0000007 (+15559870000 in enterprise E0000001) as it is in "
        "ContextSMS: nothing is written"
    ]


def test_a_resource_in_the_stack_drops_adopt_id_and_reads_nothing(settings):
    settings("webex")  # nothing listed: any read would fail (no_http)
    result = check(NumberMappingProvider(), {**MAPPING, "adopt_id": None}, MAPPING)
    assert result.failures == []
    assert "adopt_id" not in result.inputs


def test_the_replacements_second_check_without_old_inputs_drops_adopt_id_too(settings):
    """The engine checks a resource it replaces again, without its old inputs, for the
    create: that create must never adopt the id the first create adopted."""
    settings("webex")
    provider = NumberMappingProvider()
    check(provider, {**MAPPING, "messaging_app_id": "app-0"}, MAPPING)

    again = check(provider, {}, MAPPING)

    assert again.failures == []
    assert "adopt_id" not in again.inputs


def test_a_mapping_gone_from_its_enterprise_is_created_with_a_warning(settings, caplog):
    settings("webex")
    listed()
    with caplog.at_level(logging.INFO, logger="pulumi_contextsms"):
        result = check(NumberMappingProvider(), {}, MAPPING)
    assert result.failures == []
    assert "mapping_id" not in result.inputs
    assert caplog.records[0].levelname == "WARNING"
    assert caplog.messages == [
        f"{URN}: adopt_id NTMAP0000007 is no longer a mapping of enterprise E0000001 and "
        "+15559870000 is not mapped there (deleted outside Pulumi?): it will be created"
    ]


def test_the_number_mapped_under_another_id_fails_naming_that_id(settings):
    settings("webex")
    listed(("NTMAP0000009", "+15559870000", "app-1"))
    result = check(NumberMappingProvider(), {}, MAPPING)
    assert [(f.property, f.reason) for f in result.failures] == [
        (
            "adopt_id",
            "adopt_id NTMAP0000007 is not a mapping of enterprise E0000001, but +15559870000 is "
            "mapped there by NTMAP0000009 (messaging app 'app-1'): to take that one over, set "
            'adopt_id="NTMAP0000009"',
        )
    ]


def test_an_enterprise_adoption_makes_its_id_known_at_preview(settings):
    settings("teams")
    session.current.enterprises.seed(
        (UNREACHABLE_TEAMS, "E0000001"),
        Enterprise.model_validate(
            {
                "enterpriseId": "E0000001",
                "name": "ABC Marketing Company",
                "contact": "Sarah Johnson",
                "number": "+15551234567",
                "email": "sarah@abcmarketing.com",
            }
        ),
    )
    result = check(EnterpriseProvider(), {}, ENTERPRISE)
    assert result.failures == []
    assert result.inputs["enterprise_id"] == "E0000001"


def test_a_deleted_enterprise_is_created_again_and_an_unknown_one_fails(settings):
    settings("teams")
    session.current.enterprises.seed(
        (UNREACHABLE_TEAMS, "E0000001"), Enterprise(enterprise_id="E0000001", deleted=True)
    )
    session.current.enterprises.seed((UNREACHABLE_TEAMS, "E0000002"), None)
    recreated = check(EnterpriseProvider(), {}, ENTERPRISE)
    assert recreated.failures == [] and "enterprise_id" not in recreated.inputs

    unknown = check(EnterpriseProvider(), {}, {**ENTERPRISE, "adopt_id": "E0000002"})
    assert [f.reason for f in unknown.failures] == [
        "no enterprise E0000002 is visible to this account: check adopt_id (it must be an "
        "enterprise of a CSP this account manages, on this platform)"
    ]


def test_an_adoption_whose_inputs_are_not_known_yet_is_checked_later(settings):
    """A preview of a computed input: the engine checks the resource again at `up`."""
    settings("webex")  # nothing listed: a read would fail (no_http)
    result = check(NumberMappingProvider(), {}, {**MAPPING, "messaging_app_id": Unknown()})
    assert result.failures == []
    assert "mapping_id" not in result.inputs
