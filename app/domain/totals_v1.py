"""Totals computed the way Medusa v1 (1.20.11) computes them, so a till on a v1 shop prints what
the server will hold, to the cent. The rules, from v1's own code (``NewTotalsService``,
``TaxCalculationStrategy``, ``DiscountService.calculateDiscountForLineItem``, ``CartService.
decorateTotals``) and checked by ``tests/golden/medusa_v1_totals_vectors.json``:

* Amounts are integers in minor units. A unit price is rounded to the minor unit first (the
  server refuses a fraction), half up.
* Tax inside a tax-inclusive price is taken out per unit and rounded: ``round(p*r/(1+r))``.
  The line's tax is ``round((net_line - discount) * rate)`` per tax line; a tax-inclusive line's
  subtotal is ``gross - round(net_line * rate)`` (so 3 x 14.99 at 19 % nets 37.79, not 37.80).
* Discounts (v1 allows one code per cart): a percentage is ``round(line_base * pct / 100)``
  per line; a fixed amount across the cart is spread by line share, unrounded for the tax base,
  rounded per line for display (a tax-exclusive line's share is taken of the tax-exclusive lines
  only: v1 counts the others as 0 there). The cart's discount is ``round(sum of unrounded shares)``.
  Shipping is not discounted.
* Custom lines (no variant) are neither discounted nor taxed.
* Shipping tax is ``round(price * r)``, or ``round(price * r/(1+r))`` inside a tax-inclusive price.
* Total = subtotal + shipping - discount + tax.

The result is an :class:`OrderTotals` in major units with the v2 field meanings (``subtotal``
includes shipping, ``shipping_total`` and ``item_total`` include tax), so receipts, invoices and
the push's total comparison read it like any other. JavaScript does this arithmetic in binary
floating point; here it is exact, which can only differ on a product that lands within 1e-12 of a
half cent (the golden vectors include awkward rates to show none of ours do).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .money import ZERO, dsum, exact, minor_units
from .totals import LineTotals, OrderTotals, TaxBreakdown, TaxLine

__all__ = ["V1Line", "V1Discount", "compute_totals_v1", "to_minor", "from_minor"]

HUNDRED = Decimal(100)
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class V1Line:
    id: str
    unit_price: Decimal  # major units, as the till keeps it
    quantity: int = 1
    is_custom: bool = False  # no variant: never discounted, never taxed
    is_tax_inclusive: bool = False


@dataclass(frozen=True, slots=True)
class V1Discount:
    code: str
    type: str  # "percentage" | "fixed"
    value: Decimal  # percent, or major units for a fixed amount


def _scale(currency_code: str) -> Decimal:
    return Decimal(10) ** minor_units(currency_code)


def _round(x: Decimal) -> Decimal:
    """JavaScript's Math.round on the positive amounts this sees: half up, to an integer."""
    return x.quantize(ONE, rounding=ROUND_HALF_UP)


@exact
def to_minor(amount: Decimal, currency_code: str) -> int:
    """A till amount as v1's integer in minor units (half up, as the server needs an integer)."""
    return int(_round(amount * _scale(currency_code)))


@exact
def from_minor(amount: Decimal | int, currency_code: str) -> Decimal:
    return Decimal(amount) / _scale(currency_code)


@exact
def compute_totals_v1(currency_code: str, items: list[V1Line] | tuple[V1Line, ...],
                      shipping_methods: list[V1Line] | tuple[V1Line, ...] = (),
                      tax_lines: tuple[TaxLine, ...] = (), discount: V1Discount | None = None,
                      *, paid_total: Decimal = ZERO, refunded_total: Decimal = ZERO) -> OrderTotals:
    cur = currency_code
    rates = [t.rate / HUNDRED for t in tax_lines]
    r = dsum(rates)

    def tax_in_unit(price: Decimal, incl: bool) -> Decimal:
        return _round(price * r / (ONE + r)) if incl and r else ZERO

    # What the server sees per line, in minor units.
    rows = []
    for it in items:
        unit = Decimal(to_minor(it.unit_price, cur))
        taxed = not it.is_custom
        incl = it.is_tax_inclusive and taxed
        net_line = (unit - tax_in_unit(unit, incl)) * it.quantity
        original_tax = dsum(_round(net_line * x) for x in rates) if taxed else ZERO
        subtotal = unit * it.quantity - original_tax if incl else unit * it.quantity
        rows.append((it, unit, taxed, net_line, original_tax, subtotal))

    raw_discounts: dict[str, Decimal] = {}
    if discount is not None:
        eligible = [row for row in rows if row[2]]
        if discount.type == "percentage":
            for it, _u, _t, _n, _o, subtotal in eligible:
                raw_discounts[it.id] = _round(subtotal / HUNDRED * discount.value)
        else:
            # Each line sums the cart "with tax" only if it is tax-inclusive itself; otherwise v1
            # counts the tax-inclusive lines as 0 (they need tax lines it did not ask for).
            value = Decimal(to_minor(discount.value, cur))
            for it, _u, _t, _n, _o, subtotal in eligible:
                incl = it.is_tax_inclusive
                base = dsum(row[5] for row in eligible if incl or not row[0].is_tax_inclusive)
                if base > 0:
                    raw_discounts[it.id] = min(value, base) * (subtotal / base)

    item_rows: list[LineTotals] = []
    by_rate: dict[tuple[str, Decimal], list[Decimal]] = {}
    sums = {"subtotal": ZERO, "raw_discount": ZERO, "tax": ZERO, "original_tax": ZERO}
    for it, unit, taxed, net_line, original_tax, subtotal in rows:
        raw = raw_discounts.get(it.id, ZERO)
        disc = _round(raw)
        tax = dsum(_round((net_line - raw) * x) for x in rates) if taxed else ZERO
        sums["subtotal"] += subtotal
        sums["raw_discount"] += raw
        sums["tax"] += tax
        sums["original_tax"] += original_tax
        if taxed:
            for t, x in zip(tax_lines, rates, strict=True):
                bucket = by_rate.setdefault((t.code, t.rate), [ZERO, ZERO])
                bucket[0] += net_line - raw
                bucket[1] += _round((net_line - raw) * x)
        item_rows.append(_line(cur, it.id, it.quantity, unit, subtotal, disc, tax, original_tax,
                               r if taxed else ZERO))

    ship_rows: list[LineTotals] = []
    ship_sub = ship_tax = ZERO
    for m in shipping_methods:
        price = Decimal(to_minor(m.unit_price, cur))
        raw_tax = dsum(price * x / (ONE + x) if m.is_tax_inclusive else price * x for x in rates)
        tax = _round(raw_tax)
        sub = price - tax if m.is_tax_inclusive else price
        ship_sub += sub
        ship_tax += tax
        for t in tax_lines:
            bucket = by_rate.setdefault((t.code, t.rate), [ZERO, ZERO])
            bucket[0] += sub
        if tax_lines:
            by_rate[(tax_lines[0].code, tax_lines[0].rate)][1] += tax
        ship_rows.append(_line(cur, m.id, 1, price, sub, ZERO, tax, tax, r))

    def major(x: Decimal) -> Decimal:
        return from_minor(x, cur)

    discount_total = _round(sums["raw_discount"])
    item_subtotal, item_tax = sums["subtotal"], sums["tax"]
    total = item_subtotal + ship_sub + item_tax + ship_tax - discount_total
    names = {(t.code, t.rate): t.name or t.code for t in tax_lines}
    taxes = tuple(TaxBreakdown(code=k[0], name=names[k], rate=k[1], taxable_amount=major(v[0]), amount=major(v[1]))
                  for k, v in sorted(by_rate.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    item_total = item_subtotal - discount_total + item_tax
    return OrderTotals(
        currency_code=cur, items=tuple(item_rows), shipping_methods=tuple(ship_rows),
        item_subtotal=major(item_subtotal), item_tax_total=major(item_tax), item_total=major(item_total),
        item_discount_total=major(discount_total),
        original_item_subtotal=major(item_subtotal), original_item_tax_total=major(sums["original_tax"]),
        original_item_total=major(item_subtotal + sums["original_tax"]),
        shipping_subtotal=major(ship_sub), shipping_tax_total=major(ship_tax),
        shipping_total=major(ship_sub + ship_tax), shipping_discount_total=ZERO,
        original_shipping_subtotal=major(ship_sub), original_shipping_tax_total=major(ship_tax),
        original_shipping_total=major(ship_sub + ship_tax),
        subtotal=major(item_subtotal + ship_sub), original_subtotal=major(item_subtotal + ship_sub),
        discount_subtotal=major(discount_total), discount_tax_total=ZERO, discount_total=major(discount_total),
        tax_total=major(item_tax + ship_tax), original_tax_total=major(sums["original_tax"] + ship_tax),
        original_total=major(item_subtotal + ship_sub + sums["original_tax"] + ship_tax),
        total=major(total), paid_total=paid_total, refunded_total=refunded_total, taxes=taxes,
    )


def _line(cur: str, line_id: str, quantity: int, unit: Decimal, subtotal: Decimal, discount: Decimal,
          tax: Decimal, original_tax: Decimal, rate: Decimal) -> LineTotals:
    def major(x: Decimal) -> Decimal:
        return from_minor(x, cur)

    return LineTotals(
        id=line_id, quantity=quantity, unit_price=major(unit), subtotal=major(subtotal),
        discount_subtotal=major(discount), discount_tax_total=ZERO, discount_total=major(discount),
        tax_total=major(tax), original_subtotal=major(subtotal), original_tax_total=major(original_tax),
        total=major(subtotal - discount + tax), original_total=major(subtotal + original_tax),
        tax_rate=rate * HUNDRED, tax_lines=(),
    )
