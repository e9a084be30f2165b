"""The 80 mm receipt PDF: one page, as tall as its content."""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.printing.render import RECEIPT_WIDTH, render_receipt


def page_box(pdf: bytes) -> tuple[float, float, int]:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    return float(box.width), float(box.height), len(reader.pages)


def test_receipt_is_one_80_mm_page(make_document):
    width, height, count = page_box(render_receipt(make_document(line_count=3)))
    assert count == 1
    assert round(width, 2) == 226.77
    assert round(RECEIPT_WIDTH, 2) == 226.77
    assert 200 < height < 1200


def test_receipt_grows_with_its_content_and_never_splits(make_document):
    _w, short, _n = page_box(render_receipt(make_document(line_count=2)))
    width, tall, count = page_box(render_receipt(make_document(line_count=60)))
    assert count == 1
    assert round(width, 2) == 226.77
    assert tall > short + 58 * 15  # each extra line takes at least two text rows


def test_receipt_lists_lines_totals_taxes_tenders_and_change(make_document, pdf_tools):
    doc = make_document(line_count=4)
    pdf = render_receipt(doc)
    text = pdf_tools.pages(pdf)[0]
    words = [w.strip() for w in text.splitlines() if w.strip()]
    assert "Tilldesk Test Shop" in text
    assert f"Invoice {doc.invoice_number}" in text
    assert "4.05.2026, 09:30" in text
    for line in doc.lines:
        assert line.title in text
        assert f"{line.quantity} × {pdf_tools.money(doc, line.unit_price)}" in text
        assert pdf_tools.money(doc, line.line_total) in words
    for tax in doc.tax_lines:
        assert pdf_tools.money(doc, tax.amount) in words
    assert words[words.index("Total") + 1] == pdf_tools.money(doc, doc.totals.total)
    assert words[words.index("Change given") + 1] == pdf_tools.money(doc, doc.totals.change_given)
    assert "Customer: Łukasz Żółć" in text
    assert "Dziękujemy!" in text
    assert all(key == "/FontFile2" for _n, key in pdf_tools.fonts(pdf))
    assert "COPY" not in text


def test_reprinted_receipt_says_copy(make_document, pdf_tools):
    text = pdf_tools.pages(render_receipt(make_document(copy_number=1)))[0]
    assert text.count("COPY 1") >= 2  # banner at the top and a line at the bottom
