"""The window's draft and order lists on a real file of a few thousand orders: opening reads one
page, scrolling to the end reads the rest a page at a time, the count shown is the whole view's,
and a sale just made shows at the top."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.bootstrap import start
from tests.bulk_rows import add_bulk
from ui import list_filters
from ui.paged_list import PagedListModel, count_text

ORDERS, OPEN_DRAFTS = 3000, 7


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    add_bulk(path, orders=ORDERS, open_drafts=OPEN_DRAFTS)
    return path


@pytest.fixture
def big_window(qtbot, big_file: Path, tmp_path: Path):
    from ui.main_window import MainWindow

    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(str(big_file)), sqlite3.connect(str(path))
    src.backup(dst)
    src.close()
    dst.close()
    app = start(path)
    w = MainWindow(app, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    app.close()


def _order_ids_newest_first(path: Path) -> list[str]:
    con = sqlite3.connect(str(path))
    try:
        return [r[0] for r in con.execute("SELECT id FROM orders ORDER BY created_at DESC, id DESC")]
    finally:
        con.close()


def test_opening_reads_one_page_and_counts_the_whole_view(big_window):
    w = big_window
    w.set_filter("all_orders")
    model = w.list_model
    assert model.rowCount() == list_filters.PAGE
    assert model.pages_fetched == 1
    assert model.total == ORDERS + 1  # the copies and the template sale
    assert model.canFetchMore()
    assert w.list_count.text() == f"{list_filters.PAGE} of {ORDERS + 1:,} rows loaded · scroll for more"


def test_scrolling_to_the_end_reads_every_page_in_order(big_window, qtbot):
    w = big_window
    w.set_filter("all_orders")
    model, view = w.list_model, w.list_view
    rows_seen = [model.rowCount()]
    while model.canFetchMore():
        view.scrollToBottom()  # Qt asks fetchMore when the scroll bar reaches its end
        qtbot.waitUntil(lambda: model.rowCount() > rows_seen[-1])
        rows_seen.append(model.rowCount())
    assert rows_seen[:3] == [list_filters.PAGE, 2 * list_filters.PAGE, 3 * list_filters.PAGE]
    assert model.rowCount() == model.total == ORDERS + 1
    assert model.pages_fetched == -(-(ORDERS + 1) // list_filters.PAGE)
    shown = [model.entry(i).id for i in range(model.rowCount())]
    assert shown == _order_ids_newest_first(w.app.db.path)  # no row twice, none missed, newest first
    assert w.list_count.text() == f"{ORDERS + 1:,} rows"


def test_a_sale_just_made_shows_at_the_top_of_today(big_window):
    from app.services import drafts, orders

    w = big_window
    w.set_filter(list_filters.TODAY)
    model = w.list_model
    before = model.total
    open_ids = [model.entry(i).id for i in range(model.rowCount()) if model.entry(i).kind == "draft"]
    assert len(open_ids) == OPEN_DRAFTS + 1  # the copies and the template's open draft
    app = w.app
    target = drafts.get_draft(open_ids[-1], app.uow()).id
    w.ops.run(lambda: orders.mark_paid({"draft_id": target, "tenders": [{"kind": "cash", "amount": "100"}]},
                                       app.uow()))
    top = model.entry(0)
    assert top.kind == "order" and top.invoice_number and top.status
    assert target not in [model.entry(i).id for i in range(model.rowCount())]
    assert model.total == before  # one open draft less, one order of today more


def test_a_page_asked_for_before_a_refresh_is_dropped(qtbot, app):
    asked = []
    model = PagedListModel(request=lambda fn, done, failed: asked.append((fn, done)), page_size=2)
    for i in range(5):
        from tests.conftest import create_draft

        create_draft(app, email=f"p{i}@example.com")
    srcs = list_filters.sources("all_drafts", None, app.uow)
    model.start(srcs, list_filters.fetch_page(srcs, limit=2))
    assert model.rowCount() == 2 and model.total == 5 and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page at a time
    fn, done = asked.pop()
    model.start(srcs, list_filters.fetch_page(srcs, limit=2))  # the list is refreshed meanwhile
    done(fn())
    assert model.rowCount() == 2  # the old page did not land in the new list
    model.fetchMore()
    fn, done = asked.pop()
    done(fn())
    assert model.rowCount() == 4 and len({model.entry(i).id for i in range(4)}) == 4


def test_the_paged_model_passes_the_model_tester(qtmodeltester, app):
    from tests.conftest import create_draft

    for i in range(5):
        create_draft(app, email=f"m{i}@example.com")
    model = PagedListModel(page_size=2)
    srcs = list_filters.sources("all_drafts", None, app.uow)
    model.start(srcs, list_filters.fetch_page(srcs, limit=2))
    qtmodeltester.check(model)


def test_count_text():
    assert count_text(0, 0) == ""
    assert count_text(1, 1) == "1 row"
    assert count_text(200, 1_000_000) == "200 of 1,000,000 rows loaded · scroll for more"
