"""`tilldesk shift ...` and `tilldesk drawer open` as a script uses them: JSON on stdout, exit 2
with one line and nothing written for bad amounts or a second open shift."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from tests.cli.test_cli import bad, ok, run
from tests.conftest import db_fingerprint, draft_body
from tests.printing.conftest import pdf_pages
from tests.printing.test_printing_escpos import CapturingPrinter


class PatientPrinter(CapturingPrinter):
    """The one-job stand-in printer, waiting long enough for a command run in a subprocess on a
    busy machine (the base class gives up after 10 s)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(180)
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def join(self) -> bytes:
        self.thread.join(200)
        return super().join()


@pytest.fixture
def till(tmp_path: Path) -> Path:
    db = tmp_path / "till.sqlite"
    ok(run(db, "catalog", "regions", demo=True))
    return db


def pay(db: Path, *tenders: str) -> dict:  # type: ignore[type-arg]
    body = tmp = db.parent / "draft.json"
    tmp.write_text(json.dumps(draft_body()))
    draft = ok(run(db, "draft", "create", str(body)))["draft_order"]
    args = [a for t in tenders for a in ("--tender", t)]
    return ok(run(db, "draft", "mark-paid", draft["id"], *args))["order"]  # type: ignore[no-any-return]


def test_a_day_at_the_till(till: Path, tmp_path: Path) -> None:
    assert ok(run(till, "shift", "show")) == {"shift": None}
    opened = ok(run(till, "shift", "open", "--float", "cash=150.00"))["shift"]
    assert opened["state"] == "open" and opened["float"] == {"cash": D("150.00")} and opened["currency_code"] == "usd"
    pay(till, "cash=100")  # 58.25 kept
    pay(till, "card=58.25:slip")
    assert ok(run(till, "shift", "cash-in", "20.00", "--reason", "change from the bank"))["movement"]["amount"] == 20
    assert ok(run(till, "shift", "cash-out", "12.50", "--reason", "supplier"))["movement"]["kind"] == "out"
    shown = ok(run(till, "shift", "show"))["shift"]
    assert [m["reason"] for m in shown["movements"]] == ["change from the bank", "supplier"]

    x_pdf = tmp_path / "x.pdf"
    x = ok(run(till, "shift", "x-report", "--out", str(x_pdf), "--format", "receipt"))
    assert x["x_report"]["tenders"]["cash"]["expected"] == D("215.75")  # 150 + 58.25 + 20 - 12.50
    assert "X report" in pdf_pages(x_pdf.read_bytes())[0]

    z_pdf = tmp_path / "z.pdf"
    z = ok(run(till, "shift", "close", "--counted", "cash=216.00", "--counted", "card=58.25", "--out", str(z_pdf)))
    report = z["z_report"]
    assert report["z_number"] == 1 and z["pdf"]["format"] == "a4"
    assert report["tenders"]["cash"] == {"float": D("150.00"), "sales": D("58.25"), "refunds": D("0.00"),
                                         "cash_in": D("20.00"), "cash_out": D("12.50"), "expected": D("215.75"),
                                         "counted": D("216.00"), "difference": D("0.25")}
    assert {k: report["tenders"]["card"][k] for k in ("expected", "counted", "difference")} == {
        "expected": D("58.25"), "counted": D("58.25"), "difference": D("0.00")}
    assert report["sales_count"] == 2 and report["gross"] == D("116.50")
    text = pdf_pages(z_pdf.read_bytes())[0]
    assert "Z report 1" in text and "$215.75" in text and "Over" in text

    listed = ok(run(till, "shift", "list"))
    assert listed["count"] == 1 and listed["shifts"][0]["z_number"] == 1
    assert listed["shifts"][0]["expected"] == {"cash": D("215.75"), "card": D("58.25")}
    again = ok(run(till, "shift", "z-report", "1"))["z_report"]
    assert again == report
    assert ok(run(till, "shift", "show")) == {"shift": None}


@pytest.mark.parametrize("args, words", [
    (["shift", "open", "--float", "cash=abc"], "float.cash"),
    (["shift", "open", "--float", "cash=-1"], "float.cash"),
    (["shift", "open", "--float", "cash=1.001"], "float.cash"),
    (["shift", "open", "--float", "cash"], "--float"),
    (["shift", "open", "--float", "cash=1", "--float", "cash=2"], "given twice"),
    (["shift", "open", "--float", "coins=5"], "float.coins"),
])
def test_bad_floats_exit_2_with_one_line_and_write_nothing(till: Path, args: list[str], words: str) -> None:
    before = db_fingerprint(till)
    assert words in bad(run(till, *args))
    assert db_fingerprint(till) == before


def test_bad_amounts_and_a_second_shift_write_nothing(till: Path, tmp_path: Path) -> None:
    ok(run(till, "shift", "open", "--float", "cash=10"))
    before = db_fingerprint(till)
    assert "a shift is already open" in bad(run(till, "shift", "open", "--float", "cash=10"))
    assert "amount" in bad(run(till, "shift", "cash-in", "ten", "--reason", "x"))
    assert "amount" in bad(run(till, "shift", "cash-in", "0", "--reason", "x"))
    assert "amount" in bad(run(till, "shift", "cash-out", "10.01", "--reason", "x"))
    assert "reason" in bad(run(till, "shift", "cash-out", "1", "--reason", " "))
    assert "counted.cash" in bad(run(till, "shift", "close", "--counted", "card=5"))
    assert "counted.cash" in bad(run(till, "shift", "close", "--counted", "cash=1e999"))
    exists = tmp_path / "exists.pdf"
    exists.write_bytes(b"keep me")
    assert "--out" in bad(run(till, "shift", "close", "--counted", "cash=10", "--out", str(exists)))
    assert exists.read_bytes() == b"keep me"
    assert db_fingerprint(till) == before  # the shift is still open, no Z number was taken
    assert ok(run(till, "shift", "close", "--counted", "cash=10"))["z_report"]["z_number"] == 1
    assert "no shift is open" in bad(run(till, "shift", "close", "--counted", "cash=10"))


def use_printer(db: Path, port: int) -> None:
    from app.bootstrap import start
    from app.services.settings import save_settings

    app = start(db)
    try:
        save_settings({"escpos_host": "127.0.0.1", "escpos_port": port}, app.uow())
    finally:
        app.close()


def test_drawer_open_and_a_cash_sale_pulse_the_receipt_printer(till: Path) -> None:
    body = till.parent / "draft.json"
    body.write_text(json.dumps(draft_body()))
    draft = ok(run(till, "draft", "create", str(body)))["draft_order"]
    for command in (["drawer", "open", "--reason", "no sale: change for a 50"],
                    ["draft", "mark-paid", draft["id"], "--tender", "cash=60"]):
        printer = PatientPrinter()
        try:
            use_printer(till, printer.port)
            out = ok(run(till, *command))
            assert printer.join() == b"\x1bp\x00\x32\x32"
        finally:
            printer.close()
    assert out["order"]["payments"][0]["tender"] == "cash"
    assert "reason" in bad(run(till, "drawer", "open", "--reason", ""))
