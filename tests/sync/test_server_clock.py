"""The search for a draft whose create lost its answer is bounded by the server's clock (the HTTP
``Date`` of its answers), not the till's: on a shop where several tills push all day, a search
from a day before the sale paged through every till's orders, and on a bad line one lost page
sent the order back to wait. The search is a read, retried in the round. FakeBackend over a real
SQLite file, and a real MedusaClient over httpx.MockTransport."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.sync.engine import CLOCK_SLACK, SERVER_CLOCK_MARGIN
from app.sync.line import LineMeter, MeteredBackend, RetryPolicy
from app.sync.medusa_v2.client import MedusaClient
from app.sync.medusa_v2.wire import ServerClock
from tests.sync.fakes import v2
from tests.sync.test_engine import app, check_synced_once, engine, fake_for, paid_order, run_until_settled  # noqa: F401

SERVER_TIME = datetime(2026, 12, 3, 9, 30, 0, tzinfo=UTC)


def answer(date: str | None) -> httpx.Response:
    headers = {"date": date} if date is not None else {}
    return httpx.Response(200, json={"ok": True}, headers=headers)


def test_the_clock_reads_the_date_header_and_moves_on_from_it():
    clock = ServerClock()
    assert clock.now() is None, "no answer yet: nothing is known"
    clock.note(answer("Thu, 03 Dec 2026 09:30:00 GMT"))
    now = clock.now()
    assert now is not None and SERVER_TIME <= now < SERVER_TIME + timedelta(seconds=5)
    assert now.tzinfo is not None


def test_an_unreadable_or_missing_date_keeps_what_was_known():
    clock = ServerClock()
    for bad in ("yesterday", "", "Thu, 99 Dec 2026 99:99:99 GMT"):
        clock.note(answer(bad))
        assert clock.now() is None, bad
    clock.note(answer(None))
    assert clock.now() is None
    clock.note(answer("Thu, 03 Dec 2026 09:30:00 GMT"))
    clock.note(answer("not a date"))
    assert clock.now() is not None and clock.now() >= SERVER_TIME


def test_the_client_notes_the_server_time_of_every_answer():
    transport = httpx.MockTransport(lambda request: answer("Thu, 03 Dec 2026 09:30:00 GMT"))
    client = MedusaClient("http://127.0.0.1:9", "sk_test", transport=transport)
    try:
        assert client.server_clock.now() is None
        client.request("GET", "/admin/regions")
        assert client.server_clock.now() >= SERVER_TIME
    finally:
        client.close()


def test_a_lost_create_is_searched_for_from_the_servers_time_when_it_was_marked(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    # The till's clock is a day and a half behind the server's: its own clock would have bounded
    # the search wrongly, the server's does not depend on it.
    fake.clock_now = order.created_at.replace(tzinfo=UTC) + timedelta(hours=36)
    fake.fail("create_draft_order", "after")
    eng = engine(app, fake)
    (first,) = eng.push_due()
    assert first.state == "in_progress" and first.transient
    run_until_settled(eng)
    check_synced_once(app, fake, order)
    assert fake.searched_since[0] == fake.clock_now - SERVER_CLOCK_MARGIN


def test_before_any_answer_told_the_time_the_search_starts_a_day_before_the_sale(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("create_draft_order", "after")
    eng = engine(app, fake)
    eng.push_due()
    run_until_settled(eng)
    check_synced_once(app, fake, order)
    assert fake.searched_since[0] == order.created_at - CLOCK_SLACK


def test_a_search_that_loses_a_page_is_read_again_in_the_round(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("find_by_local_id", "before", times=2)
    waits: list[float] = []
    meter = LineMeter(RetryPolicy(attempts=3), sleep=waits.append)
    backend = MeteredBackend(v2(fake), meter)
    assert backend.find_order(order.id, None, None) is None
    assert fake.calls.count("find_by_local_id") == 4, "two lost reads, then drafts and orders searched"
    assert len(waits) == 2 and meter.lost == 2


def test_a_search_gives_up_when_the_round_allows_no_more_retries(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("find_by_local_id", "before", times=5)
    waits: list[float] = []
    backend = MeteredBackend(v2(fake), LineMeter(RetryPolicy(attempts=1), sleep=waits.append))
    try:
        backend.find_order(order.id, None, None)
    except Exception as exc:  # noqa: BLE001 - the transient error reaches the engine as before
        assert getattr(exc, "transient", False)
    else:
        raise AssertionError("a search that kept failing was reported as nothing found")
    assert len(waits) == 1
