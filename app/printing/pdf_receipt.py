"""The 80 mm receipt: one page exactly as tall as its content, as a roll has no page breaks."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from app.printing.document import InvoiceDocument
from app.printing.fonts import SANS, register_fonts
from app.printing.formatting import format_moment
from app.printing.paper import paper_totals
from app.printing.pdf_style import INK, MUTED, Money, Styles, safe_text, table_style
from app.printing.text import Run, Text, bold, run
from app.printing.totals_block import key_value_table, payment_rows, summary_rows

RECEIPT_WIDTH = 80 * mm
"""Paper width of the receipt roll (226.77 pt)."""

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
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.6)
        self.canv.setDash(2, 1.5)
        self.canv.line(0, self.gap, self.width, self.gap)
        self.canv.restoreState()


def _receipt_story(doc: InvoiceDocument, width: float) -> list[Flowable]:
    st = Styles(8)
    money = Money(doc)
    shop = doc.shop
    shop_style = ParagraphStyle("rshop", parent=st.shop, alignment=TA_CENTER, fontSize=12, leading=15)
    story: list[Flowable] = [Text.one(shop.name, shop_style)]
    details = list(shop.address_lines)
    if shop.tax_id:
        details.append(f"Tax ID: {shop.tax_id}")
    details += [shop.phone, shop.email]
    if any(details):
        story.append(Text.of_lines(details, st.small_center))
    if doc.is_copy:
        banner = Table(
            [[Text.one(doc.copy_label, ParagraphStyle(
                "rcopy", parent=st.bold, fontSize=12, leading=15, alignment=TA_CENTER, textColor=colors.white))]],
            colWidths=[width],
        )
        banner.setStyle(table_style([
            ("BACKGROUND", (0, 0), (-1, -1), INK),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        story += [Spacer(1, 2 * mm), banner]
    if doc.cancelled:
        story += [Spacer(1, 2 * mm), Text.one("CANCELLED", ParagraphStyle(
            "rcancel", parent=st.bold, fontSize=12, leading=15, alignment=TA_CENTER))]
    story.append(Spacer(1, 2 * mm))
    facts = [[bold(f"Invoice {doc.invoice_number}", st.center)]]
    if doc.order_display_id:
        facts.append([run(f"Order #{doc.order_display_id}", st.center)])
    facts.append([run(format_moment(doc.paid_at or doc.issued_at, doc.locale), st.center)])
    if doc.customer_name:
        facts.append([run(f"Customer: {doc.customer_name}", st.center)])
    story.append(Text(facts, st.center))
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
    paper = paper_totals(doc)
    for line, printed in zip(doc.lines, paper.lines, strict=True):
        title = [run(line.title, st.body)]
        if line.subtitle:
            title.append(Run(" (" + " ".join(line.subtitle.split()) + ")", SANS, st.body.fontSize, MUTED))
        rows.append([Text([title], st.body), ""])
        commands.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
        detail = f"{line.quantity} \u00d7 {money.unit(printed.unit_price)}"
        if printed.discount:
            detail += f" = {money(printed.gross)}, discount {money.minus(printed.discount)}"
        rows.append([Text.one(detail, st.small), Text.one(money(printed.total), st.right)])
        commands.append(("BOTTOMPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 2.5))
        commands.append(("VALIGN", (0, len(rows) - 1), (-1, len(rows) - 1), "BOTTOM"))
    lines_table = Table(rows, colWidths=[width - amount_w, amount_w])
    lines_table.setStyle(table_style(commands))
    story += [lines_table, _Rule(width)]

    columns = [width - amount_w, amount_w]
    story.append(key_value_table(summary_rows(doc, money, paper), st, columns, rule_above_total=False))
    story.append(_Rule(width))
    if doc.tenders or doc.totals.paid_total:
        story.append(key_value_table(payment_rows(doc, money), st, columns, rule_above_total=False))
    if doc.notes:
        story += [Spacer(1, 2 * mm), Paragraph(safe_text(doc.notes).replace("\n", "<br/>"), st.small)]
    if shop.footer_text:
        story += [_Rule(width), Text.one(shop.footer_text, st.small_center)]
    if doc.is_copy:
        story += [Spacer(1, 1.5 * mm), Text([[bold(doc.copy_label, st.center)]], st.center)]
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


__all__ = ["RECEIPT_WIDTH", "render_receipt"]
