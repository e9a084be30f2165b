"""Totals computed exactly as Medusa v2 (2.21.2) computes them, rule for rule; the spec and the
vectors produced by Medusa's own code are in tests/golden/. Exact Decimal arithmetic, divisions
rounded to 20 places like bignumber.js, discounts before tax, tax per tax line on the net amount.
Only `amount_due` is rounded to the currency, because it is what is paid."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .money import ZERO, div, dsum, exact, mul, round_money

ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class TaxLine:
    rate: Decimal  # percent
    code: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Adjustment:
    amount: Decimal
    code: str = ""
    is_tax_inclusive: bool = False


@dataclass(frozen=True, slots=True)
class CalcLine:
    """What totals need of a line item or a shipping method."""

    id: str
    unit_price: Decimal
    quantity: int = 1
    is_tax_inclusive: bool = False
    tax_lines: tuple[TaxLine, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxLineTotals:
    code: str
    rate: Decimal
    subtotal: Decimal  # tax on the line before discounts
    total: Decimal  # tax on the line after discounts


@dataclass(frozen=True, slots=True)
class LineTotals:
    id: str
    quantity: int
    unit_price: Decimal
    subtotal: Decimal
    discount_subtotal: Decimal
    discount_tax_total: Decimal
    discount_total: Decimal
    tax_total: Decimal
    original_subtotal: Decimal
    original_tax_total: Decimal
    total: Decimal
    original_total: Decimal
    tax_rate: Decimal  # summed rate of the line's tax lines, percent
    tax_lines: tuple[TaxLineTotals, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxBreakdown:
    code: str
    name: str
    rate: Decimal
    taxable_amount: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OrderTotals:
    currency_code: str
    items: tuple[LineTotals, ...]
    shipping_methods: tuple[LineTotals, ...]
    item_subtotal: Decimal
    item_tax_total: Decimal
    item_total: Decimal
    item_discount_total: Decimal
    original_item_subtotal: Decimal
    original_item_tax_total: Decimal
    original_item_total: Decimal
    shipping_subtotal: Decimal
    shipping_tax_total: Decimal
    shipping_total: Decimal
    shipping_discount_total: Decimal
    original_shipping_subtotal: Decimal
    original_shipping_tax_total: Decimal
    original_shipping_total: Decimal
    subtotal: Decimal
    original_subtotal: Decimal
    discount_subtotal: Decimal
    discount_tax_total: Decimal
    discount_total: Decimal
    tax_total: Decimal
    original_tax_total: Decimal
    original_total: Decimal
    total: Decimal
    paid_total: Decimal
    refunded_total: Decimal
    taxes: tuple[TaxBreakdown, ...] = field(default=())

    @property
    @exact
    def refundable_amount(self) -> Decimal:
        return self.paid_total - self.refunded_total

    @property
    @exact
    def pending_difference(self) -> Decimal:
        # Medusa books every refund as a credit line that lowers the total by as much as it
        # raises refunded_total, so refunds never make an order "due" again: total - paid.
        return self.total - self.paid_total

    @property
    def amount_due(self) -> Decimal:
        """What the customer pays now: the unrounded total, rounded to the currency's minor unit."""
        due = round_money(self.pending_difference, self.currency_code)
        return due if due > 0 else round_money(ZERO, self.currency_code)


@exact
def line_totals(line: CalcLine, *, is_shipping: bool = False) -> LineTotals:
    rate_sum = dsum(t.rate for t in line.tax_lines)
    r = div(rate_sum, HUNDRED)
    q = Decimal(line.quantity)
    gross = mul(line.unit_price, q)
    incl = line.is_tax_inclusive
    subtotal = div(gross, ONE + r) if incl else gross

    adj_subs = [div(a.amount, ONE + r) if a.is_tax_inclusive else a.amount for a in line.adjustments]
    adj_sub = dsum(adj_subs)
    if is_shipping:
        discount_subtotal = adj_sub
    else:
        # Medusa spreads the discount per unit and multiplies back: div(10, 3) * 3 is not 10.
        discount_subtotal = mul(div(adj_sub, q), q) if line.quantity else ZERO

    taxable = subtotal - discount_subtotal
    tls = []
    for t in line.tax_lines:
        share = div(t.rate, HUNDRED)  # each rate on its own: rates add, they do not compound
        tls.append(TaxLineTotals(code=t.code, rate=t.rate, subtotal=mul(subtotal, share), total=mul(taxable, share)))
    tax_total = dsum(t.total for t in tls)
    original_tax_total = dsum(t.subtotal for t in tls)
    total = taxable + tax_total
    original_total = gross if incl else subtotal + original_tax_total
    if is_shipping:
        discount_tax_total = mul(adj_sub, r)
        discount_total = dsum(s + mul(s, r) for s in adj_subs)
    else:
        discount_tax_total = original_tax_total - tax_total
        discount_total = discount_subtotal + discount_tax_total
    return LineTotals(
        id=line.id, quantity=line.quantity, unit_price=line.unit_price, subtotal=subtotal,
        discount_subtotal=discount_subtotal, discount_tax_total=discount_tax_total,
        discount_total=discount_total, tax_total=tax_total, original_subtotal=original_total - original_tax_total,
        original_tax_total=original_tax_total, total=total, original_total=original_total,
        tax_rate=rate_sum, tax_lines=tuple(tls),
    )


@exact
def _tax_breakdown(calcs: list[CalcLine], totals: list[LineTotals]) -> tuple[TaxBreakdown, ...]:
    """Tax per rate, for invoices: the sum of each tax line's tax and of the net amount it taxed."""
    acc: dict[tuple[str, Decimal], list[Decimal]] = {}
    names: dict[tuple[str, Decimal], str] = {}
    for calc, tot in zip(calcs, totals, strict=True):
        for t, tl in zip(calc.tax_lines, tot.tax_lines, strict=True):
            key = (t.code, t.rate)
            bucket = acc.setdefault(key, [ZERO, ZERO])
            bucket[0] += tot.subtotal - tot.discount_subtotal
            bucket[1] += tl.total
            names[key] = t.name or t.code
    return tuple(TaxBreakdown(code=k[0], name=names[k], rate=k[1], taxable_amount=v[0], amount=v[1])
                 for k, v in sorted(acc.items(), key=lambda kv: (kv[0][1], kv[0][0])))


@exact
def compute_totals(currency_code: str, items: list[CalcLine] | tuple[CalcLine, ...],
                   shipping_methods: list[CalcLine] | tuple[CalcLine, ...] = (),
                   *, paid_total: Decimal = ZERO, refunded_total: Decimal = ZERO) -> OrderTotals:
    it = [line_totals(i) for i in items]
    sm = [line_totals(s, is_shipping=True) for s in shipping_methods]

    def s(rows: list[LineTotals], attr: str) -> Decimal:
        return dsum(getattr(r, attr) for r in rows)

    item_subtotal, shipping_subtotal = s(it, "subtotal"), s(sm, "subtotal")
    item_tax, shipping_tax = s(it, "tax_total"), s(sm, "tax_total")
    item_total, shipping_total = s(it, "total"), s(sm, "total")
    orig_item_tax, orig_ship_tax = s(it, "original_tax_total"), s(sm, "original_tax_total")
    subtotal = item_subtotal + shipping_subtotal
    discount_subtotal = s(it, "discount_subtotal") + s(sm, "discount_subtotal")
    tax_total = item_tax + shipping_tax
    return OrderTotals(
        currency_code=currency_code,
        items=tuple(it), shipping_methods=tuple(sm),
        item_subtotal=item_subtotal, item_tax_total=item_tax, item_total=item_total,
        item_discount_total=s(it, "discount_total"),
        original_item_subtotal=item_subtotal, original_item_tax_total=orig_item_tax,
        original_item_total=s(it, "original_total"),
        shipping_subtotal=shipping_subtotal, shipping_tax_total=shipping_tax, shipping_total=shipping_total,
        shipping_discount_total=s(sm, "discount_total"),
        original_shipping_subtotal=shipping_subtotal, original_shipping_tax_total=orig_ship_tax,
        original_shipping_total=s(sm, "original_total"),
        subtotal=subtotal, original_subtotal=subtotal,
        discount_subtotal=discount_subtotal,
        discount_tax_total=s(it, "discount_tax_total") + s(sm, "discount_tax_total"),
        discount_total=s(it, "discount_total") + s(sm, "discount_total"),
        tax_total=tax_total,
        original_tax_total=orig_item_tax + orig_ship_tax,
        original_total=s(it, "original_total") + s(sm, "original_total"),
        total=subtotal + tax_total - discount_subtotal,
        paid_total=paid_total, refunded_total=refunded_total,
        taxes=_tax_breakdown(list(items) + list(shipping_methods), it + sm),
    )
