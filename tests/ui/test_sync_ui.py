"""The sync in the window: the status bar (offline without a dialog, queued counts after Mark Paid),
the sync view with Retry and Discard, the quit warning, the Backend dialog (the key only in an
in-memory keyring, never in the database) and a window that keeps answering while the worker is
stuck on the server. A fresh demo database per test; the server is the in-memory ``FakeBackend``
or a closed port on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.money import decimal_str
from app.services import queries
from app.services.settings import load_settings, save_settings
from app.sync import secrets
from app.sync.backoff import OnlineMonitor
from app.sync.store import SyncStore
from tests.sync.fakes import FakeBackend, v2

TOTALS = ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "item_total")
FAST = {"auto_pull": False, "engine_options": {"unknown_floor": 0.0, "base_delay": 0.001}}
WAIT = 20000


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch):
    """Never the machine's keyring, never a key from the environment unless a test sets one."""
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def open_window(qtbot, till):
    made = []

    def make():
        from ui.main_window import MainWindow

        # Not qtbot.addWidget: pytest-qt closes its widgets before fixtures tear down, and a
        # window holding unsynced orders would then ask its quit question with nobody to answer.
        w = MainWindow(till, synchronous=True)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.sync.warn_on_quit = False
        w.close()
        assert w.sync.bridge.worker is None
        w.deleteLater()


def pay(window, sku: str = "COF-HSE-ESP-1K"):
    window.new_draft()
    ed = window.editor
    ed.add_variant(queries.search_variants(sku, window.app.uow())[0])
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText("500")
    dlg.accept()
    assert window.stack.currentWidget() is window.order_view
    return window.order_view.order


def fake_for(app, *orders) -> FakeBackend:
    fake = FakeBackend({v.id: v.sku for v in queries.search_variants("", app.uow(), limit=500)})
    for o in orders:
        expect(fake, o)
    return fake


def expect(fake: FakeBackend, order) -> None:
    """The server computes the same totals as the till (FakeBackend echoes what it is told)."""
    fake.totals_by_local_id[order.id] = {k: decimal_str(getattr(order.totals, k)) for k in TOTALS}


def no_dialog_open(window) -> bool:
    return QApplication.activeModalWidget() is None and not window.errors_shown and not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_unreachable_server_is_offline_in_the_status_bar_and_mark_paid_counts_up(qtbot, till, open_window,
                                                                                 monkeypatch):
    monkeypatch.setenv(secrets.ENV_VAR, "sk_test_offline_key")
    save_settings({"backend_url": f"http://127.0.0.1:{closed_port()}"}, till.uow())
    w = open_window()
    # Probes an hour apart once offline: the counts below can only come from Mark Paid's nudge.
    w.sync.bridge.restart(monitor=OnlineMonitor(failure_threshold=1, base=3600, cap=3600))
    label = w.sync_label
    qtbot.waitUntil(lambda: label.text().startswith("Offline"), timeout=WAIT)
    assert label.text() == "Offline"
    assert "Cannot reach" in label.toolTip() and "Selling goes on" in label.toolTip()
    assert no_dialog_open(w)

    pay(w)
    qtbot.waitUntil(lambda: label.text() == "Offline — 1 order waiting", timeout=WAIT)
    pay(w, "BRW-MOK-ALU-3")
    qtbot.waitUntil(lambda: label.text() == "Offline — 2 orders waiting", timeout=WAIT)
    assert no_dialog_open(w)
    assert SyncStore(till.uow).counts()["queued"] == 2


def test_without_a_server_the_status_says_not_configured_and_orders_wait(qtbot, till, open_window):
    w = open_window()
    assert w.sync_label.text() == "Sync not configured"
    pay(w)
    qtbot.waitUntil(lambda: "1 order not yet sent" in w.sync_label.toolTip(), timeout=WAIT)
    assert w.sync_label.text() == "Sync not configured" and no_dialog_open(w)
    w.close()  # no server: nothing is waiting to go out, so no question at quit
    assert not w.isVisible() and w.sync.bridge.worker is None


def test_sync_view_lists_each_order_and_retry_and_discard_work(qtbot, till, open_window, monkeypatch):
    w = open_window()
    first, second = pay(w), pay(w, "BRW-MOK-ALU-3")
    fake = fake_for(till, first, second)
    fake.fail("create_draft_order", "http400")  # the server refuses the first order once
    w.sync.bridge.restart(backend_factory=lambda: v2(fake), **FAST)

    view = w.sync.open_view()
    assert view.objectName() == "syncView" and view.isVisible()
    model = view.model

    def states():
        return {e.order_id: e.state for e in model.entries()}

    qtbot.waitUntil(lambda: states() == {first.id: "needs_attention", second.id: "synced"}, timeout=WAIT)
    texts = {model.entry(r).order_id: model.index(r, model.COL_STATE).data() for r in range(model.rowCount())}
    (server_second,) = fake.orders_for(second.id)
    assert texts[second.id] == f"Synced as #{server_second['display_id']}"
    assert texts[first.id] == "Needs attention"
    row = model.row_of(SyncStore(till.uow).for_order(first.id).id)
    assert "fake refusal" in model.index(row, model.COL_DETAIL).data()
    qtbot.waitUntil(lambda: "1 order needs attention" in w.sync_label.text(), timeout=WAIT)

    # Synced orders cannot be retried or discarded.
    view.table.selectRow(model.row_of(SyncStore(till.uow).for_order(second.id).id))
    assert not view.retry_button.isEnabled() and not view.discard_button.isEnabled()

    assert view.select_order(first.id) and view.retry_button.isEnabled()
    view.retry_button.click()
    qtbot.waitUntil(lambda: states().get(first.id) == "synced", timeout=WAIT)
    assert len(fake.orders_for(first.id)) == 1 and len(fake.orders_for(second.id)) == 1
    qtbot.waitUntil(lambda: w.sync_label.text().startswith("Online · all sent · last sync"), timeout=WAIT)

    third = pay(w, "PAN-CHO-70-PER")
    expect(fake, third)
    fake.fail("create_draft_order", "http400")
    w.sync.bridge.sync_now()
    qtbot.waitUntil(lambda: states().get(third.id) == "needs_attention", timeout=WAIT)

    asked = []

    def answer(choice):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return choice
        return question

    assert view.select_order(third.id)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    view.discard_button.click()
    assert len(asked) == 1 and SyncStore(till.uow).for_order(third.id).state == "needs_attention"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    view.discard_button.click()
    assert len(asked) == 2 and "Never send order" in asked[-1]
    assert SyncStore(till.uow).for_order(third.id).state == "discarded"
    qtbot.waitUntil(lambda: states().get(third.id) == "discarded", timeout=WAIT)
    assert fake.orders_for(third.id) == []
    assert no_dialog_open(w)


def test_quitting_with_unsynced_orders_warns_and_can_be_cancelled(qtbot, till, open_window, monkeypatch):
    monkeypatch.setenv(secrets.ENV_VAR, "sk_test_offline_key")
    save_settings({"backend_url": f"http://127.0.0.1:{closed_port()}"}, till.uow())
    w = open_window()
    pay(w)
    pay(w, "BRW-MOK-ALU-3")
    seen: list[str] = []

    def answer_with(button):
        def poke():
            box = QApplication.activeModalWidget()
            if box is None or box.objectName() != "quitUnsyncedDialog":
                QTimer.singleShot(20, poke)  # the dialog is not up yet
                return
            seen.append(box.text())
            box.button(button).click()
        QTimer.singleShot(0, poke)

    answer_with(QMessageBox.StandardButton.Cancel)
    w.close()
    assert seen == ["2 orders have not reached the shop server yet."]
    assert w.isVisible() and w.sync.bridge.worker is not None  # still selling

    answer_with(QMessageBox.StandardButton.Close)  # "Quit anyway"
    w.close()
    assert len(seen) == 2 and not w.isVisible() and w.sync.bridge.worker is None
    # Kept for the next start: queued, or in progress when the worker had already tried one against
    # the closed port (on a loaded machine it sometimes had by the time of the quit).
    counts = SyncStore(till.uow).counts()
    assert counts["queued"] + counts["in_progress"] == 2, counts


def settings_rows(till) -> dict[str, str]:
    uow = till.uow()
    with uow:
        return {k: json.dumps(v) for k, v in uow.settings.all().items()}


def test_backend_dialog_keeps_the_key_in_the_keyring_only(qtbot, till, open_window, memory_keyring, db_path):
    w = open_window()
    url = f"http://127.0.0.1:{closed_port()}"
    secret = "sk_window_secret_4c1d9e"
    dlg = w.sync.open_backend()
    assert dlg.objectName() == "backendDialog"
    from PySide6.QtWidgets import QLineEdit
    assert dlg.key_edit.echoMode() == QLineEdit.EchoMode.Password

    dlg.url_edit.setText("ftp://nowhere")
    dlg.key_edit.setText(secret)
    dlg.save()
    assert dlg.isVisible() and "http://" in dlg.url_error.text()
    assert memory_keyring.store == {}

    dlg.url_edit.setText(url + "/")
    dlg.interval.setValue(120)
    # Test connection runs off the UI thread and answers in plain words.
    dlg.test_button.click()
    assert dlg.result_label.text() == "Testing…"
    qtbot.waitUntil(lambda: not dlg.testing, timeout=WAIT)
    assert "Cannot reach the shop server" in dlg.result_label.text()
    assert secret not in dlg.result_label.text()

    dlg.save()
    assert not dlg.isVisible() and dlg.result() == dlg.DialogCode.Accepted
    assert memory_keyring.store == {(secrets.KEYRING_SERVICE, url): secret}
    assert secrets.get_api_key(url) == secret
    s = load_settings(till.uow())
    assert (s.backend_url, s.sync_interval_seconds) == (url, 120)
    rows = settings_rows(till)
    assert rows and not [k for k, v in rows.items() if secret in v or secret in k]
    till.close()  # checkpoint nothing, just let go of connections before reading the files
    for f in db_path.parent.iterdir():
        if f.name.startswith(db_path.name):
            assert secret.encode() not in f.read_bytes(), f.name

    # The saved server takes effect: the worker restarts, finds it unreachable, says offline.
    qtbot.waitUntil(lambda: w.sync_label.text().startswith("Offline"), timeout=WAIT)
    dlg2 = w.sync.open_backend()
    assert "stored in the keyring" in dlg2.key_note.text() and dlg2.url_edit.text() == url
    dlg2.reject()


def test_backend_dialog_without_a_keyring_says_so_and_stores_nothing(qtbot, till, open_window):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the autouse fixture puts the old one back
    w = open_window()
    dlg = w.sync.open_backend()
    dlg.url_edit.setText("https://shop.example.test")
    dlg.key_edit.setText("sk_nowhere_to_go")
    dlg.save()
    assert dlg.isVisible()
    assert "no keyring" in dlg.result_label.text() and secrets.ENV_VAR in dlg.result_label.text()
    assert load_settings(till.uow()).backend_url is None
    assert not [v for v in settings_rows(till).values() if "sk_nowhere_to_go" in v]
    # With the key in the environment instead, only the address is saved.
    dlg.key_edit.clear()
    dlg.save()
    assert not dlg.isVisible() and load_settings(till.uow()).backend_url == "https://shop.example.test"


def test_sync_queue_model_passes_the_model_tester(qtbot, qtmodeltester, till, open_window):
    from ui.sync_panel import SyncQueueModel

    w = open_window()
    pay(w)
    pay(w, "BRW-MOK-ALU-3")
    store = SyncStore(till.uow)
    entries = store.entries()
    store.update(entries[1].id, state="needs_attention", step=2, last_error="compare totals: 0.01 apart")
    model = SyncQueueModel()
    model.set_entries(store.entries())
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert model.index(0, SyncQueueModel.COL_STATE).data() == "Queued"
    assert model.index(1, SyncQueueModel.COL_STATE).data() == "Needs attention"
    assert model.index(1, SyncQueueModel.COL_DETAIL).data() == "compare totals: 0.01 apart"
    model.set_entries([])
    qtmodeltester.check(model)


class StuckBackend(FakeBackend):
    """A server that takes as long as the test wants to answer the first push."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.entered = threading.Event()
        self.release = threading.Event()

    def create_draft_order(self, body):
        self.entered.set()
        assert self.release.wait(60), "the test never released the server"
        return super().create_draft_order(body)


def test_window_answers_while_the_worker_waits_on_the_server(qtbot, till, open_window):
    w = open_window()
    order = pay(w)
    fake = StuckBackend({v.id: v.sku for v in queries.search_variants("", till.uow(), limit=500)})
    expect(fake, order)
    try:
        w.sync.bridge.restart(backend_factory=lambda: v2(fake), **FAST)
        qtbot.waitUntil(fake.entered.is_set, timeout=WAIT)
        qtbot.waitUntil(lambda: w.sync.bridge.status.running, timeout=WAIT)
        assert w.sync_label.text() == "Syncing · 0 of 1 sent"  # the push shows its progress (issue 16)
        # The worker is inside the server call; the UI thread still types, searches and lists.
        w.focus_search()
        qtbot.keyClicks(w.search_box, "no such order zzz")
        qtbot.waitUntil(lambda: w.list_empty.isVisible() and w.list_empty.text() == "No matches.", timeout=WAIT)
        w.search_box.clear()
        w.set_filter("not_synced")
        w.refresh_list()
        assert w.list_model.row_of(order.id) >= 0
        assert not fake.release.is_set() and w.sync.bridge.status.running
    finally:
        fake.release.set()
    qtbot.waitUntil(lambda: SyncStore(till.uow).for_order(order.id).state == "synced", timeout=WAIT)
    qtbot.waitUntil(lambda: w.sync_label.text().startswith("Online"), timeout=WAIT)


def test_status_words_for_each_state():
    from datetime import UTC, datetime

    from app.sync.worker import SyncStatus
    from ui.sync_bridge import describe_status

    assert describe_status(SyncStatus())[0] == "Sync not configured"
    long_error = ("The shop server refused the API key (401 Unauthorized). Check the key in Sync › Backend… "
                  "and that it is a secret key of this store.")
    text, tip = describe_status(SyncStatus(configured=True, online=True, last_error=long_error, queued=1))
    assert text.startswith("Sync problem: The shop server refused") and text.endswith("…")
    assert len(text) < len(long_error) and long_error in tip and "1 order not yet sent" in tip
    text, _ = describe_status(SyncStatus(configured=True, online=True, running=True,
                                         progress="1,200 of 8,000 variants"))
    assert text == "Syncing · 1,200 of 8,000 variants"
    when = datetime(2026, 11, 23, 14, 2, tzinfo=UTC)
    text, _ = describe_status(SyncStatus(configured=True, online=True, queued=2, last_sync=when))
    assert text == f"Online · 2 queued · last sync {when.astimezone():%H:%M}"
    text, _ = describe_status(SyncStatus(configured=True, online=False, queued=2, needs_attention=1,
                                         last_error="Cannot reach the shop server."))
    assert text == "Offline — 3 orders waiting"
