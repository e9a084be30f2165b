"""The Medusa v2 Admin API calls the sync makes, as plain JSON in and out.

:class:`MedusaV2Api` is the one implementation over HTTP; the tests' ``FakeBackend`` keeps the
same methods in memory. :class:`app.sync.medusa_v2.backend.MedusaV2Backend` turns these into the
sync's neutral :class:`app.sync.ports.Backend`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from app.sync.config import DEFAULT_PAGE_SIZE
from app.sync.medusa_v2.client import MedusaClient
from app.sync.medusa_v2.wire import seg, unwrap
from app.sync.ports import ConnectionCheck

__all__ = ["V2Api", "MedusaV2Api", "CATALOG_KINDS", "Item", "Since"]

Item = dict[str, Any]
Since = datetime | str | None

#: What ``MedusaV2Api.pull`` can list, in the order a full refresh should fetch them
#: (products refer to sales channels, shipping options to regions).
CATALOG_KINDS: tuple[str, ...] = (
    "regions",
    "tax_regions",
    "tax_rates",
    "sales_channels",
    "shipping_options",
    "products",
    "customers",
    "promotions",
)


class V2Api(Protocol):
    """The Medusa v2 calls the push makes (``FakeBackend`` in the tests implements it too)."""

    def check_connection(self) -> ConnectionCheck: ...
    def create_customer(self, body: Mapping[str, Any]) -> Item: ...
    def create_draft_order(self, body: Mapping[str, Any]) -> Item: ...
    def get_draft_order(self, draft_id: str) -> Item: ...
    def convert_draft_to_order(self, draft_id: str) -> Item: ...
    def get_order(self, order_id: str) -> Item: ...
    def create_payment_collection(self, order_id: str, amount: Decimal) -> Item: ...
    def mark_payment_collection_paid(self, payment_collection_id: str, order_id: str) -> Item: ...
    def find_variants(self, *, ids: Iterable[str] = (), skus: Iterable[str] = ()) -> list[Item]: ...
    def find_customers_by_email(self, email: str) -> list[Item]: ...
    def find_by_local_id(self, kind: str, local_order_id: str, customer_id: str | None = None,
                         created_since: Since = None) -> list[Item]: ...
    def get_order_money(self, order_id: str) -> Item: ...
    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> Item: ...
    def cancel_order(self, order_id: str) -> Item: ...
    def server_now(self) -> datetime | None: ...  # the server's clock, as its last answer told it
    def find_customer_groups(self, name: str) -> list[Item]: ...  # exactly this name; unique on the server
    def create_customer_group(self, name: str, metadata: Mapping[str, Any]) -> Item: ...  # 4xx if name taken
    def close(self) -> None: ...


class MedusaV2Api:
    """:class:`V2Api` over the Medusa v2 Admin API."""

    #: Added (``+``) to Medusa's default order fields, which already carry items, addresses,
    #: shipping methods, ``summary`` and (for orders) payment collections.
    ORDER_FIELDS = (
        "+customer_id,+currency_code,+payment_status,+subtotal,+tax_total,"
        "+discount_total,+shipping_total,+item_total"
    )

    def __init__(self, client: MedusaClient, *, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def check_connection(self) -> ConnectionCheck:
        return self.client.check_connection()

    def server_now(self) -> datetime | None:
        return self.client.server_clock.now()

    def pull(self, kind: str, *, updated_since: Since = None) -> Iterator[Item]:
        if kind not in CATALOG_KINDS:
            raise ValueError(f"unknown catalog kind {kind!r}; expected one of {', '.join(CATALOG_KINDS)}")
        method = getattr(self.client, f"list_{kind}")
        items: Iterator[Item] = method(updated_since=updated_since, page_size=self.page_size)
        return items

    def create_customer(self, body: Mapping[str, Any]) -> Item:
        return self.client.create_customer(body)

    def create_draft_order(self, body: Mapping[str, Any]) -> Item:
        return self.client.create_draft_order(body, fields=self.ORDER_FIELDS)

    def get_draft_order(self, draft_id: str) -> Item:
        return self.client.get_draft_order(draft_id, fields=self.ORDER_FIELDS)

    def convert_draft_to_order(self, draft_id: str) -> Item:
        return self.client.convert_draft_to_order(draft_id, fields=self.ORDER_FIELDS)

    def get_order(self, order_id: str) -> Item:
        return self.client.get_order(order_id, fields=self.ORDER_FIELDS)

    def create_payment_collection(self, order_id: str, amount: Decimal) -> Item:
        return self.client.create_payment_collection(order_id, amount)

    def mark_payment_collection_paid(self, payment_collection_id: str, order_id: str) -> Item:
        return self.client.mark_payment_collection_paid(payment_collection_id, order_id)

    def complete_order(self, order_id: str) -> Item:
        return self.client.complete_order(order_id)

    def find_variants(self, *, ids: Iterable[str] = (), skus: Iterable[str] = ()) -> list[Item]:
        out: list[Item] = []
        ids = list(ids)
        if ids:
            out += list(self.client.list_paged("/admin/product-variants", "variants",
                                               {"id": ids, "fields": "id,sku,barcode"}))
        for sku in skus:
            out += list(self.client.list_paged("/admin/product-variants", "variants",
                                               {"sku": sku, "fields": "id,sku,barcode"}))
        return out

    def find_customers_by_email(self, email: str) -> list[Item]:
        found = self.client.list_paged("/admin/customers", "customers",
                                       {"email": email, "fields": "id,email,has_account"})
        # Medusa's email filter is exact on 2.21.2, but a case-insensitive check keeps it honest.
        return [c for c in found if str(c.get("email", "")).lower() == email.lower()]

    def find_by_local_id(self, kind: str, local_order_id: str, customer_id: str | None = None,
                         created_since: Since = None) -> list[Item]:
        return self.client.find_by_local_id(
            kind, local_order_id, customer_id, created_since, page_size=self.page_size
        )

    #: An order's money as refunds and cancels move it: the payments with their refunds.
    MONEY_FIELDS = ("id,status,payment_status,summary,payment_collections.id,payment_collections.status,"
                    "payment_collections.payments.id,payment_collections.payments.amount,"
                    "payment_collections.payments.captured_at,payment_collections.payments.refunds.id,"
                    "payment_collections.payments.refunds.amount,payment_collections.payments.refunds.note")

    def get_order_money(self, order_id: str) -> Item:
        return unwrap(self.client.request("GET", f"/admin/orders/{seg(order_id)}",
                                          params={"fields": self.MONEY_FIELDS}), "order")

    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> Item:
        return unwrap(self.client.request("POST", f"/admin/payments/{seg(payment_id)}/refund",
                                          body={"amount": amount, "note": note}), "payment")

    def cancel_order(self, order_id: str) -> Item:
        return unwrap(self.client.request("POST", f"/admin/orders/{seg(order_id)}/cancel", body={}), "order")

    def find_customer_groups(self, name: str) -> list[Item]:
        data = self.client.request("GET", "/admin/customer-groups",
                                   params={"name": name, "fields": "id,name,metadata", "limit": 10})
        return [dict(g) for g in data.get("customer_groups") or [] if g.get("name") == name]

    def create_customer_group(self, name: str, metadata: Mapping[str, Any]) -> Item:
        # Medusa v2 keeps customer group names unique (a unique index on name where not deleted):
        # of two creates with one name, the second is refused, whatever the timing.
        return unwrap(self.client.request("POST", "/admin/customer-groups",
                                          body={"name": name, "metadata": dict(metadata)}), "customer_group")

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> MedusaV2Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
