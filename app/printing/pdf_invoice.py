"""The A4 invoice: header, parties, the line table over as many pages as it needs, and the
totals and payments kept together on the last page."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from app.domain.printed import PrintedLine
from app.printing.document import InvoiceDocument, InvoiceLine
from app.printing.fonts import SANS, SANS_BOLD, register_fonts
from app.printing.formatting import format_day, format_rate
from app.printing.line_table import LineTable
from app.printing.paper import paper_totals
from app.printing.pdf_style import (
    COPY_RED,
    HEAD_BG,
    INK,
    MUTED,
    RULE,
    Money,
    Styles,
    doc_title,
    safe_text,
    table_style,
)
from app.printing.text import Run, Text, run
from app.printing.totals_block import key_value_table, payment_rows, summary_rows

log = logging.getLogger(__name__)

_A4_MARGIN_X = 16 * mm
_A4_MARGIN_TOP = 16 * mm
_A4_MARGIN_BOTTOM = 22 * mm
_NO_SIDE_PADDING = (("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0))


def _numbered_canvas(doc: InvoiceDocument) -> type[Canvas]:
    """A canvas that defers each page until the end so the footer can say 'Page x of y'."""

    footer = doc.shop.footer_text

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            # Otherwise reportlab lists an unembedded Helvetica on every page.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or SANS
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(_A4_MARGIN_X, 14 * mm, width - _A4_MARGIN_X, 14 * mm)
            self.setFillColor(MUTED)
            self.setFont(SANS, 7.5)
            page_label = f"Page {number} of {total}"
            self.drawRightString(width - _A4_MARGIN_X, 10 * mm, page_label)
            if footer:
                # Wrapped to the room left of the page number (two lines at most), so a long
                # thank-you note never runs into it.
                room = width - 2 * _A4_MARGIN_X - stringWidth(page_label, SANS, 7.5) - 8 * mm
                lines = simpleSplit(footer, SANS, 7.5, room)[:2]
                for i, text in enumerate(lines):
                    self.drawString(_A4_MARGIN_X, 10 * mm - i * 9, text)
            self.restoreState()

    return NumberedCanvas


def _on_a4_page(doc: InvoiceDocument) -> Callable[[Canvas, BaseDocTemplate], None]:
    heading = f"{doc.shop.name} \u2013 {doc_title(doc)}"

    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        if doc.is_copy:
            # Drawn before the page's content so the watermark sits behind the text.
            canvas.setFillColor(COPY_RED)
            canvas.setFillAlpha(0.10)
            canvas.setFont(SANS_BOLD, 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, -38, doc.copy_label)
            canvas.rotate(-40)
            canvas.translate(-width / 2, -height / 2)
            canvas.setFillAlpha(1)
        if doc.cancelled:
            canvas.setFillColor(COPY_RED)
            canvas.setFillAlpha(0.12)
            canvas.setFont(SANS_BOLD, 90)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(-40)
            canvas.drawCentredString(0, -30, "CANCELLED")
            canvas.rotate(40)
            canvas.translate(-width / 2, -height / 2)
            canvas.setFillAlpha(1)
        if canvas.getPageNumber() > 1:
            canvas.setFillColor(MUTED)
            canvas.setFont(SANS, 7.5)
            canvas.drawString(_A4_MARGIN_X, height - 10 * mm, heading)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(_A4_MARGIN_X, height - 11.5 * mm, width - _A4_MARGIN_X, height - 11.5 * mm)
        canvas.restoreState()

    return draw


def _logo(path: Path | str, max_width: float, max_height: float) -> Flowable | None:
    try:
        reader = ImageReader(str(path))
        img_w, img_h = reader.getSize()
    except Exception as exc:  # noqa: BLE001 - a broken logo file must not stop the invoice
        log.warning("Shop logo %s cannot be read (%s); printing without it", path, exc)
        return None
    scale = min(max_width / img_w, max_height / img_h, 1.0)
    image = Image(str(path), width=img_w * scale, height=img_h * scale)
    image.hAlign = "LEFT"
    return image


def _a4_header(doc: InvoiceDocument, st: Styles, width: float) -> Flowable:
    shop = doc.shop
    left: list[Flowable] = []
    if shop.logo_path is not None:
        logo = _logo(shop.logo_path, 60 * mm, 20 * mm)
        if logo is not None:
            left += [logo, Spacer(1, 2 * mm)]
    left.append(Text.one(shop.name, st.shop))
    details = list(shop.address_lines)
    if shop.tax_id:
        details.append(f"Tax ID: {shop.tax_id}")
    details += [shop.phone, shop.email]
    left.append(Text.of_lines(details, st.body))

    right: list[Flowable] = [Text.one("INVOICE", st.title)]
    if doc.cancelled:
        right.append(Text.one("CANCELLED", st.copy))
    if doc.is_copy:
        right.append(Text.one(doc.copy_label, st.copy))
    facts = [("Invoice no.", doc.invoice_number)]
    if doc.order_display_id:
        facts.append(("Order", f"#{doc.order_display_id}"))
    facts.append(("Issued", format_day(doc.issued_at, doc.locale)))
    if doc.paid_at is not None:
        facts.append(("Paid", format_day(doc.paid_at, doc.locale)))
    facts_table = Table(
        [[Text.one(label, st.label), Text.one(value, st.bold_right)] for label, value in facts],
        colWidths=[26 * mm, 46 * mm],
    )
    facts_table.setStyle(
        table_style([
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            *_NO_SIDE_PADDING,
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ])
    )
    right += [Spacer(1, 2 * mm), facts_table]

    table = Table([[left, right]], colWidths=[width - 72 * mm, 72 * mm])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_SIDE_PADDING]))
    return table


def _a4_parties(doc: InvoiceDocument, st: Styles, width: float) -> Flowable:
    bill = list(doc.billing_address.printable_lines()) if doc.billing_address else []
    if doc.customer_name and doc.customer_name not in bill:
        bill.insert(0, doc.customer_name)
    if doc.customer_email:
        bill.append(doc.customer_email)
    ship = list(doc.shipping_address.printable_lines()) if doc.shipping_address else []
    ship_cell: list[Flowable] = [Text.one("SHIP TO", st.label)]
    ship_cell.append(Text.of_lines(ship if any(ship) else ["\u2013"], st.body))
    if doc.shipping_method_name:
        ship_cell.append(Text.one(f"Shipping method: {doc.shipping_method_name}", st.small))
    bill_cell = [Text.one("BILL TO", st.label), Text.of_lines(bill if any(bill) else ["\u2013"], st.body)]
    table = Table([[bill_cell, ship_cell]], colWidths=[width / 2, width / 2])
    table.setStyle(
        table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
        ])
    )
    return table


_COLUMNS = ("SKU", "Description", "Qty", "Unit price", "Discount", "Tax", "Total")


def _a4_lines(doc: InvoiceDocument, st: Styles, width: float, money: Money) -> Flowable:
    # SKU wide enough for an 18-character code on one line (COF-ETH-KOC-250-FG).
    fixed = [30 * mm, None, 10 * mm, 21 * mm, 19 * mm, 16 * mm, 23 * mm]
    description_width = width - sum(w for w in fixed if w)
    widths = [w if w else description_width for w in fixed]
    head_style = ParagraphStyle("head", parent=st.label, textColor=INK)
    head_right = ParagraphStyle("head_r", parent=head_style, alignment=TA_RIGHT)
    header = [Text.one(name, head_style if i < 2 else head_right) for i, name in enumerate(_COLUMNS)]
    sku_style = ParagraphStyle("sku", parent=st.small, textColor=INK)
    rows: list[list[Text]] = [header]
    for line, printed in zip(doc.lines, paper_totals(doc).lines, strict=True):
        rows.append(_a4_line_row(line, printed, st, sku_style, money, doc.locale))
    return LineTable(rows[0], rows[1:], widths, padding=3, head_background=HEAD_BG, head_rule=(0.8, INK),
                     row_rule=(0.25, RULE))


def _a4_line_row(line: InvoiceLine, printed: PrintedLine, st: Styles, sku_style: ParagraphStyle, money: Money,
                 locale: str) -> list[Text]:
    description = [[run(line.title, st.body)]]
    if line.subtitle:
        # The subtitle in the small size but the body's face and leading, as before.
        description.append([Run(" ".join(line.subtitle.split()), SANS, st.small.fontSize, MUTED)])
    return [
        Text.one(line.sku, sku_style),
        Text(description, st.body),
        Text.one(str(line.quantity), st.right),
        Text.one(money.unit(printed.unit_price), st.right),
        Text.one(money.minus(printed.discount) if printed.discount else "\u2013", st.right),
        Text.one(format_rate(line.tax_rate, locale), st.right),
        Text.one(money(printed.total), st.right),
    ]


def _a4_closing(doc: InvoiceDocument, st: Styles, width: float, money: Money) -> Flowable:
    totals = key_value_table(summary_rows(doc, money), st, [52 * mm, 30 * mm], rule_above_total=True)
    payment_cell: list[Flowable] = []
    if doc.tenders or doc.totals.paid_total:
        payment_cell.append(Text.one("PAYMENT", st.label))
        payment_cell.append(Spacer(1, 1 * mm))
        payment_cell.append(key_value_table(payment_rows(doc, money), st, [48 * mm, 28 * mm], rule_above_total=False))
    if doc.totals.tax_inclusive:
        payment_cell += [Spacer(1, 2 * mm), Text.one("Prices include tax.", st.small)]
    table = Table([[payment_cell, totals]], colWidths=[width - 82 * mm, 82 * mm])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_SIDE_PADDING]))
    return table


def render_invoice_a4(doc: InvoiceDocument) -> bytes:
    """The A4 invoice as PDF bytes; the line table runs over as many pages as it needs."""
    register_fonts()
    st = Styles(8.5)
    money = Money(doc)
    buffer = io.BytesIO()
    page_w, page_h = A4
    width = page_w - 2 * _A4_MARGIN_X
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_A4_MARGIN_X,
        rightMargin=_A4_MARGIN_X,
        topMargin=_A4_MARGIN_TOP,
        bottomMargin=_A4_MARGIN_BOTTOM,
        title=doc_title(doc),
        author=doc.shop.name,
        subject=f"Order #{doc.order_display_id}" if doc.order_display_id else "",
        creator="Tilldesk",
        invariant=1,
        initialFontName=SANS,
    )
    frame = Frame(_A4_MARGIN_X, _A4_MARGIN_BOTTOM, width, page_h - _A4_MARGIN_TOP - _A4_MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_on_a4_page(doc))])

    story: list[Flowable] = [
        _a4_header(doc, st, width),
        Spacer(1, 8 * mm),
        _a4_parties(doc, st, width),
        Spacer(1, 7 * mm),
        _a4_lines(doc, st, width, money),
        Spacer(1, 5 * mm),
    ]
    if doc.notes:
        notes = safe_text(doc.notes).replace("\n", "<br/>")
        story += [Paragraph("NOTES", st.label), Paragraph(notes, st.body), Spacer(1, 5 * mm)]
    # Totals and payments travel together and come last, so they always land on the last page.
    story.append(KeepTogether([_a4_closing(doc, st, width, money)]))
    template.build(story, canvasmaker=_numbered_canvas(doc))
    return buffer.getvalue()


__all__ = ["render_invoice_a4"]
