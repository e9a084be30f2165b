"""X and Z reports of a shift, computed exactly from plain facts (sales, refunds, cash movements).

Rounding: every amount that enters is already an amount of money (rounded payments, counted cash,
movements). The only unrounded inputs are the tax and discount figures of each order's totals
snapshot; they are summed exactly per rate and rounded once, and net is gross minus the rounded
taxes, so the printed gross, net and tax lines add up to the cent by construction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .money import ZERO, decimal_str, exact, round_money
from .order import TenderKind
from .shifts import CashMovement, MovementKind

TENDER_ORDER = tuple(k.value for k in TenderKind)


@dataclass(frozen=True, slots=True)
class SaleTax:
    code: str
    name: str
    rate: Decimal
    amount: Decimal  # unrounded, as in the totals snapshot


@dataclass(frozen=True, slots=True)
class SaleFact:
    """One paid order of the shift, as the report needs it."""

    order_id: str
    invoice_number: str
    display_id: int
    currency_code: str
    canceled: bool
    amount_due: Decimal  # what was charged (rounded); its payments add up to it
    discount_total: Decimal
    taxes: tuple[SaleTax, ...]
    payments: tuple[tuple[str, Decimal], ...]  # (tender, amount applied to the order)
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class RefundFact:
    """Money given back during the shift through one tender (a refund paid in cash and card is two
    facts). The refunded order may have been sold in an earlier shift."""

    order_id: str
    tender: str
    amount: Decimal
    staff_id: str | None = None
    currency_code: str | None = None  # None: the order's, looked up among the shift's sales


@dataclass(frozen=True, slots=True)
class TenderLine:
    tender: str
    opening_float: Decimal
    sales: Decimal
    refunds: Decimal
    cash_in: Decimal
    cash_out: Decimal
    expected: Decimal
    counted: Decimal | None
    difference: Decimal | None  # counted - expected: above zero over, below zero short


@dataclass(frozen=True, slots=True)
class TaxRateLine:
    code: str
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class StaffLine:
    staff_id: str | None
    sales: int
    gross: Decimal
    refunds: Decimal


@dataclass(frozen=True, slots=True)
class ShiftReport:
    kind: str  # "X" (any time, nothing changes) or "Z" (at close)
    z_number: int | None
    shift_id: str
    till_id: str
    currency_code: str
    opened_at: datetime
    at: datetime  # when the report was taken (the close, for a Z report)
    tenders: tuple[TenderLine, ...]
    sales_count: int
    gross: Decimal
    net: Decimal
    taxes: tuple[TaxRateLine, ...]
    tax_total: Decimal
    discounts: Decimal
    refunds_count: int
    refunds_total: Decimal
    cancelled_count: int
    cancelled_total: Decimal
    cash_in_total: Decimal
    cash_out_total: Decimal
    staff: tuple[StaffLine, ...]
    first_invoice: str | None
    last_invoice: str | None
    other_currencies: tuple[tuple[str, int], ...]  # sales in another currency: (currency, count)

    @property
    def expected_total(self) -> Decimal:
        return sum((t.expected for t in self.tenders), ZERO)

    @property
    def counted_total(self) -> Decimal | None:
        if any(t.counted is None for t in self.tenders):
            return None
        return sum((t.counted or ZERO for t in self.tenders), ZERO)

    @property
    def difference_total(self) -> Decimal | None:
        c = self.counted_total
        return None if c is None else c - self.expected_total


@exact
def build_report(*, kind: str, z_number: int | None, shift_id: str, till_id: str, currency_code: str,
                 opened_at: datetime, at: datetime, opening_float: Mapping[str, Decimal],
                 sales: Sequence[SaleFact], refunds: Iterable[RefundFact], movements: Iterable[CashMovement],
                 counted: Mapping[str, Decimal] | None) -> ShiftReport:
    cur = currency_code
    mine = [s for s in sales if s.currency_code == cur]
    others: dict[str, int] = {}
    for s in sales:
        if s.currency_code != cur:
            others[s.currency_code] = others.get(s.currency_code, 0) + 1
    sold_here = {s.order_id for s in mine}
    refund_list = [r for r in refunds
                   if (r.currency_code == cur if r.currency_code is not None else r.order_id in sold_here)]
    moves = list(movements)

    taken: dict[str, Decimal] = {}
    for s in mine:  # a cancelled sale's money stays in the drawer until it is refunded
        for tender, amt in s.payments:
            taken[tender] = taken.get(tender, ZERO) + amt
    refunded: dict[str, Decimal] = {}
    for r in refund_list:
        refunded[r.tender] = refunded.get(r.tender, ZERO) + r.amount
    cash_in = sum((m.amount for m in moves if m.kind is MovementKind.CASH_IN), ZERO)
    cash_out = sum((m.amount for m in moves if m.kind is MovementKind.CASH_OUT), ZERO)

    names = set(opening_float) | set(taken) | set(refunded) | set(counted or {}) | {TenderKind.CASH.value}
    tenders = []
    for t in sorted(names, key=_tender_key):
        flt = opening_float.get(t, ZERO)
        is_cash = t == TenderKind.CASH.value
        t_in, t_out = (cash_in, cash_out) if is_cash else (ZERO, ZERO)
        expected = flt + taken.get(t, ZERO) - refunded.get(t, ZERO) + t_in - t_out
        c = None if counted is None else counted.get(t)
        # A tender nobody counted (card slips are optional) shows no difference.
        tenders.append(TenderLine(tender=t, opening_float=flt, sales=taken.get(t, ZERO),
                                  refunds=refunded.get(t, ZERO), cash_in=t_in, cash_out=t_out, expected=expected,
                                  counted=c, difference=None if c is None else c - expected))

    live = [s for s in mine if not s.canceled]
    cancelled = [s for s in mine if s.canceled]
    gross = sum((s.amount_due for s in live), ZERO)
    per_rate: dict[tuple[str, Decimal], tuple[str, Decimal]] = {}
    for s in live:
        for tx in s.taxes:
            key = (tx.code, tx.rate)
            name, acc = per_rate.get(key, (tx.name, ZERO))
            per_rate[key] = (name, acc + tx.amount)
    taxes = tuple(TaxRateLine(code=code, name=name, rate=rate, amount=round_money(acc, cur))
                  for (code, rate), (name, acc) in sorted(per_rate.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    tax_total = sum((t.amount for t in taxes), ZERO)

    staff: dict[str | None, tuple[int, Decimal, Decimal]] = {}
    for s in live:
        n, g, rf = staff.get(s.staff_id, (0, ZERO, ZERO))
        staff[s.staff_id] = (n + 1, g + s.amount_due, rf)
    for r in refund_list:
        n, g, rf = staff.get(r.staff_id, (0, ZERO, ZERO))
        staff[r.staff_id] = (n, g, rf + r.amount)
    staff_lines = tuple(StaffLine(staff_id=k, sales=v[0], gross=v[1], refunds=v[2])
                        for k, v in sorted(staff.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))

    numbered = sorted(mine, key=lambda s: s.display_id)
    return ShiftReport(
        kind=kind, z_number=z_number, shift_id=shift_id, till_id=till_id, currency_code=cur,
        opened_at=opened_at, at=at, tenders=tuple(tenders), sales_count=len(live), gross=gross,
        net=gross - tax_total, taxes=taxes, tax_total=tax_total,
        discounts=round_money(sum((s.discount_total for s in live), ZERO), cur),
        refunds_count=len(refund_list), refunds_total=sum((r.amount for r in refund_list), ZERO),
        cancelled_count=len(cancelled), cancelled_total=sum((s.amount_due for s in cancelled), ZERO),
        cash_in_total=cash_in, cash_out_total=cash_out, staff=staff_lines,
        first_invoice=numbered[0].invoice_number if numbered else None,
        last_invoice=numbered[-1].invoice_number if numbered else None,
        other_currencies=tuple(sorted(others.items())))


def report_to_dict(r: ShiftReport, amount: Callable[[Decimal], Any] = decimal_str) -> dict[str, Any]:
    """The report as JSON-ready values: amounts as decimal text (for storage), never floats; the
    command line passes `amount` to keep them Decimal, which it writes as exact JSON numbers."""
    def _m(d: Decimal | None) -> Any:
        return None if d is None else amount(d)

    return {
        "kind": r.kind, "z_number": r.z_number, "shift_id": r.shift_id, "till_id": r.till_id,
        "currency_code": r.currency_code, "opened_at": r.opened_at.isoformat(), "at": r.at.isoformat(),
        "tenders": {t.tender: {"float": _m(t.opening_float), "sales": _m(t.sales), "refunds": _m(t.refunds),
                               "cash_in": _m(t.cash_in), "cash_out": _m(t.cash_out), "expected": _m(t.expected),
                               "counted": _m(t.counted), "difference": _m(t.difference)} for t in r.tenders},
        "expected_total": _m(r.expected_total), "counted_total": _m(r.counted_total),
        "difference_total": _m(r.difference_total),
        "sales_count": r.sales_count, "gross": _m(r.gross), "net": _m(r.net), "tax_total": _m(r.tax_total),
        "taxes": [{"code": t.code, "name": t.name, "rate": decimal_str(t.rate), "amount": _m(t.amount)}
                  for t in r.taxes],
        "discounts": _m(r.discounts), "refunds_count": r.refunds_count, "refunds_total": _m(r.refunds_total),
        "cancelled_count": r.cancelled_count, "cancelled_total": _m(r.cancelled_total),
        "cash_in_total": _m(r.cash_in_total), "cash_out_total": _m(r.cash_out_total),
        "staff": [{"staff_id": s.staff_id, "sales": s.sales, "gross": _m(s.gross), "refunds": _m(s.refunds)}
                  for s in r.staff],
        "first_invoice": r.first_invoice, "last_invoice": r.last_invoice,
        "other_currencies": {c: n for c, n in r.other_currencies},
    }


def _d(v: Any) -> Decimal | None:
    return None if v is None else Decimal(v)


def _tender_key(name: str) -> tuple[int, str]:
    return (TENDER_ORDER.index(name) if name in TENDER_ORDER else 99, name)


def _in_order(tenders: Mapping[str, Any]) -> list[tuple[str, Any]]:
    # JSON objects come back with their keys sorted: put cash, card, other back in till order.
    return sorted(tenders.items(), key=lambda kv: _tender_key(kv[0]))


def report_from_dict(d: Mapping[str, Any]) -> ShiftReport:
    """A stored Z report back as the value the printers take (reprints read the frozen figures)."""
    def dd(v: Any) -> Decimal:
        return Decimal(v)

    return ShiftReport(
        kind=d["kind"], z_number=d["z_number"], shift_id=d["shift_id"], till_id=d["till_id"],
        currency_code=d["currency_code"], opened_at=datetime.fromisoformat(d["opened_at"]),
        at=datetime.fromisoformat(d["at"]),
        tenders=tuple(TenderLine(tender=k, opening_float=dd(v["float"]), sales=dd(v["sales"]),
                                 refunds=dd(v["refunds"]), cash_in=dd(v["cash_in"]), cash_out=dd(v["cash_out"]),
                                 expected=dd(v["expected"]), counted=_d(v["counted"]),
                                 difference=_d(v["difference"])) for k, v in _in_order(d["tenders"])),
        sales_count=d["sales_count"], gross=dd(d["gross"]), net=dd(d["net"]),
        taxes=tuple(TaxRateLine(code=t["code"], name=t["name"], rate=dd(t["rate"]), amount=dd(t["amount"]))
                    for t in d["taxes"]),
        tax_total=dd(d["tax_total"]), discounts=dd(d["discounts"]), refunds_count=d["refunds_count"],
        refunds_total=dd(d["refunds_total"]), cancelled_count=d["cancelled_count"],
        cancelled_total=dd(d["cancelled_total"]), cash_in_total=dd(d["cash_in_total"]),
        cash_out_total=dd(d["cash_out_total"]),
        staff=tuple(StaffLine(staff_id=s["staff_id"], sales=s["sales"], gross=dd(s["gross"]),
                              refunds=dd(s["refunds"])) for s in d["staff"]),
        first_invoice=d["first_invoice"], last_invoice=d["last_invoice"],
        other_currencies=tuple(sorted(d["other_currencies"].items())))
