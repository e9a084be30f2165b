"""A realistic sample order for test pages, screenshots and benchmarks; not used for real sales.

The totals are worked out here the simple way (tax-inclusive prices, tax per rate rounded half-up)
only so the sample adds up on paper; real documents get their figures from the order.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from app.printing.document import (
    InvoiceDocument,
    InvoiceLine,
    InvoiceTotals,
    PartyAddress,
    ShopDetails,
    TaxLine,
    TenderLine,
)

_CENT = Decimal("0.01")

# (sku, title, subtitle, quantity, unit price, discount, tax rate %)
_CATALOGUE = (
    ("TEA-SEN-100", "Sencha Kagoshima loose-leaf tea", "100 g tin", 2, "12.90", "0", "7"),
    ("MUG-STW-01", "Stoneware mug", "Glaze: ocean blue", 1, "18.50", "1.85", "19"),
    ("KTL-CI-08", "Cast-iron teapot 0.8 l", "Black", 1, "64.00", "0", "19"),
    ("BK-TEA-DE", "Das Teebuch \u2013 Sorten, Zubereitung, Genuss", "Hardcover", 1, "24.00", "0", "7"),
    ("TEA-GMC-50", "Genmaicha with matcha", "50 g bag", 3, "6.40", "0", "7"),
    ("ACC-STR-02", "Stainless tea strainer", "", 1, "9.90", "0.99", "19"),
)

SAMPLE_SHOP = ShopDetails(
    name="Teehaus Müller & Söhne",
    address_lines=("Lindenstraße 12", "10969 Berlin", "Germany"),
    tax_id="DE 123 456 789",
    phone="+49 30 1234 5678",
    email="kasse@teehaus-mueller.example",
    footer_text="Thank you for your visit! Returns within 30 days with this receipt.",
)

SAMPLE_CUSTOMER = PartyAddress(
    name="Łukasz Żółć",
    lines=("ul. Floriańska 15/3",),
    city="Kraków",
    postal_code="31-019",
    province="małopolskie",
    country_name="Poland",
    phone="+48 12 345 67 89",
    country_code="PL",
)


def sample_document(
    line_count: int = 4, *, copy_number: int = 0, cash_tendered: Decimal | None = None
) -> InvoiceDocument:
    """A paid order of `line_count` lines, tax-inclusive at 7 % and 19 %, paid in cash with change."""
    lines = []
    for index in range(line_count):
        sku, title, subtitle, qty, price, discount, rate = _CATALOGUE[index % len(_CATALOGUE)]
        unit = Decimal(price)
        disc = Decimal(discount)
        suffix = f"-{index // len(_CATALOGUE) + 1}" if index >= len(_CATALOGUE) else ""
        lines.append(
            InvoiceLine(
                sku=sku + suffix,
                title=title,
                subtitle=subtitle,
                quantity=qty,
                unit_price=unit,
                discount=disc,
                line_total=unit * qty - disc,
                tax_rate=Decimal(rate),
            )
        )
    shipping = Decimal("4.90")
    gross_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        gross_by_rate[line.tax_rate] = gross_by_rate.get(line.tax_rate, Decimal(0)) + line.line_total
    gross_by_rate[Decimal(19)] = gross_by_rate.get(Decimal(19), Decimal(0)) + shipping
    tax_lines = []
    for tax_rate in sorted(gross_by_rate):
        gross = gross_by_rate[tax_rate]
        tax = (gross * tax_rate / (100 + tax_rate)).quantize(_CENT, rounding=ROUND_HALF_UP)
        tax_lines.append(
            TaxLine(name="VAT", code=f"DE-{tax_rate}", rate=tax_rate, taxable_amount=gross - tax, amount=tax)
        )
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    discount_total = sum((line.discount for line in lines), Decimal(0))
    total = subtotal - discount_total + shipping
    if cash_tendered is not None:
        tendered = cash_tendered
    else:
        tendered = (total / 10).to_integral_value(rounding="ROUND_CEILING") * 10
    if tendered == total:
        tendered += 10
    change = tendered - total
    issued = dt.datetime(2026, 3, 14, 15, 42, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    return InvoiceDocument(
        shop=SAMPLE_SHOP,
        invoice_number="TD-2026-000147",
        order_display_id="1047",
        issued_at=issued,
        paid_at=issued,
        currency_code="EUR",
        locale="de_DE",
        customer_name=SAMPLE_CUSTOMER.name,
        customer_email="lukasz.zolc@example.com",
        billing_address=SAMPLE_CUSTOMER,
        shipping_address=SAMPLE_CUSTOMER,
        lines=tuple(lines),
        shipping_method_name="DHL Paket",
        shipping_amount=shipping,
        tax_lines=tuple(tax_lines),
        totals=InvoiceTotals(
            subtotal=subtotal,
            discount_total=discount_total,
            shipping_total=shipping,
            tax_total=sum((t.amount for t in tax_lines), Decimal(0)),
            total=total,
            amount_due=total,
            paid_total=total,
            change_given=change,
            tax_inclusive=True,
        ),
        tenders=(TenderLine(kind="cash", label="Cash", amount=total, amount_tendered=tendered, change_given=change),),
        copy_number=copy_number,
        notes="Gift wrap the teapot, please.",
    )


__all__ = ["SAMPLE_CUSTOMER", "SAMPLE_SHOP", "sample_document"]
