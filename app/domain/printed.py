"""Money as it goes on paper: one rule, so every printed column and sum adds up to the cent.

Medusa keeps totals unrounded (41.0201); paper cannot. The rule (docs/money-on-paper.md):

1. Each printed amount is the exact amount rounded once, half up (``ROUNDING_RULE``, the rule the
   till charges by), to the currency's minor unit.
2. A line prints its gross amount (quantity x unit price) rounded, its discount rounded, and its
   total as the difference of those two printed figures, so the row adds up as printed.
3. The subtotal is the sum of the printed line totals, never the rounded exact subtotal.
4. Shipping, its discount and each added tax (tax-exclusive prices) are rounded on their own.
5. The total printed is the amount due (the exact total rounded: what was charged). When the
   printed parts do not add up to it, an explicit "Rounding" row carries the difference.

Tax already inside the prices (tax-inclusive regions) is printed for information only and is not
part of the sum. Everything here is pure: the renderers only format what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, dsum, exact, minor_units, mul, normalize, round_money


@dataclass(frozen=True, slots=True)
class ExactLine:
    """A line as priced, exact, in the terms its prices are printed in (with the tax inside where
    prices include tax): quantity x unit price, less ``discount``."""

    quantity: int
    unit_price: Decimal
    discount: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class PrintedLine:
    unit_price: Decimal  # shown with every digit it has, so quantity x unit rounds to gross
    gross: Decimal
    discount: Decimal
    total: Decimal  # gross - discount, as printed


@dataclass(frozen=True, slots=True)
class PrintedTax:
    taxable_amount: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PrintedTotals:
    lines: tuple[PrintedLine, ...]
    subtotal: Decimal  # sum of the printed line totals
    line_discounts: Decimal  # sum of the printed line discounts (already inside the subtotal)
    shipping: Decimal
    shipping_discount: Decimal
    taxes: tuple[PrintedTax, ...]
    tax_added: bool  # True: the taxes are rows of the sum; False: they are inside the prices
    rounding: Decimal  # amount due minus the sum of the printed parts, usually zero
    total: Decimal  # the amount due: what was charged

    @property
    def tax_total(self) -> Decimal:
        return dsum(t.amount for t in self.taxes)

    @property
    def parts_sum(self) -> Decimal:
        """Subtotal - shipping discount + shipping (+ added taxes): the total before rounding."""
        added = self.tax_total if self.tax_added else ZERO
        return self.subtotal + self.shipping - self.shipping_discount + added


def shown_unit_price(unit_price: Decimal, currency_code: str) -> Decimal:
    """The unit price printed: to the minor unit when it has no more digits, else every digit
    (0.333 stays 0.333), so that a reader's quantity x unit price rounds to the printed amount."""
    rounded = round_money(unit_price, currency_code)
    if rounded == unit_price:
        return rounded
    return normalize(unit_price)


@exact
def printed_totals(currency_code: str, lines: Sequence[ExactLine], *, amount_due: Decimal,
                   shipping: Decimal = ZERO, shipping_discount: Decimal = ZERO,
                   taxes: Sequence[tuple[Decimal, Decimal]] = (), tax_added: bool = True) -> PrintedTotals:
    """``taxes`` are (taxable amount, tax) per rate, exact; ``amount_due`` is already rounded."""
    def r(x: Decimal) -> Decimal:
        return round_money(x, currency_code)

    printed: list[PrintedLine] = []
    for line in lines:
        gross = r(mul(line.unit_price, Decimal(line.quantity)))
        discount = r(line.discount)
        printed.append(PrintedLine(unit_price=shown_unit_price(line.unit_price, currency_code),
                                   gross=gross, discount=discount, total=gross - discount))
    ptaxes = tuple(PrintedTax(taxable_amount=r(base), amount=r(amount)) for base, amount in taxes)
    result = PrintedTotals(
        lines=tuple(printed), subtotal=dsum(p.total for p in printed),
        line_discounts=dsum(p.discount for p in printed), shipping=r(shipping),
        shipping_discount=r(shipping_discount), taxes=ptaxes, tax_added=tax_added,
        rounding=ZERO, total=r(amount_due))
    rounding = result.total - result.parts_sum
    return PrintedTotals(
        lines=result.lines, subtotal=result.subtotal, line_discounts=result.line_discounts,
        shipping=result.shipping, shipping_discount=result.shipping_discount, taxes=ptaxes,
        tax_added=tax_added, rounding=rounding if rounding else r(ZERO), total=result.total)


def cents_of(amount: Decimal, currency_code: str) -> int:
    """The amount in minor units, for checks that must compare exactly (tests, reports)."""
    return int(mul(amount, Decimal(10) ** minor_units(currency_code)))


__all__ = ["ExactLine", "PrintedLine", "PrintedTax", "PrintedTotals", "cents_of", "printed_totals",
           "shown_unit_price"]
