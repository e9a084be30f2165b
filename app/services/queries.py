"""Lists and searches: drafts and orders for the left-hand list and the CLI, catalog look-ups."""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal
from typing import Any

from app.domain import clock
from app.domain.catalog import Customer, Promotion, Region, SalesChannel, ShippingOption, Variant
from app.domain.draft_order import DraftOrder
from app.domain.errors import InvalidValue
from app.domain.listing import display_name
from app.domain.outbox import UNSYNCED_STATES
from app.domain.pricing import price_draft

from .command_base import OrderQuery
from .context import UnitOfWork, UowFactory
from .date_bounds import as_utc as _as_utc
from .dto import ListEntryDTO, ListPage
from .dto_builders import rules_of
from .errors import parse
from .snapshot import totals_from_dict

# Filters of the window's list, also usable from the CLI.
FILTERS = ("open_drafts", "paid_today", "all_orders", "not_synced", "all_drafts")




def list_drafts(query: OrderQuery | dict[str, Any], uow: UnitOfWork) -> ListPage:
    query = parse(OrderQuery, query)
    with uow:
        drafts, count = uow.drafts.search(q=query.q, statuses=query.status, start=_as_utc(query.created_from),
                                          end=_as_utc(query.created_to, end=True, field="created_to"),
                                          limit=query.limit, offset=query.offset)
        regions = {x.id: x for x in uow.catalog.regions()}
        rates, promos = uow.catalog.tax_rates(), uow.catalog.promotions()
        rules = rules_of(uow)
        # Everything else a page needs in one statement each, not one per listed draft.
        names = uow.customers.names([d.customer_id for d in drafts if d.customer_id])
        paid = uow.orders.totals_of([d.order_id for d in drafts if d.order_id])
        entries = []
        for d in drafts:
            if d.order_id and d.order_id in paid:
                total = totals_from_dict(paid[d.order_id])[0].total
            elif d.region_id in regions:
                total = price_draft(d, regions[d.region_id], rates, promos, strict=False,
                                    rules=rules).totals.total
            else:
                total = sum((i.unit_price * i.quantity for i in d.items), Decimal(0))
            name = display_name(names.get(d.customer_id or ""),
                                d.billing_address.full_name if d.billing_address else None,
                                d.shipping_address.full_name if d.shipping_address else None, d.email)
            entries.append(ListEntryDTO(
                kind="draft", id=d.id, display_id=d.display_id, status="canceled" if d.canceled_at else d.status.value,
                customer_name=name, email=d.email, phone=_phone(d), total=total,
                currency_code=d.currency_code, created_at=d.created_at, item_count=sum(i.quantity for i in d.items)))
        return ListPage(entries=tuple(entries), count=count)


def _phone(d: DraftOrder) -> str | None:
    return next((a.phone for a in (d.shipping_address, d.billing_address) if a and a.phone), None)


def list_orders(query: OrderQuery | dict[str, Any], uow: UnitOfWork) -> ListPage:
    query = parse(OrderQuery, query)
    with uow:
        found, count = uow.orders.list_rows(q=query.q, statuses=query.status, start=_as_utc(query.created_from),
                                            end=_as_utc(query.created_to, end=True, field="created_to"),
                                            sync_states=query.sync_state, limit=query.limit, offset=query.offset)
        outbox = uow.outbox.for_orders([o.id for o in found])
        entries = []
        for o in found:
            ob = outbox.get(o.id)
            entries.append(ListEntryDTO(
                kind="order", id=o.id, display_id=o.display_id, status=o.status, customer_name=o.customer_name,
                email=o.email, phone=o.phone, total=o.total, currency_code=o.currency_code,
                created_at=o.created_at, invoice_number=o.invoice_number, payment_status=o.payment_status,
                sync_state=ob.state if ob else None, item_count=o.item_count))
        return ListPage(entries=tuple(entries), count=count)


def list_for_filter(name: str, q: str | None, uow_factory: UowFactory, *, limit: int = 200) -> ListPage:
    """The window's list: one of FILTERS, narrowed by the search box."""
    if name == "open_drafts":
        return list_drafts(OrderQuery(q=q, status=["open"], limit=limit), uow_factory())
    if name == "all_drafts":
        return list_drafts(OrderQuery(q=q, limit=limit), uow_factory())
    if name == "paid_today":
        today = clock.now().astimezone().date()
        return list_orders(OrderQuery(q=q, created_from=today, created_to=today, limit=limit), uow_factory())
    if name == "not_synced":
        return list_orders(OrderQuery(q=q, sync_state=list(UNSYNCED_STATES), limit=limit),
                           uow_factory())
    return list_orders(OrderQuery(q=q, limit=limit), uow_factory())


def search_variants(q: str, uow: UnitOfWork, limit: int = 50) -> list[Variant]:
    with uow:
        return uow.catalog.search_variants(q, limit)


def search_customers(q: str, uow: UnitOfWork, limit: int = 25) -> list[Customer]:
    with uow:
        return uow.customers.search(q, limit)


def regions(uow: UnitOfWork) -> list[Region]:
    with uow:
        return uow.catalog.regions()


def sales_channels(uow: UnitOfWork) -> list[SalesChannel]:
    with uow:
        return uow.catalog.sales_channels()


def shipping_options(uow: UnitOfWork, region_id: str | None = None) -> list[ShippingOption]:
    with uow:
        return uow.catalog.shipping_options(region_id)


def promotions(uow: UnitOfWork) -> list[Promotion]:
    with uow:
        return uow.catalog.promotions()


_DISPLAY_ID = re.compile(r"#?([0-9]{1,15})")


def resolve_id(kind: str, ref: str, uow: UnitOfWork) -> str:
    """Accept an id, a display id ('12' or '#12', ASCII digits) or, for orders, an invoice number."""
    ref = ref.strip()
    if not ref:
        raise InvalidValue(f"is empty; give a {kind} id or a display id such as #12", field="id")
    if len(ref) > 100:
        raise InvalidValue(f"{ref[:40]!r}… is too long for an id", field="id")
    m = _DISPLAY_ID.fullmatch(ref)
    if not m and ref.lstrip("#").isascii() and ref.lstrip("#").isdigit():
        raise InvalidValue(f"{ref[:20]!r} is too large for a display id", field="id")
    if ref.startswith("#") and not m:
        shown = ref if len(ref) <= 40 else ref[:40] + "…"
        raise InvalidValue(f"{shown!r} is not a display id (use # and ASCII digits, e.g. #12)", field="id")
    with uow:
        repo = uow.drafts if kind == "draft" else uow.orders
        if m:
            return repo.by_display_id(int(m.group(1))).id
        if kind == "order" and not ref.startswith("order_"):
            return uow.orders.by_invoice_number(ref).id
        return repo.get(ref).id


__all__ = ["FILTERS", "list_drafts", "list_orders", "list_for_filter", "search_variants", "search_customers",
           "regions", "sales_channels", "shipping_options", "promotions", "resolve_id", "UTC"]
