"""Several orders pushed at once (issue 13, ``app.sync.parallel``), without a server: a fake
Medusa v2 that records how many calls are in flight, over a real SQLite file. Each test runs a
real ``SyncRunner`` round with its worker threads; waits go to a list, not to sleep."""

from __future__ import annotations

import threading
import time

import pytest

from app.domain.outbox import OutboxKind
from app.sync.line import DEAD_LINE_ORDERS, RetryPolicy
from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.parallel import PUSH_CONCURRENCY_KEY
from app.sync.store import SyncStore
from app.sync.worker import SyncRunner
from tests.sync.fakes import SimulatedCrash
from tests.sync.test_engine import app, fake_for, paid_order  # noqa: F401 - fixture
from tests.sync.test_followups import follow_ups, refund_one
from tests.sync.test_worker_pull_cli import DeadBackend


class InFlight:
    """The fake Medusa API behind a gate that counts the calls in flight. Each call holds its
    place a moment (outside the fake's own lock) so that workers really overlap."""

    def __init__(self, fake, hold: float = 0.02) -> None:
        self.fake = fake
        self.hold = hold
        self.now = self.most = 0
        self.threads: set[str] = set()
        self._count = threading.Lock()
        self._fake = threading.Lock()  # the fake itself is plain Python, not meant for threads

    def __getattr__(self, name):
        method = getattr(self.fake, name)
        if not callable(method):
            return method

        def call(*args, **kwargs):
            with self._count:
                self.now += 1
                self.most = max(self.most, self.now)
                self.threads.add(threading.current_thread().name)
            try:
                time.sleep(self.hold)
                with self._fake:
                    return method(*args, **kwargs)
            finally:
                with self._count:
                    self.now -= 1
        return call


def runner(app, backend_factory, waits, workers, **policy):  # noqa: F811
    return SyncRunner(SyncStore(app.uow), backend_factory, auto_pull=False, sleep=waits.append,
                      retry_policy=RetryPolicy(**policy) if policy else None, push_workers=workers,
                      engine_options={"unknown_floor": 0.0, "base_delay": 0.001})


def orders(app, n):  # noqa: F811
    return [paid_order(app, email=f"buyer{i}@example.com", qty=i % 3 + 1) for i in range(n)]


def test_a_backlog_goes_with_at_most_the_set_number_in_flight_each_order_once(app):  # noqa: F811
    made = orders(app, 9)
    fake = fake_for(app, *made)
    gate = InFlight(fake)
    waits: list[float] = []
    r = runner(app, lambda: MedusaV2Backend(gate), waits, workers=3)
    seen: list[tuple[int, int]] = []
    r.add_listener(lambda s: seen.append((s.sent, s.to_send)))
    report = r.run_once(pull=False)
    assert report.error is None and report.synced == 9
    assert 2 <= gate.most <= 3, gate.most
    assert len({t for t in gate.threads if t.startswith("tilldesk-push")}) >= 2
    for o in made:
        assert len(fake.orders_for(o.id)) == 1
        entry = SyncStore(app.uow).for_order(o.id)
        assert entry.state == "synced" and entry.server_order_id == fake.orders_for(o.id)[0]["id"]
    # "k of n sent" counts up one by one to 9 of 9, never skipping or going back.
    sent = [k for k, n in seen if n == 9]
    assert sorted(set(sent)) == list(range(10)) and sent == sorted(sent)
    assert (r.status.sent, r.status.to_send, r.status.queued) == (9, 9, 0)


def test_refunds_wait_for_their_sale_and_go_in_the_same_round(app):  # noqa: F811
    made = orders(app, 6)
    fake = fake_for(app, *made)
    refunded = made[::2]
    for o in refunded:
        refund_one(app, o)  # queued right behind the sale, before anything was pushed
    gate = InFlight(fake)
    report = runner(app, lambda: MedusaV2Backend(gate), [], workers=4).run_once(pull=False)
    assert report.error is None and gate.most >= 2
    # A refund started while its sale was still in flight would have been put off for minutes
    # (waiting for the sale); here every refund reached the server in this very round.
    assert report.synced == len(made) + len(refunded)
    for o in refunded:
        [entry] = follow_ups(app, o.id)
        assert entry.kind == OutboxKind.REFUND.value and entry.state == "synced", entry.last_error
        assert len(fake.refunds_for(o.id)) == 1
    kinds = [r.order_id for r in report.pushed]
    for o in refunded:  # the sale's result comes before its refund's
        first, last = kinds.index(o.id), len(kinds) - 1 - kinds[::-1].index(o.id)
        assert report.pushed[first].state == "synced" and first < last


def test_lost_answers_under_concurrency_never_make_a_duplicate(app):  # noqa: F811
    made = orders(app, 8)
    fake = fake_for(app, *made)
    fake.fail("create_draft_order", "after", times=3)
    fake.fail("convert_draft_to_order", "after", times=2)
    fake.fail("mark_payment_collection_paid", "before", times=2)
    waits: list[float] = []
    report = runner(app, lambda: MedusaV2Backend(InFlight(fake)), waits, workers=4, attempts=8,
                    unknown_floor_seconds=0.0).run_once(pull=False)
    assert report.synced == 8, [(x.order_id, x.state, x.error) for x in report.pushed]
    assert report.lost == 7 and report.retries == 7 and len(waits) == 7
    for o in made:
        assert len(fake.orders_for(o.id)) == 1, o.id


def test_the_wait_budget_is_shared_by_the_workers(app):  # noqa: F811
    made = orders(app, 6)
    fake = fake_for(app, *made)
    fake.fail("create_draft_order", "before", times=12)
    waits: list[float] = []
    report = runner(app, lambda: MedusaV2Backend(InFlight(fake)), waits, workers=3, attempts=3,
                    base_seconds=1.0, cap_seconds=1.0, budget_seconds=1.5, unknown_floor_seconds=0.0
                    ).run_once(pull=False)
    assert 0 < sum(waits) <= 1.5 and report.retries == len(waits)
    for o in made:
        assert len(fake.orders_for(o.id)) <= 1


def test_a_dead_line_starts_no_more_orders(app):  # noqa: F811
    for i in range(12):
        paid_order(app, email=f"o{i}@example.com")
    r = runner(app, lambda: DeadBackend(), [], workers=4, attempts=1, cap_seconds=0.01)
    r.monitor.failure_threshold = 1
    report = r.run_once(pull=False)
    # The four in flight finish; at most one more starts before the second one is given up.
    assert DEAD_LINE_ORDERS <= len(report.pushed) <= 4 + DEAD_LINE_ORDERS - 1
    assert report.answered == 0 and report.lost > 0
    untouched = [e for e in SyncStore(app.uow).entries() if e.attempts == 0]
    assert len(untouched) == 12 - len(report.pushed)
    assert r.status.online is False and r.status.line == "down"


def test_a_crash_in_one_worker_ends_the_round_and_the_next_finishes_exactly_once(app):  # noqa: F811
    made = orders(app, 6)
    fake = fake_for(app, *made)
    fake.fail("convert_draft_to_order", "crash")  # like SIGKILL after the server converted
    r = runner(app, lambda: MedusaV2Backend(InFlight(fake)), [], workers=3)
    with pytest.raises(SimulatedCrash):
        r.run_once(pull=False)
    store = SyncStore(app.uow)
    assert sum(1 for e in store.entries() if e.data.get("pending") == "convert") == 1
    report = runner(app, lambda: MedusaV2Backend(InFlight(fake)), [], workers=3).run_once(pull=False)
    assert report.error is None
    assert store.counts()["synced"] == 6
    for o in made:
        assert len(fake.orders_for(o.id)) == 1


@pytest.mark.parametrize("value", [0, 17, "four", True, 2.5])
def test_a_bad_concurrency_setting_stops_the_round_naming_it(app, value):  # noqa: F811
    made = orders(app, 2)
    fake = fake_for(app, *made)
    store = SyncStore(app.uow)
    store.set_setting(PUSH_CONCURRENCY_KEY, value)
    report = SyncRunner(store, lambda: MedusaV2Backend(fake), auto_pull=False).run_once(pull=False)
    assert report.error is not None and PUSH_CONCURRENCY_KEY in report.error and "\n" not in report.error
    assert fake.calls == [] and store.counts()["queued"] == 2


def test_the_setting_picks_the_number_of_workers(app):  # noqa: F811
    made = orders(app, 6)
    fake = fake_for(app, *made)
    store = SyncStore(app.uow)
    store.set_setting(PUSH_CONCURRENCY_KEY, "1")
    gate = InFlight(fake)
    report = SyncRunner(store, lambda: MedusaV2Backend(gate), auto_pull=False).run_once(pull=False)
    assert report.synced == 6 and gate.most == 1
    more = orders(app, 6)
    fake2 = fake_for(app, *more)
    store.set_setting(PUSH_CONCURRENCY_KEY, 2)
    gate2 = InFlight(fake2)
    report = SyncRunner(store, lambda: MedusaV2Backend(gate2), auto_pull=False).run_once(pull=False)
    assert report.synced == 6 and gate2.most == 2


@pytest.mark.parametrize("value", ["0", "17", "many"])
def test_the_command_line_refuses_a_bad_worker_count_naming_it(app, value):  # noqa: F811
    from tests.cli.inproc import call, refused

    paid_order(app)
    line = refused(call("--db", str(app.db.path), "sync", "--once", "--push-workers", value))
    assert line.startswith("tilldesk: --push-workers:") and repr(value) in line
    assert SyncStore(app.uow).counts()["queued"] == 1


def test_a_customer_made_at_the_till_is_created_once_for_all_its_orders(app):  # noqa: F811
    from app.domain.catalog import Customer

    with app.uow() as uow:
        uow.customers.add(Customer(id="cus_local_many", email="regular@example.com", first_name="Łucja"),
                          created_locally=True)
        uow.commit()
    made = [paid_order(app, customer_id="cus_local_many", qty=i + 1) for i in range(4)]
    fake = fake_for(app, *made)
    report = runner(app, lambda: MedusaV2Backend(InFlight(fake)), [], workers=4).run_once(pull=False)
    assert report.synced == 4 and report.error is None
    # Without the per-customer turn, every worker that reached step 1 first sent the customer
    # (the server refused the repeats, which were then looked up by e-mail).
    assert fake.calls.count("create_customer") == 1 and len(fake.customers) == 1
    [server_id] = fake.customers
    assert all(fake.orders_for(o.id)[0]["customer_id"] == server_id for o in made)
