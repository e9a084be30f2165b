"""What the A4 invoice and the receipt share: ink colours, paragraph styles, money and text
helpers. Built per render where state is involved, so nothing is shared across threads."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from app.printing.document import InvoiceDocument, TenderLine
from app.printing.fonts import SANS, SANS_BOLD
from app.printing.formatting import format_money, format_unit_price

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5c5c5c")
RULE = colors.HexColor("#b8b8b8")
HEAD_BG = colors.HexColor("#ececec")
COPY_RED = colors.HexColor("#c0282d")


def table_style(commands: list[tuple]) -> TableStyle:
    """A TableStyle whose plain-string cells also use the embedded face (reportlab's default is
    an unembedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def safe_text(value: str) -> str:
    """User text made safe for reportlab's paragraph mark-up ('&', '<' in names)."""
    return escape(value)


def lines_markup(lines: Sequence[str]) -> str:
    return "<br/>".join(safe_text(line) for line in lines if line)


class Styles:
    """Paragraph styles for one size family; built per render so nothing is shared across threads."""

    def __init__(self, base: float) -> None:
        lead = base * 1.25
        self.body = ParagraphStyle("body", fontName=SANS, fontSize=base, leading=lead, textColor=INK)
        self.small = ParagraphStyle(
            "small", parent=self.body, fontSize=base - 1.5, leading=(base - 1.5) * 1.25, textColor=MUTED
        )
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=SANS_BOLD)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.bold_right = ParagraphStyle("bold_right", parent=self.bold, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.small_center = ParagraphStyle("small_center", parent=self.small, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", parent=self.small, fontName=SANS_BOLD, textColor=MUTED)
        self.title = ParagraphStyle(
            "title", parent=self.bold, fontSize=base * 2.2, leading=base * 2.6, alignment=TA_RIGHT
        )
        self.shop = ParagraphStyle("shop", parent=self.bold, fontSize=base * 1.55, leading=base * 1.9)
        self.copy = ParagraphStyle(
            "copy", parent=self.bold, fontSize=base * 1.5, leading=base * 1.9, textColor=COPY_RED, alignment=TA_RIGHT
        )


class Money:
    def __init__(self, doc: InvoiceDocument) -> None:
        self.currency = doc.currency_code
        self.locale = doc.locale

    def __call__(self, amount: Decimal) -> str:
        return format_money(amount, self.currency, self.locale)

    def minus(self, amount: Decimal) -> str:
        return format_money(-amount, self.currency, self.locale)

    def unit(self, amount: Decimal) -> str:
        return format_unit_price(amount, self.currency, self.locale)


def tender_label(tender: TenderLine) -> str:
    return f"{tender.label} ({tender.reference})" if tender.reference else tender.label


def doc_title(doc: InvoiceDocument) -> str:
    title = f"Invoice {doc.invoice_number}"
    return f"{title} - {doc.copy_label}" if doc.is_copy else title
