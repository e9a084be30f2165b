"""ESC/POS receipt bytes, sent to a real TCP server on 127.0.0.1 that stands in for the printer."""

from __future__ import annotations

import socket
import threading

import pytest

from app.printing.escpos import (
    PrinterUnavailableError,
    printable,
    receipt_escpos_bytes,
    send_to_network_printer,
)

FULL_CUT = b"\x1dV\x00"
INIT = b"\x1b@"
SELECT_CP852 = b"\x1bt\x12"  # ESC t 18: the Latin-2 page that holds Polish letters


class CapturingPrinter:
    """A one-job raw printer: accepts one connection and keeps every byte until the sender closes."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _addr = self.server.accept()
            with conn:
                conn.settimeout(10)
                while chunk := conn.recv(4096):
                    self.received += chunk
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def join(self) -> bytes:
        self.thread.join(15)
        assert not self.thread.is_alive(), "printer server still waiting"
        if self.error:
            raise self.error
        return bytes(self.received)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def printer():
    server = CapturingPrinter()
    yield server
    server.close()


def test_receipt_bytes_reach_the_printer_with_text_and_cut(make_document, printer):
    doc = make_document(line_count=3, locale="en_US", currency_code="USD")
    data = receipt_escpos_bytes(doc)
    sent = send_to_network_printer("127.0.0.1", printer.port, data, timeout=5)
    received = printer.join()
    assert sent == len(data) == len(received)
    assert received == data
    assert received.startswith(INIT)
    assert received.rstrip(b"\n").endswith(FULL_CUT)
    assert doc.invoice_number.encode() in received
    assert b"Tilldesk Test Shop" in received
    for line in doc.lines:
        assert line.title.encode() in received
        assert f"{line.quantity} x ${line.unit_price:.2f}".encode() in received
    total = f"${doc.totals.total:,.2f}".encode()
    assert b"TOTAL" in received and total in received
    assert f"${doc.totals.change_given:.2f}".encode() in received
    for line in received.split(b"\n"):
        visible = bytes(b for b in line if b >= 0x20)
        assert len(visible) <= 48 + 8, line  # room for a few inline style commands


def test_polish_customer_is_encoded_through_a_code_page(make_document):
    data = receipt_escpos_bytes(make_document(customer_name="Łukasz Żółć", city="Kraków"))
    assert SELECT_CP852 in data
    # In CP852: Ł=0x9D, Ż=0xBD, ó=0xA2, ł=0x88, ć=0x86.
    assert b"\x9dukasz \xbd\xa2\x88\x86" in data
    assert b"?ukasz" not in data


def test_characters_no_code_page_holds_print_as_question_marks(make_document):
    data = receipt_escpos_bytes(make_document(customer_name="山田 太郎 ✓"))
    assert b"Customer: ?? ?? ?" in data
    assert data.rstrip(b"\n").endswith(FULL_CUT)


def test_printable_flattens_typography_and_control_characters():
    assert printable("12,50\u00a0€ \u2013 “ok” \x1b@") == "12,50 € - \"ok\"  @"


def test_reprint_and_no_cut(make_document):
    data = receipt_escpos_bytes(make_document(copy_number=2), cut=False)
    assert data.count(b"COPY 2") == 2
    assert FULL_CUT not in data


def test_unreachable_printer_raises_a_clear_error():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more
    with pytest.raises(PrinterUnavailableError, match=rf"127\.0\.0\.1:{port} is unavailable"):
        send_to_network_printer("127.0.0.1", port, b"\x1b@hello", timeout=2)


def test_empty_job_is_refused():
    with pytest.raises(ValueError, match="empty"):
        send_to_network_printer("127.0.0.1", 9, b"")
