"""Rows to domain objects and back. The only place that knows both shapes."""

from __future__ import annotations

from decimal import Decimal

from app.domain.address import ADDRESS_FIELDS, Address
from app.domain.catalog import (
    Allocation,
    ApplicationMethod,
    Customer,
    CustomerAddress,
    Promotion,
    PromotionTarget,
    PromotionType,
    Region,
    SalesChannel,
    ShippingOption,
    TaxRate,
    Variant,
)
from app.domain.draft_order import DraftOrder, DraftStatus, LineItem, ShippingMethod
from app.domain.order import FulfillmentStatus, Order, OrderStatus, Payment, PaymentStatus, TenderKind

from . import rows as r


def region(row: r.RegionRow) -> Region:
    return Region(id=row.id, name=row.name, currency_code=row.currency_code, countries=tuple(row.countries),
                  is_tax_inclusive=row.is_tax_inclusive, automatic_taxes=row.automatic_taxes)


def tax_rate(row: r.TaxRateRow) -> TaxRate:
    return TaxRate(id=row.id, name=row.name, code=row.code, country_code=row.country_code,
                   province_code=row.province_code, rate=row.rate)


def sales_channel(row: r.SalesChannelRow) -> SalesChannel:
    return SalesChannel(id=row.id, name=row.name, description=row.description or "")


def variant(row: r.VariantRow, product_title: str) -> Variant:
    return Variant(id=row.id, product_id=row.product_id, product_title=product_title, title=row.title,
                   sku=row.sku, barcode=row.barcode,
                   prices={k: Decimal(v) for k, v in (row.prices or {}).items()})


def shipping_option(row: r.ShippingOptionRow) -> ShippingOption:
    return ShippingOption(id=row.id, name=row.name, region_id=row.region_id, amount=row.amount,
                          price_type=row.price_type)


def customer(row: r.CustomerRow) -> Customer:
    return Customer(
        id=row.id, email=row.email, first_name=row.first_name, last_name=row.last_name, phone=row.phone,
        company_name=row.company_name, has_account=row.has_account,
        addresses=tuple(CustomerAddress(
            id=a.id, first_name=a.first_name, last_name=a.last_name, company=a.company,
            address_1=a.address_1, address_2=a.address_2, city=a.city, province=a.province,
            postal_code=a.postal_code, country_code=a.country_code, phone=a.phone,
            is_default_shipping=a.is_default_shipping, is_default_billing=a.is_default_billing)
            for a in row.addresses))


def promotion(row: r.PromotionRow) -> Promotion:
    return Promotion(id=row.id, code=row.code, status=row.status, is_automatic=row.is_automatic,
                     application_method=ApplicationMethod(
                         type=PromotionType(row.type), target_type=PromotionTarget(row.target_type),
                         allocation=Allocation(row.allocation), value=row.value,
                         currency_code=row.currency_code, max_quantity=row.max_quantity))


def address(row: r.AddressRow | None) -> Address | None:
    if row is None:
        return None
    return Address(id=row.id, metadata=dict(row.metadata_ or {}), **{f: getattr(row, f) for f in ADDRESS_FIELDS})


def address_row(addr: Address, existing: r.AddressRow | None) -> r.AddressRow:
    row = existing if existing is not None and existing.id == addr.id else r.AddressRow(id=addr.id)
    for f in ADDRESS_FIELDS:
        setattr(row, f, getattr(addr, f))
    row.metadata_ = dict(addr.metadata)
    return row


def draft(row: r.DraftOrderRow) -> DraftOrder:
    return DraftOrder(
        id=row.id, display_id=row.display_id, region_id=row.region_id, currency_code=row.currency_code,
        status=DraftStatus(row.status), email=row.email, customer_id=row.customer_id,
        sales_channel_id=row.sales_channel_id,
        items=[LineItem(
            id=i.id, title=i.title, quantity=i.quantity, unit_price=i.unit_price, variant_id=i.variant_id,
            product_id=i.product_id, subtitle=i.subtitle, variant_sku=i.variant_sku,
            variant_barcode=i.variant_barcode, variant_title=i.variant_title, product_title=i.product_title,
            is_custom_price=i.is_custom_price, is_tax_inclusive=i.is_tax_inclusive,
            metadata=dict(i.metadata_ or {}), created_at=i.created_at) for i in row.items],
        shipping_address=address(row.shipping_address), billing_address=address(row.billing_address),
        shipping_methods=[ShippingMethod(
            id=m.id, name=m.name, amount=m.amount, shipping_option_id=m.shipping_option_id,
            is_custom_amount=m.is_custom_amount, is_tax_inclusive=m.is_tax_inclusive,
            metadata=dict(m.metadata_ or {})) for m in row.shipping_methods],
        promo_codes=list(row.promo_codes or []), no_notification_order=row.no_notification_order,
        idempotency_key=row.idempotency_key, metadata=dict(row.metadata_ or {}), order_id=row.order_id,
        canceled_at=row.canceled_at, completed_at=row.completed_at, created_at=row.created_at,
        updated_at=row.updated_at, staff_id=row.staff_id)


def apply_draft(d: DraftOrder, row: r.DraftOrderRow, search_text: str) -> None:
    for name in ("display_id", "region_id", "currency_code", "email", "customer_id", "sales_channel_id",
                 "no_notification_order", "idempotency_key", "order_id", "canceled_at", "completed_at",
                 "created_at", "updated_at", "staff_id"):
        setattr(row, name, getattr(d, name))
    row.status = d.status.value
    row.promo_codes = list(d.promo_codes)
    row.metadata_ = dict(d.metadata)
    row.search_text = search_text
    row.shipping_address = address_row(d.shipping_address, row.shipping_address) if d.shipping_address else None
    row.billing_address = address_row(d.billing_address, row.billing_address) if d.billing_address else None

    existing = {i.id: i for i in row.items}
    new_items = []
    for pos, it in enumerate(d.items):
        ir = existing.get(it.id) or r.LineItemRow(id=it.id)
        ir.position = pos
        for name in ("title", "subtitle", "variant_id", "product_id", "variant_sku", "variant_barcode",
                     "variant_title", "product_title", "unit_price", "quantity", "is_custom_price",
                     "is_tax_inclusive", "created_at"):
            setattr(ir, name, getattr(it, name))
        ir.metadata_ = dict(it.metadata)
        new_items.append(ir)
    row.items = new_items

    existing_m = {m.id: m for m in row.shipping_methods}
    new_methods = []
    for m in d.shipping_methods:
        mr = existing_m.get(m.id) or r.ShippingMethodRow(id=m.id)
        for name in ("name", "amount", "shipping_option_id", "is_custom_amount", "is_tax_inclusive"):
            setattr(mr, name, getattr(m, name))
        mr.metadata_ = dict(m.metadata)
        new_methods.append(mr)
    row.shipping_methods = new_methods


def order(row: r.OrderRow) -> Order:
    return Order(
        id=row.id, display_id=row.display_id, draft_order_id=row.draft_order_id,
        currency_code=row.currency_code, region_id=row.region_id, invoice_number=row.invoice_number,
        email=row.email, customer_id=row.customer_id, status=OrderStatus(row.status),
        payment_status=PaymentStatus(row.payment_status), fulfillment_status=FulfillmentStatus(row.fulfillment_status),
        external_id=row.external_id, canceled_at=row.canceled_at, completed_at=row.completed_at,
        archived_at=row.archived_at, created_at=row.created_at, refunded_total=row.refunded_total,
        no_notification=row.no_notification, staff_id=row.staff_id, approver_id=row.approver_id,
        payments=[Payment(id=p.id, kind=TenderKind(p.kind), amount=p.amount, amount_tendered=p.amount_tendered,
                          change_given=p.change_given, reference=p.reference, created_at=p.created_at,
                          staff_id=p.staff_id)
                  for p in row.payments])


def apply_order(o: Order, row: r.OrderRow) -> None:
    for name in ("display_id", "draft_order_id", "currency_code", "region_id", "invoice_number", "email",
                 "customer_id", "external_id", "canceled_at", "completed_at", "archived_at", "created_at",
                 "refunded_total", "no_notification", "staff_id", "approver_id"):
        setattr(row, name, getattr(o, name))
    row.status = o.status.value
    row.payment_status = o.payment_status.value
    row.fulfillment_status = o.fulfillment_status.value
    existing = {p.id for p in row.payments}
    for p in o.payments:
        if p.id not in existing:  # payments are facts: recorded once, never edited
            row.payments.append(r.PaymentRow(id=p.id, kind=p.kind.value, amount=p.amount,
                                             amount_tendered=p.amount_tendered, change_given=p.change_given,
                                             reference=p.reference, created_at=p.created_at,
                                             staff_id=p.staff_id))
