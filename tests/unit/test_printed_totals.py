"""The one rule for printed money (docs/money-on-paper.md), on the pure function every printer uses."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.money import round_money
from app.domain.printed import ExactLine, printed_totals, shown_unit_price

D = Decimal


def test_lines_that_round_up_one_by_one_still_add_up_to_the_subtotal() -> None:
    # Three lines of 0.005 over a cent each: rounded one by one they print 3 x 1.01 = 3.03, while
    # the exact subtotal 3.015 rounds to 3.02. The subtotal is the sum of what is printed.
    lines = [ExactLine(1, D("1.005"))] * 3
    p = printed_totals("usd", lines, amount_due=round_money(D("3.015"), "usd"))
    assert [x.total for x in p.lines] == [D("1.01")] * 3
    assert p.subtotal == D("3.03")
    assert p.total == D("3.02") and p.rounding == D("-0.01")
    assert p.parts_sum + p.rounding == p.total


def test_the_issues_usd_invoice_gets_a_rounding_line_instead_of_a_sum_that_is_a_cent_off() -> None:
    # 292.46 - 34.25 + 14.95 + 24.24 = 297.40 printed against a charge of 297.41: the cent that the
    # separately rounded parts lose is printed as its own row.
    lines = [ExactLine(1, D("292.455"), D("34.245"))]  # 292.46 - 34.25 = 258.21 as printed
    p = printed_totals("usd", lines, amount_due=D("297.41"), shipping=D("14.95"),
                       taxes=[(D("273.16"), D("24.244"))])
    assert p.subtotal == D("258.21") and p.tax_total == D("24.24")
    assert p.parts_sum == D("297.40") and p.rounding == D("0.01") and p.total == D("297.41")


def test_tax_inside_the_prices_is_not_added_again() -> None:
    p = printed_totals("eur", [ExactLine(1, D("12.00"))], amount_due=D("19.50"), shipping=D("7.50"),
                       taxes=[(D("16.386554621848739496"), D("3.113445378151260504"))], tax_added=False)
    assert p.subtotal == D("12.00") and p.tax_total == D("3.11")
    assert p.parts_sum == D("19.50") and p.rounding == 0 and p.total == D("19.50")


def test_a_unit_price_with_more_digits_than_cents_is_shown_with_all_of_them() -> None:
    assert shown_unit_price(D("0.333"), "usd") == D("0.333")
    assert shown_unit_price(D("4.5"), "usd") == D("4.50")
    assert shown_unit_price(D("12.3"), "jpy") == D("12.3") and shown_unit_price(D("12"), "jpy") == D("12")


def test_a_discounted_line_is_its_printed_amount_less_its_printed_discount() -> None:
    p = printed_totals("usd", [ExactLine(3, D("0.335"), D("0.1005"))], amount_due=D("0.90"))
    (line,) = p.lines
    assert line.gross == D("1.01") and line.discount == D("0.10") and line.total == D("0.91")
    assert p.rounding == D("-0.01")


amounts = st.decimals(min_value=D("0"), max_value=D("500"), places=4)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(st.integers(1, 9), amounts, st.integers(0, 30)), min_size=1, max_size=8),
    shipping=amounts, taxes=st.lists(st.tuples(amounts, amounts), max_size=3), tax_added=st.booleans(),
    currency=st.sampled_from(["usd", "eur", "jpy", "kwd"]),
)
def test_every_printed_figure_has_the_currency_digits_and_the_parts_add_up(
        lines, shipping, taxes, tax_added, currency) -> None:  # type: ignore[no-untyped-def]
    exact = [ExactLine(q, u, u * q * pct / 100) for q, u, pct in lines]
    exact_total = sum((u * q - e.discount for (q, u, _), e in zip(lines, exact, strict=True)), D(0)) + shipping
    if tax_added:
        exact_total += sum((t for _, t in taxes), D(0))
    due = round_money(exact_total, currency)
    p = printed_totals(currency, exact, amount_due=due, shipping=shipping, taxes=taxes, tax_added=tax_added)
    figures = [p.subtotal, p.shipping, p.total, p.rounding, *(t.amount for t in p.taxes)]
    figures += [x for line in p.lines for x in (line.gross, line.discount, line.total)]
    assert all(round_money(f, currency) == f for f in figures)
    assert all(line.gross - line.discount == line.total for line in p.lines)
    assert p.subtotal == sum((line.total for line in p.lines), D(0))
    assert p.parts_sum + p.rounding == p.total == due
    # Rounding only ever absorbs what separate rounding lost: half a minor unit per rounded part.
    unit = D(1).scaleb(-{"jpy": 0, "kwd": 3}.get(currency, 2))
    assert abs(p.rounding) <= unit * (2 * len(lines) + 1 + len(taxes) + 1)
