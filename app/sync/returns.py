"""Pushing a return recorded at the till through the shop server's returns workflow, exactly once.

The entry's three steps are those of every follow-up (app.sync.followups): wait for the sale,
send, compare. Sending a return is itself a small machine that reads where the server stands
before every call, because the server keeps no idempotency key and a return is several calls:

1. **fulfil**: the server returns only fulfilled units, and goods handed back at the till were
   handed over to the customer first. So the returned units the server does not show as
   fulfilled (and not already taken by an earlier return) get a fulfillment of just those
   quantities, with our return id in its metadata: a fulfillment whose answer was lost is found
   by that marker (and by the quantities) and never made twice;
2. **create** the return with ``metadata.tilldesk_return_id``; a lost answer is found by listing
   the order's returns and matching the marker;
3. **request** the items, confirm the request, **receive** them, confirm the receipt. The order
   has one active change at a time: the change of our own return found half-done is finished
   from what its actions already hold (never an empty request or receipt confirmed, never an
   item requested twice), and a change that is not ours stops the entry with a clear message.

The money of a return went to the server as its refund (a payment refund of its own): the
return carries no refund amount, and the compare step checks that the server's refunded total
did not move while the return was sent, and that each line's received quantity equals the
till's returned quantity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.domain.money import decimal_str
from app.domain.refunds import OrderReturn
from app.services.dto import OrderDTO
from app.sync.ports import NeedsAttention, RemoteItem, RemoteReturn, ReturnsPort

if TYPE_CHECKING:
    from app.domain.outbox import OutboxEntry
    from app.sync.engine import PushEngine
    from app.sync.line import LineMeter

NOT_ON_V1 = ("Returns are not sent to this shop server (Medusa v1): the goods came back at the till only. "
             "Record the return in the shop's admin, then discard this entry here.")
#: How many server calls one pass of the request/receive machine may make before it gives up.
MAX_MOVES = 12
Step = tuple[int, dict[str, Any]]


def returns_port(engine: PushEngine) -> ReturnsPort:
    port = engine.backend.returns()
    if port is None:
        raise NeedsAttention(NOT_ON_V1)
    return port


def local_return(engine: PushEngine, entry: OutboxEntry) -> OrderReturn:
    for r in engine.store.returns_of(entry.order_id):
        if r.id == entry.subject_id:
            return r
    raise NeedsAttention(f"The return {entry.subject_id} of this order is missing from this till's database.")


def map_lines(order: OrderDTO, items: Sequence[RemoteItem]) -> dict[str, str]:
    """Our line id -> the server's item id: by the line id kept in the item's metadata, else (an
    order pushed before it was kept) by variant, then title and quantity, in order."""
    out: dict[str, str] = {}
    free = [it for it in items if not (it.line_id and any(it.line_id == x.id for x in order.items))]
    for it in items:
        if it.line_id and any(it.line_id == x.id for x in order.items):
            out[it.line_id] = it.id
    for line in order.items:
        if line.id in out:
            continue
        match = next((it for it in free if line.variant_id and it.variant_id == line.variant_id), None) or \
            next((it for it in free if it.title == line.title and it.quantity == line.quantity), None)
        if match is not None:
            free.remove(match)
            out[line.id] = match.id
    return out


def wanted(engine: PushEngine, entry: OutboxEntry, ret: OrderReturn,
           items: Sequence[RemoteItem]) -> dict[str, int]:
    """This return's quantities by the server's item id."""
    order = engine.store.order(entry.order_id)
    ids = map_lines(order, items)
    missing = [ln.line_id for ln in ret.lines if ln.line_id not in ids]
    if missing:
        titles = [next((x.title for x in order.items if x.id == m), m) for m in missing]
        raise NeedsAttention("These returned lines are not on the shop server's order: " + ", ".join(titles))
    out: dict[str, int] = {}
    for ln in ret.lines:
        out[ids[ln.line_id]] = out.get(ids[ln.line_id], 0) + ln.quantity
    return out


def _note(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> dict[str, Any]:
    """Commits what a finished call taught us, the pending marker cleared, the step unchanged."""
    data = {k: v for k, v in data.items() if k != "pending"}
    engine.store.update(entry.id, data=data)
    engine._latest = data
    return data


def _fulfil(engine: PushEngine, entry: OutboxEntry, port: ReturnsPort, data: dict[str, Any], order_id: str,
            marker: str, items: Sequence[RemoteItem], want: Mapping[str, int]) -> dict[str, Any]:
    if data.get("pending") == "fulfill" and port.fulfillment_marked(order_id, marker):
        return _note(engine, entry, {**data, "fulfilled": True, "fulfillment_found": True})
    short: dict[str, int] = {}
    for it in items:
        qty = want.get(it.id, 0)
        free = max(it.fulfilled - it.return_requested - it.return_received, 0)
        if qty > free:
            short[it.id] = min(qty - free, it.quantity - it.fulfilled)
    short = {k: v for k, v in short.items() if v > 0}
    if short:
        data = engine._mark(entry, 1, data, "fulfill")
        port.fulfill(order_id, short, marker)
        data = {**data, "fulfillment": short}
    return _note(engine, entry, {**data, "fulfilled": True})


def _diff(want: Mapping[str, int], have: Mapping[str, int], what: str) -> dict[str, int]:
    """What is still to be added to a change that holds ``have``; more than we want stops the push."""
    over = {k: v for k, v in have.items() if v > want.get(k, 0)}
    if over:
        raise NeedsAttention(f"The return on the shop server {what} more than this till returned "
                             f"({', '.join(f'{k}: {v}' for k, v in sorted(over.items()))}); look at it in the "
                             "shop's admin.")
    return {k: v - have.get(k, 0) for k, v in want.items() if v > have.get(k, 0)}


def send_return(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> Step:
    port = returns_port(engine)
    ret = local_return(engine, entry)
    order_id = data["server_order_id"]
    if "refunded_before" not in data:
        data = _note(engine, entry, {**data, "refunded_before": decimal_str(
            engine.backend.money_state(order_id).refunded_total)})
    items = port.order_items(order_id)
    want = wanted(engine, entry, ret, items)
    if not data.get("fulfilled"):
        data = _fulfil(engine, entry, port, data, order_id, ret.id, items, want)
    if not data.get("return_id"):
        found = port.find_return(order_id, ret.id)
        if found is None:
            data = engine._mark(entry, 1, data, "create_return")
            return_id = port.create_return(order_id, ret.id, ret.restock)
        else:
            return_id = found.id
        data = _note(engine, entry, {**data, "return_id": return_id})
    return_id = data["return_id"]
    for _ in range(MAX_MOVES):
        state = port.return_state(order_id, return_id)
        if state.status in ("received", "partially_received"):
            return engine._done(entry, 2, data)
        move = _next_move(state, want)
        data = engine._mark(entry, 1, data, move[0])
        _call(port, return_id, move)
        data = _note(engine, entry, data)
    raise NeedsAttention(f"The return {return_id} on the shop server did not reach 'received' "
                         f"after {MAX_MOVES} calls; look at it in the shop's admin.")


def _next_move(state: RemoteReturn, want: Mapping[str, int]) -> tuple[str, dict[str, int]]:
    if state.status == "canceled":
        raise NeedsAttention(f"The return {state.id} was canceled on the shop server; record it again there "
                             "or discard this entry.")
    if state.other_change:
        raise NeedsAttention(f"The shop server has another change open on this order ({state.other_change}); "
                             "it takes one at a time. Finish or cancel it in the shop's admin, then retry.")
    if state.status == "open":
        have = dict(state.change_items or {}) if state.change == "request" else {}
        missing = _diff(want, have, "asks for")
        return ("request_items", missing) if missing else ("request", {})
    if state.status == "requested":
        if state.change != "receive":
            return "receive", {}
        missing = _diff(want, dict(state.change_items or {}), "receives")
        return ("receive_items", missing) if missing else ("confirm_receive", {})
    raise NeedsAttention(f"The return {state.id} on the shop server is {state.status!r}, which Tilldesk "
                         "does not know how to go on from.")


def _call(port: ReturnsPort, return_id: str, move: tuple[str, dict[str, int]]) -> None:
    what, items = move
    if what == "request_items":
        port.request_items(return_id, items)
    elif what == "request":
        port.confirm_request(return_id)
    elif what == "receive":
        port.begin_receive(return_id)
    elif what == "receive_items":
        port.receive_items(return_id, items)
    else:
        port.confirm_receive(return_id)


def compare_return(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> Step:
    """Each line's received quantity on the server must equal what the till's returns so far took
    back, and the server's refunded total must not have moved (the money went as the refund)."""
    port = returns_port(engine)
    order_id = data["server_order_id"]
    order = engine.store.order(entry.order_id)
    returns = engine.store.returns_of(entry.order_id)
    idx = next((i for i, r in enumerate(returns) if r.id == entry.subject_id), len(returns) - 1)
    expected: dict[str, int] = {}
    for r in returns[:idx + 1]:
        for ln in r.lines:
            expected[ln.line_id] = expected.get(ln.line_id, 0) + ln.quantity
    items = port.order_items(order_id)
    ids = map_lines(order, items)
    by_id = {it.id: it for it in items}
    diffs = []
    for line in order.items:
        got = by_id[ids[line.id]].return_received if line.id in ids else 0
        if got != expected.get(line.id, 0):
            diffs.append(f"{line.title}: shop server received {got}, Tilldesk returned {expected.get(line.id, 0)}")
    before = data.get("refunded_before")
    now = engine.backend.money_state(order_id).refunded_total
    if before is not None and now != Decimal(before):
        diffs.append(f"refunded: {before} before the return, {decimal_str(now)} after it (the return must "
                     "not refund again)")
    if diffs:
        raise NeedsAttention("After the return the shop server's figures differ: " + "; ".join(diffs))
    return engine._done(entry, 3, {**data, "server_refunded_total": decimal_str(now)})


class MeteredReturns:
    """A :class:`ReturnsPort` whose every call is counted by the round's line meter (app.sync.line)."""

    def __init__(self, inner: ReturnsPort, meter: LineMeter) -> None:
        self.inner = inner
        self.meter = meter

    def order_items(self, order_id: str) -> list[RemoteItem]:
        return self.meter.call(self.inner.order_items, order_id)

    def fulfillment_marked(self, order_id: str, marker: str) -> bool:
        return self.meter.call(self.inner.fulfillment_marked, order_id, marker)

    def fulfill(self, order_id: str, items: Mapping[str, int], marker: str) -> None:
        self.meter.call(self.inner.fulfill, order_id, items, marker)

    def find_return(self, order_id: str, marker: str) -> RemoteReturn | None:
        return self.meter.call(self.inner.find_return, order_id, marker)

    def create_return(self, order_id: str, marker: str, restock: bool) -> str:
        return self.meter.call(self.inner.create_return, order_id, marker, restock)

    def return_state(self, order_id: str, return_id: str) -> RemoteReturn:
        return self.meter.call(self.inner.return_state, order_id, return_id)

    def request_items(self, return_id: str, items: Mapping[str, int]) -> None:
        self.meter.call(self.inner.request_items, return_id, items)

    def confirm_request(self, return_id: str) -> None:
        self.meter.call(self.inner.confirm_request, return_id)

    def begin_receive(self, return_id: str) -> None:
        self.meter.call(self.inner.begin_receive, return_id)

    def receive_items(self, return_id: str, items: Mapping[str, int]) -> None:
        self.meter.call(self.inner.receive_items, return_id, items)

    def confirm_receive(self, return_id: str) -> None:
        self.meter.call(self.inner.confirm_receive, return_id)
