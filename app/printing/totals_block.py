"""The totals and payment blocks, the same rows on the A4 invoice and on the receipt."""

from __future__ import annotations

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table

from app.domain.printed import PrintedTotals
from app.printing.document import InvoiceDocument
from app.printing.paper import printed_rows
from app.printing.pdf_style import INK, Money, Styles, table_style, tender_label
from app.printing.text import Text


def summary_rows(doc: InvoiceDocument, money: Money, paper: PrintedTotals | None = None) -> list[tuple[str, str, str]]:
    """(label, amount, kind) rows shared by the A4 totals block and the receipt; kind in
    {'', 'tax', 'total', 'strong'} picks the emphasis."""
    return printed_rows(doc, money, paper)


def payment_rows(doc: InvoiceDocument, money: Money) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for tender in doc.tenders:
        rows.append((tender_label(tender), money(tender.amount), ""))
        if tender.amount_tendered is not None:
            rows.append(("  Tendered", money(tender.amount_tendered), "tax"))
    rows.append(("Paid", money(doc.totals.paid_total), "strong"))
    if doc.totals.change_given:
        rows.append(("Change given", money(doc.totals.change_given), "strong"))
    return rows


def key_value_table(
    rows: list[tuple[str, str, str]], st: Styles, widths: list[float], *, rule_above_total: bool
) -> Table:
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
            cells.append([Text.one(label, big), Text.one(amount, big_right)])
            if rule_above_total:
                commands.append(("LINEABOVE", (0, index), (-1, index), 0.8, INK))
                commands.append(("TOPPADDING", (0, index), (-1, index), 3))
        elif kind == "strong":
            cells.append([Text.one(label, st.bold), Text.one(amount, st.bold_right)])
        elif kind == "tax":
            small_right = ParagraphStyle("sr", parent=st.small, alignment=TA_RIGHT)
            cells.append([Text.one(label, st.small), Text.one(amount, small_right)])
        else:
            cells.append([Text.one(label, st.body), Text.one(amount, st.right)])
    table = Table(cells, colWidths=widths)
    table.setStyle(table_style(commands))
    return table
