"""Pull the shop server's catalog into the local cache: paged, incremental, resumable.

* The backend's catalog source hands out pages already in the neutral shape
  (``resources/demo_shop.json``, see ``app/sync/medusa_v2/catalog.py``); they are written with
  ``CatalogRepository.upsert``, one page per commit together with the cursor that
  says the page is done: an interrupted pull resumes after the last page on disk.
* Incremental: each kind remembers the newest ``updated_at`` it saw (the server's clock, so the
  till's clock does not matter) and next time asks only for records updated since then.
* Deletions: an incremental list cannot show what was deleted, so every pull also lists the
  full set of ids (cheap) and removes local records the server no longer has.
* Nothing is capped: paging follows the server's ``count``.
* A pass over all kinds resumes too: the kinds a pass has finished are kept (``PULL_PASS_KEY``),
  so on a line that loses requests the next round goes on with the kind it stopped in instead
  of starting again at regions, and is cleared when the pass completes.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.sync.errors import InvalidResponse
from app.sync.ports import CatalogPage, CatalogSource
from app.sync.store import SyncStore

__all__ = ["PULL_KINDS", "PULL_PASS_KEY", "PULL_PAGE_SIZE_KEY", "PullProgress", "PullReport", "PullSettingError",
           "CatalogPuller", "CatalogSource", "page_size_from_settings"]

log = logging.getLogger(__name__)

#: In dependency order: shipping options are matched to the regions already pulled.
PULL_KINDS = ("regions", "tax_rates", "sales_channels", "shipping_options", "products", "customers", "promotions")

#: Setting holding the kinds the pass under way has finished (absent: no pass under way).
PULL_PASS_KEY = "sync_pull_pass"

#: Setting: records per page of the pull (default 100; Medusa's lists take up to 1,000).
PULL_PAGE_SIZE_KEY = "sync_pull_page_size"
DEFAULT_PULL_PAGE_SIZE = 100


class PullSettingError(ValueError):
    """A pull setting has a value the sync cannot use; the message names it."""


def page_size_from_settings(store: SyncStore) -> int:
    value = store.setting(PULL_PAGE_SIZE_KEY)
    if value is None:
        return DEFAULT_PULL_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise PullSettingError(f"{PULL_PAGE_SIZE_KEY}: must be a whole number from 1 to 1000, not {value!r}")
    return value


_UNIT = {"products": "variants", "tax_rates": "tax rates", "sales_channels": "sales channels",
         "shipping_options": "shipping options"}


@dataclass(frozen=True)
class PullProgress:
    kind: str
    done: int
    total: int | None
    unit: str

    @property
    def message(self) -> str:
        if self.total is None:
            return f"{self.done:,} {self.unit}"
        return f"{self.done:,} of {self.total:,} {self.unit}"


@dataclass
class KindReport:
    fetched: int = 0
    deleted: int = 0
    resumed: bool = False
    complete: bool = False  # the kind reached its end (False: stopped part-way)
    fetched_ids: list[str] = field(default_factory=list)
    # A page whose records are not the server's records one for one (Medusa v1 lists regions for
    # tax rates, one rate per region and country): its server ids cannot stand for the local ids.
    mapped: bool = False


@dataclass
class PullReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)

    @property
    def fetched(self) -> int:
        return sum(k.fetched for k in self.kinds.values())


class CatalogPuller:
    """One pull of some or all kinds. Cheap to build; not thread-safe."""

    def __init__(self, store: SyncStore, source: CatalogSource, *, page_size: int = 100,
                 progress: Callable[[PullProgress], None] | None = None,
                 stop: Callable[[], bool] | None = None) -> None:
        self.store = store
        self.source = source
        self.page_size = page_size
        self.progress = progress or (lambda p: None)
        self.stop = stop or (lambda: False)

    def pull(self, kinds: Iterable[str] = PULL_KINDS, *, full: bool = False) -> PullReport:
        """Pull each kind. ``full`` ignores the incremental cursors (a fresh copy of everything)."""
        report = PullReport()
        kinds = tuple(kinds)
        for kind in kinds:
            if kind not in PULL_KINDS:
                raise ValueError(f"unknown catalog kind {kind!r}")
        done = self._pass_done()
        if full:
            self.store.reset_cursors(kinds)
            done -= set(kinds)
        for kind in kinds:
            if kind in done:
                continue  # this pass has it already; an earlier round stopped after it
            if self.stop():
                return report
            rep = report.kinds[kind] = self._pull_kind(kind)
            if not rep.complete:
                return report
            done.add(kind)
            self._set_pass_done(done)
        self._set_pass_done(done - set(kinds))  # the pass is complete: the next one starts afresh
        return report

    def _pass_done(self) -> set[str]:
        value = self.store.setting(PULL_PASS_KEY)
        return {k for k in value if k in PULL_KINDS} if isinstance(value, list) else set()

    def _set_pass_done(self, done: set[str]) -> None:
        self.store.set_setting(PULL_PASS_KEY, [k for k in PULL_KINDS if k in done] or None)

    def _context(self, kind: str) -> dict[str, Any]:
        ctx: dict[str, Any] = {}
        if kind == "shipping_options":
            from app.services.queries import regions
            ctx["regions"] = [{"id": r.id, "currency_code": r.currency_code, "countries": list(r.countries)}
                              for r in regions(self.store._uow())]  # noqa: SLF001 - same package
        if kind == "customers":
            ctx["customer_ids"] = self.store.local_customer_ids_by_server_id()
        return ctx

    def _pull_kind(self, kind: str) -> KindReport:
        rep = KindReport()
        cursor = self.store.cursor(kind)
        ctx = self._context(kind)
        total_units: int | None = None
        if cursor.get("offset") and not cursor.get("complete"):
            since, high = cursor.get("since"), cursor.get("high")
            rep.resumed = True
            log.info("resuming the %s pull at %d", kind, int(cursor["offset"]))
            # Step back one page: records the server deleted meanwhile shift the list to the
            # left, and the page before the kept offset must still hold the last id written.
            last_id, offset = cursor.get("last_id"), int(cursor["offset"])
            walk = _Walk(since, max(0, offset - self.page_size) if last_id else offset, high, last_id,
                         int(cursor.get("units") or 0))
        else:
            since = cursor.get("high")
            walk = _Walk(since, 0, since, None, 0)
        if kind == "products" and not since:
            total_units = self.source.variant_count()
        whole = not since and walk.offset == 0
        while True:
            outcome = self._walk(kind, walk, rep, ctx, total_units)
            if outcome != "moved":
                break
            # More records went than a page: start the kind again rather than skip some.
            log.info("the %s list moved under the resumed pull: starting it again", kind)
            walk, whole = _Walk(since, 0, walk.high, None, 0), not since
            rep.fetched, rep.fetched_ids, rep.mapped = 0, [], False
        if outcome == "stopped" or self.stop():
            return rep
        high = walk.high
        # Mirror deletions: compare the full id sets (the incremental list cannot show them).
        keep = set(rep.fetched_ids) if whole and not rep.mapped else self.source.ids(kind)
        if kind == "customers":
            mapping = ctx["customer_ids"]
            keep = {mapping.get(i, i) for i in keep}
        rep.deleted = self.store.delete_missing(kind, keep)
        self.store.set_cursor(kind, {"since": None, "offset": 0, "high": high, "complete": True})
        rep.complete = True
        return rep

    def _walk(self, kind: str, w: _Walk, rep: KindReport, ctx: dict[str, Any], total_units: int | None) -> str:
        """Page through ``kind`` from ``w.offset``, writing each page with its cursor. Returns
        "done", "stopped" or "moved" (a resumed walk found the list shifted past its last id)."""
        unit = _UNIT.get(kind, kind)
        check = w.last_id if w.offset else None
        pages = _Prefetch(self.source, kind, w.since, w.offset, self.page_size, ctx, self.stop)
        try:
            for page in pages:
                if self.stop():
                    return "stopped"
                fresh_ids = page.server_ids
                units = page.units
                if check is not None:
                    if not page.server_ids or min(page.server_ids) > check:
                        return "moved"
                    fresh_ids = [i for i in page.server_ids if i > check]
                    units = _units(kind, page, check)
                    check = None
                w.offset += len(page.server_ids)
                if page.newest and (w.high is None or page.newest > w.high):
                    w.high = page.newest
                finished = not page.server_ids or w.offset >= page.count
                w.units += units
                if page.server_ids:
                    w.last_id = max(page.server_ids)
                try:
                    self.store.upsert_page(kind, page.records, {
                        "since": w.since, "offset": w.offset, "high": w.high, "complete": False,
                        "last_id": w.last_id, "units": w.units})
                except ValueError as exc:  # a record the till cannot read: nothing of the page was written
                    raise InvalidResponse(f"The shop server sent a record Tilldesk cannot read: {exc}",
                                          transient=False) from exc
                rep.fetched += len(fresh_ids)
                rep.fetched_ids += fresh_ids
                rep.mapped = rep.mapped or {str(x.get("id")) for x in page.records} != set(fresh_ids)
                if kind == "products":
                    if total_units is None and finished:
                        total_units = w.units
                else:
                    total_units = page.count
                # Records deleted on the server after being counted would lift it past the total.
                done = w.units if total_units is None else min(w.units, total_units)
                self.progress(PullProgress(kind, done, total_units, unit))
                if finished:
                    return "done"
            return "stopped" if self.stop() else "done"
        finally:
            pages.close()


@dataclass
class _Walk:
    """Where a walk through one kind's pages stands (what its cursor keeps)."""

    since: str | None
    offset: int
    high: str | None
    last_id: str | None
    units: int


def _units(kind: str, page: CatalogPage, after: str) -> int:
    """The progress units of the records of ``page`` whose id sorts after ``after``."""
    if kind == "products":
        return sum(len(r.get("variants") or []) for r in page.records if str(r["id"]) > after)
    return sum(1 for i in page.server_ids if i > after)


class _Prefetch:
    """The pages of one kind, each fetched by a helper thread while the page before it is
    written: the wait for the server and the SQLite writes overlap. At most one page waits in
    the queue, so memory stays at about two pages whatever the catalog's size. A failed fetch
    is raised to the consumer at the page it failed on (the pages before it are written)."""

    def __init__(self, source: CatalogSource, kind: str, since: str | None, offset: int, limit: int,
                 ctx: dict[str, Any], stop: Callable[[], bool]) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        self._closed = threading.Event()
        self._args = (source, kind, since, offset, limit, ctx, stop)
        self._thread = threading.Thread(target=self._run, name=f"pull-{kind}", daemon=True)
        self._thread.start()

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self._closed.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        source, kind, since, offset, limit, ctx, stop = self._args
        try:
            while not self._closed.is_set() and not stop():
                page = source.page(kind, since, offset, limit, ctx)
                if not self._put(("page", page)):
                    return
                offset += len(page.server_ids)
                if not page.server_ids or offset >= page.count:
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            self._put(("error", exc))
            return
        self._put(("end", None))

    def __iter__(self) -> Iterator[CatalogPage]:
        while True:
            what, value = self._queue.get()
            if what == "page":
                yield value
            elif what == "error":
                raise value
            else:
                return

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
