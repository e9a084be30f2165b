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
from app.domain.outbox import STEP_NAMES, STEPS  # owned there; re-exported for the sync panel
from app.services.dto import OrderDTO
from app.sync.backend import Backend
from app.sync.backoff import next_delay
from app.sync.errors import BackendError, MedusaRequestError
from app.sync.store import OutboxEntry, SyncStore, utcnow

__all__ = ["PushEngine", "PushResult", "NeedsAttention", "STEP_NAMES", "STEPS", "compare_totals",
           "retry", "discard"]

log = logging.getLogger(__name__)


#: Order-level totals Medusa returns on a draft and on an order, compared one by one.
TOTAL_FIELDS = ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "item_total")
ADDRESS_FIELDS = ("first_name", "last_name", "phone", "company", "address_1", "address_2", "city",
                  "country_code", "province", "postal_code")
#: How far before the local sale the server's clock may be when searching for an order we may
#: already have created (till and server clocks are not synchronised).
CLOCK_SLACK = timedelta(days=1)


class NeedsAttention(Exception):
    """A person has to look at this order; the message says why in plain words."""


@dataclass(frozen=True)
class PushResult:
    outbox_id: str
    order_id: str
    state: str
    step: int
    error: str | None = None
    transient: bool = False


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, dict) and "value" in value:
        return Decimal(str(value["value"]))
    if isinstance(value, float):  # never expected (the client parses to Decimal); be exact anyway
        return Decimal(repr(value))
    return Decimal(str(value))


def server_amount(obj: dict[str, Any], name: str) -> Decimal | None:
    """Medusa's exact value: ``raw_<name>.value`` when present, else the number itself."""
    raw = obj.get(f"raw_{name}")
    if isinstance(raw, dict) and "value" in raw:
        return _dec(raw)
    return _dec(obj.get(name))


def compare_totals(server: dict[str, Any], local: OrderDTO) -> tuple[bool, list[str]]:
    """Compare the server's draft totals with the local frozen ones.

    Returns (acceptable, differences). Differences below the currency's rounding (Medusa keeps
    totals unrounded) are listed but acceptable; a different rounded total is not.
    """
    cur = local.currency_code
    diffs = []
    for name in TOTAL_FIELDS:
        theirs = server_amount(server, name)
        ours = getattr(local.totals, name)
        if theirs is None:
            continue
        if theirs != ours:
            diffs.append(f"{name}: shop server {decimal_str(theirs)}, Tilldesk {decimal_str(ours)} "
                         f"(difference {decimal_str(theirs - ours)})")
    items = server.get("items")
    if isinstance(items, list) and len(items) != len(local.items):
        diffs.append(f"items: shop server {len(items)} lines, Tilldesk {len(local.items)}")
    theirs_total = server_amount(server, "total")
    ok = theirs_total is not None and round_money(theirs_total, cur) == round_money(local.totals.total, cur)
    if isinstance(items, list) and len(items) != len(local.items):
        ok = False
    return ok, diffs


def _address(a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    out = {f: getattr(a, f) for f in ADDRESS_FIELDS if getattr(a, f, None) not in (None, "")}
    return out or None


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
                 on_result: Callable[[PushResult], None] | None = None) -> list[PushResult]:
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
        message = f"{STEP_NAMES[min(step, STEPS - 1)]}: {exc}"
        self.store.update(entry.id, state="needs_attention", step=step, data=data, attempts=attempts,
                          last_error=message, next_attempt_at=None)
        return PushResult(entry.id, entry.order_id, "needs_attention", step, message)

    def _mark(self, entry: OutboxEntry, step: int, data: dict[str, Any], what: str) -> dict[str, Any]:
        """Commit the intent before a call that changes the server (see the module docstring)."""
        data = {**data, "pending": what}
        self.store.update(entry.id, state="in_progress", step=step, data=data)
        self._latest = data
        return data

    def _done(self, entry: OutboxEntry, step: int, data: dict[str, Any], **extra: Any) -> tuple[int, dict[str, Any]]:
        data = {k: v for k, v in data.items() if k != "pending"}
        state = "synced" if step >= STEPS else "in_progress"
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
            found = self.backend.find_customers_by_email(self._customer_email(order))
            if found:
                self.store.set_customer_server_id(order.customer_id, found[0]["id"])  # type: ignore[arg-type]
                return self._done(entry, 1, {**data, "customer_id": found[0]["id"]})
        elif pending == "create_draft":
            where = self._locate(order, data)
            if where is not None:
                kind, item = where
                data = {**data, "draft_id": item["id"], "found_after_unknown_outcome": True}
                if item.get("display_id") is not None:
                    data["display_id"] = int(item["display_id"])
                if kind == "order" and item.get("status") not in (None, "draft"):
                    # Converted already: the totals were compared before converting.
                    data["converted"] = True
                    return self._done(entry, 4, data)
                return self._done(entry, 2, data)
        elif pending == "convert":
            got = self.backend.get_order(data["draft_id"])
            if got.get("status") not in (None, "draft") and not got.get("is_draft_order", False):
                return self._done(entry, 4, {**data, "converted": True})
        elif pending in ("create_payment", "mark_paid"):
            got = self.backend.get_order(data["draft_id"])
            if self._is_paid(got):
                return self._done(entry, 5, data)
            pc = self._open_collection(got)
            if pc is not None:
                data = {**data, "payment_collection_id": pc}
        data = {k: v for k, v in data.items() if k != "pending"}
        return step, data

    def _locate(self, order: OrderDTO, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        since = (order.created_at or self.clock()) - CLOCK_SLACK
        customer = data.get("customer_id")
        for kind in ("draft_order", "order"):
            found = self.backend.find_by_local_id(kind, order.id, customer, since)
            if found:
                if len(found) > 1:
                    log.error("order %s exists %d times on the server as %s: %s", order.id, len(found), kind,
                              [f.get("id") for f in found])
                found.sort(key=lambda f: str(f.get("created_at") or ""))
                return kind, found[0]
        return None

    @staticmethod
    def _is_paid(server_order: dict[str, Any]) -> bool:
        if server_order.get("payment_status") in ("captured", "partially_refunded", "refunded"):
            return True
        summary = server_order.get("summary") or {}
        pending = server_amount(summary, "pending_difference")
        paid = server_amount(summary, "paid_total")
        return pending is not None and pending <= 0 and paid is not None and paid > 0

    @staticmethod
    def _open_collection(server_order: dict[str, Any]) -> str | None:
        for pc in server_order.get("payment_collections") or []:
            if pc.get("status") in ("not_paid", "awaiting") and pc.get("id"):
                return str(pc["id"])
        return None

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
        body = {k: v for k, v in (("email", info.email), ("first_name", info.first_name),
                                  ("last_name", info.last_name), ("phone", info.phone),
                                  ("company_name", info.company_name)) if v}
        body["metadata"] = {"tilldesk_customer_id": info.id}
        data = self._mark(entry, 0, data, "create_customer")
        try:
            created = self.backend.create_customer(body)
        except MedusaRequestError as exc:
            # The e-mail is taken: someone (maybe an earlier attempt of ours) created it.
            found = self.backend.find_customers_by_email(info.email) if exc.status in (400, 409, 422) else []
            if not found:
                raise
            created = found[0]
        self.store.set_customer_server_id(info.id, created["id"])
        return self._done(entry, 1, {**data, "customer_id": created["id"]})

    def _resolve_items(self, order: OrderDTO) -> list[dict[str, Any]]:
        wanted = {it.variant_id for it in order.items if it.variant_id} - self._known_variants
        if wanted:
            self._known_variants |= {v["id"] for v in self.backend.find_variants(ids=sorted(wanted))}
        mapped: dict[str, str] = {}
        missing = []
        for it in order.items:
            if it.variant_id and it.variant_id not in self._known_variants and it.variant_id not in mapped:
                by_sku = self.backend.find_variants(skus=[it.variant_sku]) if it.variant_sku else []
                match = [v for v in by_sku if v.get("sku") == it.variant_sku]
                if len(match) == 1:
                    mapped[it.variant_id] = match[0]["id"]
                else:
                    label = it.title + (f" ({it.variant_title})" if it.variant_title else "")
                    missing.append(label + (f", SKU {it.variant_sku}" if it.variant_sku else ""))
        if missing:
            raise NeedsAttention(
                "These items are not in the shop server's catalog (they come from the demo shop or were "
                "deleted on the server): " + "; ".join(missing) + ". Sync the catalog and sell them again, "
                "or discard this order.")
        items = []
        for it in order.items:
            if it.variant_id:
                body: dict[str, Any] = {"variant_id": mapped.get(it.variant_id, it.variant_id),
                                        "quantity": it.quantity}
                if it.is_custom_price:
                    body["unit_price"] = it.unit_price
            else:
                body = {"title": it.title, "unit_price": it.unit_price, "quantity": it.quantity}
            if it.metadata:
                body["metadata"] = dict(it.metadata)
            items.append(body)
        return items

    def draft_body(self, order: OrderDTO, data: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"region_id": order.region_id, "currency_code": order.currency_code,
                                "items": self._resolve_items(order)}
        if order.sales_channel_id:
            body["sales_channel_id"] = order.sales_channel_id
        if data.get("customer_id"):
            body["customer_id"] = data["customer_id"]
        email = order.email or (self._customer_email(order) if order.customer_id else None)
        if email:
            body["email"] = email
        for key in ("shipping_address", "billing_address"):
            addr = _address(getattr(order, key))
            if addr:
                body[key] = addr
        methods = []
        for m in order.shipping_methods:
            option = m.shipping_option_id or self.store.any_shipping_option(order.region_id)
            if option is None:
                raise NeedsAttention(f"The shipping method {m.name!r} has no shipping option on the shop server.")
            methods.append({"shipping_option_id": option, "name": m.name, "amount": m.amount})
        if methods:
            body["shipping_methods"] = methods
        if order.promo_codes:
            body["promo_codes"] = list(order.promo_codes)
        body["metadata"] = {
            "tilldesk_order_id": order.id,
            "tilldesk_invoice_number": order.invoice_number,
            "tilldesk_tenders": [{"kind": str(getattr(p.kind, "value", p.kind)), "amount": decimal_str(p.amount),
                                  "reference": p.reference} for p in order.payments],
        }
        if order.metadata:
            body["metadata"] = {**{k: v for k, v in order.metadata.items()}, **body["metadata"]}
        return body

    def _step_draft(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if data.get("draft_id"):
            return self._done(entry, 2, data)
        body = self.draft_body(order, data)
        data = self._mark(entry, 1, data, "create_draft")
        try:
            draft = self.backend.create_draft_order(body)
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 422):
                raise NeedsAttention(f"The shop server refused this order: {exc.server_message or exc}") from exc
            raise
        data = {**data, "draft_id": draft["id"], "server_totals": _totals_of(draft)}
        if draft.get("display_id") is not None:
            # Drafts and orders share one display id sequence; converting keeps it.
            data["display_id"] = int(draft["display_id"])
        return self._done(entry, 2, data)

    def _step_compare(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        server = data.get("server_totals")
        if not server:
            server = _totals_of(self.backend.get_draft_order(data["draft_id"]))
        ok, diffs = compare_totals(server, order)
        if not ok:
            raise NeedsAttention(
                f"The shop server computes different totals for this order ({order.currency_code.upper()}); "
                "nothing was charged there. " + "; ".join(diffs))
        return self._done(entry, 3, {**data, "server_totals": server, "total_differences": diffs})

    def _step_convert(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = self._mark(entry, 3, data, "convert")
        try:
            self.backend.convert_draft_to_order(data["draft_id"])
        except MedusaRequestError as exc:
            # "... is not a draft order": an earlier attempt converted it already.
            got = self.backend.get_order(data["draft_id"])
            if got.get("status") in (None, "draft"):
                raise NeedsAttention(f"The shop server refused to convert the draft: {exc.server_message or exc}") from exc
        return self._done(entry, 4, {**data, "converted": True})

    def _step_payment(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        got = self.backend.get_order(data["draft_id"])
        if self._is_paid(got):
            return self._done(entry, 5, data)
        pending = server_amount(got.get("summary") or {}, "pending_difference")
        if pending is None:
            raise NeedsAttention("The shop server did not say how much is still to be paid on this order.")
        if pending <= 0:
            return self._done(entry, 5, data)
        pc_id = data.get("payment_collection_id") or self._open_collection(got)
        if not pc_id:
            data = self._mark(entry, 4, data, "create_payment")
            pc = self.backend.create_payment_collection(data["draft_id"], pending)
            pc_id = pc["id"]
            data = {**data, "payment_collection_id": pc_id}
        data = self._mark(entry, 4, {**data, "payment_collection_id": pc_id}, "mark_paid")
        try:
            self.backend.mark_payment_collection_paid(pc_id, data["draft_id"])
        except MedusaRequestError as exc:
            again = self.backend.get_order(data["draft_id"])
            if not self._is_paid(again):
                raise NeedsAttention(f"The shop server refused the payment: {exc.server_message or exc}") from exc
        return self._done(entry, 5, {**data, "paid_amount": decimal_str(pending)})

    def _step_finish(self, entry: OutboxEntry, order: OrderDTO, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        display = data.get("display_id")
        if display is None:
            display = self.backend.get_order(data["draft_id"]).get("display_id")
        return self._done(entry, 6, data, server_order_id=data["draft_id"],
                          server_display_id=int(display) if display is not None else None)


def _totals_of(server: dict[str, Any]) -> dict[str, Any]:
    """The parts of a server draft needed to compare totals, as JSON-safe text."""
    out: dict[str, Any] = {}
    for name in TOTAL_FIELDS:
        v = server_amount(server, name)
        if v is not None:
            out[name] = decimal_str(v)
    if isinstance(server.get("items"), list):
        out["items"] = [{"id": it.get("id"), "total": decimal_str(server_amount(it, "total") or Decimal(0))}
                        for it in server["items"]]
    return out


# -- what the window and the CLI call --------------------------------------------------------

def retry(store: SyncStore, outbox_id: str) -> OutboxEntry:
    """Queue a needs-attention (or backing-off) order again at once."""
    return store.retry(outbox_id)


def discard(store: SyncStore, outbox_id: str) -> OutboxEntry:
    """Never push this order (the window asks for confirmation first)."""
    return store.discard(outbox_id)
