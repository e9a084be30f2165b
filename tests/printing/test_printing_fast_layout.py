"""The plain-text cells and the invoice's own line table, read back from real PDFs: they must lay
out as the reportlab Paragraph and LongTable they replaced, and lose nothing across pages."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from app.printing.fonts import SANS, SANS_BOLD, register_fonts
from app.printing.pdf_style import MUTED, safe_text
from app.printing.render import render_invoice_a4, render_receipt
from app.printing.text import Run, Text, run

LONG = "Sencha Kagoshima loose-leaf tea from the first spring harvest, shaded for three weeks"


def _style(alignment: int) -> ParagraphStyle:
    return ParagraphStyle("t", fontName=SANS, fontSize=8.5, leading=10.625, alignment=alignment)


@pytest.mark.parametrize("alignment", [TA_LEFT, TA_RIGHT, TA_CENTER])
@pytest.mark.parametrize(("text", "width"), [
    ("Stoneware mug", 200), ("  Tendered   50,00 €  ", 200), (LONG, 120), (LONG, 60), ("Łukasz Żółć", 30),
])
def test_a_text_cell_wraps_to_the_height_of_the_paragraph_it_replaced(text, width, alignment):
    register_fonts()
    style = _style(alignment)
    cell = Text.one(text, style)
    paragraph = Paragraph(safe_text(text), style)
    assert cell.wrap(width, 1000)[1] == pytest.approx(paragraph.wrap(width, 1000)[1])


def _drawn_words(flowable, width: float) -> list[str]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width + 20, 800), initialFontName=SANS)
    _w, height = flowable.wrap(width, 800)
    flowable.drawOn(canvas, 10, 790 - height)
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text().split()


@pytest.mark.parametrize("width", [400, 90, 25])
def test_a_text_cell_draws_every_word_once_even_when_it_must_fall_back_to_a_paragraph(width):
    # At 25 pt "Kagoshima" alone is wider than the cell, and a line of two runs cannot wrap
    # simply: both take the Paragraph path, which must still print every word once (split
    # inside a word only where the word alone is wider than the cell, as a Paragraph does).
    register_fonts()
    style = _style(TA_LEFT)
    cell = Text([[run(LONG, style), Run(" (100 g tin)", SANS, 8.5, MUTED)],
                 [Run("Hardcover edition", SANS_BOLD, 7, MUTED)]], style)
    words = _drawn_words(cell, width)
    expected = (LONG + " (100 g tin) Hardcover edition").split()
    assert "".join(words) == "".join(expected)
    if width >= 90:
        assert words == expected


def test_a_text_cell_of_blank_text_takes_no_room_like_an_empty_paragraph():
    register_fonts()
    assert Text.one("   ", _style(TA_LEFT)).wrap(100, 100)[1] == 0
    assert Text.of_lines(["", ""], _style(TA_LEFT)).wrap(100, 100)[1] == 0


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_50_line_invoice_prints_every_line_once_numbers_its_pages_and_totals_on_the_last(make_document, pdf_tools):
    doc = make_document(line_count=50)
    pages = _pages(render_invoice_a4(doc))
    assert len(pages) >= 2
    everything = "\n".join(pages)
    for line in doc.lines:
        # SKU-0001 is not a prefix of another SKU, so a count of 1 means exactly once.
        assert len(re.findall(rf"^{re.escape(line.sku)}$", everything, flags=re.M)) == 1, line.sku
        assert everything.count(line.title + "\n") == 1, line.title
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "SKU\nDescription\nQty\nUnit price\nDiscount\nTax\nTotal" in page, f"no header row on page {number}"
    total = pdf_tools.money(doc, doc.totals.total)
    assert "Subtotal" in pages[-1] and total in pages[-1].split("\n")
    assert all("Subtotal" not in page for page in pages[:-1])


def test_a_word_wider_than_its_column_still_prints_whole_on_the_invoice_and_the_receipt(make_document):
    doc = make_document(line_count=3)
    odd = dataclasses.replace(doc.lines[1], sku="SKU-" + "X" * 40, title="Supercalifragilistic" * 3,
                              subtitle="Glaze: ocean blue")
    doc = dataclasses.replace(doc, lines=(doc.lines[0], odd, doc.lines[2]))
    a4 = "".join("".join(page.split()) for page in _pages(render_invoice_a4(doc)))
    receipt = "".join("".join(page.split()) for page in _pages(render_receipt(doc)))
    for text in (odd.sku, odd.title, doc.lines[0].title.replace(" ", ""), doc.lines[2].sku):
        assert text in a4, text
    for text in (odd.title, "(Glaze:oceanblue)", doc.lines[2].title.replace(" ", "")):
        assert text in receipt, text
