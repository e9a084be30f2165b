"""The A4 invoice, read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.printing.formatting import format_rate
from app.printing.render import render_invoice_a4


def tokens(text: str) -> list[str]:
    return [t.strip() for t in text.splitlines() if t.strip()]


def assert_line_printed(words: list[str], title: str, expected_after: list[str]) -> None:
    """`title` is printed, followed (in reading order, within its row) by the expected cells."""
    assert title in words, f"{title!r} missing from the invoice"
    row = words[words.index(title) + 1 : words.index(title) + 10]
    position = 0
    for cell in expected_after:
        assert cell in row[position:], f"{cell!r} not found after {title!r} in {row}"
        position = row.index(cell, position) + 1


def test_every_line_tax_and_total_is_on_the_invoice(make_document, pdf_tools):
    doc = make_document(line_count=5)
    pdf = render_invoice_a4(doc)
    assert pdf.startswith(b"%PDF-")
    pages = pdf_tools.pages(pdf)
    assert len(pages) == 1
    text = pages[0]
    words = tokens(text)
    for line in doc.lines:
        assert_line_printed(
            words,
            line.title,
            [str(line.quantity), pdf_tools.money(doc, line.unit_price), pdf_tools.money(doc, line.line_total)],
        )
        assert line.sku in words
    assert doc.invoice_number in text
    assert "#42" in text
    for tax in doc.tax_lines:
        rate = pdf_tools.plain(format_rate(tax.rate, doc.locale))
        label = f"VAT {rate} on {pdf_tools.money(doc, tax.taxable_amount)}"
        assert label in words
        assert pdf_tools.money(doc, tax.amount) in words
    assert words[words.index("Total", words.index("Subtotal")) + 1] == pdf_tools.money(doc, doc.totals.total)
    assert "Change given" in words
    assert words[words.index("Change given") + 1] == pdf_tools.money(doc, doc.totals.change_given)
    assert "Card (AUTH-7781)" in words
    assert "Page 1 of 1" in text
    assert "COPY" not in text


def test_polish_names_are_extracted_intact_with_an_embedded_font(make_document, pdf_tools):
    doc = make_document(customer_name="Łukasz Żółć", city="Kraków")
    pdf = render_invoice_a4(doc)
    text = pdf_tools.pages(pdf)[0]
    assert "Łukasz Żółć" in text
    assert "31-147 Kraków" in text
    assert "\ufffd" not in text and "■" not in text
    # '&' and '<' in names are printed, not taken as mark-up.
    assert "Żabka & Co <Kraków>" in text
    fonts = pdf_tools.fonts(pdf)
    assert fonts, "no fonts on the page"
    assert all(key == "/FontFile2" for _name, key in fonts), fonts
    assert any(name.endswith("+DejaVuSans") for name, _ in fonts)


def test_amounts_and_dates_follow_the_document_locale(make_document, pdf_tools):
    us = pdf_tools.pages(render_invoice_a4(make_document(locale="en_US", currency_code="USD")))[0]
    de = pdf_tools.pages(render_invoice_a4(make_document(locale="de_DE", currency_code="EUR")))[0]
    assert "$3.15" in us and "May 4, 2026" in us
    assert "3,15 €" in de and "04.05.2026" in de


def test_a_200_line_invoice_paginates_with_the_total_on_the_last_page_only(make_document, pdf_tools):
    doc = make_document(line_count=200)
    pdf = render_invoice_a4(doc)
    pages = pdf_tools.pages(pdf)
    assert len(pages) >= 4
    total = pdf_tools.money(doc, doc.totals.total)
    assert total in tokens(pages[-1])
    for number, page in enumerate(pages[:-1], start=1):
        assert total not in page, f"grand total printed on page {number}"
        assert "Subtotal" not in tokens(page)
    for number, page in enumerate(pages, start=1):
        words = tokens(page)
        # The table header row repeats on every page.
        assert {"SKU", "Description", "Qty", "Unit price", "Total"} <= set(words), f"no header on page {number}"
        assert f"Page {number} of {len(pages)}" in page
    every_title = "\n".join(pages)
    for line in doc.lines:
        assert line.title in every_title
    # Continuation pages say which invoice they belong to.
    assert doc.invoice_number in pages[1]


def test_a_reprint_says_copy_on_every_page(make_document, pdf_tools):
    doc = make_document(line_count=80, copy_number=2)
    pdf = render_invoice_a4(doc)
    pages = pdf_tools.pages(pdf)
    assert len(pages) > 1
    assert "COPY 2" in pages[0]
    for page in pages:
        assert "COPY 2" in page
    reader = PdfReader(io.BytesIO(pdf))
    assert "COPY 2" in reader.metadata.title


def test_the_original_is_not_marked_copy(make_document, pdf_tools):
    pdf = render_invoice_a4(make_document(copy_number=0))
    assert "COPY" not in "".join(pdf_tools.pages(pdf))


def test_logo_is_drawn_and_a_missing_logo_does_not_stop_printing(make_document, pdf_tools, tmp_path, caplog):
    from PIL import Image as PilImage

    logo = tmp_path / "logo.png"
    PilImage.new("RGB", (300, 100), (200, 30, 40)).save(logo)
    with_logo = render_invoice_a4(make_document(logo_path=logo))
    page = PdfReader(io.BytesIO(with_logo)).pages[0]
    assert page["/Resources"].get("/XObject"), "logo image not embedded"

    missing = render_invoice_a4(make_document(logo_path=tmp_path / "nope.png"))
    assert "Tilldesk Test Shop" in pdf_tools.pages(missing)[0]
    assert "printing without it" in caplog.text


@pytest.mark.parametrize("notes", ["", "Leave at the back door.\nRing twice."])
def test_notes_are_printed(make_document, pdf_tools, notes):
    text = pdf_tools.pages(render_invoice_a4(make_document(notes=notes)))[0]
    assert ("Ring twice." in text) == bool(notes)
