"""The search for a draft whose create lost its answer is bounded by the server's clock (the HTTP
``Date`` of its answers), not the till's: on a shop where several tills push all day, a search
from a day before the sale paged through every till's orders, and on a bad line one lost page
sent the order back to wait. The search is a read: lost, it is read again whole in the round. FakeBackend over a real
SQLite file, and a real MedusaClient over httpx.MockTransport."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.sync.engine import CLOCK_SLACK, SERVER_CLOCK_MARGIN
from app.sync.errors import BackendError
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


@pytest.mark.parametrize("server_ahead", [timedelta(hours=36), None],
                         ids=["server-time-known", "no-answer-told-the-time"])
def test_a_lost_create_is_searched_for_from_the_servers_time_when_it_was_marked(app, server_ahead):  # noqa: F811
    """With the server's time known (here a day and a half ahead of the till's clock, which would
    have bounded the search wrongly), the search starts from it; before any answer told it, a
    day before the sale by the till's clock."""
    order = paid_order(app)
    fake = fake_for(app, order)
    if server_ahead is not None:
        fake.clock_now = order.created_at.replace(tzinfo=UTC) + server_ahead
    fake.fail("create_draft_order", "after")
    eng = engine(app, fake)
    (first,) = eng.push_due()
    assert first.state == "in_progress" and first.transient
    run_until_settled(eng)
    check_synced_once(app, fake, order)
    expected = (fake.clock_now - SERVER_CLOCK_MARGIN if server_ahead is not None
                else order.created_at - CLOCK_SLACK)
    assert fake.searched_since[0] == expected


def test_a_lost_search_is_read_again_whole_in_the_round(app):  # noqa: F811
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
    with pytest.raises(BackendError) as lost:  # reaches the engine as before, never "nothing found"
        backend.find_order(order.id, None, None)
    assert lost.value.transient
    assert len(waits) == 1
