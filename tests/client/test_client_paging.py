"""list_all_csp_mappings: every page of the Webex listing, read from page 0 until it ends,
each mapping once; a service whose pages do not advance is an error, never a hang; Teams
lists once. The rules: docs/client.md, "Listing every page"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest
from client_fakes import FakeAPI, json_response

from pulumi_contextsms.client import (
    APIError,
    ContextSmsClient,
    InvalidInputError,
    PagingError,
)
from pulumi_contextsms.client.client import DEFAULT_CSP_PAGE_SIZE
from pulumi_contextsms.client.paging import MAX_CSP_PAGES, collect_pages

WEBEX_PATH = "/api/v1/mappings/csp/CSP001"
TEAMS_PATH = "/api/v2/mapping/csp/CSP001"


def mapping(n: int) -> dict[str, Any]:
    return {
        "numberToMessageAppMapId": f"NTMAP{n:07d}",
        "messagingAppId": f"bot-{n}",
        "phoneNumber": f"+1555{n:07d}",
        "messagingAppType": "Webex",
        "mmsEnabled": True,
    }


def ids(count: int) -> list[str]:
    return [f"NTMAP{n:07d}" for n in range(count)]


def paged_service(
    total: int,
    *,
    cap: int | None = None,
    step: Callable[[int], int] | None = None,
    ignore_page: bool = False,
) -> Callable[[httpx.Request], httpx.Response]:
    """A 0-based paged listing of `total` mappings. `cap` silently bounds the size;
    `step(size)` is where page n+1 starts after page n (overlapping pages when less
    than the size); `ignore_page` always serves the first page."""
    records = [mapping(n) for n in range(total)]

    def serve(request: httpx.Request) -> httpx.Response:
        page = 0 if ignore_page else int(request.url.params.get("page", "0"))
        size = int(request.url.params.get("size", "100"))
        if cap is not None:
            size = min(size, cap)
        start = page * (step(size) if step else size)
        return json_response(200, records[start : start + size])

    return serve


def pages_asked(api: FakeAPI) -> list[tuple[str | None, str | None]]:
    return [(r.url.params.get("page"), r.url.params.get("size")) for r in api.api_requests()]


def listed(mappings: Sequence[Any]) -> list[str]:
    return [m.mapping_id for m in mappings]


def test_pages_are_read_from_page_0_at_the_asked_size_until_a_short_page(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", WEBEX_PATH, paged_service(2_345))
    assert listed(webex.list_all_csp_mappings("CSP001")) == ids(2_345)
    assert DEFAULT_CSP_PAGE_SIZE == 1000
    assert pages_asked(api) == [("0", "1000"), ("1", "1000"), ("2", "1000")]


def test_a_service_that_caps_the_size_below_the_asked_one_is_still_read_to_the_end(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", WEBEX_PATH, paged_service(250, cap=100))
    assert listed(webex.list_all_csp_mappings("CSP001")) == ids(250)
    assert pages_asked(api) == [("0", "1000"), ("1", "1000"), ("2", "1000")]


def test_an_exact_multiple_of_the_page_size_ends_with_an_empty_page(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    api.on("GET", WEBEX_PATH, paged_service(200, cap=100))
    assert listed(webex.list_all_csp_mappings("CSP001", page_size=100)) == ids(200)
    assert pages_asked(api) == [("0", "100"), ("1", "100"), ("2", "100")]


def test_a_csp_without_mappings_costs_one_request(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", WEBEX_PATH, paged_service(0))
    assert webex.list_all_csp_mappings("CSP001") == []
    assert pages_asked(api) == [("0", "1000")]


@pytest.mark.parametrize(("total", "cap"), [(2_500, None), (7, None), (250, 100)])
def test_a_service_that_ignores_page_raises_paging_error_on_page_1_not_a_hang(
    api: FakeAPI, webex: ContextSmsClient, total: int, cap: int | None
) -> None:
    api.on("GET", WEBEX_PATH, paged_service(total, cap=cap, ignore_page=True))
    with pytest.raises(PagingError) as info:
        webex.list_all_csp_mappings("CSP001")
    error = info.value
    assert isinstance(error, APIError) and (error.pages, error.method) == (2, "GET")
    first_page = min(total, cap or DEFAULT_CSP_PAGE_SIZE)
    assert error.records == first_page
    assert str(error) == (
        f"GET {WEBEX_PATH} paging stopped after 2 pages and {first_page} distinct records: "
        "page 1 held only records already read on earlier pages (the service seems to "
        "ignore the page number)"
    )
    assert len(api.api_requests()) == 2


def test_overlapping_pages_keep_each_mapping_once_in_the_order_read(
    api: FakeAPI, webex: ContextSmsClient
) -> None:
    # each page starts 5 records before the previous one ended (a record deleted meanwhile)
    api.on("GET", WEBEX_PATH, paged_service(250, step=lambda size: size - 5))
    assert listed(webex.list_all_csp_mappings("CSP001", page_size=100)) == ids(250)
    assert len(api.api_requests()) == 3


def test_the_status_filter_is_sent_on_every_page(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", WEBEX_PATH, paged_service(150))
    assert len(webex.list_all_csp_mappings("CSP001", status="active", page_size=100)) == 150
    assert [r.url.params.get("status") for r in api.api_requests()] == ["active", "active"]


def test_pages_that_never_end_stop_at_the_page_bound() -> None:
    def endless(number: int) -> list[str]:
        return [f"{number}-{i}" for i in range(3)]

    with pytest.raises(PagingError) as info:
        collect_pages(endless, str, method="GET", url="http://127.0.0.1:9/x?page=1", max_pages=4)
    assert (info.value.pages, info.value.records) == (4, 12)
    assert str(info.value) == (
        "GET /x paging stopped after 4 pages and 12 distinct records: "
        "the listing did not end within 4 pages"
    )
    assert MAX_CSP_PAGES == 10_000


def test_a_short_page_of_records_already_read_is_the_end_not_an_error() -> None:
    pages = [["a", "b", "c"], ["c"]]
    assert collect_pages(lambda n: pages[n], str, method="GET", url="http://h/x") == ["a", "b", "c"]


@pytest.mark.parametrize("page_size", [0, -1, True, 2.5])
def test_a_bad_page_size_is_refused_before_any_request(
    api: FakeAPI, webex: ContextSmsClient, page_size: Any
) -> None:
    with pytest.raises(InvalidInputError) as info:
        webex.list_all_csp_mappings("CSP001", page_size=page_size)
    assert info.value.fields == ("page_size",)
    assert api.requests == []


def test_teams_lists_once_without_page_or_size(api: FakeAPI, teams: ContextSmsClient) -> None:
    api.on("GET", TEAMS_PATH, json_response(200, [mapping(n) for n in range(1_500)]))
    assert listed(teams.list_all_csp_mappings("CSP001", page_size=10)) == ids(1_500)
    [request] = api.api_requests()
    assert request.url.query == b""


def test_teams_refuses_a_status_filter_before_any_request(
    api: FakeAPI, teams: ContextSmsClient
) -> None:
    with pytest.raises(InvalidInputError) as info:
        teams.list_all_csp_mappings("CSP001", status="active")
    assert info.value.fields == ("status",)
    assert api.requests == []


def test_list_csp_mappings_still_reads_one_page(api: FakeAPI, webex: ContextSmsClient) -> None:
    api.on("GET", WEBEX_PATH, paged_service(250))
    assert listed(webex.list_csp_mappings("CSP001")) == ids(100)
    assert pages_asked(api) == [(None, None)]
