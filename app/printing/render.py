"""PDF renderers: an A4 invoice and an 80 mm receipt, both drawn from one `InvoiceDocument`."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
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
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.printing.document import InvoiceDocument, InvoiceLine, TenderLine
from app.printing.fonts import SANS, SANS_BOLD, register_fonts
from app.printing.formatting import format_day, format_moment, format_money, format_rate, round_for_print

log = logging.getLogger(__name__)

RECEIPT_WIDTH = 80 * mm
"""Paper width of the receipt roll (226.77 pt)."""

_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#5c5c5c")
_RULE = colors.HexColor("#b8b8b8")
_HEAD_BG = colors.HexColor("#ececec")
_COPY_RED = colors.HexColor("#c0282d")


def _table_style(commands: list[tuple]) -> TableStyle:
    """A TableStyle whose plain-string cells also use the embedded face (reportlab's default is
    an unembedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def _text(value: str) -> str:
    """User text made safe for reportlab's paragraph mark-up ('&', '<' in names)."""
    return escape(value)


def _lines_markup(lines: Sequence[str]) -> str:
    return "<br/>".join(_text(line) for line in lines if line)


class _Styles:
    """Paragraph styles for one size family; built per render so nothing is shared across threads."""

    def __init__(self, base: float) -> None:
        lead = base * 1.25
        self.body = ParagraphStyle("body", fontName=SANS, fontSize=base, leading=lead, textColor=_INK)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=base - 1.5, leading=(base - 1.5) * 1.25, textColor=_MUTED)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=SANS_BOLD)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.bold_right = ParagraphStyle("bold_right", parent=self.bold, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.small_center = ParagraphStyle("small_center", parent=self.small, alignment=TA_CENTER)
        self.label = ParagraphStyle("label", parent=self.small, fontName=SANS_BOLD, textColor=_MUTED)
        self.title = ParagraphStyle("title", parent=self.bold, fontSize=base * 2.2, leading=base * 2.6, alignment=TA_RIGHT)
        self.shop = ParagraphStyle("shop", parent=self.bold, fontSize=base * 1.55, leading=base * 1.9)
        self.copy = ParagraphStyle(
            "copy", parent=self.bold, fontSize=base * 1.5, leading=base * 1.9, textColor=_COPY_RED, alignment=TA_RIGHT
        )


class _Money:
    def __init__(self, doc: InvoiceDocument) -> None:
        self.currency = doc.currency_code
        self.locale = doc.locale

    def __call__(self, amount: Decimal) -> str:
        return format_money(amount, self.currency, self.locale)

    def minus(self, amount: Decimal) -> str:
        return format_money(-amount, self.currency, self.locale)


def _tender_label(tender: TenderLine) -> str:
    return f"{tender.label} ({tender.reference})" if tender.reference else tender.label


def _doc_title(doc: InvoiceDocument) -> str:
    title = f"Invoice {doc.invoice_number}"
    return f"{title} - {doc.copy_label}" if doc.is_copy else title


# --------------------------------------------------------------------------------------------
# A4 invoice
# --------------------------------------------------------------------------------------------

_A4_MARGIN_X = 16 * mm
_A4_MARGIN_TOP = 16 * mm
_A4_MARGIN_BOTTOM = 22 * mm


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
            self.setStrokeColor(_RULE)
            self.setLineWidth(0.5)
            self.line(_A4_MARGIN_X, 14 * mm, width - _A4_MARGIN_X, 14 * mm)
            self.setFillColor(_MUTED)
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
    heading = f"{doc.shop.name} \u2013 {_doc_title(doc)}"

    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        if doc.is_copy:
            # Drawn before the page's content so the watermark sits behind the text.
            canvas.setFillColor(_COPY_RED)
            canvas.setFillAlpha(0.10)
            canvas.setFont(SANS_BOLD, 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, -38, doc.copy_label)
            canvas.rotate(-40)
            canvas.translate(-width / 2, -height / 2)
            canvas.setFillAlpha(1)
        if canvas.getPageNumber() > 1:
            canvas.setFillColor(_MUTED)
            canvas.setFont(SANS, 7.5)
            canvas.drawString(_A4_MARGIN_X, height - 10 * mm, heading)
            canvas.setStrokeColor(_RULE)
            canvas.setLineWidth(0.5)
            canvas.line(_A4_MARGIN_X, height - 11.5 * mm, width - _A4_MARGIN_X, height - 11.5 * mm)
        canvas.restoreState()

    return draw


def _logo(path, max_width: float, max_height: float) -> Flowable | None:
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


def _a4_header(doc: InvoiceDocument, st: _Styles, width: float) -> Flowable:
    shop = doc.shop
    left: list[Flowable] = []
    if shop.logo_path is not None:
        logo = _logo(shop.logo_path, 60 * mm, 20 * mm)
        if logo is not None:
            left += [logo, Spacer(1, 2 * mm)]
    left.append(Paragraph(_text(shop.name), st.shop))
    details = list(shop.address_lines)
    if shop.tax_id:
        details.append(f"Tax ID: {shop.tax_id}")
    details += [shop.phone, shop.email]
    left.append(Paragraph(_lines_markup(details), st.body))

    right: list[Flowable] = [Paragraph("INVOICE", st.title)]
    if doc.is_copy:
        right.append(Paragraph(_text(doc.copy_label), st.copy))
    facts = [("Invoice no.", doc.invoice_number)]
    if doc.order_display_id:
        facts.append(("Order", f"#{doc.order_display_id}"))
    facts.append(("Issued", format_day(doc.issued_at, doc.locale)))
    if doc.paid_at is not None:
        facts.append(("Paid", format_day(doc.paid_at, doc.locale)))
    facts_table = Table(
        [[Paragraph(label, st.label), Paragraph(_text(value), st.bold_right)] for label, value in facts],
        colWidths=[26 * mm, 46 * mm],
    )
    facts_table.setStyle(
        _table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    )
    right += [Spacer(1, 2 * mm), facts_table]

    table = Table([[left, right]], colWidths=[width - 72 * mm, 72 * mm])
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _a4_parties(doc: InvoiceDocument, st: _Styles, width: float) -> Flowable:
    bill = list(doc.billing_address.printable_lines()) if doc.billing_address else []
    if doc.customer_name and doc.customer_name not in bill:
        bill.insert(0, doc.customer_name)
    if doc.customer_email:
        bill.append(doc.customer_email)
    ship = list(doc.shipping_address.printable_lines()) if doc.shipping_address else []
    ship_cell: list[Flowable] = [Paragraph("SHIP TO", st.label)]
    ship_cell.append(Paragraph(_lines_markup(ship) or "\u2013", st.body))
    if doc.shipping_method_name:
        ship_cell.append(Paragraph(f"Shipping method: {_text(doc.shipping_method_name)}", st.small))
    bill_cell = [Paragraph("BILL TO", st.label), Paragraph(_lines_markup(bill) or "\u2013", st.body)]
    table = Table([[bill_cell, ship_cell]], colWidths=[width / 2, width / 2])
    table.setStyle(
        _table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("LINEABOVE", (0, 0), (-1, 0), 0.5, _RULE), ("TOPPADDING", (0, 0), (-1, -1), 4)])
    )
    return table


_COLUMNS = ("SKU", "Description", "Qty", "Unit price", "Discount", "Tax", "Total")


def _a4_lines(doc: InvoiceDocument, st: _Styles, width: float, money: _Money) -> Flowable:
    # SKU wide enough for an 18-character code on one line (COF-ETH-KOC-250-FG).
    fixed = [30 * mm, None, 10 * mm, 21 * mm, 19 * mm, 16 * mm, 23 * mm]
    description_width = width - sum(w for w in fixed if w)
    widths = [w if w else description_width for w in fixed]
    head_style = ParagraphStyle("head", parent=st.label, textColor=_INK)
    head_right = ParagraphStyle("head_r", parent=head_style, alignment=TA_RIGHT)
    header = [Paragraph(name, head_style if i < 2 else head_right) for i, name in enumerate(_COLUMNS)]
    sku_style = ParagraphStyle("sku", parent=st.small, textColor=_INK)
    rows: list[list] = [header]
    for line in doc.lines:
        rows.append(_a4_line_row(line, st, sku_style, money, doc.locale))
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _a4_line_row(line: InvoiceLine, st: _Styles, sku_style: ParagraphStyle, money: _Money, locale: str) -> list:
    description = _text(line.title)
    if line.subtitle:
        description += f'<br/><font size="{st.small.fontSize}" color="#5c5c5c">{_text(line.subtitle)}</font>'
    return [
        Paragraph(_text(line.sku), sku_style),
        Paragraph(description, st.body),
        Paragraph(str(line.quantity), st.right),
        Paragraph(money(line.unit_price), st.right),
        Paragraph(money.minus(line.discount) if line.discount else "\u2013", st.right),
        Paragraph(format_rate(line.tax_rate, locale), st.right),
        Paragraph(money(line.line_total), st.right),
    ]


def _summary_rows(doc: InvoiceDocument, money: _Money) -> list[tuple[str, str, str]]:
    """(label, amount, kind) rows shared by the A4 totals block and the receipt; kind in
    {'', 'tax', 'total', 'strong'} picks the emphasis."""
    t = doc.totals
    rows: list[tuple[str, str, str]] = [("Subtotal", money(t.subtotal), "")]
    if t.discount_total:
        rows.append(("Discount", money.minus(t.discount_total), ""))
    if t.shipping_total or doc.shipping_method_name:
        label = f"Shipping ({doc.shipping_method_name})" if doc.shipping_method_name else "Shipping"
        rows.append((label, money(t.shipping_total), ""))
    if not t.tax_inclusive:
        rows += _tax_rows(doc, money)
    rows.append(("Total", money(t.total), "total"))
    if round_for_print(t.total, doc.currency_code) != round_for_print(t.amount_due, doc.currency_code):
        rows.append(("Rounding", money(t.amount_due - t.total) if t.amount_due >= t.total else money.minus(t.total - t.amount_due), ""))
        rows.append(("Amount due", money(t.amount_due), "strong"))
    if t.tax_inclusive:
        rows += _tax_rows(doc, money)
    return rows


def _tax_rows(doc: InvoiceDocument, money: _Money) -> list[tuple[str, str, str]]:
    prefix = "incl. " if doc.totals.tax_inclusive else ""
    rows = []
    for tax in doc.tax_lines:
        rate = format_rate(tax.rate, doc.locale)
        rows.append((f"{prefix}{tax.name} {rate} on {money(tax.taxable_amount)}", money(tax.amount), "tax"))
    if not doc.tax_lines and doc.totals.tax_total:
        rows.append((f"{prefix}Tax", money(doc.totals.tax_total), "tax"))
    return rows


def _payment_rows(doc: InvoiceDocument, money: _Money) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for tender in doc.tenders:
        rows.append((_tender_label(tender), money(tender.amount), ""))
        if tender.amount_tendered is not None:
            rows.append(("  Tendered", money(tender.amount_tendered), "tax"))
    rows.append(("Paid", money(doc.totals.paid_total), "strong"))
    if doc.totals.change_given:
        rows.append(("Change given", money(doc.totals.change_given), "strong"))
    return rows


def _key_value_table(rows: list[tuple[str, str, str]], st: _Styles, widths: list[float], *, rule_above_total: bool) -> Table:
    cells = []
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]
    big = ParagraphStyle("big", parent=st.bold, fontSize=st.body.fontSize * 1.25, leading=st.body.fontSize * 1.6)
    big_right = ParagraphStyle("big_r", parent=big, alignment=TA_RIGHT)
    for index, (label, amount, kind) in enumerate(rows):
        if kind == "total":
            cells.append([Paragraph(_text(label), big), Paragraph(amount, big_right)])
            if rule_above_total:
                commands.append(("LINEABOVE", (0, index), (-1, index), 0.8, _INK))
                commands.append(("TOPPADDING", (0, index), (-1, index), 3))
        elif kind == "strong":
            cells.append([Paragraph(_text(label), st.bold), Paragraph(amount, st.bold_right)])
        elif kind == "tax":
            cells.append([Paragraph(_text(label), st.small), Paragraph(amount, ParagraphStyle("sr", parent=st.small, alignment=TA_RIGHT))])
        else:
            cells.append([Paragraph(_text(label), st.body), Paragraph(amount, st.right)])
    table = Table(cells, colWidths=widths)
    table.setStyle(_table_style(commands))
    return table


def _a4_closing(doc: InvoiceDocument, st: _Styles, width: float, money: _Money) -> Flowable:
    totals = _key_value_table(_summary_rows(doc, money), st, [52 * mm, 30 * mm], rule_above_total=True)
    payment_cell: list[Flowable] = []
    if doc.tenders or doc.totals.paid_total:
        payment_cell.append(Paragraph("PAYMENT", st.label))
        payment_cell.append(Spacer(1, 1 * mm))
        payment_cell.append(_key_value_table(_payment_rows(doc, money), st, [48 * mm, 28 * mm], rule_above_total=False))
    if doc.totals.tax_inclusive:
        payment_cell += [Spacer(1, 2 * mm), Paragraph("Prices include tax.", st.small)]
    table = Table([[payment_cell, totals]], colWidths=[width - 82 * mm, 82 * mm])
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def render_invoice_a4(doc: InvoiceDocument) -> bytes:
    """The A4 invoice as PDF bytes; the line table runs over as many pages as it needs."""
    register_fonts()
    st = _Styles(8.5)
    money = _Money(doc)
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
        title=_doc_title(doc),
        author=doc.shop.name,
        subject=f"Order #{doc.order_display_id}" if doc.order_display_id else "",
        creator="Tilldesk",
        invariant=1,
        initialFontName=SANS,
    )
    frame = Frame(_A4_MARGIN_X, _A4_MARGIN_BOTTOM, width, page_h - _A4_MARGIN_TOP - _A4_MARGIN_BOTTOM, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
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
        story += [Paragraph("NOTES", st.label), Paragraph(_text(doc.notes).replace("\n", "<br/>"), st.body), Spacer(1, 5 * mm)]
    # Totals and payments travel together and come last, so they always land on the last page.
    story.append(KeepTogether([_a4_closing(doc, st, width, money)]))
    template.build(story, canvasmaker=_numbered_canvas(doc))
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# 80 mm receipt
# --------------------------------------------------------------------------------------------

_RECEIPT_MARGIN_X = 4 * mm
_RECEIPT_MARGIN_Y = 5 * mm


class _Rule(Flowable):
    """A dashed separator across the receipt."""

    def __init__(self, width: float, gap: float = 3) -> None:
        super().__init__()
        self.width = width
        self.gap = gap

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, 2 * self.gap

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(_INK)
        self.canv.setLineWidth(0.6)
        self.canv.setDash(2, 1.5)
        self.canv.line(0, self.gap, self.width, self.gap)
        self.canv.restoreState()


def _receipt_story(doc: InvoiceDocument, width: float) -> list[Flowable]:
    st = _Styles(8)
    money = _Money(doc)
    shop = doc.shop
    story: list[Flowable] = [Paragraph(_text(shop.name), ParagraphStyle("rshop", parent=st.shop, alignment=TA_CENTER, fontSize=12, leading=15))]
    details = list(shop.address_lines)
    if shop.tax_id:
        details.append(f"Tax ID: {shop.tax_id}")
    details += [shop.phone, shop.email]
    if any(details):
        story.append(Paragraph(_lines_markup(details), st.small_center))
    if doc.is_copy:
        banner = Table(
            [[Paragraph(_text(doc.copy_label), ParagraphStyle("rcopy", parent=st.bold, fontSize=12, leading=15, alignment=TA_CENTER, textColor=colors.white))]],
            colWidths=[width],
        )
        banner.setStyle(_table_style([("BACKGROUND", (0, 0), (-1, -1), _INK), ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story += [Spacer(1, 2 * mm), banner]
    story.append(Spacer(1, 2 * mm))
    facts = [f"<b>Invoice {_text(doc.invoice_number)}</b>"]
    if doc.order_display_id:
        facts.append(f"Order #{_text(doc.order_display_id)}")
    facts.append(_text(format_moment(doc.paid_at or doc.issued_at, doc.locale)))
    if doc.customer_name:
        facts.append(f"Customer: {_text(doc.customer_name)}")
    story.append(Paragraph("<br/>".join(facts), st.center))
    story.append(_Rule(width))

    amount_w = 24 * mm
    rows: list[list] = []
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]
    for line in doc.lines:
        title = _text(line.title)
        if line.subtitle:
            title += f' <font color="#5c5c5c">({_text(line.subtitle)})</font>'
        rows.append([Paragraph(title, st.body), ""])
        commands.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
        detail = f"{line.quantity} \u00d7 {money(line.unit_price)}"
        if line.discount:
            detail += f"  discount {money.minus(line.discount)}"
        rows.append([Paragraph(detail, st.small), Paragraph(money(line.line_total), st.right)])
        commands.append(("BOTTOMPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 2.5))
        commands.append(("VALIGN", (0, len(rows) - 1), (-1, len(rows) - 1), "BOTTOM"))
    lines_table = Table(rows, colWidths=[width - amount_w, amount_w])
    lines_table.setStyle(_table_style(commands))
    story += [lines_table, _Rule(width)]

    story.append(_key_value_table(_summary_rows(doc, money), st, [width - amount_w, amount_w], rule_above_total=False))
    story.append(_Rule(width))
    if doc.tenders or doc.totals.paid_total:
        story.append(_key_value_table(_payment_rows(doc, money), st, [width - amount_w, amount_w], rule_above_total=False))
    if doc.notes:
        story += [Spacer(1, 2 * mm), Paragraph(_text(doc.notes).replace("\n", "<br/>"), st.small)]
    if shop.footer_text:
        story += [_Rule(width), Paragraph(_text(shop.footer_text), st.small_center)]
    if doc.is_copy:
        story += [Spacer(1, 1.5 * mm), Paragraph(f"<b>{_text(doc.copy_label)}</b>", st.center)]
    return story


def render_receipt(doc: InvoiceDocument) -> bytes:
    """The receipt as a one-page PDF, 80 mm wide and exactly as tall as its content."""
    register_fonts()
    width = RECEIPT_WIDTH - 2 * _RECEIPT_MARGIN_X
    story = _receipt_story(doc, width)
    # Measure first: a roll has no page breaks, so the page is sized to the content.
    content_height = sum(flowable.wrap(width, 1e6)[1] for flowable in story)
    page_height = content_height + 2 * _RECEIPT_MARGIN_Y
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(RECEIPT_WIDTH, page_height), invariant=1, initialFontName=SANS)
    canvas.setTitle(f"Receipt {doc.invoice_number}" + (f" - {doc.copy_label}" if doc.is_copy else ""))
    canvas.setAuthor(doc.shop.name)
    canvas.setCreator("Tilldesk")
    y = page_height - _RECEIPT_MARGIN_Y
    for flowable in story:
        _w, h = flowable.wrap(width, 1e6)
        y -= h
        flowable.drawOn(canvas, _RECEIPT_MARGIN_X, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["RECEIPT_WIDTH", "render_invoice_a4", "render_receipt"]
