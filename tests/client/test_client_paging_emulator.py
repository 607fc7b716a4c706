"""list_all_csp_mappings against a real emulator process: thousands of Webex mappings
under several enterprises come back complete, each once, in a handful of requests."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.client import (
    ConnectionSettings,
    ContextSmsClient,
    EnterpriseSpec,
    MappingSpec,
)

MAPPINGS = 2_345
ENTERPRISES = 3


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as running:
        yield running


@pytest.fixture
def webex(emulator: EmulatorProcess) -> Iterator[ContextSmsClient]:
    settings = ConnectionSettings.resolve(
        "webex", api_base=emulator.webex_api_base, username=DEMO_USER, password=DEMO_PASSWORD
    )
    with ContextSmsClient(settings) as client:
        yield client


def create_mappings(client: ContextSmsClient) -> set[str]:
    """`MAPPINGS` mappings spread over `ENTERPRISES` new enterprises, through the Webex API."""
    enterprises = [
        client.create_enterprise(
            DEMO_CSP_ID,
            EnterpriseSpec(
                name=f"Paging {n}",
                contact="Sarah Johnson",
                phone_number=f"+1555000{n:04d}",
                email=f"ops{n}@example.com",
            ),
        ).enterprise_id
        for n in range(ENTERPRISES)
    ]

    def create(n: int) -> str:
        spec = MappingSpec(
            phone_number=f"+1556{n:07d}", messaging_app_type="Webex", messaging_app_id=f"bot-{n}"
        )
        # fresh enterprises: nothing existed before, so no listing before each create
        enterprise = enterprises[n % ENTERPRISES]
        return client.create_mapping(enterprise, spec, existing_ids=()).mapping_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(create, range(MAPPINGS)))


def test_every_mapping_of_the_csp_comes_back_once_in_a_few_requests(
    emulator: EmulatorProcess, webex: ContextSmsClient
) -> None:
    created = create_mappings(webex)
    assert len(created) == MAPPINGS
    emulator.clear_requests()

    listed = [m.mapping_id for m in webex.list_all_csp_mappings(DEMO_CSP_ID)]

    assert len(listed) == MAPPINGS and set(listed) == created
    calls = [(r["method"], r["path"], r["query"]) for r in emulator.requests()]
    path = f"/api/v1/mappings/csp/{DEMO_CSP_ID}"
    assert calls == [("GET", path, f"page={n}&size=1000") for n in range(3)]
