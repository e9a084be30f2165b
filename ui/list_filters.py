"""The views of the window's left list: the services' filters plus "Today", the counter's view of
the day (the drafts still open and everything of today, the orders just paid among them)."""

from __future__ import annotations

from app.domain import clock
from app.services import queries
from app.services.context import UowFactory
from app.services.dto import ListEntryDTO, ListPage

TODAY = "today"
# In the order of the Show list (Ctrl+1 ... Ctrl+6); Today comes right after the open drafts.
FILTERS = (queries.FILTERS[0], TODAY, *queries.FILTERS[1:])
LABELS = {"open_drafts": "Open drafts", TODAY: "Today", "paid_today": "Paid today", "all_orders": "All orders",
          "not_synced": "Not yet synced", "all_drafts": "All drafts"}
EMPTY = {"open_drafts": "No open drafts.\nCtrl+N starts one.", TODAY: "Nothing today yet.\nCtrl+N starts a draft.",
         "paid_today": "Nothing paid today yet."}


def list_today(q: str | None, uow_factory: UowFactory, *, limit: int = 200) -> ListPage:
    """Open drafts (of any day: they are still on the counter), today's other drafts except the
    paid ones (their orders are listed), and today's orders; newest first."""
    today = clock.now().astimezone().date()
    open_drafts = queries.list_drafts({"q": q, "status": ["open"], "limit": limit}, uow_factory())
    drafts_today = queries.list_drafts({"q": q, "created_from": today, "created_to": today, "limit": limit},
                                       uow_factory())
    orders_today = queries.list_orders({"q": q, "created_from": today, "created_to": today, "limit": limit},
                                       uow_factory())
    seen: set[str] = set()
    entries: list[ListEntryDTO] = []
    for e in (*open_drafts.entries, *drafts_today.entries, *orders_today.entries):
        if e.id in seen or (e.kind == "draft" and e.status == "completed"):
            continue
        seen.add(e.id)
        entries.append(e)
    entries.sort(key=lambda e: (e.created_at is not None, e.created_at), reverse=True)
    return ListPage(entries=tuple(entries[:limit]), count=len(entries))


def list_for(name: str, q: str | None, uow_factory: UowFactory) -> ListPage:
    if name == TODAY:
        return list_today(q, uow_factory)
    return queries.list_for_filter(name, q, uow_factory)
