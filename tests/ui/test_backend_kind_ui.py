"""The backend dialog's kind choice (Medusa v2 / Medusa v1): reachable from the keyboard, saved in
the settings where ``tilldesk backend set --kind`` keeps it, and the connection test speaks the
chosen kind's protocol (v1: the admin token in ``x-medusa-access-token``; v2: an Authorization
header) to a real HTTP server on 127.0.0.1 that records what it was sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt

from app.services.settings import load_settings
from tests.ui.test_sync_ui import WAIT, memory_keyring, open_window  # noqa: F401  (fixtures)


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.startswith("/health"):
            body = b"OK"
        else:  # a store without currencies: neither kind accepts it, each says so its own way
            body = json.dumps({"store": {"name": "Recorder"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if body != b"OK" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_kind_is_chosen_by_keyboard_saved_and_used_by_the_connection_test(qtbot, till, open_window, recorder):  # noqa: F811
    url, seen = recorder
    w = open_window()
    dlg = w.sync.open_backend()
    qtbot.waitExposed(dlg)
    combo = dlg.kind_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["medusa-v2", "medusa-v1"]
    assert combo.currentData() == "medusa-v2" and dlg.key_label.text() == "API &key"
    # Alt+K (the label's mnemonic) reaches the combo, the arrow key chooses v1.
    dlg.activateWindow()
    qtbot.keyClick(dlg, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(combo.hasFocus, timeout=WAIT)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "medusa-v1" and dlg.backend_kind == "medusa-v1"
    assert dlg.key_label.text() == "API &token"

    dlg.url_edit.setText(url)
    dlg.key_edit.setText("v1_token_7f3a")
    dlg.test_button.click()
    qtbot.waitUntil(lambda: not dlg.testing, timeout=WAIT)
    assert "not like a Medusa v1 server" in dlg.result_label.text(), dlg.result_label.text()
    store_calls = [h for p, h in seen if p.startswith("/admin/store")]
    assert store_calls and all(h.get("x-medusa-access-token") == "v1_token_7f3a" for h in store_calls)
    assert not any("authorization" in h for h in store_calls)

    # Back to v2: the same test now sends an Authorization header and no v1 token.
    seen.clear()
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert dlg.backend_kind == "medusa-v2"
    dlg.test_button.click()
    qtbot.waitUntil(lambda: not dlg.testing, timeout=WAIT)
    admin = [h for p, h in seen if p.startswith("/admin")]
    assert admin and all("authorization" in h and "x-medusa-access-token" not in h for h in admin), seen
    assert "v1" not in dlg.result_label.text()

    qtbot.keyClick(combo, Qt.Key.Key_Down)
    dlg.key_edit.clear()
    dlg.save()
    assert not dlg.isVisible()
    s = load_settings(till.uow())
    assert (s.backend_url, s.backend_kind) == (url, "medusa-v1")
    dlg2 = w.sync.open_backend()
    assert dlg2.kind_combo.currentData() == "medusa-v1" and dlg2.key_label.text() == "API &token"
    dlg2.reject()
