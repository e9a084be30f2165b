"""The document's figures as they are printed: the one rounding rule of
`app.domain.printed`, applied to an `InvoiceDocument`. Every renderer (A4, receipt, ESC/POS) prints
from this, so all of them print the same cents and every printed column adds up."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from app.domain.printed import ExactLine, PrintedTotals, printed_totals
from app.printing.document import InvoiceDocument
from app.printing.formatting import format_rate


class MoneyText(Protocol):
    def __call__(self, amount: Decimal) -> str: ...

    def minus(self, amount: Decimal) -> str: ...


def paper_totals(doc: InvoiceDocument) -> PrintedTotals:
    t = doc.totals
    taxes = [(x.taxable_amount, x.amount) for x in doc.tax_lines]
    if not taxes and t.tax_total:
        taxes = [(t.total - t.tax_total, t.tax_total)]  # no breakdown: one row for all the tax
    return printed_totals(
        doc.currency_code, [ExactLine(line.quantity, line.unit_price, line.discount) for line in doc.lines],
        amount_due=t.amount_due, shipping=t.shipping_total, shipping_discount=t.shipping_discount,
        taxes=taxes, tax_added=not t.tax_inclusive)


def printed_rows(doc: InvoiceDocument, money: MoneyText,
                 paper: PrintedTotals | None = None) -> list[tuple[str, str, str]]:
    """(label, amount, kind) rows of the totals block, for every renderer; kind in
    {'', 'tax', 'total', 'strong'} picks the emphasis. Every amount comes from the printed totals,
    so the rows above "Total" add up to it as printed (a "Rounding" row when they would not)."""
    p = paper or paper_totals(doc)
    rows: list[tuple[str, str, str]] = [("Subtotal", money(p.subtotal), "")]
    if p.shipping or doc.shipping_method_name:
        label = f"Shipping ({doc.shipping_method_name})" if doc.shipping_method_name else "Shipping"
        rows.append((label, money(p.shipping), ""))
    if p.shipping_discount:
        rows.append(("Shipping discount", money.minus(p.shipping_discount), ""))
    if p.tax_added:
        rows += _tax_rows(doc, p, money)
    if p.rounding:
        rows.append(("Rounding", money(p.rounding) if p.rounding > 0 else money.minus(-p.rounding), ""))
    rows.append(("Total", money(p.total), "total"))
    if not p.tax_added:
        rows += _tax_rows(doc, p, money)
    if p.line_discounts:
        rows.append(("Discounts included above", money.minus(p.line_discounts), "tax"))
    return rows


def _tax_rows(doc: InvoiceDocument, p: PrintedTotals, money: MoneyText) -> list[tuple[str, str, str]]:
    prefix = "" if p.tax_added else "incl. "
    if not doc.tax_lines:
        return [(f"{prefix}Tax", money(x.amount), "tax") for x in p.taxes]
    rows = []
    for tax, printed in zip(doc.tax_lines, p.taxes, strict=True):
        rate = format_rate(tax.rate, doc.locale)
        rows.append((f"{prefix}{tax.name} {rate} on {money(printed.taxable_amount)}", money(printed.amount), "tax"))
    return rows


__all__ = ["MoneyText", "paper_totals", "printed_rows"]
