"""X and Z reports of a shift as PDF: A4 for the back office, 80 mm for the receipt printer.

Every printed amount is one the report already holds, rounded to the currency (the report does
that rounding once), so the printed lines add up to the cent: net plus the tax lines is gross,
float plus sales minus refunds plus cash in minus cash out is expected, counted minus expected
is the difference."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from app.domain.shift_report import ShiftReport
from app.printing.fonts import SANS, SANS_BOLD, register_fonts
from app.printing.formatting import format_moment, format_money, format_rate
from app.printing.pdf_style import RULE, Styles, safe_text, table_style

RECEIPT_WIDTH = 80 * mm
_MARGIN_X = 4 * mm
_MARGIN_Y = 5 * mm
TENDER_LABELS = {"cash": "Cash", "card": "Card", "other": "Other", "exchange_credit": "Exchange credit"}


@dataclass(frozen=True, slots=True)
class ReportHeader:
    shop_name: str
    till_name: str
    locale: str


def title(report: ShiftReport) -> str:
    return f"Z report {report.z_number}" if report.kind == "Z" else "X report (shift still open)"


def _rows(report: ShiftReport, head: ReportHeader) -> list[tuple[str, list[tuple[str, str]]]]:
    def money(v: Decimal) -> str:
        return format_money(v, report.currency_code, head.locale)

    sections: list[tuple[str, list[tuple[str, str]]]] = []
    sections.append(("Shift", [
        ("Till", head.till_name), ("Opened", format_moment(report.opened_at, head.locale)),
        ("Closed" if report.kind == "Z" else "Taken", format_moment(report.at, head.locale)),
        ("First invoice", report.first_invoice or "-"), ("Last invoice", report.last_invoice or "-")]))
    for t in report.tenders:
        label = TENDER_LABELS.get(t.tender, t.tender.title())
        rows = [("Float", money(t.opening_float)), ("Sales", money(t.sales))]
        if t.refunds:
            rows.append(("Refunds", money(-t.refunds)))
        if t.tender == "cash":
            rows += [("Cash in", money(t.cash_in)), ("Cash out", money(-t.cash_out))]
        rows.append(("Expected", money(t.expected)))
        if t.counted is not None and t.difference is not None:
            word = "Over" if t.difference > 0 else "Short" if t.difference < 0 else "Difference"
            rows += [("Counted", money(t.counted)), (word, money(t.difference))]
        sections.append((label, rows))
    sales = [("Sales", str(report.sales_count)), ("Gross", money(report.gross)), ("Net", money(report.net))]
    sales += [(f"{t.name or t.code} {format_rate(t.rate, head.locale)}", money(t.amount)) for t in report.taxes]
    sales += [("Tax total", money(report.tax_total)), ("Discounts given", money(report.discounts)),
              (f"Refunds ({report.refunds_count})", money(report.refunds_total)),
              (f"Cancelled orders ({report.cancelled_count})", money(report.cancelled_total))]
    for cur, n in report.other_currencies:
        sales.append((f"Sales in {cur.upper()} (not counted here)", str(n)))
    sections.append(("Sales summary", sales))
    if report.staff:
        sections.append(("Staff", [(f"{s.staff_id or 'No staff'} ({s.sales})", money(s.gross)) for s in report.staff]))
    return sections


def _story(report: ShiftReport, head: ReportHeader, width: float, base: float) -> list[Flowable]:
    st = Styles(base)
    story: list[Flowable] = [Paragraph(safe_text(head.shop_name), st.shop),
                             Paragraph(f"<b>{safe_text(title(report))}</b>", st.body), Spacer(1, base)]
    for name, rows in _rows(report, head):
        table = Table([[name, ""], *[[k, v] for k, v in rows]], colWidths=[width * 0.62, width * 0.38])
        table.setStyle(table_style([
            ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD), ("FONTSIZE", (0, 0), (-1, -1), base),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        story += [table, Spacer(1, base * 0.8)]
    return story


def render_report_a4(report: ShiftReport, head: ReportHeader) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title(report), author=head.shop_name, creator="Tilldesk",
                            invariant=1)
    doc.build(_story(report, head, A4[0] - 40 * mm, 10))
    return buffer.getvalue()


def render_report_receipt(report: ShiftReport, head: ReportHeader) -> bytes:
    """One page as tall as its content, as a roll has no page breaks."""
    register_fonts()
    width = RECEIPT_WIDTH - 2 * _MARGIN_X
    story = _story(report, head, width, 8)
    height = sum(f.wrap(width, 1e6)[1] for f in story) + 2 * _MARGIN_Y
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(RECEIPT_WIDTH, height), invariant=1, initialFontName=SANS)
    canvas.setTitle(title(report))
    canvas.setCreator("Tilldesk")
    y = height - _MARGIN_Y
    for f in story:
        _w, h = f.wrap(width, 1e6)
        y -= h
        f.drawOn(canvas, _MARGIN_X, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_report(report: ShiftReport, head: ReportHeader, fmt: str) -> bytes:
    if fmt == "a4":
        return render_report_a4(report, head)
    if fmt == "receipt":
        return render_report_receipt(report, head)
    raise ValueError(f"format must be a4 or receipt, not {fmt!r}")
