"""Ids: Medusa-style, sortable, unique across threads. Money: Decimal only, one rounding rule,
never exponent notation."""

from __future__ import annotations

import re
import threading
import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import ids
from app.domain.errors import InvalidValue
from app.domain.money import decimal_str, minor_units, money_str, normalize, round_money, to_decimal

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


# -- ids ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(ids.PREFIXES))
def test_new_id_has_the_prefix_and_a_26_char_crockford_ulid(kind: str) -> None:
    prefix = ids.PREFIXES[kind]
    value = ids.new_id(prefix)
    head, _, tail = value.partition("_")
    assert head == prefix
    assert ULID.match(tail), value
    assert ids.is_valid_id(value, prefix)
    assert not ids.is_valid_id(value, "other")


@pytest.mark.parametrize("bad", ["order", "order_", "_01ABC", "order_01M84BC0E42J6HKHSPHE17H0T",
                                 "order_01M84BC0E42J6HKHSPHE17H0TI", "order_01m84bc0e42j6hkhsphe17h0td"])
def test_malformed_ids_are_not_valid(bad: str) -> None:
    assert not ids.is_valid_id(bad)


def test_ids_sort_by_creation_time() -> None:
    made = [ids.new_id("order") for _ in range(2000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    earlier = ids.new_id("order")
    time.sleep(0.003)
    assert ids.new_id("order") > earlier


def test_ids_are_unique_and_each_thread_sees_them_increase() -> None:
    per_thread: list[list[str]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def mint(out: list[str]) -> None:
        start.wait()
        for _ in range(2500):
            out.append(ids.ulid())

    threads = [threading.Thread(target=mint, args=(out,)) for out in per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [x for out in per_thread for x in out]
    assert len(set(everything)) == len(everything) == 20000
    for out in per_thread:
        assert out == sorted(out)


# -- money -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), True, False])
def test_floats_and_bools_are_refused(value: object) -> None:
    with pytest.raises(InvalidValue) as exc:
        to_decimal(value, field="unit_price")
    assert exc.value.field == "unit_price"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "abc", "", "1e9", "1000000000", [], None])
def test_non_numbers_non_finite_and_absurd_amounts_are_refused(value: object) -> None:
    with pytest.raises(InvalidValue):
        to_decimal(value)


@pytest.mark.parametrize("value,expected", [("12.50", Decimal("12.50")), (" 3 ", Decimal(3)), (7, Decimal(7)),
                                            (Decimal("0.1"), Decimal("0.1")), ("-4.25", Decimal("-4.25"))])
def test_strings_ints_and_decimals_are_taken_exactly(value: object, expected: Decimal) -> None:
    got = to_decimal(value)
    assert isinstance(got, Decimal) and got == expected


@pytest.mark.parametrize("amount,currency,expected", [
    ("41.0201", "usd", "41.02"), ("0.005", "usd", "0.01"), ("0.0049999", "usd", "0.00"),
    ("2.675", "eur", "2.68"),  # a float would make this 2.67
    ("-0.005", "usd", "-0.01"),  # half away from zero, also for refunds
    ("1234.5", "jpy", "1235"), ("1234.4999", "jpy", "1234"), ("1.0005", "kwd", "1.001"),
    ("10", "USD", "10.00"),
])
def test_round_money_rounds_half_away_from_zero_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    assert money_str(Decimal(amount), currency) == expected
    assert round_money(Decimal(amount), currency) == Decimal(expected)


def test_minor_units() -> None:
    assert minor_units("usd") == minor_units("EUR") == 2
    assert minor_units("jpy") == 0
    assert minor_units("kwd") == 3
    assert minor_units("xyz") == 2


@pytest.mark.parametrize("amount,expected", [
    ("1E+3", "1000"), ("1.00E+2", "100"), ("0E-20", "0"), ("-0", "0"), ("1E-7", "0.0000001"),
    ("41.02010000", "41.0201"), ("12.50", "12.5"), ("3.000", "3"), ("123456789012345678901234567890", None),
    ("0.00000000000000000001", "0.00000000000000000001"),
])
def test_decimal_str_never_uses_exponents(amount: str, expected: str | None) -> None:
    text = decimal_str(Decimal(amount))
    assert "e" not in text.lower()
    assert Decimal(text) == Decimal(amount)
    if expected is not None:
        assert text == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e12"), max_value=Decimal("1e12"),
                   places=None))
def test_decimal_str_round_trips_without_exponent(x: Decimal) -> None:
    text = decimal_str(x)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == x
    assert normalize(x) == x


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e8"), max_value=Decimal("1e8")),
       st.sampled_from(["usd", "eur", "jpy", "kwd"]))
def test_rounding_is_idempotent_and_within_half_a_minor_unit(x: Decimal, currency: str) -> None:
    once = round_money(x, currency)
    assert round_money(once, currency) == once
    assert abs(once - x) <= Decimal(1).scaleb(-minor_units(currency)) / 2
