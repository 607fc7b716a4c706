"""2,000 numbers in 100 enterprises discover in a bounded number of requests, a few
seconds each, on both platforms (the listings run `MAX_WORKERS` at once)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from discover_support import CSP, api_calls, connect, enterprise, run

from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.client.client import DEFAULT_CSP_PAGE_SIZE
from pulumi_contextsms.inventory import load

ENTERPRISES = 100
NUMBERS = 20
MAPPINGS = ENTERPRISES * NUMBERS
# Webex CSP pages: full pages, then the empty one that ends the listing
CSP_PAGES = MAPPINGS // DEFAULT_CSP_PAGE_SIZE + 1
WALL_TIME_LIMIT = 20.0


@pytest.mark.parametrize("platform", ["teams", "webex"])
def test_100_enterprises_of_20_numbers_in_a_bounded_number_of_requests(
    platform: str,
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    made = emulator.seed(
        {
            "service": platform,
            "csp_id": CSP,
            "enterprises": [enterprise(platform, n, NUMBERS) for n in range(ENTERPRISES)],
        }
    )
    ids = [e["enterprise_id"] for e in made["enterprises"]]
    emulator.clear_requests()
    connect(monkeypatch, emulator, platform)
    named = ["--enterprise", *ids] if platform == "webex" else []

    started = time.monotonic()
    result = run(capsys, "discover", *named)
    elapsed = time.monotonic() - started

    assert result.code == 0, result.err
    inventory = load(Path("contextsms.yaml"))
    assert len(inventory.enterprises) == ENTERPRISES
    assert sum(1 for _ in inventory.numbers()) == MAPPINGS
    calls = Counter(
        path.rsplit("/", 1)[0].replace(f"/{CSP}", "") for _, path in api_calls(emulator)
    )
    if platform == "teams":
        assert calls == {
            "/api/v2/auth": 1,
            "/api/v2/csp/enterprises": 1,
            "/api/v2/numbertomessageappmapping/enterprise": ENTERPRISES,
        }
    else:
        assert calls == {
            "/v1/auth": 1,
            "/api/v1/enterprise/getenterprise": ENTERPRISES,
            "/api/v1/mappings/enterprise": ENTERPRISES,
            "/api/v1/mappings/csp": CSP_PAGES,
        }
    with capsys.disabled():
        sys.stdout.write(
            f"\n{platform}: {ENTERPRISES} enterprises x {NUMBERS} numbers discovered in "
            f"{elapsed:.2f} s, {calls.total()} requests\n"
        )
    assert elapsed < WALL_TIME_LIMIT
