"""Unit of work and repositories over SQLAlchemy 2. One unit of work per user action: one
transaction (BEGIN IMMEDIATE), explicit commit, rollback by default."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.domain import ids
from app.domain.catalog import Customer, Promotion, Region, SalesChannel, ShippingOption, TaxRate, Variant
from app.domain.draft_order import DraftOrder
from app.domain.errors import NotFound
from app.domain.order import Order

from . import mapping as m
from . import rows as r


def _now() -> datetime:
    return datetime.now(UTC)


def _like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _words(column: Any, q: str | None) -> list[Any]:
    """Every word of the search box must appear somewhere in the row's search text."""
    if not q or not q.strip():
        return []
    return [column.like(_like(w), escape="\\") for w in q.lower().replace("#", " ").split()]


def _display_ids(q: str | None) -> tuple[str | None, list[int]]:
    """'#12' in the search box means display id 12 exactly, not every row whose text holds a 12
    (a phone number, a year); for orders it is the order's own number, not its draft's."""
    if not q:
        return q, []
    words = q.split()
    wanted = [int(w[1:]) for w in words if len(w) > 1 and w[0] == "#" and w[1:].isdigit()]
    rest = " ".join(w for w in words if not (len(w) > 1 and w[0] == "#" and w[1:].isdigit()))
    return rest, wanted


def _text(*parts: object) -> str:
    return " ".join(str(p).lower() for p in parts if p not in (None, ""))


class SettingsRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def get(self, key: str, default: Any = None) -> Any:
        row = self.s.get(r.SettingRow, key)
        return default if row is None else row.value

    def all(self) -> dict[str, Any]:
        return {row.key: row.value for row in self.s.scalars(select(r.SettingRow))}

    def set(self, key: str, value: Any) -> None:
        row = self.s.get(r.SettingRow, key)
        if value is None:  # the column is NOT NULL; an absent row reads back as None (the default)
            if row is not None:
                self.s.delete(row)
            return
        if row is None:
            self.s.add(r.SettingRow(key=key, value=value))
        else:
            row.value = value


class CounterRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def next(self, name: str) -> int:
        # Safe without races: the unit of work already holds SQLite's write lock (BEGIN IMMEDIATE).
        row = self.s.get(r.CounterRow, name)
        if row is None:
            row = r.CounterRow(name=name, value=0)
            self.s.add(row)
        row.value += 1
        return row.value

    def next_invoice(self, prefix: str, year: int) -> int:
        row = self.s.get(r.InvoiceSequenceRow, (prefix, year))
        if row is None:
            row = r.InvoiceSequenceRow(prefix=prefix, year=year, last_value=0)
            self.s.add(row)
        row.last_value += 1
        return row.last_value


class CatalogRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    # -- reads --------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.s.scalar(select(func.count()).select_from(r.RegionRow)) == 0

    def regions(self) -> list[Region]:
        return [m.region(x) for x in self.s.scalars(select(r.RegionRow).order_by(r.RegionRow.name))]

    def region(self, region_id: str) -> Region:
        row = self.s.get(r.RegionRow, region_id)
        if row is None:
            raise NotFound(f"region {region_id} does not exist", field="region_id")
        return m.region(row)

    def tax_rates(self, country_code: str | None = None) -> list[TaxRate]:
        q = select(r.TaxRateRow).order_by(r.TaxRateRow.country_code, r.TaxRateRow.province_code)
        if country_code:
            q = q.where(r.TaxRateRow.country_code == country_code.lower())
        return [m.tax_rate(x) for x in self.s.scalars(q)]

    def sales_channels(self) -> list[SalesChannel]:
        return [m.sales_channel(x) for x in self.s.scalars(select(r.SalesChannelRow).order_by(r.SalesChannelRow.name))]

    def sales_channel(self, channel_id: str) -> SalesChannel:
        row = self.s.get(r.SalesChannelRow, channel_id)
        if row is None:
            raise NotFound(f"sales channel {channel_id} does not exist", field="sales_channel_id")
        return m.sales_channel(row)

    def _variant_query(self):  # type: ignore[no-untyped-def]
        return select(r.VariantRow, r.ProductRow.title).join(r.ProductRow)

    def variant(self, variant_id: str) -> Variant:
        row = self.s.execute(self._variant_query().where(r.VariantRow.id == variant_id)).first()
        if row is None:
            raise NotFound(f"variant {variant_id} does not exist", field="variant_id")
        return m.variant(row[0], row[1])

    def variant_by_sku(self, sku: str) -> Variant:
        row = self.s.execute(self._variant_query().where(r.VariantRow.sku == sku.strip())).first()
        if row is None:
            raise NotFound(f"no variant has SKU {sku!r}", field="variant_sku")
        return m.variant(row[0], row[1])

    def variant_by_barcode(self, barcode: str) -> Variant:
        row = self.s.execute(self._variant_query().where(r.VariantRow.barcode == barcode.strip())).first()
        if row is None:
            raise NotFound(f"no variant has barcode {barcode!r}", field="variant_barcode")
        return m.variant(row[0], row[1])

    def search_variants(self, q: str, limit: int = 50) -> list[Variant]:
        q = q.strip()
        stmt = self._variant_query()
        if q:
            # Exact SKU or barcode first (a scan), then title words in any order.
            exact = self.s.execute(stmt.where(or_(r.VariantRow.sku == q, r.VariantRow.barcode == q)).limit(limit)).all()
            words = [w for w in q.lower().split() if w]
            cond = [r.VariantRow.search_text.like(_like(w), escape="\\") for w in words]
            rest = self.s.execute(stmt.where(*cond).order_by(r.ProductRow.title, r.VariantRow.title).limit(limit)).all()
            seen: set[str] = set()
            out = []
            for row in [*exact, *rest]:
                if row[0].id not in seen:
                    seen.add(row[0].id)
                    out.append(m.variant(row[0], row[1]))
            return out[:limit]
        return [m.variant(a, b) for a, b in self.s.execute(stmt.order_by(r.ProductRow.title).limit(limit))]

    def count_variants(self) -> int:
        return self.s.scalar(select(func.count()).select_from(r.VariantRow)) or 0

    def shipping_options(self, region_id: str | None = None) -> list[ShippingOption]:
        q = select(r.ShippingOptionRow)
        if region_id:
            q = q.where(r.ShippingOptionRow.region_id == region_id)
        # Amounts are decimal text: ordering in SQL would put "14.95" before "6.00".
        return sorted((m.shipping_option(x) for x in self.s.scalars(q)), key=lambda o: (o.amount, o.name))

    def shipping_option(self, option_id: str) -> ShippingOption:
        row = self.s.get(r.ShippingOptionRow, option_id)
        if row is None:
            raise NotFound(f"shipping option {option_id} does not exist", field="shipping_option_id")
        return m.shipping_option(row)

    def customer(self, customer_id: str) -> Customer:
        row = self.s.get(r.CustomerRow, customer_id, options=[selectinload(r.CustomerRow.addresses)])
        if row is None:
            raise NotFound(f"customer {customer_id} does not exist", field="customer_id")
        return m.customer(row)

    def customer_by_email(self, email: str) -> Customer | None:
        row = self.s.scalars(select(r.CustomerRow).where(func.lower(r.CustomerRow.email) == email.strip().lower())
                             .options(selectinload(r.CustomerRow.addresses))).first()
        return None if row is None else m.customer(row)

    def search_customers(self, q: str, limit: int = 25) -> list[Customer]:
        stmt = select(r.CustomerRow).options(selectinload(r.CustomerRow.addresses))
        words = [w for w in q.lower().split() if w]
        digits = "".join(ch for ch in q if ch.isdigit())
        conds = [r.CustomerRow.search_text.like(_like(w), escape="\\") for w in words]
        if conds:
            stmt = stmt.where(*conds) if not (digits and len(digits) >= 4 and digits == q.replace(" ", "").lstrip("+")) \
                else stmt.where(r.CustomerRow.search_text.like(_like(digits), escape="\\"))
        stmt = stmt.order_by(r.CustomerRow.last_name, r.CustomerRow.first_name).limit(limit)
        return [m.customer(x) for x in self.s.scalars(stmt)]

    def customers_created_locally(self) -> list[Customer]:
        rows = self.s.scalars(select(r.CustomerRow).where(r.CustomerRow.created_locally.is_(True)))
        return [m.customer(x) for x in rows]

    def promotions(self) -> list[Promotion]:
        return [m.promotion(x) for x in self.s.scalars(select(r.PromotionRow).order_by(r.PromotionRow.code))]

    # -- writes (demo shop load, local customers, sync pull) ---------------------------
    def add_customer(self, c: Customer, *, created_locally: bool) -> None:
        self.upsert("customers", [_customer_dict(c)], created_locally=created_locally)

    def upsert(self, kind: str, items: Iterable[dict[str, Any]], *, created_locally: bool = False) -> int:
        """Insert or replace catalog records given in the neutral catalog shape (resources/demo_shop.json)."""
        fn = getattr(self, f"_upsert_{kind}")
        n = 0
        for item in items:
            fn(item, created_locally) if kind == "customers" else fn(item)
            n += 1
        return n

    def delete_missing(self, kind: str, keep_ids: set[str]) -> int:
        """Remove what the server no longer has (after a full pull)."""
        model = {"regions": r.RegionRow, "tax_rates": r.TaxRateRow, "sales_channels": r.SalesChannelRow,
                 "products": r.ProductRow, "shipping_options": r.ShippingOptionRow,
                 "customers": r.CustomerRow, "promotions": r.PromotionRow}[kind]
        q = delete(model).where(model.id.not_in(keep_ids))
        if model is r.CustomerRow:
            q = q.where(r.CustomerRow.created_locally.is_(False))
        if model is r.ProductRow:
            self.s.execute(delete(r.VariantRow).where(r.VariantRow.product_id.not_in(keep_ids)))
        res = self.s.execute(q)
        return res.rowcount or 0  # type: ignore[attr-defined]

    def _merge(self, model: type, key: str, values: dict[str, Any]) -> Any:
        row = self.s.get(model, values[key])
        if row is None:
            row = model(**values)
            self.s.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
        return row

    def _upsert_regions(self, d: dict[str, Any]) -> None:
        self._merge(r.RegionRow, "id", dict(
            id=d["id"], name=d["name"], currency_code=d["currency_code"].lower(),
            countries=[c.lower() for c in d.get("countries", [])],
            is_tax_inclusive=bool(d.get("is_tax_inclusive", False)),
            automatic_taxes=bool(d.get("automatic_taxes", True)), updated_at=_parse_ts(d.get("updated_at"))))

    def _upsert_tax_rates(self, d: dict[str, Any]) -> None:
        self._merge(r.TaxRateRow, "id", dict(
            id=d["id"], name=d.get("name") or d.get("code") or "Tax", code=d.get("code") or d["id"],
            country_code=d["country_code"].lower(),
            province_code=(d.get("province_code") or None) and d["province_code"].lower(),
            rate=Decimal(str(d["rate"])), updated_at=_parse_ts(d.get("updated_at"))))

    def _upsert_sales_channels(self, d: dict[str, Any]) -> None:
        self._merge(r.SalesChannelRow, "id", dict(id=d["id"], name=d["name"], description=d.get("description"),
                                                   updated_at=_parse_ts(d.get("updated_at"))))

    def _upsert_products(self, d: dict[str, Any]) -> None:
        prod = self._merge(r.ProductRow, "id", dict(
            id=d["id"], title=d["title"], subtitle=d.get("subtitle"), handle=d.get("handle"),
            description=d.get("description"), status=d.get("status") or "published",
            updated_at=_parse_ts(d.get("updated_at"))))
        keep = set()
        for v in d.get("variants", []):
            keep.add(v["id"])
            prices = {p["currency_code"].lower(): str(Decimal(str(p["amount"]))) for p in v.get("prices", [])}
            row = self.s.get(r.VariantRow, v["id"])
            values = dict(id=v["id"], product_id=prod.id, title=v.get("title") or "Default", sku=v.get("sku"),
                          barcode=v.get("barcode"), prices=prices,
                          search_text=_text(d["title"], v.get("title"), v.get("sku"), v.get("barcode")),
                          updated_at=_parse_ts(v.get("updated_at")))
            if row is None:
                self.s.add(r.VariantRow(**values))
            else:
                for k, val in values.items():
                    setattr(row, k, val)
        self.s.execute(delete(r.VariantRow).where(r.VariantRow.product_id == prod.id, r.VariantRow.id.not_in(keep)))

    def _upsert_shipping_options(self, d: dict[str, Any]) -> None:
        self._merge(r.ShippingOptionRow, "id", dict(
            id=d["id"], name=d["name"], region_id=d["region_id"], amount=Decimal(str(d["amount"])),
            price_type=d.get("price_type", "flat"), updated_at=_parse_ts(d.get("updated_at"))))

    def _upsert_customers(self, d: dict[str, Any], created_locally: bool = False) -> None:
        row = self.s.get(r.CustomerRow, d["id"], options=[selectinload(r.CustomerRow.addresses)])
        values = dict(id=d["id"], email=d["email"], first_name=d.get("first_name"), last_name=d.get("last_name"),
                      phone=d.get("phone"), company_name=d.get("company_name"),
                      has_account=bool(d.get("has_account", False)),
                      search_text=_text(d.get("first_name"), d.get("last_name"), d.get("email"), d.get("company_name"),
                                        "".join(ch for ch in (d.get("phone") or "") if ch.isdigit())),
                      updated_at=_parse_ts(d.get("updated_at")))
        if row is None:
            row = r.CustomerRow(created_locally=created_locally, **values)
            self.s.add(row)
        else:
            for k, v in values.items():
                setattr(row, k, v)
        addr_fields = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                       "postal_code", "country_code", "phone")
        row.addresses = [r.CustomerAddressRow(
            id=a["id"], is_default_shipping=bool(a.get("is_default_shipping")),
            is_default_billing=bool(a.get("is_default_billing")), **{f: a.get(f) for f in addr_fields})
            for a in d.get("addresses", [])]

    def _upsert_promotions(self, d: dict[str, Any]) -> None:
        am = d["application_method"]
        self._merge(r.PromotionRow, "id", dict(
            id=d["id"], code=d["code"], status=d.get("status", "active"), is_automatic=bool(d.get("is_automatic")),
            type=am["type"], target_type=am["target_type"], allocation=am.get("allocation") or "across",
            value=Decimal(str(am["value"])), currency_code=am.get("currency_code"),
            max_quantity=am.get("max_quantity"), updated_at=_parse_ts(d.get("updated_at"))))


def _customer_dict(c: Customer) -> dict[str, Any]:
    return {"id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name,
            "phone": c.phone, "company_name": c.company_name, "has_account": c.has_account,
            "addresses": [{k: getattr(a, k) for k in a.__dataclass_fields__} for a in c.addresses]}


def _parse_ts(v: Any) -> datetime | None:
    if not v:
        return None
    if isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v).replace("Z", "+00:00"))


class DraftRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def _row(self, draft_id: str) -> r.DraftOrderRow:
        row = self.s.get(r.DraftOrderRow, draft_id, options=[
            selectinload(r.DraftOrderRow.items), selectinload(r.DraftOrderRow.shipping_methods),
            selectinload(r.DraftOrderRow.shipping_address), selectinload(r.DraftOrderRow.billing_address)])
        if row is None:
            raise NotFound(f"draft order {draft_id} does not exist", field="id")
        return row

    def get(self, draft_id: str) -> DraftOrder:
        return m.draft(self._row(draft_id))

    def by_display_id(self, display_id: int) -> DraftOrder:
        row_id = self.s.scalar(select(r.DraftOrderRow.id).where(r.DraftOrderRow.display_id == display_id))
        if row_id is None:
            raise NotFound(f"draft #{display_id} does not exist", field="id")
        return self.get(row_id)

    def add(self, draft: DraftOrder, search_text: str) -> None:
        row = r.DraftOrderRow(id=draft.id)
        m.apply_draft(draft, row, search_text)
        self.s.add(row)

    def save(self, draft: DraftOrder, search_text: str) -> None:
        m.apply_draft(draft, self._row(draft.id), search_text)

    def delete(self, draft_id: str) -> None:
        row = self._row(draft_id)
        addresses = [row.shipping_address, row.billing_address]
        self.s.delete(row)
        self.s.flush()
        for a in addresses:
            if a is not None:
                self.s.delete(a)

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[DraftOrder], int]:
        q, wanted = _display_ids(q)
        where: list[Any] = _words(r.DraftOrderRow.search_text, q)
        if wanted:
            where.append(r.DraftOrderRow.display_id.in_(wanted))
        if statuses:
            conds = []
            for st in statuses:
                if st == "canceled":
                    conds.append(r.DraftOrderRow.canceled_at.is_not(None))
                elif st == "open":
                    conds.append(and_(r.DraftOrderRow.status == "open", r.DraftOrderRow.canceled_at.is_(None)))
                else:
                    conds.append(r.DraftOrderRow.status == st)
            where.append(or_(*conds))
        if start:
            where.append(r.DraftOrderRow.created_at >= start)
        if end:
            where.append(r.DraftOrderRow.created_at < end)
        count = self.s.scalar(select(func.count()).select_from(r.DraftOrderRow).where(*where)) or 0
        stmt = (select(r.DraftOrderRow).where(*where).order_by(r.DraftOrderRow.created_at.desc())
                .limit(limit).offset(offset)
                .options(selectinload(r.DraftOrderRow.items), selectinload(r.DraftOrderRow.shipping_methods),
                         selectinload(r.DraftOrderRow.shipping_address), selectinload(r.DraftOrderRow.billing_address)))
        return [m.draft(x) for x in self.s.scalars(stmt)], count


class OrderRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def _row(self, order_id: str) -> r.OrderRow:
        row = self.s.get(r.OrderRow, order_id, options=[selectinload(r.OrderRow.payments)])
        if row is None:
            raise NotFound(f"order {order_id} does not exist", field="id")
        return row

    def get(self, order_id: str) -> Order:
        return m.order(self._row(order_id))

    def totals_snapshot(self, order_id: str) -> dict[str, Any]:
        return dict(self._row(order_id).totals)

    def by_display_id(self, display_id: int) -> Order:
        row_id = self.s.scalar(select(r.OrderRow.id).where(r.OrderRow.display_id == display_id))
        if row_id is None:
            raise NotFound(f"order #{display_id} does not exist", field="id")
        return self.get(row_id)

    def by_invoice_number(self, number: str) -> Order:
        row_id = self.s.scalar(select(r.OrderRow.id).where(r.OrderRow.invoice_number == number))
        if row_id is None:
            raise NotFound(f"no order has invoice number {number}", field="id")
        return self.get(row_id)

    def add(self, order: Order, totals: dict[str, Any], search_text: str) -> None:
        row = r.OrderRow(id=order.id, totals=totals, search_text=search_text)
        m.apply_order(order, row)
        self.s.add(row)

    def save(self, order: Order) -> None:
        m.apply_order(order, self._row(order.id))

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None, sync_states: list[str] | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[tuple[Order, dict[str, Any]]], int]:
        q, wanted = _display_ids(q)
        where: list[Any] = _words(r.OrderRow.search_text, q)
        if wanted:
            where.append(r.OrderRow.display_id.in_(wanted))
        if statuses:
            where.append(r.OrderRow.status.in_(statuses))
        if start:
            where.append(r.OrderRow.created_at >= start)
        if end:
            where.append(r.OrderRow.created_at < end)
        if sync_states:
            where.append(r.OrderRow.id.in_(select(r.OutboxRow.order_id).where(r.OutboxRow.state.in_(sync_states))))
        count = self.s.scalar(select(func.count()).select_from(r.OrderRow).where(*where)) or 0
        stmt = (select(r.OrderRow).where(*where).order_by(r.OrderRow.created_at.desc()).limit(limit).offset(offset)
                .options(selectinload(r.OrderRow.payments)))
        return [(m.order(x), dict(x.totals)) for x in self.s.scalars(stmt)], count


class OutboxRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def enqueue(self, order_id: str, now: datetime) -> r.OutboxRow:
        row = r.OutboxRow(id=ids.new_id(ids.PREFIXES["outbox"]), order_id=order_id, state="queued", step=0,
                          data={}, attempts=0, created_at=now, updated_at=now)
        self.s.add(row)
        return row

    def for_order(self, order_id: str) -> r.OutboxRow | None:
        return self.s.scalar(select(r.OutboxRow).where(r.OutboxRow.order_id == order_id))

    def for_orders(self, order_ids: list[str]) -> dict[str, r.OutboxRow]:
        if not order_ids:
            return {}
        return {x.order_id: x for x in self.s.scalars(select(r.OutboxRow).where(r.OutboxRow.order_id.in_(order_ids)))}

    def pending(self, states: tuple[str, ...] = ("queued", "in_progress")) -> list[r.OutboxRow]:
        return list(self.s.scalars(select(r.OutboxRow).where(r.OutboxRow.state.in_(states))
                                   .order_by(r.OutboxRow.created_at)))

    def count(self, states: tuple[str, ...]) -> int:
        return self.s.scalar(select(func.count()).select_from(r.OutboxRow).where(r.OutboxRow.state.in_(states))) or 0


class PrintRepository:
    def __init__(self, s: Session) -> None:
        self.s = s

    def count(self, order_id: str, kind: str) -> int:
        return self.s.scalar(select(func.count()).select_from(r.PrintRow)
                             .where(r.PrintRow.order_id == order_id, r.PrintRow.kind == kind)) or 0

    def record(self, order_id: str, kind: str, copy_number: int, archive_path: str | None,
               destination: str | None, now: datetime) -> None:
        self.s.add(r.PrintRow(id=ids.new_id(ids.PREFIXES["print"]), order_id=order_id, kind=kind,
                              copy_number=copy_number, archive_path=archive_path, destination=destination,
                              printed_at=now))

    def for_order(self, order_id: str) -> list[r.PrintRow]:
        return list(self.s.scalars(select(r.PrintRow).where(r.PrintRow.order_id == order_id)
                                   .order_by(r.PrintRow.printed_at)))


class SqlUnitOfWork:
    """`with uow:` opens the transaction; `uow.commit()` makes it durable; leaving without
    commit rolls everything back, so an error never leaves half a record behind."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "SqlUnitOfWork":
        self.session = s = self._factory()
        self.settings = SettingsRepository(s)
        self.counters = CounterRepository(s)
        self.catalog = CatalogRepository(s)
        self.drafts = DraftRepository(s)
        self.orders = OrderRepository(s)
        self.outbox = OutboxRepository(s)
        self.prints = PrintRepository(s)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()
