"""The receipt as raw ESC/POS for an 80 mm network thermal printer (port 9100 'raw' printing).

Bytes are built with python-escpos's `Dummy` printer and sent with a plain socket, so building
never touches the network and sending is one short, timed connection.

Text encoding: thermal printers know one 8-bit code page at a time. python-escpos's magic encoder
switches code page per character run (CP852 for 'Ł', CP858 or ISO-8859-15 for '€', ...) using
the printer profile's code-page table; a character no code page holds prints as '?'.
"""

from __future__ import annotations

import re
import socket
import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

from app.printing.document import InvoiceDocument
from app.printing.formatting import format_moment, format_money, format_unit_price
from app.printing.paper import paper_totals, printed_rows

RECEIPT_COLUMNS = 48
"""Characters per line in font A on 80 mm paper (576 dots / 12)."""

DEFAULT_PORT = 9100

# python-escpos sends a whole string as GB18030 when it contains any CJK ideograph, which a
# European printer prints as garbage; such characters print as '?' instead.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PLAIN = str.maketrans(
    {
        "\u00a0": " ",  # babel's no-break spaces ('12,50 €') are not in most code pages
        "\u202f": " ",
        "\u2009": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u00d7": "x",
    }
)


class PrinterUnavailableError(OSError):
    """The network printer could not be reached or did not take the whole job."""


def printable(text: str) -> str:
    """`text` reduced to what a code-page printer can show, one character per column."""
    text = unicodedata.normalize("NFC", text).translate(_PLAIN)
    text = _CJK.sub("?", text)
    # Control characters inside names would be read as printer commands.
    return "".join(ch if ch >= " " or ch == "\n" else " " for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


def _two_columns(left: str, right: str, width: int, indent: str = "") -> list[str]:
    """Left text wrapped, the right text flush right on the last line."""
    room = width - len(right) - 1
    wrapped = _wrap(left, max(room, 8))
    last = wrapped[-1]
    if len(last) + 1 + len(right) > width:
        wrapped.append("")
        last = ""
    return [indent + line if i else line for i, line in enumerate(wrapped[:-1])] + [
        (last + " " * (width - len(last) - len(right)) + right) if last or right else ""
    ]


class _EscMoney:
    """The receipt's money text with the `minus` the shared totals rows ask for."""

    def __init__(self, fmt: Callable[[Decimal], str]) -> None:
        self._fmt = fmt

    def __call__(self, amount: Decimal) -> str:
        return self._fmt(amount)

    def minus(self, amount: Decimal) -> str:
        return self._fmt(-amount)


class _ReceiptWriter:
    def __init__(self, profile: str | None, columns: int) -> None:
        # Imported here: python-escpos loads its printer capability file at import (about a
        # quarter of a second), which the window should not pay at start-up.
        from escpos.printer import Dummy

        self.p = Dummy(profile=profile)
        self.cols = columns

    def style(self, **kwargs) -> None:
        self.p.set(**kwargs)

    def normal(self) -> None:
        self.p.set(align="left", bold=False, normal_textsize=True, invert=False)

    def line(self, text: str = "") -> None:
        self.p.text(printable(text) + "\n")

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def rule(self) -> None:
        self.line("-" * self.cols)

    def pair(self, left: str, right: str) -> None:
        self.lines(_two_columns(printable(left), printable(right), self.cols))


def receipt_escpos_bytes(
    doc: InvoiceDocument, *, profile: str | None = None, columns: int = RECEIPT_COLUMNS, cut: bool = True
) -> bytes:
    """The receipt as ESC/POS bytes: initialise, text, feed and a full cut.

    `profile` is a python-escpos printer profile name (e.g. 'TM-T88V'); it decides which code
    pages the encoder may switch to. None uses the generic profile."""
    w = _ReceiptWriter(profile, columns)
    money = lambda amount: format_money(amount, doc.currency_code, doc.locale)  # noqa: E731
    shop = doc.shop
    p = w.p
    p.hw("INIT")

    w.style(align="center", bold=True, double_height=True, double_width=True)
    w.lines(_wrap(printable(shop.name), columns // 2))
    w.normal()
    w.style(align="center")
    details = list(shop.address_lines)
    if shop.tax_id:
        details.append(f"Tax ID: {shop.tax_id}")
    details += [shop.phone, shop.email]
    for detail in details:
        if detail:
            w.lines(_wrap(printable(detail), columns))
    if doc.is_copy:
        w.line()
        w.style(align="center", bold=True, double_height=True, double_width=True, invert=True)
        w.line(f" {doc.copy_label} ")
        w.normal()
    w.line()
    w.normal()
    w.style(bold=True)
    w.line(f"Invoice {doc.invoice_number}")
    w.normal()
    if doc.order_display_id:
        w.line(f"Order #{doc.order_display_id}")
    w.line(format_moment(doc.paid_at or doc.issued_at, doc.locale))
    if doc.customer_name:
        w.lines(_wrap(printable(f"Customer: {doc.customer_name}"), columns))
    w.rule()

    paper = paper_totals(doc)
    for item, printed in zip(doc.lines, paper.lines, strict=True):
        title = item.title + (f" ({item.subtitle})" if item.subtitle else "")
        w.lines(_wrap(printable(title), columns))
        unit = format_unit_price(printed.unit_price, doc.currency_code, doc.locale)
        if printed.discount:
            w.pair(f"  {item.quantity} x {unit}", money(printed.gross))
            w.pair("  Discount", money(-printed.discount))
            w.pair("", money(printed.total))
        else:
            w.pair(f"  {item.quantity} x {unit}", money(printed.total))
    w.rule()

    totals = doc.totals
    for label, amount, kind in printed_rows(doc, _EscMoney(money), paper):
        if kind == "total":
            w.style(bold=True, double_height=True)
            w.pair(label.upper(), amount)
            w.normal()
        else:
            w.pair(label, amount)
    w.rule()

    for tender in doc.tenders:
        label = f"{tender.label} ({tender.reference})" if tender.reference else tender.label
        w.pair(label, money(tender.amount))
        if tender.amount_tendered is not None:
            w.pair("  Tendered", money(tender.amount_tendered))
    w.style(bold=True)
    w.pair("Paid", money(totals.paid_total))
    if totals.change_given:
        w.pair("CHANGE", money(totals.change_given))
    w.normal()

    if doc.notes:
        w.line()
        for paragraph in doc.notes.splitlines():
            w.lines(_wrap(printable(paragraph), columns))
    if shop.footer_text:
        w.rule()
        w.style(align="center")
        w.lines(_wrap(printable(shop.footer_text), columns))
        w.normal()
    if doc.is_copy:
        w.style(align="center", bold=True)
        w.line(doc.copy_label)
        w.normal()
    if cut:
        p.cut()
    else:
        p.print_and_feed(4)
    return p.output


def send_to_network_printer(host: str, port: int = DEFAULT_PORT, data: bytes = b"", timeout: float = 10.0) -> int:
    """Send raw bytes to a network printer (e.g. port 9100) and return how many were sent.

    Blocks for up to `timeout` seconds per socket step, so call it off the UI thread.
    Raises `PrinterUnavailableError` naming the printer when it cannot be reached."""
    if not data:
        raise ValueError("nothing to print: data is empty")
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(data)
            # Half-close tells the printer the job is complete; some wait for it before printing.
            sock.shutdown(socket.SHUT_WR)
    except OSError as exc:
        raise PrinterUnavailableError(
            getattr(exc, "errno", None) or 0, f"Receipt printer {host}:{port} is unavailable: {exc}"
        ) from exc
    return len(data)


__all__ = [
    "DEFAULT_PORT",
    "PrinterUnavailableError",
    "RECEIPT_COLUMNS",
    "printable",
    "receipt_escpos_bytes",
    "send_to_network_printer",
]
