"""One sync round on a bad line: short in-round retries, a per-round wait budget, and a count of
what got through.

On a line that loses one request in four (a market stall's mobile data), leaving every failed
order for the next round starves the queue: an order needs six or more requests in a row, so it
rarely gets through in one go. Here a transient failure (connection cut, timeout, 5xx) is
retried a few times within the round with a short, jittered backoff, as long as the round's wait
budget lasts; then the round gives up on that order and goes on with the next one.

Exactly-once is the engine's business and stays there: a retry is another ``push_one`` call,
so a step whose outcome is unknown is looked up on the server by the engine's recovery before
anything is sent again. The retry only waits at least ``unknown_floor`` seconds first, so a
request the server may still be working on has finished before the engine looks.

``LineMeter`` counts the requests that got an answer (any answer, a refusal too: the line
carried it) and the ones lost on the line, so the window can say "poor connection: 7 of 40
sent" instead of "offline" while requests are getting through.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.domain import outbox as ob
from app.sync.backoff import backoff_ceiling
from app.sync.errors import BackendError
from app.sync.ports import (
    Backend,
    CatalogPage,
    CatalogSource,
    ConnectionCheck,
    OrderSnapshot,
    RemoteMoneyState,
    RemoteOrder,
    RemotePayment,
    ReturnsPort,
)

if TYPE_CHECKING:
    from app.sync.engine import PushEngine, PushResult
    from app.sync.store import CustomerInfo, SyncStore

__all__ = ["RetryPolicy", "RetrySettingError", "LineMeter", "MeteredBackend", "MeteredCatalog", "push_round",
           "push_with_retries", "dead_line", "RETRY_SETTING_PREFIX", "DEAD_LINE_ORDERS"]

T = TypeVar("T")

#: Settings keys ``sync_retry.attempts`` and so on (see ``RetryPolicy``'s fields).
RETRY_SETTING_PREFIX = "sync_retry."
#: Orders given up in a row, with not one request answered meanwhile, before the round stops:
#: the line is down, not poor, and the rest would only wait out their retries for nothing.
DEAD_LINE_ORDERS = 2


class RetrySettingError(ValueError):
    """A ``sync_retry.*`` setting has a value the sync cannot use; the message names it."""


class RetryPolicy(BaseModel):
    """How hard one round tries. Small on purpose: a round must end so the next one (and the
    window's status) comes, and orders that still fail wait for the engine's longer backoff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attempts: int = Field(default=3, ge=0, le=10, description="retries of one order within a round")
    base_seconds: float = Field(default=0.25, gt=0, le=10, description="first retry waits up to this")
    cap_seconds: float = Field(default=2.0, gt=0, le=60, description="no single wait is longer")
    budget_seconds: float = Field(default=30.0, ge=0, le=600, description="all waits of one round together")
    unknown_floor_seconds: float = Field(default=1.0, ge=0, le=60,
                                         description="least wait before looking up a call of unknown outcome")

    @classmethod
    def from_settings(cls, store: SyncStore) -> RetryPolicy:
        """The policy the till's settings give (``sync_retry.<field>``), defaults for the rest.
        Raises ``RetrySettingError`` naming the setting when a value is unusable."""
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            value = store.setting(RETRY_SETTING_PREFIX + name)
            if value is not None:
                values[name] = value
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ())) or "?"
            raise RetrySettingError(f"Setting {RETRY_SETTING_PREFIX}{field}: {first.get('msg', 'invalid value')} "
                                    f"(got {values.get(field)!r}).") from None


class LineMeter:
    """What one round saw of the line, and its wait budget. One per round, shared by the round's
    push workers (``app.sync.parallel``): the counts and the budget are kept under a lock, and
    the budget is what all workers' waits add up to, so a concurrent round never waits longer
    in total than a sequential one."""

    def __init__(self, policy: RetryPolicy, *, rng: random.Random | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.ok = 0  # requests answered
        self.lost = 0  # requests lost on the line (transient failures)
        self.waited = 0.0
        self.retries = 0
        self._lock = threading.Lock()

    @property
    def budget_left(self) -> float:
        return max(0.0, self.policy.budget_seconds - self.waited)

    def wait(self, attempt: int, *, unknown: bool = False) -> bool:
        """Sleep before retry ``attempt`` (0-based) if the policy and the budget allow; False
        when they do not (the caller gives up for this round)."""
        if attempt >= self.policy.attempts:
            return False
        ceiling = backoff_ceiling(attempt, self.policy.base_seconds, self.policy.cap_seconds)
        with self._lock:  # the wait is booked before it is slept, so two workers cannot overdraw
            delay = self.rng.uniform(0.0, ceiling)  # full jitter, as app.sync.backoff explains
            if unknown:
                delay = max(delay, self.policy.unknown_floor_seconds)
            if delay > self.budget_left:
                return False
            self.waited += delay
            self.retries += 1
        self.sleep(delay)
        return True

    def read(self, fn: Callable[..., T], *args: Any, stop: Callable[[], bool] = lambda: False) -> T:
        """``call`` for a read, which is always safe to send again: a transient failure is
        retried here, within the policy and the round's budget, before it reaches the caller."""
        attempt = 0
        while True:
            try:
                return self.call(fn, *args)
            except BackendError as exc:
                if not exc.transient or stop() or not self.wait(attempt):
                    raise
                attempt += 1

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            result = fn(*args)
        except BackendError as exc:
            with self._lock:
                if exc.transient:
                    self.lost += 1
                else:
                    self.ok += 1  # refused, but the line carried it
            raise
        with self._lock:
            self.ok += 1
        return result


class MeteredCatalog:
    """A catalog source whose reads are counted and retried in the round: reading twice is
    always safe, and one lost page must not cost the whole pull its round."""

    def __init__(self, inner: CatalogSource, meter: LineMeter, stop: Callable[[], bool] | None = None) -> None:
        self.inner = inner
        self.meter = meter
        self.stop = stop or (lambda: False)

    def _retrying(self, fn: Callable[..., T], *args: Any) -> T:
        return self.meter.read(fn, *args, stop=self.stop)

    def page(self, kind: str, since: str | None, offset: int, limit: int,
             context: Mapping[str, Any]) -> CatalogPage:
        return self._retrying(self.inner.page, kind, since, offset, limit, context)

    def ids(self, kind: str) -> set[str]:
        return self._retrying(self.inner.ids, kind)

    def variant_count(self) -> int:
        return self._retrying(self.inner.variant_count)


class MeteredBackend:
    """A ``Backend`` whose every call is counted by a ``LineMeter``. It retries nothing itself:
    whether a push step may be sent again is the engine's decision (``push_round``)."""

    def __init__(self, inner: Backend, meter: LineMeter) -> None:
        self.inner = inner
        self.meter = meter

    def check_connection(self) -> ConnectionCheck:
        return self.inner.check_connection()

    def catalog(self) -> CatalogSource:
        return self.inner.catalog()

    def known_variants(self, ids: Iterable[str]) -> set[str]:
        return self.meter.call(self.inner.known_variants, ids)

    def variants_with_sku(self, sku: str) -> list[str]:
        return self.meter.call(self.inner.variants_with_sku, sku)

    def find_customer(self, email: str) -> str | None:
        return self.meter.call(self.inner.find_customer, email)

    def create_customer(self, customer: CustomerInfo) -> str:
        return self.meter.call(self.inner.create_customer, customer)

    def create_draft(self, snapshot: OrderSnapshot) -> RemoteOrder:
        return self.meter.call(self.inner.create_draft, snapshot)

    def draft_totals(self, draft_id: str) -> dict[str, Any]:
        return self.meter.call(self.inner.draft_totals, draft_id)

    def convert_draft(self, draft_id: str) -> None:
        self.meter.call(self.inner.convert_draft, draft_id)

    def get_order(self, order_id: str) -> RemoteOrder:
        return self.meter.call(self.inner.get_order, order_id)

    def create_payment(self, order_id: str, amount: Decimal) -> str:
        return self.meter.call(self.inner.create_payment, order_id, amount)

    def mark_payment_paid(self, payment_id: str, order_id: str) -> None:
        self.meter.call(self.inner.mark_payment_paid, payment_id, order_id)

    def find_order(self, local_order_id: str, customer_id: str | None,
                   created_since: datetime | None) -> RemoteOrder | None:
        # A read, so a lost one is read again (whole) in the round: a lost look-up must not send
        # the order back to wait out its backoff.
        return self.meter.read(self.inner.find_order, local_order_id, customer_id, created_since)

    def server_now(self) -> datetime | None:
        return self.inner.server_now()

    def payments(self, order_id: str) -> list[RemotePayment]:
        return self.meter.call(self.inner.payments, order_id)

    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> None:
        self.meter.call(self.inner.refund_payment, payment_id, amount, note)

    def cancel_order(self, order_id: str) -> None:
        self.meter.call(self.inner.cancel_order, order_id)

    def money_state(self, order_id: str) -> RemoteMoneyState:
        return self.meter.call(self.inner.money_state, order_id)

    def returns(self) -> ReturnsPort | None:
        from app.sync.returns import MeteredReturns

        inner = self.inner.returns()
        return None if inner is None else MeteredReturns(inner, self.meter)

    def close(self) -> None:
        self.inner.close()


def _lost_on_the_line(res: PushResult) -> bool:
    return res.transient and bool(res.error) and res.state in (ob.QUEUED, ob.IN_PROGRESS)


def push_with_retries(engine: PushEngine, meter: LineMeter, outbox_id: str,
                      stop: Callable[[], bool]) -> tuple[PushResult, bool]:
    """Push one outbox entry, retrying it within the round as ``meter`` allows. Returns the
    result and whether any request (of this or another worker) got an answer meanwhile."""
    answered_before = meter.ok
    before = engine.store.get(outbox_id)
    res = engine.push_one(outbox_id)
    attempt = 0
    while _lost_on_the_line(res) and not stop():
        entry = engine.store.get(outbox_id)
        unknown = entry is not None and bool(entry.data.get("pending"))
        if not meter.wait(attempt, unknown=unknown):
            break
        attempt += 1
        if before is not None:
            # A round counts as one attempt for the backoff between rounds: without this the
            # in-round retries would push an order's next round minutes away.
            engine.store.update(outbox_id, attempts=before.attempts)
        res = engine.push_one(outbox_id)
    return res, meter.ok != answered_before


def dead_line(res: PushResult, answered: bool) -> bool:
    """This entry was given up on the line with not one request answered meanwhile."""
    return _lost_on_the_line(res) and not answered


def push_round(engine: PushEngine, meter: LineMeter, *, stop: Callable[[], bool] | None = None,
               on_start: Callable[[int], object] | None = None,
               on_result: Callable[[PushResult], object] | None = None) -> list[PushResult]:
    """Push every due order once, one after the other, retrying each within the round as
    ``meter`` allows (``app.sync.parallel`` does the same with several orders at once).

    One order's trouble does not stop the others; the round stops early only when asked to, or
    when ``DEAD_LINE_ORDERS`` orders in a row were given up without one answered request."""
    stop = stop or (lambda: False)
    due = engine.store.due(engine.clock())
    if on_start is not None:
        on_start(len(due))
    results: list[PushResult] = []
    dead_streak = 0
    for outbox_id in due:
        if stop():
            break
        res, answered = push_with_retries(engine, meter, outbox_id, stop)
        results.append(res)
        if on_result is not None:
            on_result(res)
        if dead_line(res, answered):
            dead_streak += 1
            if dead_streak >= DEAD_LINE_ORDERS:
                break
        else:
            dead_streak = 0
    return results
