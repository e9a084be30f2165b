"""Draft order actions: one function per user action, each one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain import clock, ids
from app.domain.address import Address
from app.domain.catalog import PromotionTarget, Variant
from app.domain.changes import OpResult
from app.domain.draft_order import DraftOrder, LineItem, ShippingMethod
from app.domain.errors import InvalidValue, NotFound
from app.domain.permissions import GuardedAction
from app.domain.pricing import prices_include_tax
from app.domain.promotions import find_promotion
from app.domain.tax import check_addresses_in_region

from . import guard
from .audit import record as audit_record
from .commands import (
    AddLineItem,
    AddressInput,
    CreateDraftOrder,
    DraftItemInput,
    PromoCode,
    RemoveLineItem,
    SetShippingMethod,
    ShippingMethodInput,
    UpdateDraftOrder,
    UpdateLineItem,
)
from .context import UnitOfWork
from .dto import DraftOrderDTO
from .dto_builders import draft_dto, price, search_text
from .errors import parse

Edited = OpResult[DraftOrderDTO]


def _address(a: AddressInput | None, existing: Address | None = None) -> Address | None:
    if a is None:
        return None
    data = a.model_dump(exclude={"metadata"})
    addr_id = existing.id if existing is not None else ids.new_id(ids.PREFIXES["address"])
    return Address(id=addr_id, metadata=dict(a.metadata), **data)


def _resolve_variant(uow: UnitOfWork, item: DraftItemInput, prefix: str) -> Variant:
    try:
        if item.variant_id:
            return uow.catalog.variant(item.variant_id)
        if item.variant_sku:
            return uow.catalog.variant_by_sku(item.variant_sku)
        return uow.catalog.variant_by_barcode(item.variant_barcode or "")
    except NotFound as exc:
        raise NotFound(exc.message, field=f"{prefix}{exc.field}") from None


def _line_item(uow: UnitOfWork, draft: DraftOrder, item: DraftItemInput, prefix: str, incl: bool) -> LineItem:
    now = clock.now()
    if item.variant_id or item.variant_sku or item.variant_barcode:
        v = _resolve_variant(uow, item, prefix)
        price = v.price_in(draft.currency_code)
        custom = item.unit_price is not None
        if custom and item.unit_price != price:
            _price_override(uow, draft, v.display_title, price, item.unit_price)
        if price is None and not custom:
            raise InvalidValue(f"{v.display_title} has no price in {draft.currency_code.upper()}",
                               field=f"{prefix}variant_id")
        return LineItem(
            id=ids.new_id(ids.PREFIXES["line_item"]), title=item.title or v.product_title,
            subtitle=v.title, quantity=item.quantity,
            unit_price=item.unit_price if custom else price,  # type: ignore[arg-type]
            variant_id=v.id, product_id=v.product_id, variant_sku=v.sku, variant_barcode=v.barcode,
            variant_title=v.title, product_title=v.product_title, is_custom_price=custom,
            is_tax_inclusive=incl, metadata=dict(item.metadata), created_at=now)
    return LineItem(id=ids.new_id(ids.PREFIXES["line_item"]), title=item.title or "", quantity=item.quantity,
                    unit_price=item.unit_price, is_custom_price=True, is_tax_inclusive=incl,  # type: ignore[arg-type]
                    metadata=dict(item.metadata), created_at=now)


def _shipping_method(uow: UnitOfWork, draft: DraftOrder, m: ShippingMethodInput | SetShippingMethod,
                     prefix: str, incl: bool) -> ShippingMethod:
    if m.shipping_option_id:
        try:
            opt = uow.catalog.shipping_option(m.shipping_option_id)
        except NotFound as exc:
            raise NotFound(exc.message, field=f"{prefix}shipping_option_id") from None
        if opt.region_id != draft.region_id:
            raise InvalidValue(f"{opt.name} is not offered in this order's region", field=f"{prefix}shipping_option_id")
        custom = m.amount is not None
        return ShippingMethod(id=ids.new_id(ids.PREFIXES["shipping_method"]), name=m.name or opt.name,
                              amount=m.amount if custom else opt.amount,  # type: ignore[arg-type]
                              shipping_option_id=opt.id, is_custom_amount=custom, is_tax_inclusive=incl)
    return ShippingMethod(id=ids.new_id(ids.PREFIXES["shipping_method"]), name=m.name or "Shipping",
                          amount=m.amount, shipping_option_id=None, is_custom_amount=True,  # type: ignore[arg-type]
                          is_tax_inclusive=incl)


def _price_override(uow: UnitOfWork, draft: DraftOrder, title: str, was: object, now: object) -> None:
    """A catalog item sold at another price than the catalog's: guarded, and logged."""
    permit = guard.require(uow, GuardedAction.PRICE_OVERRIDE, draft.id)
    audit_record(uow, "price_override", draft.id, {"item": title, "catalog_price": was, "price": now,
                                                   "approver_id": permit.approver_id if permit else None})


def _default_region_id(uow: UnitOfWork) -> str:
    rid = uow.settings.get("default_region_id")
    if rid:
        return str(rid)
    regions = uow.catalog.regions()
    if not regions:
        raise InvalidValue("there are no regions yet: sync the catalog or load the demo shop", field="region_id")
    return regions[0].id


def _save(uow: UnitOfWork, draft: DraftOrder, *, new: bool = False) -> Edited:
    staff_id = guard.staff_id(uow)  # staff on: someone is signed in
    if draft.staff_id is None:
        draft.staff_id = staff_id
    draft.updated_at = clock.now()
    region = uow.catalog.region(draft.region_id)
    check_addresses_in_region(region, shipping_address=draft.shipping_address, billing_address=draft.billing_address)
    for it in draft.items:  # the stored flags say how each line was priced (see prices_include_tax)
        it.is_tax_inclusive = prices_include_tax(region, custom_price=it.is_custom_price)
    for m in draft.shipping_methods:
        m.is_tax_inclusive = prices_include_tax(region, custom_price=True)
    text = search_text(uow, draft)
    (uow.drafts.add if new else uow.drafts.save)(draft, text)
    uow.flush()
    dto = draft_dto(uow, draft)
    uow.commit()
    return OpResult(dto, uow.changes)


def _edit(uow: UnitOfWork, draft_id: str, change: Callable[[DraftOrder], object], *,
          editable: bool = True) -> Edited:
    """The opening every draft edit shares: one unit of work, load, check, change, save."""
    with uow:
        draft = uow.drafts.get(draft_id)
        if editable:
            draft.ensure_editable()
        change(draft)
        return _save(uow, draft)


def create_draft(cmd: CreateDraftOrder | dict[str, Any], uow: UnitOfWork) -> Edited:
    cmd = parse(CreateDraftOrder, cmd)
    with uow:
        region = uow.catalog.region(cmd.region_id or _default_region_id(uow))
        if cmd.currency_code and cmd.currency_code.lower() != region.currency_code:
            raise InvalidValue(f"region {region.name} sells in {region.currency_code.upper()}, not "
                               f"{cmd.currency_code.upper()}", field="currency_code")
        email = str(cmd.email) if cmd.email else None
        if cmd.customer_id:
            customer = uow.customers.get(cmd.customer_id)
            email = email or customer.email
        default_channel = uow.settings.get("default_sales_channel_id")
        channel = cmd.sales_channel_id or (str(default_channel) if default_channel else None)
        if channel:
            uow.catalog.sales_channel(channel)
        now = clock.now()
        draft = DraftOrder(
            id=ids.new_id(ids.PREFIXES["draft_order"]), display_id=uow.counters.next("draft_order"),
            region_id=region.id, currency_code=region.currency_code, email=email, customer_id=cmd.customer_id,
            sales_channel_id=channel, shipping_address=_address(cmd.shipping_address),
            billing_address=_address(cmd.billing_address), no_notification_order=cmd.no_notification_order,
            idempotency_key=cmd.idempotency_key, metadata=dict(cmd.metadata), created_at=now, updated_at=now)
        for i, item in enumerate(cmd.items):
            draft.add_item(_line_item(uow, draft, item, f"items.{i}.", region.is_tax_inclusive))
        for i, m in enumerate(cmd.shipping_methods):
            draft.set_shipping_method(
                _shipping_method(uow, draft, m, f"shipping_methods.{i}.", region.is_tax_inclusive))
        known = uow.catalog.promotions()
        for i, code in enumerate(cmd.promo_codes):
            try:
                draft.apply_promo_code(find_promotion(code, known).code)  # stored as the catalog spells it
            except NotFound as exc:
                raise NotFound(exc.message, field=f"promo_codes.{i}") from None
        price(uow, draft, strict=True)  # an unknown or foreign promo code is refused now, not at Mark Paid
        return _save(uow, draft, new=True)


def update_draft(cmd: UpdateDraftOrder | dict[str, Any], uow: UnitOfWork) -> Edited:
    cmd = parse(UpdateDraftOrder, cmd)
    given = cmd.model_fields_set
    with uow:
        draft = uow.drafts.get(cmd.draft_id)
        draft.ensure_editable()
        if "email" in given:
            draft.email = str(cmd.email) if cmd.email else None
        if "customer_id" in given:
            if cmd.customer_id:
                customer = uow.customers.get(cmd.customer_id)
                if not draft.email or "email" not in given:
                    draft.email = customer.email
            draft.customer_id = cmd.customer_id
        if "sales_channel_id" in given:
            if cmd.sales_channel_id:
                uow.catalog.sales_channel(cmd.sales_channel_id)
            draft.sales_channel_id = cmd.sales_channel_id
        if "shipping_address" in given:
            draft.shipping_address = _address(cmd.shipping_address, draft.shipping_address)
        if "billing_address" in given:
            draft.billing_address = _address(cmd.billing_address, draft.billing_address)
        if "metadata" in given:
            draft.metadata = dict(cmd.metadata or {})
        if "no_notification_order" in given and cmd.no_notification_order is not None:
            draft.no_notification_order = cmd.no_notification_order
        if "region_id" in given and cmd.region_id and cmd.region_id != draft.region_id:
            _change_region(uow, draft, cmd.region_id)
        return _save(uow, draft)


def _change_region(uow: UnitOfWork, draft: DraftOrder, region_id: str) -> None:
    region = uow.catalog.region(region_id)
    draft.region_id = region.id
    if region.currency_code != draft.currency_code:
        draft.currency_code = region.currency_code
        for i, it in enumerate(draft.items):
            if it.variant_id and not it.is_custom_price:
                price = uow.catalog.variant(it.variant_id).price_in(region.currency_code)
                if price is None:
                    raise InvalidValue(f"{it.title} has no price in {region.currency_code.upper()}",
                                       field=f"items.{i}.unit_price")
                it.unit_price = price
    for it in draft.items:
        it.is_tax_inclusive = region.is_tax_inclusive
    draft.shipping_methods = []  # shipping options belong to a region: choose again


def add_line_item(cmd: AddLineItem | dict[str, Any], uow: UnitOfWork) -> Edited:
    c = parse(AddLineItem, cmd)
    return _edit(uow, c.draft_id, lambda draft: draft.add_item(
        _line_item(uow, draft, c, "", uow.catalog.region(draft.region_id).is_tax_inclusive)))


def update_line_item(cmd: UpdateLineItem | dict[str, Any], uow: UnitOfWork) -> Edited:
    c = parse(UpdateLineItem, cmd)

    def change(draft: DraftOrder) -> None:
        line = next((i for i in draft.items if i.id == c.item_id), None)
        if line is not None and line.variant_id and c.unit_price is not None and c.unit_price != line.unit_price:
            _price_override(uow, draft, line.title, line.unit_price, c.unit_price)
        draft.update_item(c.item_id, quantity=c.quantity, unit_price=c.unit_price, title=c.title,
                          metadata=c.metadata)

    return _edit(uow, c.draft_id, change, editable=False)


def remove_line_item(cmd: RemoveLineItem | dict[str, Any], uow: UnitOfWork) -> Edited:
    c = parse(RemoveLineItem, cmd)
    return _edit(uow, c.draft_id, lambda draft: draft.remove_item(c.item_id), editable=False)


def set_shipping_method(cmd: SetShippingMethod | dict[str, Any], uow: UnitOfWork) -> Edited:
    c = parse(SetShippingMethod, cmd)

    def change(draft: DraftOrder) -> None:
        if c.shipping_option_id is None and c.amount is None:
            draft.set_shipping_method(None)
        else:
            region = uow.catalog.region(draft.region_id)
            draft.set_shipping_method(_shipping_method(uow, draft, c, "", region.is_tax_inclusive))

    return _edit(uow, c.draft_id, change)


def apply_promo_code(cmd: PromoCode | dict[str, Any], uow: UnitOfWork) -> Edited:
    cmd = parse(PromoCode, cmd)
    with uow:
        draft = uow.drafts.get(cmd.draft_id)
        draft.ensure_editable()
        draft.apply_promo_code(find_promotion(cmd.code, uow.catalog.promotions()).code)
        priced = price(uow, draft, strict=True)
        code = next(c for c in draft.promo_codes if c.upper() == cmd.code.strip().upper())
        promo = find_promotion(code, uow.catalog.promotions())
        # Discounts are keyed by the catalog's spelling of the code, not the one typed.
        if priced.promo_discounts.get(promo.code, 0) == 0:
            on_shipping = promo.application_method.target_type is PromotionTarget.SHIPPING_METHODS
            # A code for lines not yet entered is kept (it applies once they are); one that
            # cannot reduce anything already there is refused with the reason.
            if (on_shipping and draft.shipping_methods) or (not on_shipping and draft.items):
                raise InvalidValue(f"promo code {promo.code} does not apply to anything on this order",
                                   field="promo_codes")
        return _save(uow, draft)


def remove_promo_code(cmd: PromoCode | dict[str, Any], uow: UnitOfWork) -> Edited:
    c = parse(PromoCode, cmd)
    return _edit(uow, c.draft_id, lambda draft: draft.remove_promo_code(c.code), editable=False)


def cancel_draft(draft_id: str, uow: UnitOfWork) -> Edited:
    return _edit(uow, draft_id, lambda draft: draft.cancel(clock.now()), editable=False)


def delete_draft(draft_id: str, uow: UnitOfWork) -> OpResult[str]:
    with uow:
        draft = uow.drafts.get(draft_id)
        guard.staff_id(uow)
        if draft.order_id is not None:
            raise InvalidValue(f"draft #{draft.display_id} was paid (order {draft.order_id}) and cannot be deleted",
                               field="id")
        uow.drafts.delete(draft_id)
        uow.commit()
        return OpResult(draft_id, uow.changes)


def get_draft(draft_id: str, uow: UnitOfWork) -> DraftOrderDTO:
    with uow:
        return draft_dto(uow, uow.drafts.get(draft_id))
