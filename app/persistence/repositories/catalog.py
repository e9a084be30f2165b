"""The catalog pulled from the shop server (or loaded from the demo shop): regions, tax rates,
sales channels, products and variants, shipping options, promotions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, literal_column, or_, select

from app.domain.catalog import Customer, Promotion, Region, SalesChannel, ShippingOption, TaxRate, Variant
from app.domain.errors import NotFound

from .. import mapping as m
from .. import rows as r
from . import catalog_bulk as bulk
from ._base import SqlRepository, like, match_terms, newest_matches
from .customers import SqlCustomerRepository

_MODELS: dict[str, Any] = {
    "regions": r.RegionRow, "tax_rates": r.TaxRateRow, "sales_channels": r.SalesChannelRow,
    "products": r.ProductRow, "shipping_options": r.ShippingOptionRow, "customers": r.CustomerRow,
    "promotions": r.PromotionRow, "variants": r.VariantRow}


class SqlCatalogRepository(SqlRepository):
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

    def _variant_query(self):
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
            # Words of 3+ characters through the trigram index (0007), shorter ones with LIKE.
            expr, short = match_terms(q)
            text = stmt
            if expr:
                text = text.where(literal_column("variants.rowid").in_(newest_matches("variants_search", expr)))
            text = text.where(*[r.VariantRow.search_text.like(like(w), escape="\\") for w in short])
            rest = self.s.execute(text.order_by(r.ProductRow.title, r.VariantRow.title, r.VariantRow.id)
                                  .limit(limit)).all()
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

    def cheapest_shipping_option_id(self, region_id: str) -> str | None:
        return self.s.scalar(select(r.ShippingOptionRow.id).where(r.ShippingOptionRow.region_id == region_id)
                             .order_by(r.ShippingOptionRow.amount, r.ShippingOptionRow.id).limit(1))

    def shipping_option(self, option_id: str) -> ShippingOption:
        row = self.s.get(r.ShippingOptionRow, option_id)
        if row is None:
            raise NotFound(f"shipping option {option_id} does not exist", field="shipping_option_id")
        return m.shipping_option(row)

    def customer(self, customer_id: str) -> Customer:
        # Kept for the draft editor until it asks uow.customers; remove after the editor split.
        return SqlCustomerRepository(self.s, self.log).get(customer_id)

    def promotions(self) -> list[Promotion]:
        return [m.promotion(x) for x in self.s.scalars(select(r.PromotionRow).order_by(r.PromotionRow.code))]

    # -- writes (demo shop load, local customers, sync pull) ---------------------------
    def upsert(self, kind: str, items: Iterable[dict[str, Any]], *, created_locally: bool = False) -> int:
        """Insert or replace catalog records given in the neutral catalog shape (resources/demo_shop.json)."""
        self.log.catalog()
        if kind in bulk.BULK_KINDS:
            return bulk.bulk_upsert(self.s, kind, list(items))
        customers = SqlCustomerRepository(self.s, self.log)
        n = 0
        for item in items:
            customers.upsert(item, created_locally=created_locally)
            n += 1
        return n

    def delete_missing(self, kind: str, keep_ids: set[str]) -> int:
        """Remove what the server no longer has (after a full pull)."""
        self.log.catalog()
        return bulk.delete_missing(self.s, _MODELS[kind], keep_ids)

    def ids(self, kind: str) -> set[str]:
        """The ids of every local record of one kind (the pull compares them with the server's)."""
        model = _MODELS[kind]
        return set(self.s.scalars(select(model.id)))

    def drop_promotions_holding_codes(self, items: list[dict[str, Any]]) -> None:
        """Codes are unique locally: a promotion holding a code the server gives another id goes first."""
        self.log.catalog()
        self.s.execute(delete(r.PromotionRow).where(
            r.PromotionRow.code.in_([i["code"] for i in items]),
            r.PromotionRow.id.not_in([i["id"] for i in items])))
