"""An in-memory unit of work (cosmicpython's FakeUnitOfWork): the repositories of
app.services.context over plain dicts, so the service tests run without SQLite too.

A ``FakeShop`` plays the database: each unit of work works on a deep copy of its state and
hands the copy back on commit, so leaving without commit leaves nothing behind, as SQLite does.
Catalog records in the neutral shape are read by the same code as the SQL repositories
(app.persistence.records and mapping) so both hold the same domain objects.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain import ids
from app.domain.audit import AuditEntry
from app.domain.catalog import Customer, Promotion, Region, SalesChannel, ShippingOption, TaxRate, Variant
from app.domain.changes import ChangeLog, Changes
from app.domain.draft_order import DraftOrder
from app.domain.errors import InvalidValue, NotFound
from app.domain.listing import OrderListRow, display_name
from app.domain.order import Order
from app.domain.outbox import QUEUED, OutboxEntry, OutboxKind, check_changes
from app.domain.prints import PrintRecord
from app.domain.refunds import OrderReturn, Refund
from app.domain.staff import Actor, StaffMember
from app.persistence import mapping as m
from app.persistence import records as rec
from app.persistence import rows as r
from app.persistence.uow import SqlUnitOfWork
from app.services.context import UnitOfWork
from tests.fake_base import _get, _Repo
from tests.fake_counter_repos import FakeAuditRepository, FakeRefundRepository, FakeStaffRepository
from tests.fake_shifts import FakeShiftRepository, ShiftState


@dataclass
class _State:
    settings: dict[str, Any] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    invoices: dict[tuple[str, int], int] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    tax_rates: dict[str, TaxRate] = field(default_factory=dict)
    sales_channels: dict[str, SalesChannel] = field(default_factory=dict)
    variants: dict[str, tuple[Variant, str]] = field(default_factory=dict)  # with its search text
    shipping_options: dict[str, ShippingOption] = field(default_factory=dict)
    promotions: dict[str, Promotion] = field(default_factory=dict)
    customers: dict[str, tuple[Customer, bool, str]] = field(default_factory=dict)  # created locally, text
    drafts: dict[str, tuple[DraftOrder, str]] = field(default_factory=dict)
    orders: dict[str, tuple[Order, dict[str, Any], str]] = field(default_factory=dict)
    outbox: dict[str, OutboxEntry] = field(default_factory=dict)
    prints: list[PrintRecord] = field(default_factory=list)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    shifts: ShiftState = field(default_factory=ShiftState)
    refunds: dict[str, Refund] = field(default_factory=dict)  # insertion order is creation order
    returns: dict[str, OrderReturn] = field(default_factory=dict)


def _matches(text: str, q: str | None) -> bool:
    return all(w in text for w in (q or "").lower().replace("#", " ").split())


def _display_ids(q: str | None) -> tuple[str | None, list[int]]:
    if not q:
        return q, []
    words = q.split()
    wanted = [int(w[1:]) for w in words if len(w) > 1 and w[0] == "#" and w[1:].isdigit()]
    return " ".join(w for w in words if not (len(w) > 1 and w[0] == "#" and w[1:].isdigit())), wanted


class FakeSettingsRepository(_Repo):
    def get(self, key: str, default: Any = None) -> Any:
        return copy.deepcopy(self.st.settings.get(key, default))

    def all(self) -> dict[str, Any]:
        return copy.deepcopy(self.st.settings)

    def set(self, key: str, value: Any) -> None:
        self.log.settings()
        if value is None:
            self.st.settings.pop(key, None)
        else:
            self.st.settings[key] = copy.deepcopy(value)


class FakeCounterRepository(_Repo):
    def next(self, name: str) -> int:
        self.st.counters[name] = self.st.counters.get(name, 0) + 1
        return self.st.counters[name]

    def next_invoice(self, prefix: str, year: int) -> int:
        self.st.invoices[(prefix, year)] = self.st.invoices.get((prefix, year), 0) + 1
        return self.st.invoices[(prefix, year)]

    def invoice_prefixes(self) -> set[str]:
        return {prefix for (prefix, _year), n in self.st.invoices.items() if n > 0}


class FakeCatalogRepository(_Repo):
    def is_empty(self) -> bool:
        return not self.st.regions

    def regions(self) -> list[Region]:
        return sorted(self.st.regions.values(), key=lambda x: x.name)

    def region(self, region_id: str) -> Region:
        return _get(self.st.regions, region_id, f"region {region_id} does not exist", "region_id")  # type: ignore[no-any-return]

    def tax_rates(self, country_code: str | None = None) -> list[TaxRate]:
        rates = [t for t in self.st.tax_rates.values() if not country_code or t.country_code == country_code.lower()]
        return sorted(rates, key=lambda t: (t.country_code, t.province_code or ""))

    def sales_channels(self) -> list[SalesChannel]:
        return sorted(self.st.sales_channels.values(), key=lambda x: x.name)

    def sales_channel(self, channel_id: str) -> SalesChannel:
        return _get(self.st.sales_channels, channel_id,  # type: ignore[no-any-return]
                    f"sales channel {channel_id} does not exist", "sales_channel_id")

    def variant(self, variant_id: str) -> Variant:
        return _get(self.st.variants, variant_id, f"variant {variant_id} does not exist", "variant_id")[0]  # type: ignore[no-any-return]

    def _one(self, test: Any, message: str, field_name: str) -> Variant:
        found = next((v for v, _ in self.st.variants.values() if test(v)), None)
        if found is None:
            raise NotFound(message, field=field_name)
        return found

    def variant_by_sku(self, sku: str) -> Variant:
        return self._one(lambda v: v.sku == sku.strip(), f"no variant has SKU {sku!r}", "variant_sku")

    def variant_by_barcode(self, barcode: str) -> Variant:
        return self._one(lambda v: v.barcode == barcode.strip(), f"no variant has barcode {barcode!r}",
                         "variant_barcode")

    def search_variants(self, q: str, limit: int = 50) -> list[Variant]:
        q = q.strip()
        by_title = sorted(self.st.variants.values(), key=lambda x: (x[0].product_title, x[0].title))
        if not q:
            return [v for v, _ in by_title][:limit]
        exact = [v for v, _ in self.st.variants.values() if q in (v.sku, v.barcode)]
        rest = [v for v, text in by_title if all(w in text for w in q.lower().split())]
        out: list[Variant] = []
        for v in [*exact, *rest]:
            if v not in out:
                out.append(v)
        return out[:limit]

    def shipping_options(self, region_id: str | None = None) -> list[ShippingOption]:
        found = [o for o in self.st.shipping_options.values() if not region_id or o.region_id == region_id]
        return sorted(found, key=lambda o: (o.amount, o.name))

    def shipping_option(self, option_id: str) -> ShippingOption:
        return _get(self.st.shipping_options, option_id,  # type: ignore[no-any-return]
                    f"shipping option {option_id} does not exist", "shipping_option_id")

    def customer(self, customer_id: str) -> Customer:
        return FakeCustomerRepository(self.st, self.log).get(customer_id)

    def promotions(self) -> list[Promotion]:
        return sorted(self.st.promotions.values(), key=lambda p: p.code)

    def upsert(self, kind: str, items: Iterable[dict[str, Any]], *, created_locally: bool = False) -> int:
        self.log.catalog()
        n = 0
        for d in items:
            n += 1
            if kind == "regions":
                self.st.regions[d["id"]] = m.region(r.RegionRow(**rec.region(d)))
            elif kind == "tax_rates":
                self.st.tax_rates[d["id"]] = m.tax_rate(r.TaxRateRow(**rec.tax_rate(d)))
            elif kind == "sales_channels":
                self.st.sales_channels[d["id"]] = m.sales_channel(r.SalesChannelRow(**rec.sales_channel(d)))
            elif kind == "shipping_options":
                self.st.shipping_options[d["id"]] = m.shipping_option(r.ShippingOptionRow(**rec.shipping_option(d)))
            elif kind == "promotions":
                self.st.promotions[d["id"]] = m.promotion(r.PromotionRow(**rec.promotion(d)))
            elif kind == "products":
                self.st.variants = {k: x for k, x in self.st.variants.items() if x[0].product_id != d["id"]}
                for values in rec.variants(d):
                    self.st.variants[values["id"]] = (m.variant(r.VariantRow(**values), d["title"]),
                                                      values["search_text"])
            elif kind == "customers":
                FakeCustomerRepository(self.st, self.log).upsert(d, created_locally=created_locally)
            else:
                raise KeyError(kind)
        return n


class FakeCustomerRepository(_Repo):
    def get(self, customer_id: str) -> Customer:
        return _get(self.st.customers, customer_id,  # type: ignore[no-any-return]
                    f"customer {customer_id} does not exist", "customer_id")[0]

    def by_email(self, email: str) -> Customer | None:
        return next((c for c, _, _ in self.st.customers.values() if c.email.lower() == email.strip().lower()), None)

    def names(self, customer_ids: list[str]) -> dict[str, str]:
        return {i: self.st.customers[i][0].full_name for i in customer_ids if i in self.st.customers}

    def search(self, q: str, limit: int = 25) -> list[Customer]:
        digits = "".join(ch for ch in q if ch.isdigit())
        if digits and len(digits) >= 4 and digits == q.replace(" ", "").lstrip("+"):
            words = [digits]
        else:
            words = [w for w in q.lower().split() if w]
        found = [c for c, _, text in self.st.customers.values() if all(w in text for w in words)]
        return sorted(found, key=lambda c: (c.last_name or "", c.first_name or ""))[:limit]

    def created_locally(self) -> list[Customer]:
        return [c for c, local, _ in self.st.customers.values() if local]

    def add(self, c: Customer, *, created_locally: bool) -> None:
        self.log.catalog()
        d = {"id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name, "phone": c.phone,
             "company_name": c.company_name, "has_account": c.has_account,
             "addresses": [{k: getattr(a, k) for k in a.__dataclass_fields__} for a in c.addresses]}
        self.upsert(d, created_locally=created_locally)

    def upsert(self, d: dict[str, Any], *, created_locally: bool = False) -> None:
        values = rec.customer(d)
        row = r.CustomerRow(created_locally=created_locally, **values)
        row.addresses = [r.CustomerAddressRow(**a) for a in rec.customer_addresses(d)]
        old = self.st.customers.get(d["id"])
        self.st.customers[d["id"]] = (m.customer(row), old[1] if old else created_locally, values["search_text"])


def _draft_status_matches(d: DraftOrder, statuses: list[str]) -> bool:
    for st in statuses:
        if st == "canceled" and d.canceled_at is not None:
            return True
        if st == "open" and d.status.value == "open" and d.canceled_at is None:
            return True
        if st not in ("canceled", "open") and d.status.value == st:
            return True
    return False


def _in_range(at: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    return at is not None and (start is None or at >= start) and (end is None or at < end)


class FakeDraftRepository(_Repo):
    def get(self, draft_id: str) -> DraftOrder:
        return copy.deepcopy(_get(self.st.drafts, draft_id, f"draft order {draft_id} does not exist", "id")[0])  # type: ignore[no-any-return]

    def many(self, draft_ids: list[str]) -> dict[str, DraftOrder]:
        return {i: copy.deepcopy(self.st.drafts[i][0]) for i in draft_ids if i in self.st.drafts}

    def by_display_id(self, display_id: int) -> DraftOrder:
        found = next((d for d, _ in self.st.drafts.values() if d.display_id == display_id), None)
        if found is None:
            raise NotFound(f"draft #{display_id} does not exist", field="id")
        return copy.deepcopy(found)

    def add(self, draft: DraftOrder, search_text: str) -> None:
        self.log.draft(draft.id)
        self.st.drafts[draft.id] = (copy.deepcopy(draft), search_text)

    def save(self, draft: DraftOrder, search_text: str) -> None:
        self.get(draft.id)
        self.add(draft, search_text)

    def delete(self, draft_id: str) -> None:
        self.get(draft_id)
        self.log.draft(draft_id)
        del self.st.drafts[draft_id]

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[DraftOrder], int]:
        q, wanted = _display_ids(q)
        found = [d for d, text in self.st.drafts.values()
                 if _matches(text, q) and (not wanted or d.display_id in wanted)
                 and (not statuses or _draft_status_matches(d, statuses))
                 and (start is None and end is None or _in_range(d.created_at, start, end))]
        found.sort(key=lambda d: d.created_at or datetime.min, reverse=True)
        return copy.deepcopy(found[offset:offset + limit]), len(found)


class FakeOrderRepository(_Repo):
    def _entry(self, order_id: str) -> tuple[Order, dict[str, Any], str]:
        return _get(self.st.orders, order_id, f"order {order_id} does not exist", "id")  # type: ignore[no-any-return]

    def get(self, order_id: str) -> Order:
        return copy.deepcopy(self._entry(order_id)[0])

    def totals_snapshot(self, order_id: str) -> dict[str, Any]:
        return copy.deepcopy(self._entry(order_id)[1])

    def totals_of(self, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        return {i: copy.deepcopy(self.st.orders[i][1]) for i in order_ids if i in self.st.orders}

    def _find(self, test: Any, message: str) -> Order:
        found = next((o for o, _, _ in self.st.orders.values() if test(o)), None)
        if found is None:
            raise NotFound(message, field="id")
        return copy.deepcopy(found)

    def by_display_id(self, display_id: int) -> Order:
        return self._find(lambda o: o.display_id == display_id, f"order #{display_id} does not exist")

    def by_invoice_number(self, number: str) -> Order:
        return self._find(lambda o: o.invoice_number == number, f"no order has invoice number {number}")

    def add(self, order: Order, totals: dict[str, Any], search_text: str) -> None:
        self.log.order(order.id)
        self.st.orders[order.id] = (copy.deepcopy(order), copy.deepcopy(totals), search_text)

    def save(self, order: Order) -> None:
        _, totals, text = self._entry(order.id)
        self.log.order(order.id)
        self.st.orders[order.id] = (copy.deepcopy(order), totals, text)

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None, sync_states: list[str] | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[tuple[Order, dict[str, Any]]], int]:
        q, wanted = _display_ids(q)
        syncing = {e.order_id for e in self.st.outbox.values() if sync_states and e.state in sync_states}
        found = [(o, totals) for o, totals, text in self.st.orders.values()
                 if _matches(text, q) and (not wanted or o.display_id in wanted)
                 and (not statuses or o.status.value in statuses)
                 and (start is None and end is None or _in_range(o.created_at, start, end))
                 and (not sync_states or o.id in syncing)]
        found.sort(key=lambda x: x[0].created_at or datetime.min, reverse=True)
        return copy.deepcopy(found[offset:offset + limit]), len(found)


    def list_rows(self, **kw: Any) -> tuple[list[OrderListRow], int]:
        found, count = self.search(**kw)
        rows = []
        for o, totals in found:
            d = self.st.drafts[o.draft_order_id][0]
            customer = self.st.customers.get(d.customer_id or "")
            rows.append(OrderListRow(
                id=o.id, display_id=o.display_id, status=o.status.value, email=o.email,
                customer_name=display_name(customer[0].full_name if customer else None,
                                           d.billing_address.full_name if d.billing_address else None,
                                           d.shipping_address.full_name if d.shipping_address else None, d.email),
                phone=next((a.phone for a in (d.shipping_address, d.billing_address) if a and a.phone), None),
                total=Decimal(totals["total"]), currency_code=o.currency_code, created_at=o.created_at,
                invoice_number=o.invoice_number, payment_status=o.payment_status.value,
                item_count=sum(i.quantity for i in d.items)))
        return rows, count


class FakeOutboxRepository(_Repo):
    def enqueue(self, order_id: str, now: datetime, kind: OutboxKind = OutboxKind.SALE,
                subject_id: str = "") -> OutboxEntry:
        if self.for_order(order_id, kind, subject_id) is not None:
            raise InvalidValue(f"order {order_id} already has a {kind.value} entry", field="order_id")
        self.log.outbox()
        e = OutboxEntry(id=ids.new_id(ids.PREFIXES["outbox"]), order_id=order_id, kind=kind.value, state=QUEUED,
                        step=0, data={}, attempts=0, last_error=None, next_attempt_at=None, server_order_id=None,
                        server_display_id=None, created_at=now, updated_at=now, subject_id=subject_id)
        self.st.outbox[e.id] = e
        return e

    def _numbered(self, e: OutboxEntry) -> OutboxEntry:
        o = self.st.orders.get(e.order_id)
        return e if o is None else replace(e, invoice_number=o[0].invoice_number, display_id=o[0].display_id)

    def for_order(self, order_id: str, kind: OutboxKind = OutboxKind.SALE,
                  subject_id: str = "") -> OutboxEntry | None:
        e = next((x for x in self.st.outbox.values() if x.order_id == order_id and x.kind == kind.value
                  and x.subject_id == subject_id), None)
        return None if e is None else self._numbered(e)

    def all_for_order(self, order_id: str) -> list[OutboxEntry]:
        return sorted((self._numbered(x) for x in self.st.outbox.values() if x.order_id == order_id),
                      key=lambda x: (x.created_at, x.id))

    def for_orders(self, order_ids: list[str], kind: OutboxKind = OutboxKind.SALE) -> dict[str, OutboxEntry]:
        return {x.order_id: x for x in self.st.outbox.values()
                if x.order_id in order_ids and x.kind == kind.value and x.subject_id == ""}

    def update(self, outbox_id: str, changes: dict[str, Any], now: datetime) -> OutboxEntry:
        check_changes(changes)
        self.log.outbox()
        e = replace(self.st.outbox[outbox_id], **changes, updated_at=now)
        self.log.order(e.order_id)
        self.st.outbox[outbox_id] = e
        return self._numbered(e)


class FakePrintRepository(_Repo):
    def count(self, order_id: str, kind: str) -> int:
        return sum(1 for p in self.st.prints if p.order_id == order_id and p.kind == kind)

    def record(self, order_id: str, kind: str, copy_number: int, archive_path: str | None,
               destination: str | None, now: datetime, *, staff_id: str | None = None,
               approver_id: str | None = None) -> None:
        self.log.prints()
        self.st.prints.append(PrintRecord(order_id=order_id, kind=kind, copy_number=copy_number,
                                          archive_path=archive_path, destination=destination, printed_at=now,
                                          staff_id=staff_id, approver_id=approver_id))

    def for_order(self, order_id: str) -> list[PrintRecord]:
        return sorted((p for p in self.st.prints if p.order_id == order_id), key=lambda p: p.printed_at)


class FakeShop:
    """The in-memory stand-in for the database file; ``uow()`` as App.uow() does."""

    def __init__(self) -> None:
        self.state = _State()
        self.commits = 0

    actor: Actor | None = None

    def uow(self, approval: Any = None) -> FakeUnitOfWork:
        actor = self.actor.with_approval(approval) if self.actor is not None and approval else self.actor
        return FakeUnitOfWork(self, actor)


class FakeUnitOfWork:
    settings: FakeSettingsRepository
    counters: FakeCounterRepository
    catalog: FakeCatalogRepository
    customers: FakeCustomerRepository
    drafts: FakeDraftRepository
    orders: FakeOrderRepository
    outbox: FakeOutboxRepository
    prints: FakePrintRepository
    staff: FakeStaffRepository
    audit: FakeAuditRepository
    shifts: FakeShiftRepository
    refunds: FakeRefundRepository

    def __init__(self, shop: FakeShop, actor: Actor | None = None) -> None:
        self.shop = shop
        self._actor = actor
        self._log = ChangeLog()
        self._work: _State | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._work = st = copy.deepcopy(self.shop.state)
        self._log = log = ChangeLog()
        self.settings = FakeSettingsRepository(st, log)
        self.counters = FakeCounterRepository(st, log)
        self.catalog = FakeCatalogRepository(st, log)
        self.customers = FakeCustomerRepository(st, log)
        self.drafts = FakeDraftRepository(st, log)
        self.orders = FakeOrderRepository(st, log)
        self.outbox = FakeOutboxRepository(st, log)
        self.prints = FakePrintRepository(st, log)
        self.staff = FakeStaffRepository(st, log)
        self.audit = FakeAuditRepository(st, log)
        self.shifts = FakeShiftRepository(st.shifts, st.orders, log, st.refunds)
        self.refunds = FakeRefundRepository(st, log)
        return self

    @property
    def actor(self) -> Actor | None:
        return self._actor

    def __exit__(self, *exc: object) -> None:
        self._work = None  # whatever was not committed is dropped

    @property
    def changes(self) -> Changes:
        return self._log.changes()

    def commit(self) -> None:
        assert self._work is not None, "the unit of work is not open"
        self.shop.state = copy.deepcopy(self._work)
        self.shop.commits += 1

    def flush(self) -> None:
        pass


def _conforms(sql: SqlUnitOfWork, fake: FakeUnitOfWork) -> tuple[UnitOfWork, UnitOfWork]:
    """Never called: mypy checks here that both units of work implement the services' Protocols."""
    return sql, fake
