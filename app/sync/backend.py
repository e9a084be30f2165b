"""The seam between the sync engine and a particular shop server.

The sync engine talks to a :class:`Backend`; :class:`MedusaV2Backend` is the only one today.
Medusa v1 (integer cents, ``/draft-orders/{id}/pay``) differs enough that it would be a
second implementation of the same Protocol rather than flags inside the v2 client.

Every method raises :mod:`app.sync.errors` exceptions; amounts are ``Decimal``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.sync.client import DEFAULT_PAGE_SIZE, ConnectionCheck, MedusaClient, normalize_base_url

__all__ = [
    "Backend",
    "BackendConfig",
    "MedusaV2Backend",
    "open_backend",
    "CATALOG_KINDS",
]

Item = dict[str, Any]
Since = datetime | str | None

#: What ``Backend.pull`` can list, in the order a full refresh should fetch them
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


class BackendConfig(BaseModel):
    """The shop server settings. The API key is deliberately not here: see ``app.sync.secrets``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Base address of the shop server, e.g. https://shop.example.com")
    kind: Literal["medusa-v2"] = "medusa-v2"
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=1000)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return normalize_base_url(value)

    @property
    def insecure_transport(self) -> bool:
        """True for plain http to another machine: the API key would cross the network readable."""
        parts = urlsplit(self.url)
        if parts.scheme == "https":
            return False
        host = parts.hostname or ""
        if host == "localhost":
            return False
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return True


@runtime_checkable
class Backend(Protocol):
    """What the sync engine needs from a shop server."""

    def check_connection(self) -> ConnectionCheck: ...

    # pull (catalog and customers into the local cache)
    def pull(self, kind: str, *, updated_since: Since = None) -> Iterator[Item]: ...

    # push steps, in the order a paid sale goes out
    def create_customer(self, body: Mapping[str, Any]) -> Item: ...
    def create_draft_order(self, body: Mapping[str, Any]) -> Item: ...
    def get_draft_order(self, draft_id: str) -> Item: ...
    def convert_draft_to_order(self, draft_id: str) -> Item: ...
    def get_order(self, order_id: str) -> Item: ...
    def create_payment_collection(self, order_id: str, amount: Decimal) -> Item: ...
    def mark_payment_collection_paid(self, payment_collection_id: str, order_id: str) -> Item: ...
    def complete_order(self, order_id: str) -> Item: ...

    # look-ups the push needs: the server's variants (ids or SKUs) and a customer by e-mail
    def find_variants(self, *, ids: Iterable[str] = (), skus: Iterable[str] = ()) -> list[Item]: ...
    def find_customers_by_email(self, email: str) -> list[Item]: ...

    # recovery after an outcome-unknown step
    def find_by_local_id(
        self,
        kind: str,
        local_order_id: str,
        customer_id: str | None = None,
        created_since: Since = None,
    ) -> list[Item]: ...

    def close(self) -> None: ...


class MedusaV2Backend:
    """:class:`Backend` over the Medusa v2 Admin API."""

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

    def pull(self, kind: str, *, updated_since: Since = None) -> Iterator[Item]:
        if kind not in CATALOG_KINDS:
            raise ValueError(f"unknown catalog kind {kind!r}; expected one of {', '.join(CATALOG_KINDS)}")
        method = getattr(self.client, f"list_{kind}")
        return method(updated_since=updated_since, page_size=self.page_size)

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

    def find_by_local_id(
        self,
        kind: str,
        local_order_id: str,
        customer_id: str | None = None,
        created_since: Since = None,
    ) -> list[Item]:
        return self.client.find_by_local_id(
            kind, local_order_id, customer_id, created_since, page_size=self.page_size
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> MedusaV2Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_backend(
    config: BackendConfig, api_key: str, *, transport: httpx.BaseTransport | None = None
) -> Backend:
    """Build the backend a config names. ``transport`` is for tests (``httpx.MockTransport``)."""
    if config.kind == "medusa-v2":
        client = MedusaClient(config.url, api_key, timeout=config.timeout_seconds, transport=transport)
        return MedusaV2Backend(client, page_size=config.page_size)
    raise ValueError(f"unsupported backend kind {config.kind!r}")  # pragma: no cover
