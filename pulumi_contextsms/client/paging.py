"""Reading a paged listing to its end, without trusting the service to say where it is.

The Webex Bot API documents `page` and `size` on GET /mappings/csp/{cspId} and nothing
else: no total, no "last page" flag, no page base. So the end is inferred from the pages
themselves, and every way that inference could go wrong ends in an error, not in a
silently short list or an endless loop. The rules are written once, in docs/client.md
("Listing every page").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .errors import PagingError

__all__ = ["MAX_CSP_PAGES", "collect_pages"]

MAX_CSP_PAGES = 10_000
"""Pages read at most before giving up: ten million mappings at the default size, a
million even if a service silently caps the size at 100. Only a service whose pages never
end reaches it; one that ignores the page number is caught on its second page."""

R = TypeVar("R")


def collect_pages(
    fetch: Callable[[int], Sequence[R]],
    key: Callable[[R], str],
    *,
    method: str,
    url: str,
    max_pages: int = MAX_CSP_PAGES,
) -> list[R]:
    """Every record of a 0-based paged listing, each once (by `key`), in the order read.

    `fetch(n)` returns page `n`. The listing ends at an empty page, or at a page shorter
    than the longest seen so far: a service may cap the page size below what was asked,
    so a page shorter than asked is not the end. Any other page that brings no new
    record (a service that ignores the page number), or more than `max_pages` pages,
    raises `PagingError` (`method` and `url` name the listing in it).
    """
    seen: dict[str, R] = {}
    longest = 0
    for number in range(max_pages):
        page = fetch(number)
        if not page:
            return list(seen.values())
        before = len(seen)
        for record in page:
            seen.setdefault(key(record), record)
        if len(page) < longest:
            return list(seen.values())
        longest = len(page)
        if len(seen) == before:
            raise PagingError(
                f"page {number} held only records already read on earlier pages "
                "(the service seems to ignore the page number)",
                method=method,
                url=url,
                pages=number + 1,
                records=len(seen),
            )
    raise PagingError(
        f"the listing did not end within {max_pages} pages",
        method=method,
        url=url,
        pages=max_pages,
        records=len(seen),
    )
