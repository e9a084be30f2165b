"""Catalog records in the neutral shape (resources/demo_shop.json, what the pull writes) turned
into the column values of their rows: the one reading of that shape, whoever stores it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

Record = dict[str, Any]

ADDRESS_FIELDS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                  "postal_code", "country_code", "phone")


def text(*parts: object) -> str:
    """The lower-case search text of a record."""
    return " ".join(str(p).lower() for p in parts if p not in (None, ""))


def parse_ts(v: Any) -> datetime | None:
    if not v:
        return None
    if isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v).replace("Z", "+00:00"))


def region(d: Record) -> Record:
    return dict(id=d["id"], name=d["name"], currency_code=d["currency_code"].lower(),
                countries=[c.lower() for c in d.get("countries", [])],
                is_tax_inclusive=bool(d.get("is_tax_inclusive", False)),
                automatic_taxes=bool(d.get("automatic_taxes", True)), updated_at=parse_ts(d.get("updated_at")))


def tax_rate(d: Record) -> Record:
    return dict(id=d["id"], name=d.get("name") or d.get("code") or "Tax", code=d.get("code") or d["id"],
                country_code=d["country_code"].lower(),
                province_code=(d.get("province_code") or None) and d["province_code"].lower(),
                rate=Decimal(str(d["rate"])), updated_at=parse_ts(d.get("updated_at")))


def sales_channel(d: Record) -> Record:
    return dict(id=d["id"], name=d["name"], description=d.get("description"), updated_at=parse_ts(d.get("updated_at")))


def product(d: Record) -> Record:
    return dict(id=d["id"], title=d["title"], subtitle=d.get("subtitle"), handle=d.get("handle"),
                description=d.get("description"), status=d.get("status") or "published",
                updated_at=parse_ts(d.get("updated_at")))


def variants(d: Record) -> list[Record]:
    """The variants of one product record."""
    return [dict(id=v["id"], product_id=d["id"], title=v.get("title") or "Default", sku=v.get("sku"),
                 barcode=v.get("barcode"),
                 prices={p["currency_code"].lower(): str(Decimal(str(p["amount"]))) for p in v.get("prices", [])},
                 search_text=text(d["title"], v.get("title"), v.get("sku"), v.get("barcode")),
                 updated_at=parse_ts(v.get("updated_at")))
            for v in d.get("variants", [])]


def shipping_option(d: Record) -> Record:
    return dict(id=d["id"], name=d["name"], region_id=d["region_id"], amount=Decimal(str(d["amount"])),
                price_type=d.get("price_type", "flat"), updated_at=parse_ts(d.get("updated_at")))


def promotion(d: Record) -> Record:
    am = d["application_method"]
    return dict(id=d["id"], code=d["code"], status=d.get("status", "active"), is_automatic=bool(d.get("is_automatic")),
                type=am["type"], target_type=am["target_type"], allocation=am.get("allocation") or "across",
                value=Decimal(str(am["value"])), currency_code=am.get("currency_code"),
                max_quantity=am.get("max_quantity"), updated_at=parse_ts(d.get("updated_at")))


def customer(d: Record) -> Record:
    return dict(id=d["id"], email=d["email"], first_name=d.get("first_name"), last_name=d.get("last_name"),
                phone=d.get("phone"), company_name=d.get("company_name"),
                has_account=bool(d.get("has_account", False)),
                search_text=text(d.get("first_name"), d.get("last_name"), d.get("email"), d.get("company_name"),
                                 "".join(ch for ch in (d.get("phone") or "") if ch.isdigit())),
                updated_at=parse_ts(d.get("updated_at")))


def customer_addresses(d: Record) -> list[Record]:
    return [dict(id=a["id"], is_default_shipping=bool(a.get("is_default_shipping")),
                 is_default_billing=bool(a.get("is_default_billing")), **{f: a.get(f) for f in ADDRESS_FIELDS})
            for a in d.get("addresses", [])]
