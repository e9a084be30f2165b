"""The left-hand list read a page at a time: Qt asks ``canFetchMore``/``fetchMore`` when the view
scrolls near the end of what is loaded, and only then is the next page read (off the UI thread
through the op helper's query worker). A year of orders is a count and a page of rows
(list_filters.PAGE), not a million."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal

from . import list_filters
from .list_filters import Page, Source
from .models import _ROOT, DraftListModel, Index

# request(fn, done, failed): run fn() off the UI thread, then done(result) or failed() on it.
Request = Callable[[Callable[[], Page], Callable[[Page], None], Callable[[], None]], None]


def _inline(fn: Callable[[], Page], done: Callable[[Page], None], _failed: Callable[[], None]) -> None:
    done(fn())


class PagedListModel(DraftListModel):
    """DraftListModel over a view's sources: the first page on ``start``, more on ``fetchMore``.
    ``total`` is the view's whole count, whatever is loaded yet."""

    countChanged = Signal(int, int)  # rows loaded, rows in the view

    def __init__(self, parent: Any = None, request: Request = _inline, page_size: int = list_filters.PAGE) -> None:
        super().__init__(parent)
        self.request = request
        self.page_size = page_size
        self._sources: tuple[Source, ...] = ()
        self._page: Page | None = None
        self._generation = 0  # a page asked for before the last start() is dropped
        self._loading = False
        self.pages_fetched = 0  # pages read since the last start(), the first one included

    @property
    def total(self) -> int:
        return self._page.total if self._page else len(self._rows)

    def start(self, sources: tuple[Source, ...], first: Page) -> None:
        self._generation += 1
        self._sources, self._page, self._loading, self.pages_fetched = sources, first, False, 1
        self._reset(first.entries)
        self.countChanged.emit(len(self._rows), self.total)

    def set_entries(self, entries: tuple[Any, ...] | list[Any]) -> None:
        self._generation += 1
        self._sources, self._page, self._loading = (), None, False
        self._reset(entries)
        self.countChanged.emit(len(self._rows), self.total)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return (not parent.isValid() and not self._loading and self._page is not None
                and self._page.has_more)

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if not self.canFetchMore(parent) or self._page is None:
            return
        self._loading = True
        generation, sources, page, size = self._generation, self._sources, self._page, self.page_size

        def failed() -> None:
            if generation == self._generation:
                self._loading = False

        self.request(lambda: list_filters.fetch_page(sources, page.offsets, page.counts, size),
                     lambda p: self._append(generation, p), failed)

    def _append(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return  # the list was refreshed meanwhile: this page belongs to the old one
        self._loading = False
        self.pages_fetched += 1
        if page.entries:
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(page.entries) - 1)
            self._rows.extend(page.entries)
            self.endInsertRows()
        self._page = page
        self.countChanged.emit(len(self._rows), self.total)


def count_text(loaded: int, total: int) -> str:
    """What the line under the list says: the honest number of rows in the view."""
    if total == 0:
        return ""
    noun = "row" if total == 1 else "rows"
    return f"{total:,} {noun}" if loaded >= total else f"{loaded:,} of {total:,} {noun} loaded · scroll for more"
