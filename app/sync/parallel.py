"""Pushing a backlog with a bounded number of orders at once (issue 13).

A day offline leaves a few hundred paid orders queued. Medusa spends most of an order's half
second waiting on its database, so one order after the other leaves both the server and the till
idle most of the time. Here up to ``sync_push_concurrency`` orders are pushed at once:

- **Each order stays one step machine.** All of an order's due entries (the sale, then its
  refunds and cancel, in the order they were queued) go to one worker and run one after the
  other there, so a follow-up never starts before its sale has finished in this round, and the
  persisted steps and pending markers are exactly those of a sequential push.
- **Different orders run in parallel threads**, each with its own ``PushEngine`` (the engine
  keeps per-push state) over the shared backend (one thread-safe HTTP connection pool) and the
  shared ``SyncStore`` (a fresh session and a short ``BEGIN IMMEDIATE`` transaction per call, so
  SQLite's one writer serialises the commits and ``busy_timeout`` queues them).
- **The line rules keep their meaning.** Results are handled on the round's own thread in the
  order they finish: progress ("k of n sent") and the dead-line rule are counted there. Two
  orders given up in a row with no request of any worker answered meanwhile end the round:
  no new order starts and the ones in flight stop retrying. The wait budget is shared (see
  ``LineMeter``).

Exactly-once is unchanged: an order is handled by one worker only, and every call that changes
the server is still preceded by its committed pending marker.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, cast

from app.domain import outbox as ob
from app.sync.line import DEAD_LINE_ORDERS, LineMeter, RetrySettingError, dead_line, push_with_retries

if TYPE_CHECKING:
    from app.sync.engine import PushEngine, PushResult
    from app.sync.ports import Backend
    from app.sync.store import CustomerInfo, SyncStore

__all__ = ["PUSH_CONCURRENCY_KEY", "DEFAULT_PUSH_CONCURRENCY", "MAX_PUSH_CONCURRENCY", "push_concurrency",
           "order_groups", "push_round_parallel", "OneCustomerAtATime"]

#: Setting: how many orders one round pushes at once (1: one after the other).
PUSH_CONCURRENCY_KEY = "sync_push_concurrency"
DEFAULT_PUSH_CONCURRENCY = 1
#: More gains nothing against one Medusa process and only queues on SQLite's writer.
MAX_PUSH_CONCURRENCY = 16


def check_concurrency(value: Any) -> int:
    """``value`` as a worker count, or ``RetrySettingError`` naming the setting."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PUSH_CONCURRENCY:
        raise RetrySettingError(f"Setting {PUSH_CONCURRENCY_KEY}: must be a whole number from 1 to "
                                f"{MAX_PUSH_CONCURRENCY} (got {value!r}).")
    return value


def push_concurrency(store: SyncStore) -> int:
    """The till's ``sync_push_concurrency`` (default ``DEFAULT_PUSH_CONCURRENCY``)."""
    value = store.setting(PUSH_CONCURRENCY_KEY)
    return DEFAULT_PUSH_CONCURRENCY if value is None else check_concurrency(value)


def order_groups(store: SyncStore, due: list[str]) -> list[list[str]]:
    """The due entries grouped by order, each group in due order (the sale before what follows
    it), the groups in the order of their first entry."""
    order_of = {e.id: e.order_id for e in store.entries(ob.PENDING_STATES)}
    groups: dict[str, list[str]] = {}
    for outbox_id in due:
        groups.setdefault(order_of.get(outbox_id, outbox_id), []).append(outbox_id)
    return list(groups.values())


class OneCustomerAtATime:
    """The backend, except that a customer created at this till is created by one worker at a
    time: two of its orders may reach step 1 at once, and the second then takes the id the
    first one stored instead of sending the customer again."""

    def __init__(self, inner: Backend, store: SyncStore) -> None:
        self.inner = inner
        self.store = store
        self._guard = threading.Lock()
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def create_customer(self, customer: CustomerInfo) -> str:
        with self._guard:
            lock = self._locks[customer.id]
        with lock:
            now = self.store.customer(customer.id)
            if now is not None and now.server_id:
                return now.server_id
            server_id = self.inner.create_customer(customer)
            # Stored before the turn passes (the engine stores it again after this returns).
            self.store.set_customer_server_id(customer.id, server_id)
            return server_id


def push_round_parallel(make_engine: Callable[[Backend], PushEngine], backend: Backend, meter: LineMeter,
                        workers: int, *, stop: Callable[[], bool] | None = None,
                        on_start: Callable[[int], object] | None = None,
                        on_result: Callable[[PushResult], object] | None = None) -> list[PushResult]:
    """Push every due entry once with up to ``workers`` orders in flight (see the module
    docstring). ``make_engine`` is called once per worker thread, and once for this thread,
    each time with the same backend."""
    workers = check_concurrency(workers)
    asked = stop or (lambda: False)
    halt = threading.Event()  # the line is down, or a worker failed: start nothing more

    def halted() -> bool:
        return halt.is_set() or asked()

    lead = make_engine(backend)
    shared = cast("Backend", OneCustomerAtATime(backend, lead.store))
    due = lead.store.due(lead.clock())
    if on_start is not None:
        on_start(len(due))
    groups = iter(order_groups(lead.store, due))
    local = threading.local()

    def run(group: list[str]) -> list[tuple[PushResult, bool]]:
        engine = getattr(local, "engine", None)
        if engine is None:
            engine = local.engine = make_engine(shared)
        out = []
        for outbox_id in group:
            if halted():
                break
            out.append(push_with_retries(engine, meter, outbox_id, halted))
        return out

    results: list[PushResult] = []
    failure: BaseException | None = None
    dead_streak = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tilldesk-push") as pool:
        in_flight: set[Future[list[tuple[PushResult, bool]]]] = set()

        def fill() -> None:
            while len(in_flight) < workers and not halted():
                group = next(groups, None)
                if group is None:
                    return
                in_flight.add(pool.submit(run, group))

        fill()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in done:
                in_flight.discard(fut)
                exc = fut.exception()
                if exc is not None:
                    # Let the others finish their order (each commit is whole), then re-raise.
                    failure = failure or exc
                    halt.set()
                    continue
                for res, answered in fut.result():
                    results.append(res)
                    if on_result is not None:
                        on_result(res)
                    if dead_line(res, answered):
                        dead_streak += 1
                        if dead_streak >= DEAD_LINE_ORDERS:
                            halt.set()
                    else:
                        dead_streak = 0
            fill()
    if failure is not None:
        raise failure
    return results
