"""The benchmark's round-trip floors and request models (bench/latency.py,
bench/economy.py): the numbers `make bench` divides by, pinned."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.economy import RequestCounts, expected
from bench.latency import LatencySample, evaluate, floor_round_trips, grid, peak_in_flight


@pytest.mark.parametrize(
    ("step", "n", "parallel", "platform", "options", "waves"),
    [
        ("up", 100, 32, "webex", {}, 1 + 1 + 4),  # login, enterprise, ceil(100/32) mappings
        ("up", 500, 8, "webex", {}, 1 + 1 + 63),
        ("up", 100, 32, "teams", {}, 1 + 2 + 4),  # the CSP's enterprises are listed first
        ("up", 100, 32, "teams", {"trusted": True}, 1 + 1 + 4),  # ...unless keys are trusted
        ("up", 100, 32, "webex", {"new_enterprise": False}, 1 + 1 + 1 + 4),  # one snapshot
        ("up", 100, 64, "webex", {}, 1 + 1 + 4),  # --parallel 64 runs 32 at once by default
        ("up", 100, 64, "webex", {"max_parallel": 64}, 1 + 1 + 2),
        ("refresh", 500, 8, "webex", {}, 3),
        ("destroy", 100, 32, "webex", {}, 1 + 4 + 1),  # login, mappings, then the enterprise
        ("destroy", 500, 8, "teams", {}, 1 + 63 + 1),
    ],
)
def test_round_trip_floors(step, n, parallel, platform, options, waves):
    assert floor_round_trips(step, n, parallel, platform, **options) == waves


def counts(logins: int, reads: int, writes: int, deletes: int) -> RequestCounts:
    return RequestCounts(logins + reads + writes, logins, 0, reads, writes, deletes)


def test_request_models_are_what_the_floors_count():
    assert expected("up", 100).matches(counts(1, 0, 101, 0))
    assert expected("up", 100, "teams").matches(counts(1, 1, 101, 0))
    assert not expected("up", 100).matches(counts(1, 1, 101, 0))  # a read the floor forgot
    assert expected("refresh", 500).matches(counts(1, 2, 0, 0))
    assert expected("destroy", 100).matches(counts(1, 0, 101, 101))
    assert not expected("destroy", 100).matches(counts(2, 0, 101, 101))


def _log(*seconds: float) -> list[dict[str, str]]:
    return [
        {"path": "/api/v1/x", "time": datetime.fromtimestamp(s, UTC).isoformat()} for s in seconds
    ]


def test_peak_in_flight_counts_calls_that_overlap_within_one_latency():
    assert peak_in_flight(_log(0.0, 0.1, 0.2, 0.31, 0.35), 300) == 4
    assert peak_in_flight(_log(0.0, 0.3, 0.6), 300) == 1
    assert peak_in_flight(_log(0.0, 0.0), 0) == 0


def test_the_quick_grid_is_one_size_and_one_latency_and_the_full_grid_the_issue_s():
    quick = grid(quick=True)
    assert {(p.n, p.parallel, p.latencies_ms) for p in quick} == {
        (100, 8, (300,)),
        (100, 32, (300,)),
    }
    full = {(p.platform, p.n, p.parallel, p.latencies_ms) for p in grid(quick=False)}
    assert {(n, par) for _, n, par, lat in full if lat == (100, 300)} == {
        (100, 8),
        (100, 32),
        (500, 8),
        (500, 32),
    }


def _sample(latency_ms: int, step: str, seconds: float, requests: RequestCounts) -> LatencySample:
    return LatencySample("webex", 100, 32, None, latency_ms, 0, 0, step, seconds, 1, requests, 0)


def test_a_ratio_is_the_extra_time_over_the_floor_and_a_wrong_request_count_is_a_miss():
    up, extra = counts(1, 0, 101, 0), counts(1, 1, 101, 0)
    rows = evaluate([_sample(0, "up", 10.0, up), _sample(300, "up", 12.34, extra)])
    first, requests = rows
    assert first.measured.startswith("1.30x (+2.34 s; floor 6 round trips = 1.8 s")
    assert first.status == "PASS"
    assert requests.status == "MISS" and "1/2 runs" in requests.measured


def test_a_point_with_its_own_bound_is_context_against_the_default_floor():
    up = counts(1, 0, 101, 0)
    ceiling = [
        LatencySample("webex", 100, 32, 4, 0, 0, 0, "up", 10.0, 1, up, 0),
        LatencySample("webex", 100, 32, 4, 300, 0, 0, "up", 17.2, 1, up, 4),
    ]
    row, _ = evaluate(ceiling)
    assert row.status == "INFO"
    assert row.metric == "up, 300 ms, N=100, --parallel 32, maxParallel 4"
    assert row.measured.startswith("4.00x of the default's floor of 6 round trips (+7.20 s")


def test_a_point_with_the_engines_checkpoints_is_context_not_a_target():
    up = counts(1, 0, 101, 0)
    saved = [
        LatencySample("webex", 100, 32, None, 0, 0, 0, "up", 10.0, 1, up, 0, True),
        LatencySample("webex", 100, 32, None, 300, 0, 0, "up", 14.5, 1, up, 20, True),
    ]
    row, _ = evaluate(saved)
    assert row.status == "INFO"
    assert row.metric == "up, 300 ms, N=100, --parallel 32, with checkpoints"
    assert row.measured.startswith("2.50x (+4.50 s; floor 6 round trips = 1.8 s")


def test_the_full_grid_reports_points_with_checkpoints_as_users_run_it():
    saved = {(p.n, p.parallel, p.latencies_ms) for p in grid(quick=False) if p.checkpoints}
    assert saved == {(100, 32, (300,)), (500, 32, (300,))}
    assert not any(p.checkpoints for p in grid(quick=True))
