"""The views of the window's left list: the services' filters plus "Today", the counter's view of
the day (the drafts still open and everything of today, the orders just paid among them).

A view is one or more *sources*, each a query sorted newest first by its indexed ``created_at``
and read a page at a time (offset, limit). The list model asks for the next page only when the
view scrolls near its end, so a year of orders is never read whole. The sources of a view never
share a row, so the row count shown (the sum of their counts) is the honest number of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain import clock
from app.domain.outbox import UNSYNCED_STATES
from app.services import queries
from app.services.commands import OrderQuery
from app.services.context import UowFactory
from app.services.dto import ListEntryDTO, ListPage

TODAY = "today"
# In the order of the Show list (Ctrl+1 ... Ctrl+6); Today comes right after the open drafts.
FILTERS = (queries.FILTERS[0], TODAY, *queries.FILTERS[1:])
LABELS = {"open_drafts": "Open drafts", TODAY: "Today", "paid_today": "Paid today", "all_orders": "All orders",
          "not_synced": "Not yet synced", "all_drafts": "All drafts"}
EMPTY = {"open_drafts": "No open drafts.\nCtrl+N starts one.", TODAY: "Nothing today yet.\nCtrl+N starts a draft.",
         "paid_today": "Nothing paid today yet."}
PAGE = 60  # rows read per page: three screenfuls at 1280x800; scrolling fetches the next page

Source = Callable[[int, int], ListPage]  # (offset, limit) -> that page and the source's count


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a view: its rows (newest first), where each source goes on, the total count."""

    entries: tuple[ListEntryDTO, ...]
    offsets: tuple[int, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def has_more(self) -> bool:
        return any(o < c for o, c in zip(self.offsets, self.counts, strict=True))


def _drafts(uow_factory: UowFactory, **query: object) -> Source:
    return lambda offset, limit: queries.list_drafts(OrderQuery(**query, offset=offset, limit=limit),  # type: ignore[arg-type]
                                                     uow_factory())


def _orders(uow_factory: UowFactory, **query: object) -> Source:
    return lambda offset, limit: queries.list_orders(OrderQuery(**query, offset=offset, limit=limit),  # type: ignore[arg-type]
                                                     uow_factory())


def sources(name: str, q: str | None, uow_factory: UowFactory) -> tuple[Source, ...]:
    """The disjoint queries that make up view ``name`` narrowed by the search text ``q``."""
    today = clock.now().astimezone().date()
    if name == TODAY:
        # Open drafts of any day (still on the counter), today's canceled drafts (a paid draft's
        # order is listed instead), and today's orders: three sets that never overlap.
        return (_drafts(uow_factory, q=q, status=["open"]),
                _drafts(uow_factory, q=q, status=["canceled"], created_from=today, created_to=today),
                _orders(uow_factory, q=q, created_from=today, created_to=today))
    if name == "open_drafts":
        return (_drafts(uow_factory, q=q, status=["open"]),)
    if name == "all_drafts":
        return (_drafts(uow_factory, q=q),)
    if name == "paid_today":
        return (_orders(uow_factory, q=q, created_from=today, created_to=today),)
    if name == "not_synced":
        return (_orders(uow_factory, q=q, sync_state=list(UNSYNCED_STATES)),)
    return (_orders(uow_factory, q=q),)


def fetch_page(srcs: tuple[Source, ...], offsets: tuple[int, ...] | None = None,
               counts: tuple[int, ...] | None = None, limit: int = PAGE) -> Page:
    """The next ``limit`` rows of the merged sources, newest first, from ``offsets`` on (None: the
    first page). Each source reads at most ``limit`` rows; a source known to be used up is not asked."""
    offsets = offsets or (0,) * len(srcs)
    got: list[tuple[int, ListEntryDTO]] = []
    new_counts = list(counts or (-1,) * len(srcs))
    for i, (src, offset) in enumerate(zip(srcs, offsets, strict=True)):
        if 0 <= new_counts[i] <= offset:
            continue
        page = src(offset, limit)
        new_counts[i] = page.count
        got.extend((i, e) for e in page.entries)
    got.sort(key=lambda ie: (ie[1].created_at is not None, ie[1].created_at), reverse=True)
    taken = got[:limit]
    new_offsets = list(offsets)
    for i, _e in taken:
        new_offsets[i] += 1
    return Page(entries=tuple(e for _i, e in taken), offsets=tuple(new_offsets), counts=tuple(new_counts))


def list_for(name: str, q: str | None, uow_factory: UowFactory, *, limit: int = PAGE) -> ListPage:
    """The first page of view ``name`` with the view's whole count (the command line, tests)."""
    page = fetch_page(sources(name, q, uow_factory), limit=limit)
    return ListPage(entries=page.entries, count=page.total)
