"""The focus-proof scanner: a keyboard-wedge burst (characters a few ms apart, then Enter) is a code
for the draft wherever the focus is, and the focused field keeps its text; a person typing, even
fast, stays typed text. Key events carry controlled timestamps, as the window system's do."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.services import drafts, queries
from app.services.settings import save_settings

K = Qt.Key
BARCODE = "2481700000015"


def focused():
    return QApplication.focusWidget()


# Generous waits for the edit queue on a busy machine (a wait, not a timing assertion).
WAIT_MS = 20_000


class Keyboard:
    """Sends key presses and releases to the focused widget, as the window system would, with
    timestamps in ms that the test chooses."""

    def __init__(self, start: int = 1_000_000) -> None:
        self.now = start

    def _send(self, kind: QEvent.Type, key: int, text: str) -> None:
        e = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
        e.setTimestamp(self.now)
        target = focused()
        assert target is not None, "no widget has the keyboard focus"
        QApplication.sendEvent(target, e)

    def key(self, key: int, text: str = "") -> None:
        self._send(QEvent.Type.KeyPress, key, text)
        self._send(QEvent.Type.KeyRelease, key, text)

    def type(self, text: str, gap_ms: int, enter: bool = True) -> None:
        for i, ch in enumerate(text):
            if i:
                self.now += gap_ms
            self.key(ord(ch.upper()) if ch.isalnum() else ord(ch), ch)
        if enter:
            self.now += gap_ms
            self.key(K.Key_Return, "\r")
        self.now += 1000  # the next burst comes later


def variant(till, code=BARCODE):
    return next(v for v in queries.search_variants(code, till.uow()) if v.barcode == code or v.sku == code)


def stored_lines(till, draft_id):
    return [(i.variant_id, i.quantity) for i in drafts.get_draft(draft_id, till.uow()).items]


def new_draft(qtbot, window):
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.draft is not None
    return window.editor


def test_a_scan_into_an_address_field_adds_the_product_and_leaves_the_address_alone(qtbot, window, till):
    ed = new_draft(qtbot, window)
    street = ed.shipping_form.fields["address_1"]
    street.setFocus()
    qtbot.keyClicks(street, "187 Berry")
    kb = Keyboard()
    kb.type(BARCODE, gap_ms=4)

    v = variant(till)
    qtbot.waitUntil(lambda: [i.variant_id for i in ed.draft.items] == [v.id], timeout=WAIT_MS)
    assert stored_lines(till, ed.draft.id) == [(v.id, 1)]
    assert street.text() == "187 Berry" and focused() is street  # not one digit typed, focus kept
    assert ed.product_search.text() == ""
    assert "added" in window.statusBar().currentMessage()
    assert window.errors_shown == []


def test_a_scan_into_the_customer_field_keeps_the_search_text(qtbot, window, till):
    ed = new_draft(qtbot, window)
    assert focused() is ed.customer_search
    qtbot.keyClicks(ed.customer_search, "mae")
    Keyboard().type(BARCODE, gap_ms=2)
    v = variant(till)
    qtbot.waitUntil(lambda: stored_lines(till, ed.draft.id) == [(v.id, 1)], timeout=WAIT_MS)
    assert ed.customer_search.text() == "mae" and focused() is ed.customer_search
    assert ed.draft.customer_id is None  # Enter of the scan did not pick a customer


def test_an_unknown_code_says_so_and_adds_nothing(qtbot, window, till):
    ed = new_draft(qtbot, window)
    qtbot.keyClicks(ed.customer_search, "Ada")
    Keyboard().type("999000111222", gap_ms=3)
    qtbot.waitUntil(ed.product_feedback.isVisible, timeout=WAIT_MS)
    assert ed.product_feedback.text().startswith("Unknown barcode 999000111222")
    assert stored_lines(till, ed.draft.id) == []
    assert ed.customer_search.text() == "Ada"


def test_a_scan_while_a_quantity_is_typed_keeps_the_quantity_and_adds_the_line(qtbot, window, till):
    ed = new_draft(qtbot, window)
    first = queries.search_variants("COF-HSE-ESP-250", till.uow())[0]
    ed.add_variant(first)
    qtbot.keyClick(window, K.Key_F4)
    cell = focused()
    assert cell is not ed.lines_view and ed.lines_view.isAncestorOf(cell)  # the quantity editor
    qtbot.keyClicks(cell, "3")
    Keyboard().type(BARCODE, gap_ms=5)

    v = variant(till)
    qtbot.waitUntil(lambda: stored_lines(till, ed.draft.id) == [(first.id, 3), (v.id, 1)], timeout=WAIT_MS)
    assert window.errors_shown == []


def test_two_quick_scans_are_two_products(qtbot, window, till):
    ed = new_draft(qtbot, window)
    kb = Keyboard()
    kb.type(BARCODE, gap_ms=3)
    kb.type("2481700000022", gap_ms=3)
    second = variant(till, "2481700000022")
    qtbot.waitUntil(lambda: stored_lines(till, ed.draft.id) == [(variant(till).id, 1), (second.id, 1)], timeout=WAIT_MS)


def test_a_person_typing_fast_is_typing_not_a_scan(qtbot, window, till):
    ed = new_draft(qtbot, window)
    flat = ed.shipping_form.fields["address_2"]
    flat.setFocus()
    kb = Keyboard()
    kb.type("Flat 12B", gap_ms=90, enter=False)  # a quick typist: about 130 words a minute
    qtbot.waitUntil(lambda: flat.text() == "Flat 12B", timeout=WAIT_MS)
    kb.type("0042", gap_ms=5, enter=False)  # a fast run without Enter: typed as well
    qtbot.waitUntil(lambda: flat.text() == "Flat 12B0042", timeout=WAIT_MS)
    postcode = ed.shipping_form.fields["postal_code"]
    postcode.setFocus()
    kb.type("1124", gap_ms=8)  # fast and ended by Enter, but shorter than a code
    qtbot.waitUntil(lambda: postcode.text() == "1124", timeout=WAIT_MS)
    assert stored_lines(till, ed.draft.id) == [] and not ed.product_feedback.isVisible()
    assert window.scanner.holding == ""


def test_a_scan_with_no_draft_open_starts_one(qtbot, window, till):
    assert window.editor.draft is None
    Keyboard().type(BARCODE, gap_ms=3)
    qtbot.waitUntil(lambda: window.editor.draft is not None and len(window.editor.draft.items) == 1, timeout=WAIT_MS)
    assert window.editor.draft.items[0].variant_id == variant(till).id


def test_the_thresholds_are_settings(qtbot, till):
    save_settings({"scanner_max_gap_ms": 10, "scanner_min_length": 4}, till.uow())
    from ui.main_window import MainWindow

    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=WAIT_MS)
    assert (w.scanner.max_gap_ms, w.scanner.min_length) == (10, 4)
    qtbot.keyClick(w, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = w.editor
    qtbot.keyClicks(ed.customer_search, "x")

    Keyboard().type(BARCODE, gap_ms=20)  # a slow scanner for these settings: typed text
    qtbot.waitUntil(lambda: ed.customer_search.text() == "x" + BARCODE, timeout=WAIT_MS)
    assert ed.draft.items == ()


def test_a_bad_threshold_is_refused_by_name_and_nothing_is_saved(till):
    import pytest

    from app.services.errors import InputError
    from app.services.settings import load_settings

    with pytest.raises(InputError, match="scanner_max_gap_ms"):
        save_settings({"scanner_max_gap_ms": 0, "scanner_min_length": 3}, till.uow())
    s = load_settings(till.uow())
    assert (s.scanner_max_gap_ms, s.scanner_min_length) == (35, 5)


def test_the_settings_dialog_changes_the_thresholds_of_the_open_window(qtbot, window, till):
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(till, window)
    qtbot.addWidget(dlg)
    dlg.accepted.connect(lambda: window._settings_saved(dlg))
    dlg.scanner_gap.setValue(60)
    dlg.scanner_length.setValue(8)
    dlg.save()
    assert (window.scanner.max_gap_ms, window.scanner.min_length) == (60, 8)
    from app.services.settings import load_settings

    assert load_settings(till.uow()).scanner_max_gap_ms == 60
