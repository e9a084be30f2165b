"""Invoices and receipts for a paid order: the order is turned into the printing module's one
document model, rendered, archived beside the database (one file per print, never overwritten),
and every print and reprint is recorded on the order, so a reprint says which copy it is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.domain import clock
from app.domain.address import Address
from app.domain.address_format import PostalAddress, address_lines
from app.domain.money import mul, round_money
from app.domain.permissions import GuardedAction
from app.printing.archive import ArchiveExistsError, archive_pdf
from app.printing.document import (
    InvoiceDocument,
    InvoiceLine,
    InvoiceTotals,
    PartyAddress,
    ShopDetails,
    TaxLine,
    TenderLine,
)
from app.printing.phones import format_phone

from . import guard
from .audit import record as audit_record
from .context import UnitOfWork
from .dto import LineItemDTO, OrderDTO
from .dto_builders import order_dto
from .settings import TillSettings, load_settings

KINDS = ("a4", "receipt")
ARCHIVE_KIND = {"a4": "invoice", "receipt": "receipt"}
TENDER_LABELS = {"cash": "Cash", "card": "Card", "other": "Other", "exchange_credit": "Exchange credit"}


@dataclass(frozen=True, slots=True)
class PrintedDocument:
    order_id: str
    kind: str
    copy_number: int
    pdf: bytes
    archive_path: Path


def _province_name(code: str) -> str:
    if "-" not in code:
        return ""
    import pycountry

    sub = pycountry.subdivisions.get(code=code.upper())  # type: ignore[no-untyped-call]
    return str(sub.name) if sub is not None else ""


def _country_name(code: str | None) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(getattr(country, "name", "")) if country else ""


def _party(a: Address | None, fallback_name: str = "", home_country: str = "") -> PartyAddress | None:
    if a is None:
        return None
    province = a.province or ""
    return PartyAddress(
        name=a.full_name or fallback_name, company=a.company or "",
        lines=tuple(x for x in (a.address_1, a.address_2) if x), city=a.city or "",
        postal_code=a.postal_code or "", province=province, province_name=_province_name(province),
        country_name=_country_name(a.country_code), phone=format_phone(a.phone, home_country),
        country_code=(a.country_code or "").upper())


def _shop(s: TillSettings) -> ShopDetails:
    sh = s.shop
    # The shop's own address in its country's style: "Brooklyn, NY 11249" for a US shop.
    lines = address_lines(PostalAddress(
        street=tuple(x for x in (sh.address_1, sh.address_2) if x), city=sh.city or "",
        postal_code=sh.postal_code or "", province=sh.province or "",
        province_name=_province_name(sh.province or ""), country_code=sh.country_code or "",
        country_name=_country_name(sh.country_code)))
    logo = Path(sh.logo_path) if sh.logo_path and Path(sh.logo_path).is_file() else None
    return ShopDetails(name=sh.name, address_lines=lines, tax_id=sh.tax_id or "",
                       phone=format_phone(sh.phone, sh.country_code), email=sh.email or "", logo_path=logo,
                       footer_text=sh.footer or "")


def _subtitle(text: str | None) -> str:
    # A product's only variant is often called "Default variant": that says nothing on paper.
    return "" if not text or text.strip().lower() in {"default", "default variant", "one size"} else text


def _printed_line(i: LineItemDTO, gross_prices: bool) -> InvoiceLine:
    """A line in the terms of the region's prices: with the tax inside where prices include tax
    (a net-priced line of an older order gets its tax put in), net where tax comes on top."""
    if gross_prices:
        unit = i.unit_price if i.is_tax_inclusive else mul(i.unit_price, 100 + i.tax_rate).scaleb(-2)
        discount, total = i.discount_total, max(i.total, Decimal(0))  # -1e-21 when fully discounted
    else:
        unit, discount, total = i.unit_price, i.discount_subtotal, i.subtotal - i.discount_subtotal
    return InvoiceLine(sku=i.variant_sku or "", title=i.title, subtitle=_subtitle(i.subtitle), quantity=i.quantity,
                       unit_price=unit, discount=discount, line_total=total, tax_rate=i.tax_rate)


def invoice_document(order: OrderDTO, settings: TillSettings, copy_number: int = 0) -> InvoiceDocument:
    t = order.totals
    cur = order.currency_code
    incl = order.is_tax_inclusive
    lines = tuple(_printed_line(i, incl) for i in order.items)
    tenders = tuple(TenderLine(
        kind=p.kind.value, label=TENDER_LABELS[p.kind.value], amount=p.amount, reference=p.reference or "",
        amount_tendered=p.amount_tendered if p.kind.value == "cash" else None,
        change_given=p.change_given) for p in order.payments)
    shipping = order.shipping_methods[0] if order.shipping_methods else None
    ship_gross = sum((m.original_total if incl else m.subtotal for m in t.shipping_methods), Decimal(0))
    ship_discount = sum((m.discount_total if incl else m.discount_subtotal for m in t.shipping_methods), Decimal(0))
    return InvoiceDocument(
        shop=_shop(settings), invoice_number=order.invoice_number, order_display_id=str(order.display_id),
        issued_at=order.created_at or clock.now(), paid_at=order.created_at, currency_code=cur,
        locale=settings.locale, lines=lines,
        totals=InvoiceTotals(
            subtotal=t.item_subtotal if not incl else t.original_item_total,
            tax_total=t.tax_total, total=t.total, amount_due=round_money(t.total, cur),
            paid_total=sum((p.amount for p in order.payments), Decimal(0)),
            discount_total=t.discount_subtotal if not incl else t.discount_total,
            shipping_total=ship_gross, shipping_discount=ship_discount,
            change_given=order.change_given, tax_inclusive=incl),
        customer_name=order.customer_name, customer_email=order.email or "",
        billing_address=_party(order.billing_address, order.customer_name, settings.shop.country_code or ""),
        shipping_address=_party(order.shipping_address, order.customer_name, settings.shop.country_code or ""),
        shipping_method_name=shipping.name if shipping else "",
        shipping_amount=max(ship_gross - ship_discount, Decimal(0)),  # free shipping can be -1e-21
        tax_lines=tuple(TaxLine(name=x.name, code=x.code, rate=x.rate, taxable_amount=x.taxable_amount,
                                amount=x.amount) for x in t.taxes),
        tenders=tenders, copy_number=copy_number, cancelled=order.status == "canceled")


def render(doc: InvoiceDocument, kind: str) -> bytes:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}: use a4 or receipt")
    # reportlab on the first print, not at start-up (it is most of the printing's import time)
    from app.printing.render import render_invoice_a4, render_receipt

    return render_invoice_a4(doc) if kind == "a4" else render_receipt(doc)


def print_document(order_id: str, kind: str, uow: UnitOfWork, archive_dir: Path,
                   destination: str | None = None) -> PrintedDocument:
    """Renders the next copy, archives it and records the print, in one unit of work. The first
    print of a kind is the original; every later one is COPY n."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}: use a4 or receipt")
    settings = load_settings(uow)
    with uow:
        order = order_dto(uow, uow.orders.get(order_id))
        copy_number = uow.prints.count(order_id, kind)
        # The original and the first copy are free; the second reprint on is a guarded action.
        permit = guard.require(uow, GuardedAction.REPRINT, order_id) if copy_number >= 2 else None
        staff_id = permit.staff_id if permit else guard.staff_id(uow)
        while True:
            pdf = render(invoice_document(order, settings, copy_number), kind)
            try:
                path = archive_pdf(archive_dir, order.invoice_number, ARCHIVE_KIND[kind], copy_number, pdf)
                break
            except ArchiveExistsError:
                # A file without a recorded print: a crash between archiving and committing. It was
                # produced, so it counts as a copy; the next number is free.
                copy_number += 1
        uow.prints.record(order_id, kind, copy_number, str(path), destination, clock.now(), staff_id=staff_id,
                          approver_id=permit.approver_id if permit else None)
        if copy_number >= 1:
            audit_record(uow, "reprint", order_id, {"kind": kind, "copy_number": copy_number,
                                                    "invoice_number": order.invoice_number,
                                                    "approver_id": permit.approver_id if permit else None})
        uow.commit()
        return PrintedDocument(order_id=order_id, kind=kind, copy_number=copy_number, pdf=pdf, archive_path=path)


def preview_document(order_id: str, kind: str, uow: UnitOfWork) -> bytes:
    """The document as the next print would look, without recording or archiving anything."""
    settings = load_settings(uow)
    with uow:
        order = order_dto(uow, uow.orders.get(order_id))
        return render(invoice_document(order, settings, uow.prints.count(order_id, kind)), kind)
