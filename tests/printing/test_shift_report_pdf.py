"""The X and Z reports as PDF, A4 and 80 mm, read back with pypdf: every printed figure is there
and the printed figures add up to the cent, even where per-sale rounding would not."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from app.domain.shift_report import SaleFact, SaleTax, ShiftReport, build_report
from app.domain.shifts import CashMovement, MovementKind
from app.printing.shift_report_pdf import ReportHeader, render_report
from tests.printing.conftest import pdf_pages

HEADINGS = ("Shift", "Cash", "Card", "Other", "Sales summary", "Staff")
HEAD = ReportHeader(shop_name="Kettle & Crema", till_name="Counter 1", locale="en_US")
T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def sale(n: int, due: str, taxes: list[tuple[str, str]], payments: list[tuple[str, str]], staff: str,
         canceled: bool = False, discount: str = "0") -> SaleFact:
    return SaleFact(order_id=f"order_{n}", invoice_number=f"TD-2026-{n:06d}", display_id=n, currency_code="usd",
                    canceled=canceled, amount_due=D(due), discount_total=D(discount),
                    taxes=tuple(SaleTax(code=f"T{r}", name="VAT", rate=D(r), amount=D(a)) for r, a in taxes),
                    payments=tuple((k, D(v)) for k, v in payments), staff_id=staff)


@pytest.fixture
def report() -> ShiftReport:
    # Three sales whose tax is 0.335 each: rounded per sale that would print 0.34 x 3 = 1.02, but
    # the report sums exactly (1.005) and rounds once (1.01), and net is gross minus that.
    sales = [sale(i, "5.12", [("7", "0.335")], [("cash", "5.12")], "stf_ann", discount="0.105") for i in (7, 8, 9)]
    sales += [sale(10, "21.40", [("7", "1.4"), ("19", "0.0001")], [("card", "10.00"), ("other", "11.40")], "stf_bob"),
              sale(11, "3.00", [("7", "0.19")], [("cash", "3.00")], "stf_bob", canceled=True)]
    moves = [CashMovement(id="m1", shift_id="s", kind=MovementKind.CASH_IN, amount=D("20.00"), reason="change",
                          created_at=T0),
             CashMovement(id="m2", shift_id="s", kind=MovementKind.CASH_OUT, amount=D("7.45"), reason="milk",
                          created_at=T0)]
    return build_report(kind="Z", z_number=42, shift_id="s", till_id="t", currency_code="usd", opened_at=T0,
                        at=T0.replace(hour=18), opening_float={"cash": D("150.00")}, sales=sales, refunds=[],
                        movements=moves, counted={"cash": D("180.00"), "card": D("10.00")})


def amount(text: str) -> D:
    return D(text.replace("$", "").replace(",", ""))


def sections(text: str) -> dict[str, dict[str, str]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    i = 0
    while i < len(lines):
        if lines[i] in HEADINGS and lines[i] not in out:
            current = out[lines[i]] = {}
            i += 1
        elif current is not None and i + 1 < len(lines):
            current[lines[i]] = lines[i + 1]
            i += 2
        else:
            i += 1
    return out


@pytest.mark.parametrize("fmt", ["a4", "receipt"])
def test_the_printed_report_adds_up_to_the_cent(report: ShiftReport, fmt: str) -> None:
    pages = pdf_pages(render_report(report, HEAD, fmt))
    assert len(pages) == 1
    text = pages[0]
    assert "Kettle & Crema" in text and "Z report 42" in text
    s = sections(text)
    cash, card, other, sales = s["Cash"], s["Card"], s["Other"], s["Sales summary"]
    # cash: 150.00 + 3 x 5.12 + 3.00 (cancelled, still in the drawer) + 20.00 - 7.45 = 180.91
    assert cash["Expected"] == "$180.91" and cash["Counted"] == "$180.00" and cash["Short"] == "-$0.91"
    assert (amount(cash["Float"]) + amount(cash["Sales"]) + amount(cash["Cash in"]) + amount(cash["Cash out"])
            == amount(cash["Expected"]))
    assert amount(cash["Counted"]) - amount(cash["Expected"]) == amount(cash["Short"])
    assert card["Expected"] == "$10.00" and card["Difference"] == "$0.00"
    assert other["Expected"] == "$11.40" and "Counted" not in other  # nobody counted 'other'
    # gross 3 x 5.12 + 21.40 = 36.76; tax 7 %: 1.005 + 1.4 = 2.405 -> 2.41; 19 %: 0.0001 -> 0.00
    assert sales["Sales"] == "4" and sales["Gross"] == "$36.76"
    assert sales["VAT 7%"] == "$2.41" and sales["VAT 19%"] == "$0.00" and sales["Tax total"] == "$2.41"
    assert amount(sales["Net"]) + amount(sales["VAT 7%"]) + amount(sales["VAT 19%"]) == amount(sales["Gross"])
    assert sales["Net"] == "$34.35"
    assert sales["Discounts given"] == "$0.32"  # 3 x 0.105 = 0.315, rounded once
    assert sales["Cancelled orders (1)"] == "$3.00" and sales["Refunds (0)"] == "$0.00"
    assert s["Staff"] == {"stf_ann (3)": "$15.36", "stf_bob (1)": "$21.40"}
    assert amount(s["Staff"]["stf_ann (3)"]) + amount(s["Staff"]["stf_bob (1)"]) == amount(sales["Gross"])
    assert s["Shift"]["First invoice"] == "TD-2026-000007" and s["Shift"]["Last invoice"] == "TD-2026-000011"


def test_the_receipt_is_80_mm_wide_and_one_page_tall(report: ShiftReport) -> None:
    import io

    from pypdf import PdfReader

    a4 = PdfReader(io.BytesIO(render_report(report, HEAD, "a4"))).pages[0].mediabox
    roll = PdfReader(io.BytesIO(render_report(report, HEAD, "receipt"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert round(float(roll.width) / 72 * 25.4) == 80 and float(roll.height) > float(roll.width)


def test_an_x_report_says_the_shift_is_still_open(report: ShiftReport) -> None:
    from dataclasses import replace

    x = replace(report, kind="X", z_number=None)
    text = pdf_pages(render_report(x, HEAD, "receipt"))[0]
    assert "X report (shift still open)" in text and "Z report" not in text
    with pytest.raises(ValueError, match="a4 or receipt"):
        render_report(x, HEAD, "letter")
