"""Push paid orders to the shop server as a step machine persisted in the outbox row.

Steps (``OutboxRow.step`` counts the finished ones):

1. create the customer on the server if it was created at this till;
2. create the draft order (items, addresses, shipping, promo codes, our ids in ``metadata``);
3. compare the server's totals with the totals frozen at Mark Paid;
4. convert the draft to an order;
5. a payment collection for ``summary.pending_difference``, marked as paid;
6. store the server's order id and display id locally (state ``synced``).

Medusa ignores ``Idempotency-Key``, so a create sent twice makes two orders. Before every call
that changes something on the server the engine commits a ``pending`` marker naming it; the
marker is cleared in the same commit that records the step as done. A marker found at the start
of a push therefore means "the outcome of that call is unknown" (a timeout, a dropped connection
or a crash), and the engine looks on the server for what is already there before sending it
again. After an outcome-unknown failure the retry waits at least ``unknown_floor`` seconds, so
a request the server is still working on has finished before we look for its result.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.money import decimal_str, round_money
from app.domain.outbox import (  # owned there; re-exported for the sync panel
    STEP_NAMES,
    STEPS,
    OutboxKind,
    Withdrawn,
    step_names,
    steps_of,
)
from app.services.dto import OrderDTO
from app.sync.backoff import next_delay
from app.sync.errors import BackendError
from app.sync.ports import Backend, NeedsAttention, OrderSnapshot
from app.sync.store import OutboxEntry, SyncStore, utcnow

__all__ = ["PushEngine", "PushResult", "NeedsAttention", "STEP_NAMES", "STEPS", "compare_totals",
           "retry", "discard"]  # NeedsAttention: re-exported from app.sync.ports

log = logging.getLogger(__name__)


#: The server totals compared with the frozen local ones (the backend reports them exactly, as text).
TOTAL_FIELDS = ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "item_total")
#: How far before the local sale the server's clock may be when searching for an order we may
#: already have created (till and server clocks are not synchronised).
CLOCK_SLACK = timedelta(days=1)
#: How far the server's database clock (which stamps ``created_at``) may be behind its web
#: server's (which sends ``Date``): the search after a lost create starts this long before the
#: server's time at the moment the create was marked.
SERVER_CLOCK_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class PushResult:
    outbox_id: str
    order_id: str
    state: str
    step: int
    error: str | None = None
    transient: bool = False


def _amount(totals: dict[str, Any], name: str) -> Decimal | None:
    value = totals.get(name)
    return None if value is None else Decimal(str(value))


def compare_totals(server: dict[str, Any], local: OrderDTO) -> tuple[bool, list[str]]:
    """Compare the server's draft totals with the local frozen ones.

    Returns (acceptable, differences). Differences below the currency's rounding (Medusa keeps
    totals unrounded) are listed but acceptable; a different rounded total is not.
    """
    cur = local.currency_code
    diffs = []
    for name in TOTAL_FIELDS:
        theirs = _amount(server, name)
        ours = getattr(local.totals, name)
        if theirs is None:
            continue
        if theirs != ours:
            diffs.append(f"{name}: shop server {decimal_str(theirs)}, Tilldesk {decimal_str(ours)} "
                         f"(difference {decimal_str(theirs - ours)})")
    items = server.get("items")
    if isinstance(items, list) and len(items) != len(local.items):
        diffs.append(f"items: shop server {len(items)} lines, Tilldesk {len(local.items)}")
    theirs_total = _amount(server, "total")
    ok = theirs_total is not None and round_money(theirs_total, cur) == round_money(local.totals.total, cur)
    if isinstance(items, list) and len(items) != len(local.items):
        ok = False
    return ok, diffs


class PushEngine:
    """Pushes outbox rows one at a time. Not thread-safe: one engine per worker thread."""

    def __init__(self, store: SyncStore, backend: Backend, *, clock: Callable[[], datetime] = utcnow,
                 rng: random.Random | None = None, base_delay: float = 2.0, max_delay: float = 300.0,
                 unknown_floor: float = 3.0) -> None:
        self.store = store
        self.backend = backend
        self.clock = clock
        self.rng = rng or random.Random()
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.unknown_floor = unknown_floor
        self._known_variants: set[str] = set()

    # -- public ----------------------------------------------------------------------------
    def push_due(self, *, stop: Callable[[], bool] | None = None,
                 on_result: Callable[[PushResult], object] | None = None) -> list[PushResult]:
        results = []
        for outbox_id in self.store.due(self.clock()):
            if stop is not None and stop():
                break
            res = self.push_one(outbox_id)
            results.append(res)
            if on_result is not None:
                on_result(res)
            if res.transient and res.error and res.state in ("queued", "in_progress"):
                # The server or the network is failing: leave the rest for the next round
                # instead of hammering it once per queued order.
                break
        return results

    def push_one(self, outbox_id: str) -> PushResult:
        entry = self.store.get(outbox_id)
        if entry is None:
            raise KeyError(outbox_id)
        if entry.state not in ("queued", "in_progress"):
            return PushResult(entry.id, entry.order_id, entry.state, entry.step)
        try:
            if entry.kind != OutboxKind.SALE.value:
                from app.sync.followups import push_follow_up

                return push_follow_up(self, entry)
            return self._push_sale(entry)
        except Withdrawn:
            # A cancel withdrew the entry before our first call reached the server: nothing went.
            return PushResult(entry.id, entry.order_id, "discarded", entry.step)

    def _push_sale(self, entry: OutboxEntry) -> PushResult:
        data = dict(entry.data)
        step = entry.step
        self._latest = data
        try:
            order = self.store.order(entry.order_id)
            if data.get("pending"):
                step, data = self._recover(entry, order, step, data)
            while step < STEPS:
                step, data = self._run_step(entry, order, step, data)
        except NeedsAttention as exc:
            data = {k: v for k, v in self._latest.items() if k != "pending"}
            self.store.update(entry.id, state="needs_attention", step=step, data=data, last_error=str(exc),
                              next_attempt_at=None)
            log.warning("order %s needs attention: %s", entry.order_id, exc)
            return PushResult(entry.id, entry.order_id, "needs_attention", step, str(exc))
        except BackendError as exc:
            # What the last commit wrote, pending marker included.
            return self._failed(entry, step, dict(self._latest), exc)
        return PushResult(entry.id, entry.order_id, "synced", STEPS)

    # -- failure handling --------------------------------------------------------------------
    def _failed(self, entry: OutboxEntry, step: int, data: dict[str, Any], exc: BackendError) -> PushResult:
        if not exc.outcome_unknown:
            # The server answered (or was never reached): the call was not carried out.
            data.pop("pending", None)
        attempts = entry.attempts + 1
        if exc.transient:
            delay = next_delay(min(attempts - 1, 30), self.base_delay, self.max_delay, self.rng)
            if exc.outcome_unknown:
                delay = max(delay, self.unknown_floor)
            state = "in_progress" if step > 0 or data else "queued"
            self.store.update(entry.id, state=state, step=step, data=data, attempts=attempts,
                              last_error=str(exc), next_attempt_at=self.clock() + timedelta(seconds=delay))
            log.info("order %s: step %d failed (%s), retry in %.1f s", entry.order_id, step + 1,
                     type(exc).__name__, delay)
            return PushResult(entry.id, entry.order_id, state, step, str(exc), transient=True)
        names = step_names(entry.kind)
        message = f"{names[min(step, len(names) - 1)]}: {exc}"
        self.store.update(entry.id, state="needs_attention", step=step, data=data, attempts=attempts,
                          last_error=message, next_attempt_at=None)
        return PushResult(entry.id, entry.order_id, "needs_attention", step, message)

    def _mark(self, entry: OutboxEntry, step: int, data: dict[str, Any], what: str) -> dict[str, Any]:
        """Commit the intent before a call that changes the server (see the module docstring)."""
        data = {**data, "pending": what}
        self.store.mark(entry.id, state="in_progress", step=step, data=data)
        self._latest = data
        return data

    def _done(self, entry: OutboxEntry, step: int, data: dict[str, Any], **extra: Any) -> tuple[int, dict[str, Any]]:
        data = {k: v for k, v in data.items() if k != "pending"}
        state = "synced" if step >= steps_of(entry.kind) else "in_progress"
        self.store.update(entry.id, state=state, step=step, data=data, attempts=0, last_error=None,
                          next_attempt_at=None, **extra)
        self._latest = data
        return step, data

    # -- recovery after an unknown outcome -----------------------------------------------------
    def _recover(self, entry: OutboxEntry, order: OrderDTO, step: int,
                 data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        pending = data.get("pending")
        log.info("order %s: checking the server after an unknown outcome of %s", order.id, pending)
        if pending == "create_customer":
            found = self.backend.find_customer(self._customer_email(order))
            if found and order.customer_id:
                self.store.set_customer_server_id(order.customer_id, found)
                return self._done(entry, 1, {**data, "customer_id": found})
        elif pending == "create_draft":
            since = self._search_since(order, data)
            made = self.backend.find_order(order.id, data.get("customer_id"), since)
            if made is not None:
                data = {**data, "draft_id": made.id, "found_after_unknown_outcome": True}
                if made.display_id is not None:
                    data["display_id"] = made.display_id
                if made.converted:
                    # Converted already: the totals were compared before converting.
                    data["converted"] = True
                    return self._done(entry, 4, data)
                return self._done(entry, 2, data)
        elif pending == "convert":
            if self.backend.get_order(data["draft_id"]).converted:
                return self._done(entry, 4, {**data, "converted": True})
        elif pending in ("create_payment", "mark_paid"):
            got = self.backend.get_order(data["draft_id"])
            if got.paid:
                return self._done(entry, 5, data)
            if got.open_payment_id is not None:
                data = {**data, "payment_collection_id": got.open_payment_id}
        data = {k: v for k, v in data.items() if k != "pending"}
        return step, data

    def _search_since(self, order: OrderDTO, data: dict[str, Any]) -> datetime:
        """Where the search for a draft this till may already have made starts: the server's
        own time when the create was marked, or, before any answer told it, a day before the sale
        by the till's clock."""
        marked = data.get("server_after")
        if isinstance(marked, str):
            try:
                return datetime.fromisoformat(marked)
            except ValueError:
                log.warning("order %s: unreadable server time %r; searching from the sale", order.id, marked)
        return (order.created_at or self.clock()) - CLOCK_SLACK

    # -- the steps -----------------------------------------------------------------------------
    def _run_step(self, entry: OutboxEntry, order: OrderDTO, step: int,
                  data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return (self._step_customer, self._step_draft, self._step_compare, self._step_convert,
                self._step_payment, self._step_finish)[step](entry, order, data)

    def _customer_email(self, order: OrderDTO) -> str:
        info = self.store.customer(order.customer_id) if order.customer_id else None
        return (info.email if info else None) or order.email or ""

    def _step_customer(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        info = self.store.customer(order.customer_id) if order.customer_id else None
        if info is None:
            return self._done(entry, 1, data)
        if not info.created_locally:
            return self._done(entry, 1, {**data, "customer_id": info.id})
        if info.server_id:
            return self._done(entry, 1, {**data, "customer_id": info.server_id})
        data = self._mark(entry, 0, data, "create_customer")
        server_id = self.backend.create_customer(info)
        self.store.set_customer_server_id(info.id, server_id)
        return self._done(entry, 1, {**data, "customer_id": server_id})

    def _resolve_variants(self, order: OrderDTO) -> dict[str, str]:
        """Local variant id -> the server's, for variants the server knows under another id (by SKU)."""
        wanted = {it.variant_id for it in order.items if it.variant_id} - self._known_variants
        if wanted:
            self._known_variants |= self.backend.known_variants(sorted(wanted))
        mapped: dict[str, str] = {}
        missing = []
        for it in order.items:
            if it.variant_id and it.variant_id not in self._known_variants and it.variant_id not in mapped:
                match = self.backend.variants_with_sku(it.variant_sku) if it.variant_sku else []
                if len(match) == 1:
                    mapped[it.variant_id] = match[0]
                else:
                    label = it.title + (f" ({it.variant_title})" if it.variant_title else "")
                    missing.append(label + (f", SKU {it.variant_sku}" if it.variant_sku else ""))
        if missing:
            raise NeedsAttention(
                "These items are not in the shop server's catalog (they come from the demo shop or were "
                "deleted on the server): " + "; ".join(missing) + ". Sync the catalog and sell them again, "
                "or discard this order.")
        return mapped

    def snapshot(self, order: OrderDTO, data: dict[str, Any]) -> OrderSnapshot:
        """What the backend needs to send this order: the server's ids for its customer, variants
        and shipping options."""
        variants = self._resolve_variants(order)
        options = []
        for m in order.shipping_methods:
            option = m.shipping_option_id or self.store.any_shipping_option(order.region_id)
            if option is None:
                raise NeedsAttention(f"The shipping method {m.name!r} has no shipping option on the shop server.")
            options.append(option)
        email = order.email or (self._customer_email(order) if order.customer_id else None)
        return OrderSnapshot(order=order, customer_id=data.get("customer_id") or None, email=email or None,
                             variant_ids=variants, shipping_option_ids=tuple(options),
                             staff=self.store.staff_of(order.id), audit_head=self.store.audit_head(),
                             shift=self.store.shift_of(order.id), till=self.store.till_of(order.invoice_number))

    def _step_draft(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if data.get("draft_id"):
            return self._done(entry, 2, data)
        snapshot = self.snapshot(order, data)
        server_now = self.backend.server_now()
        if server_now is not None:
            # The draft cannot be older on the server than this: a search after a lost answer
            # pages through minutes of the shop's orders, not a day of every till's.
            data = {**data, "server_after": (server_now - SERVER_CLOCK_MARGIN).isoformat()}
        data = self._mark(entry, 1, data, "create_draft")
        draft = self.backend.create_draft(snapshot)
        data = {**data, "draft_id": draft.id, "server_totals": draft.totals or {}}
        if draft.display_id is not None:
            # Drafts and orders share one display id sequence; converting keeps it.
            data["display_id"] = draft.display_id
        return self._done(entry, 2, data)

    def _step_compare(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        server = data.get("server_totals")
        if not server:
            server = self.backend.draft_totals(data["draft_id"])
        ok, diffs = compare_totals(server, order)
        if not ok:
            raise NeedsAttention(
                f"The shop server computes different totals for this order ({order.currency_code.upper()}); "
                "nothing was charged there. " + "; ".join(diffs))
        return self._done(entry, 3, {**data, "server_totals": server, "total_differences": diffs})

    def _step_convert(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = self._mark(entry, 3, data, "convert")
        self.backend.convert_draft(data["draft_id"])
        return self._done(entry, 4, {**data, "converted": True})

    def _step_payment(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        got = self.backend.get_order(data["draft_id"])
        if got.order_id:  # the server's own id of the order (v1), noted for the last step
            data = {**data, "order_id": got.order_id}
        if got.paid:
            return self._done(entry, 5, data)
        pending = got.to_pay
        if pending is None:
            raise NeedsAttention("The shop server did not say how much is still to be paid on this order.")
        if pending <= 0:
            return self._done(entry, 5, data)
        pc_id = data.get("payment_collection_id") or got.open_payment_id
        if not pc_id:
            data = self._mark(entry, 4, data, "create_payment")
            pc_id = self.backend.create_payment(data["draft_id"], pending)
            data = {**data, "payment_collection_id": pc_id}
        data = self._mark(entry, 4, {**data, "payment_collection_id": pc_id}, "mark_paid")
        self.backend.mark_payment_paid(pc_id, data["draft_id"])
        return self._done(entry, 5, {**data, "paid_amount": decimal_str(pending)})

    def _step_finish(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        display, order_id = data.get("display_id"), data.get("order_id")
        if display is None:
            got = self.backend.get_order(data["draft_id"])
            display, order_id = got.display_id, order_id or got.order_id
        return self._done(entry, 6, data, server_order_id=order_id or data["draft_id"],
                          server_display_id=int(display) if display is not None else None)


# -- what the window and the CLI call --------------------------------------------------------

def retry(store: SyncStore, outbox_id: str) -> OutboxEntry:
    """Queue a needs-attention (or backing-off) order again at once."""
    return store.retry(outbox_id)


def discard(store: SyncStore, outbox_id: str) -> OutboxEntry:
    """Never push this order (the window asks for confirmation first)."""
    return store.discard(outbox_id)
