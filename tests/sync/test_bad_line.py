"""A round on a bad line (issue 16), without a server: in-round retries through the engine's own
recovery, one order's trouble not stopping the others, the wait budget, the count of what got
through, the settings that drive it, and a pull that resumes at the page and the kind it reached.
FakeBackend and fake catalog sources over a real SQLite file; waits go to a list, not to sleep."""

from __future__ import annotations

import pytest

from app.sync.errors import BackendUnreachable
from app.sync.line import DEAD_LINE_ORDERS, RetryPolicy
from app.sync.medusa_v2.catalog import MedusaV2Catalog
from app.sync.pull import PULL_PASS_KEY, CatalogPuller
from app.sync.store import SyncStore
from app.sync.worker import SyncRunner
from tests.sync.fakes import v2
from tests.sync.test_engine import app, fake_for, paid_order  # noqa: F401 - fixture
from tests.sync.test_worker_pull_cli import DeadBackend, PagedSource, PromoSource


def runner(app, backend_factory, waits, workers=1, **policy):  # noqa: F811
    """One order after the other: the fakes' scripted faults hit the calls in order (the same
    rules with several orders at once: tests/sync/test_parallel_push.py)."""
    return SyncRunner(SyncStore(app.uow), backend_factory, auto_pull=False, sleep=waits.append,
                      retry_policy=RetryPolicy(**policy) if policy else None, push_workers=workers,
                      engine_options={"unknown_floor": 0.0, "base_delay": 0.001})


def test_a_lost_answer_is_retried_in_the_round_through_recovery_exactly_once(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    # The server makes the draft twice over but both answers are lost; then converting is cut
    # before it arrives. Three transient failures, all inside one round.
    fake.fail("create_draft_order", "after")
    fake.fail("convert_draft_to_order", "before")
    waits: list[float] = []
    r = runner(app, lambda: v2(fake), waits, attempts=3, unknown_floor_seconds=0.5)
    report = r.run_once(pull=False)
    assert [x.state for x in report.pushed] == ["synced"]
    assert len(fake.orders_for(order.id)) == 1, "the retry looked the draft up instead of sending it again"
    assert "find_by_local_id" in fake.calls
    assert report.retries == 2 and len(waits) == 2
    assert waits[0] >= 0.5, "an unknown outcome waits at least the floor before the look-up"
    assert report.lost == 2 and report.answered > 0 and report.error is None
    s = r.status
    assert s.online is True and s.line == "poor" and (s.sent, s.to_send) == (1, 1) and s.queued == 0


def test_one_orders_trouble_does_not_stop_the_others(app):  # noqa: F811
    first, second, third = paid_order(app), paid_order(app, email="b@example.com"), paid_order(app, email="c@x.org")
    fake = fake_for(app, first, second, third)
    fake.fail("create_draft_order", "before", times=3)  # the first order's try and both its retries
    waits: list[float] = []
    r = runner(app, lambda: v2(fake), waits, attempts=2)
    report = r.run_once(pull=False)
    states = {x.order_id: x.state for x in report.pushed}
    assert states == {first.id: "in_progress", second.id: "synced", third.id: "synced"}
    assert len(waits) == 2 and report.synced == 2
    store = SyncStore(app.uow)
    entry = store.for_order(first.id)
    assert entry.next_attempt_at is not None and entry.attempts == 1  # one round, one attempt for the backoff
    assert not fake.orders_for(first.id) and len(fake.orders_for(second.id)) == 1
    s = r.status
    assert s.line == "poor" and s.online is True and (s.sent, s.to_send) == (2, 3) and s.queued == 1
    assert "connection refused" in (s.last_error or "")


def test_the_round_budget_limits_the_waits(app):  # noqa: F811
    first, second = paid_order(app), paid_order(app, email="b@example.com")
    fake = fake_for(app, first, second)
    fake.fail("create_draft_order", "before", times=1)
    waits: list[float] = []
    report = runner(app, lambda: v2(fake), waits, attempts=5, budget_seconds=0.0).run_once(pull=False)
    assert waits == [] and report.retries == 0
    assert [x.state for x in report.pushed] == ["in_progress", "synced"]


def test_a_dead_line_ends_the_round_and_reads_offline(app):  # noqa: F811
    for i in range(4):
        paid_order(app, email=f"o{i}@example.com")
    waits: list[float] = []
    r = runner(app, lambda: DeadBackend(), waits, attempts=1, cap_seconds=0.01)
    r.monitor.failure_threshold = 1
    report = r.run_once(pull=False)
    assert len(report.pushed) == DEAD_LINE_ORDERS and report.answered == 0 and report.lost > 0
    assert r.status.online is False and r.status.line == "down" and r.status.queued == 4


def test_the_retry_settings_are_read_and_a_bad_one_is_named(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    store = SyncStore(app.uow)
    store.set_setting("sync_retry.attempts", 1)
    store.set_setting("sync_retry.cap_seconds", 0.01)
    assert RetryPolicy.from_settings(store).attempts == 1
    store.set_setting("sync_retry.budget_seconds", -3)
    waits: list[float] = []
    r = runner(app, lambda: v2(fake), waits)
    report = r.run_once(pull=False)
    assert report.error is not None and report.error.startswith("Setting sync_retry.budget_seconds:")
    assert "-3" in report.error and "\n" not in report.error
    assert fake.calls == [] and store.for_order(order.id).state == "queued", "nothing was half-sent"
    assert r.status.last_error == report.error
    store.set_setting("sync_retry.budget_seconds", None)
    assert [x.state for x in r.run_once(pull=False).pushed] == ["synced"]


class TwoKinds(PagedSource):
    """Products and promotions; ``fail`` = (kind, offset): every page of that kind from there on
    is lost on the line."""

    def __init__(self, n, promos):
        super().__init__(n)
        self.promos = PromoSource(promos)
        self.fail: tuple[str, int] | None = None

    def page(self, kind, since, offset, limit):
        self.calls.append((kind, since, offset))
        if self.fail and self.fail[0] == kind and offset >= self.fail[1]:
            raise BackendUnreachable("cable pulled", not_sent=True)
        if kind == "promotions":
            return self.promos.page(kind, since, offset, limit)
        rows = [p for p in self.products if since is None or p["updated_at"] > since]
        return rows[offset:offset + limit], len(rows)

    def ids(self, kind):
        return self.promos.ids(kind) if kind == "promotions" else super().ids(kind)


PROMOS = [{"id": f"promo_{i}", "code": f"CODE{i}", "status": "active", "is_automatic": False,
           "application_method": {"type": "percentage", "target_type": "items", "allocation": "across",
                                  "value": 5, "currency_code": None, "max_quantity": None}} for i in range(3)]


def test_a_pull_cut_on_page_n_resumes_at_page_n_and_at_the_kind_it_reached(app):  # noqa: F811
    store = SyncStore(app.uow)
    source = TwoKinds(45, PROMOS)
    kinds = ["products", "promotions"]
    source.fail = ("products", 30)  # page 4 of 10
    with pytest.raises(BackendUnreachable):
        CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(kinds)
    assert store.cursor("products")["offset"] == 30 and not store.cursor("products")["complete"]
    assert store.setting(PULL_PASS_KEY) is None  # no kind of this pass finished yet
    source.calls.clear()
    source.fail = ("promotions", 0)
    with pytest.raises(BackendUnreachable):
        CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(kinds)
    product_offsets = [c[2] for c in source.calls if c[0] == "products"]
    # The second run starts one page before the kept offset (where the last id written must still
    # be: records deleted meanwhile shift the list) and goes on from the page the first one reached.
    assert product_offsets == [20, 30, 40]
    assert store.cursor("products")["complete"] and store.cursor("products")["offset"] == 0  # cleared
    assert store.setting(PULL_PASS_KEY) == ["products"]
    source.calls.clear()
    source.fail = None
    report = CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(kinds)
    assert [c[0] for c in source.calls] == ["promotions"], "the finished kind is not pulled again in this pass"
    assert report.kinds["promotions"].complete and "products" not in report.kinds
    assert store.setting(PULL_PASS_KEY) is None  # the pass is complete: the next starts afresh
    assert store.local_ids("products") == {p["id"] for p in source.products}
    source.calls.clear()
    CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(kinds)
    assert [c[0] for c in source.calls] == ["products", "promotions"]


def test_the_rounds_pull_retries_a_lost_page_and_counts_the_line(app):  # noqa: F811
    store = SyncStore(app.uow)
    source = TwoKinds(25, PROMOS)
    lost = {"n": 2}
    inner_page = source.page

    def flaky(kind, since, offset, limit):
        if kind == "products" and offset == 0 and lost["n"]:
            lost["n"] -= 1
            raise BackendUnreachable("cable pulled", not_sent=True)
        return inner_page(kind, since, offset, limit)

    source.page = flaky  # type: ignore[method-assign]
    fake = fake_for(app)
    waits: list[float] = []
    r = SyncRunner(store, lambda: v2(fake), sleep=waits.append, retry_policy=RetryPolicy(attempts=3),
                   source_factory=lambda b: _Only(MedusaV2Catalog(source), ("products", "promotions"), store))
    report = r.run_once(pull=True)
    assert report.error is None and len(waits) == 2 and report.lost == 2
    assert store.local_ids("products") == {p["id"] for p in source.products}
    assert r.status.line == "poor" and r.status.online is True


class _Only:
    """A catalog with only some kinds on the server: the others answer empty pages, so the
    runner's full pull runs over them without touching the demo catalog."""

    def __init__(self, inner, kinds, store):
        self.inner, self.kinds, self.store = inner, kinds, store

    def page(self, kind, since, offset, limit, context):
        if kind in self.kinds:
            return self.inner.page(kind, since, offset, limit, context)
        from app.sync.ports import CatalogPage
        return CatalogPage(records=[], server_ids=[], count=0)

    def ids(self, kind):
        return self.inner.ids(kind) if kind in self.kinds else self.store.local_ids(kind)

    def variant_count(self):
        return self.inner.variant_count()
