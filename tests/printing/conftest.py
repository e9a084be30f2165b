"""Document factory and PDF reading helpers for the printing tests."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from pypdf import PdfReader

from app.printing.document import (
    InvoiceDocument,
    InvoiceLine,
    InvoiceTotals,
    PartyAddress,
    ShopDetails,
    TaxLine,
    TenderLine,
)
from app.printing.formatting import format_money

CENT = Decimal("0.01")

_TITLES = (
    "Espresso beans 1 kg",
    "Oat milk 1 l",
    "Ceramic cup",
    "Descaling tablets",
    "Gift card wrapper",
    "Travel tumbler",
    "Hand grinder",
)


def make_line(index: int, *, quantity: int | None = None, rate: Decimal | None = None) -> InvoiceLine:
    """A line with a unique title and SKU so each can be found in the extracted text."""
    qty = quantity if quantity is not None else index % 4 + 1
    unit = Decimal("3.15") + Decimal(index % 9) * Decimal("1.10")
    discount = Decimal("0.50") if index % 5 == 3 else Decimal(0)
    return InvoiceLine(
        sku=f"SKU-{index:04d}",
        title=f"{_TITLES[index % len(_TITLES)]} no. {index}",
        subtitle="Size M" if index % 3 == 0 else "",
        quantity=qty,
        unit_price=unit,
        discount=discount,
        line_total=unit * qty - discount,
        tax_rate=rate if rate is not None else (Decimal("8") if index % 2 else Decimal("23")),
    )


def build_document(
    *,
    line_count: int = 3,
    lines: list[InvoiceLine] | None = None,
    customer_name: str = "Łukasz Żółć",
    city: str = "Kraków",
    copy_number: int = 0,
    locale: str = "pl_PL",
    currency_code: str = "PLN",
    invoice_number: str = "INV-2026-0042",
    cash_tendered: Decimal | None = None,
    notes: str = "",
    logo_path=None,
) -> InvoiceDocument:
    """A consistent, tax-exclusive order (two tax rates) paid by card and cash with change."""
    lines = lines if lines is not None else [make_line(i) for i in range(line_count)]
    shipping = Decimal("12.00")
    net_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        net_by_rate[line.tax_rate] = net_by_rate.get(line.tax_rate, Decimal(0)) + line.line_total
    taxes = [
        TaxLine(
            name="VAT",
            code=f"PL-{rate}",
            rate=rate,
            taxable_amount=net,
            amount=(net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for rate, net in sorted(net_by_rate.items())
    ]
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    discount_total = sum((line.discount for line in lines), Decimal(0))
    tax_total = sum((t.amount for t in taxes), Decimal(0))
    total = subtotal - discount_total + shipping + tax_total
    card = Decimal("10.00")
    cash_due = total - card
    if cash_tendered is not None:
        tendered = cash_tendered
    else:
        tendered = cash_due.quantize(Decimal(1), rounding="ROUND_CEILING") + 20
    change = tendered - cash_due
    address = PartyAddress(
        name=customer_name,
        company="Żabka & Co <Kraków>",
        lines=("ul. Długa 7",),
        city=city,
        postal_code="31-147",
        country_name="Poland",
        phone="+48 600 100 200",
        country_code="PL",
    )
    moment = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
    return InvoiceDocument(
        shop=ShopDetails(
            name="Tilldesk Test Shop",
            address_lines=("Rynek Główny 1", "31-042 Kraków"),
            tax_id="PL1234567890",
            phone="+48 12 000 00 00",
            email="shop@example.com",
            logo_path=logo_path,
            footer_text="Dziękujemy! Thank you for shopping with us.",
        ),
        invoice_number=invoice_number,
        order_display_id=42,
        issued_at=moment,
        paid_at=moment,
        currency_code=currency_code,
        locale=locale,
        customer_name=customer_name,
        customer_email="lukasz@example.com",
        billing_address=address,
        shipping_address=address,
        lines=lines,
        shipping_method_name="Courier",
        shipping_amount=shipping,
        tax_lines=taxes,
        totals=InvoiceTotals(
            subtotal=subtotal,
            discount_total=discount_total,
            shipping_total=shipping,
            tax_total=tax_total,
            total=total,
            amount_due=total,
            paid_total=total,
            change_given=change,
            tax_inclusive=False,
        ),
        tenders=[
            TenderLine(kind="card", label="Card", amount=card, reference="AUTH-7781"),
            TenderLine(kind="cash", label="Cash", amount=cash_due, amount_tendered=tendered, change_given=change),
        ],
        copy_number=copy_number,
        notes=notes,
    )


@pytest.fixture
def make_document():
    """The document factory: `make_document(line_count=..., copy_number=..., ...)`."""
    return build_document


def plain(text: str) -> str:
    """Extracted or formatted text with no-break spaces made ordinary, for comparisons."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def money(doc: InvoiceDocument, amount: Decimal) -> str:
    return plain(format_money(amount, doc.currency_code, doc.locale))


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    reader = PdfReader(io.BytesIO(pdf))
    return [plain(page.extract_text() or "") for page in reader.pages]


def embedded_font_files(pdf: bytes) -> list[tuple[str, str]]:
    """(BaseFont, font-file key) for every font each page uses; key is '' when not embedded."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            key = next((k for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in descriptor), "")
            found.append((str(font["/BaseFont"]), key))
    return found


@pytest.fixture
def pdf_tools():
    """Helpers to read PDFs back: pages text, fonts, money formatting."""

    class Tools:
        pages = staticmethod(pdf_pages)
        fonts = staticmethod(embedded_font_files)
        money = staticmethod(money)
        plain = staticmethod(plain)

    return Tools
