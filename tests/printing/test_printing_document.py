"""The document model refuses bad input at construction, naming the field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from app.printing.document import (
    InvalidDocumentError,
    InvoiceLine,
    InvoiceTotals,
    TaxLine,
    TenderLine,
)


def line(**overrides) -> InvoiceLine:
    values = dict(sku="A-1", title="Tea", quantity=2, unit_price=Decimal("3.50"), line_total=Decimal("7.00"))
    values.update(overrides)
    return InvoiceLine(**values)


def test_a_valid_line_is_built():
    assert line().line_total == Decimal("7.00")


@pytest.mark.parametrize("quantity", [-1, 0])
def test_negative_or_zero_quantity_is_rejected(quantity):
    with pytest.raises(InvalidDocumentError, match=r"InvoiceLine\.quantity must be at least 1"):
        line(quantity=quantity)


@pytest.mark.parametrize("quantity", [1.5, 2.0, True, Decimal("2")])
def test_non_integer_quantity_is_rejected(quantity):
    with pytest.raises(InvalidDocumentError, match=r"InvoiceLine\.quantity must be a whole number"):
        line(quantity=quantity)


@pytest.mark.parametrize("field", ["unit_price", "line_total", "discount"])
def test_float_amount_on_a_line_is_rejected(field):
    with pytest.raises(InvalidDocumentError, match=rf"InvoiceLine\.{field} must be a Decimal, got the float"):
        line(**{field: 3.5})


def test_float_amount_in_totals_is_rejected():
    with pytest.raises(InvalidDocumentError, match=r"InvoiceTotals\.total must be a Decimal"):
        InvoiceTotals(
            subtotal=Decimal(1), tax_total=Decimal(0), total=1.0, amount_due=Decimal(1), paid_total=Decimal(1)
        )


def test_float_in_a_whole_document_is_rejected(make_document):
    doc = make_document()
    with pytest.raises(InvalidDocumentError, match=r"InvoiceDocument\.shipping_amount must be a Decimal"):
        dataclasses.replace(doc, shipping_amount=12.0)


def test_negative_line_in_a_whole_document_is_rejected(make_document):
    with pytest.raises(InvalidDocumentError, match="quantity"):
        make_document(lines=[line(quantity=-3)])


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-0.01")])
def test_non_finite_or_negative_money_is_rejected(value):
    with pytest.raises(InvalidDocumentError, match="unit_price"):
        line(unit_price=value)


def test_tax_rate_is_a_percentage():
    with pytest.raises(InvalidDocumentError, match="percentage"):
        TaxLine(name="VAT", rate=Decimal("120"), taxable_amount=Decimal(1), amount=Decimal(1))


def test_change_must_match_cash_tendered():
    with pytest.raises(InvalidDocumentError, match="change_given must be amount_tendered - amount"):
        TenderLine(
            kind="cash", label="Cash", amount=Decimal("8"), amount_tendered=Decimal("10"), change_given=Decimal("1")
        )


def test_unknown_tender_kind_is_rejected():
    with pytest.raises(InvalidDocumentError, match="TenderLine.kind"):
        TenderLine(kind="cheque", label="Cheque", amount=Decimal("8"))


def test_totals_must_agree_with_tenders(make_document):
    doc = make_document()
    wrong = dataclasses.replace(doc.totals, paid_total=doc.totals.paid_total + 1)
    with pytest.raises(InvalidDocumentError, match="paid_total"):
        dataclasses.replace(doc, totals=wrong)


def test_unknown_locale_and_currency_are_rejected(make_document):
    with pytest.raises(InvalidDocumentError, match="locale 'xx_YY'"):
        make_document(locale="xx_YY")
    with pytest.raises(InvalidDocumentError, match="currency_code 'ZZZ'"):
        make_document(currency_code="ZZZ")


def test_negative_copy_number_is_rejected(make_document):
    with pytest.raises(InvalidDocumentError, match="copy_number"):
        make_document(copy_number=-1)


def test_document_is_frozen_and_normalised(make_document):
    doc = make_document(currency_code="pln", locale="pl-PL")
    assert doc.currency_code == "PLN"
    assert doc.locale == "pl_PL"
    assert doc.order_display_id == "42"
    assert isinstance(doc.lines, tuple) and isinstance(doc.tenders, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.invoice_number = "X"  # type: ignore[misc]
    assert doc.copy_label == ""
    assert make_document(copy_number=3).copy_label == "COPY 3"
