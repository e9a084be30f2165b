"""Credit notes: what a refund gave back, on A4 and on the 80 mm roll, naming the original invoice.

One small document model (amounts are what went back, zero or positive, already rounded to the
currency since money changed hands), two renderers sharing one story. A reprint says COPY n.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from app.printing.document import InvalidDocumentError, ShopDetails
from app.printing.fonts import SANS, register_fonts
from app.printing.formatting import format_moment, format_money
from app.printing.pdf_receipt import RECEIPT_WIDTH
from app.printing.pdf_style import COPY_RED, HEAD_BG, RULE, Styles, lines_markup, safe_text, table_style


@dataclass(frozen=True, slots=True)
class CreditNoteLine:
    title: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CreditNoteDocument:
    shop: ShopDetails
    number: str
    invoice_number: str
    order_display_id: str
    issued_at: dt.datetime
    currency_code: str
    locale: str
    lines: tuple[CreditNoteLine, ...]
    total: Decimal
    tenders: tuple[tuple[str, Decimal], ...]  # (label, amount)
    customer_name: str = ""
    reason: str = ""
    is_cancellation: bool = False
    restocked: bool = False
    copy_number: int = 0
    deduction: Decimal = Decimal(0)  # what earlier refunds already gave back of these goods

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise InvalidDocumentError("CreditNoteDocument.number must not be empty")
        if not self.invoice_number.strip():
            raise InvalidDocumentError("CreditNoteDocument.invoice_number must not be empty")
        amounts = [("total", self.total), ("deduction", self.deduction)]
        amounts += [(f"lines[{i}].amount", x.amount) for i, x in enumerate(self.lines)]
        amounts += [(f"tenders[{i}]", a) for i, (_, a) in enumerate(self.tenders)]
        for name, value in amounts:
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise InvalidDocumentError(f"CreditNoteDocument.{name} must be a Decimal of zero or more, "
                                           f"got {value!r}")
        if sum((x.amount for x in self.lines), Decimal(0)) - self.deduction != self.total:
            raise InvalidDocumentError("CreditNoteDocument.total must be the lines less the deduction")
        if self.copy_number < 0:
            raise InvalidDocumentError("CreditNoteDocument.copy_number must be 0 (original) or more")

    @property
    def copy_label(self) -> str:
        return f"COPY {self.copy_number}" if self.copy_number else ""

    @property
    def title(self) -> str:
        return f"Credit note {self.number}" + (f" - {self.copy_label}" if self.copy_number else "")


def _story(doc: CreditNoteDocument, width: float, base: float) -> list[Flowable]:
    st = Styles(base)
    money = lambda x: format_money(x, doc.currency_code, doc.locale)  # noqa: E731
    center_big = ParagraphStyle("cn_head", parent=st.bold, fontSize=base * 1.6, leading=base * 2,
                                alignment=TA_CENTER)
    story: list[Flowable] = [Paragraph(safe_text(doc.shop.name), center_big)]
    details = [*doc.shop.address_lines, f"Tax ID: {doc.shop.tax_id}" if doc.shop.tax_id else "",
               doc.shop.phone, doc.shop.email]
    if any(details):
        story.append(Paragraph(lines_markup(details), st.small_center))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("CREDIT NOTE", center_big))
    if doc.copy_number:
        story.append(Paragraph(f"<b>{safe_text(doc.copy_label)}</b>", ParagraphStyle(
            "cn_copy", parent=st.bold, textColor=COPY_RED, alignment=TA_CENTER, fontSize=base * 1.4,
            leading=base * 1.8)))
    facts = [f"<b>{safe_text(doc.number)}</b>", f"for invoice {safe_text(doc.invoice_number)}"]
    if doc.order_display_id:
        facts.append(f"Order #{safe_text(doc.order_display_id)}")
    facts.append(safe_text(format_moment(doc.issued_at, doc.locale)))
    if doc.customer_name:
        facts.append(f"Customer: {safe_text(doc.customer_name)}")
    if doc.is_cancellation:
        facts.append("<b>Order cancelled</b>")
    story += [Paragraph("<br/>".join(facts), st.center), Spacer(1, 3 * mm)]

    amount_w = min(30 * mm, width * 0.3)
    rows: list[list[object]] = [[Paragraph("<b>Refunded</b>", st.body), Paragraph("<b>Amount</b>", st.right)]]
    for ln in doc.lines:
        label = f"{ln.quantity} \u00d7 {safe_text(ln.title)}" if ln.quantity else safe_text(ln.title)
        rows.append([Paragraph(label, st.body), Paragraph(money(ln.amount), st.right)])
    if doc.deduction:
        rows.append([Paragraph("Less already refunded before", st.body),
                     Paragraph(money(-doc.deduction), st.right)])
    rows.append([Paragraph("<b>Total refunded</b>", st.body), Paragraph(f"<b>{money(doc.total)}</b>", st.right)])
    table = Table(rows, colWidths=[width - amount_w, amount_w])
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
    ]))
    story += [table, Spacer(1, 3 * mm)]
    paid_back = [[Paragraph(f"Paid back: {safe_text(label)}", st.body), Paragraph(money(amount), st.right)]
                 for label, amount in doc.tenders]
    if paid_back:
        t2 = Table(paid_back, colWidths=[width - amount_w, amount_w])
        t2.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1)]))
        story.append(t2)
    notes = []
    if doc.reason:
        notes.append(f"Reason: {safe_text(doc.reason)}")
    if doc.restocked:
        notes.append("Returned goods put back in stock.")
    if notes:
        story += [Spacer(1, 2 * mm), Paragraph("<br/>".join(notes), st.small)]
    if doc.shop.footer_text:
        story += [Spacer(1, 3 * mm), Paragraph(safe_text(doc.shop.footer_text), st.small_center)]
    return story


def render_credit_note_a4(doc: CreditNoteDocument) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    margin = 18 * mm
    template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                 bottomMargin=margin, title=doc.title, author=doc.shop.name, creator="Tilldesk",
                                 invariant=1, initialFontName=SANS)
    template.build(_story(doc, A4[0] - 2 * margin, 10))
    return buffer.getvalue()


def render_credit_note_receipt(doc: CreditNoteDocument) -> bytes:
    """80 mm wide, one page exactly as tall as its content (a roll has no page breaks)."""
    register_fonts()
    margin_x, margin_y = 4 * mm, 5 * mm
    width = RECEIPT_WIDTH - 2 * margin_x
    story = _story(doc, width, 8)
    height = sum(f.wrap(width, 1e6)[1] for f in story) + 2 * margin_y
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(RECEIPT_WIDTH, height), invariant=1, initialFontName=SANS)
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.shop.name)
    canvas.setCreator("Tilldesk")
    y = height - margin_y
    for f in story:
        _w, h = f.wrap(width, 1e6)
        y -= h
        f.drawOn(canvas, margin_x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["CreditNoteDocument", "CreditNoteLine", "render_credit_note_a4", "render_credit_note_receipt"]
