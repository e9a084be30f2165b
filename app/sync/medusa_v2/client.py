"""A small, strict client for the Medusa v2 Admin API.

Why it looks the way it does:

* Money stays exact (see :mod:`app.sync.medusa_v2.wire`); floats are refused outright so a
  rounding bug cannot slip in.
* Every failure becomes one of the errors in :mod:`app.sync.errors`.
* The API key travels as HTTP Basic (key as user name, empty password), the way Medusa
  accepts secret keys. It never appears in log records, errors or ``repr``.
* TLS verification is always on; there is deliberately no switch to turn it off.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from app.sync.config import DEFAULT_PAGE_SIZE, normalize_base_url
from app.sync.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    NotMedusa,
    TLSError,
)
from app.sync.medusa_v2.wire import (
    JSONParams,
    ServerClock,
    clean_params,
    decode,
    dumps_json,
    iso,
    require,
    seg,
    tilldesk_version,
    transport_error,
    unwrap,
)
from app.sync.ports import ConnectionCheck

__all__ = ["MedusaClient", "DEFAULT_PAGE_SIZE", "METADATA_LOCAL_ID_KEY"]

log = logging.getLogger(__name__)

#: Key under which Tilldesk stores its own order id in Medusa ``metadata`` for crash recovery.
METADATA_LOCAL_ID_KEY = "tilldesk_order_id"

# --------------------------------------------------------------------------- client


class MedusaClient:
    """Synchronous client; one per thread (the sync worker owns its own).

    All methods return parsed JSON (``dict``; fractional numbers as ``Decimal``) and raise
    :class:`~app.sync.errors.BackendError` subclasses. Single-resource helpers return the
    resource itself (``create_customer`` returns the customer, not ``{"customer": ...}``).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout = 20.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        if not api_key or not api_key.strip():
            raise ValueError("The API key is empty.")
        if isinstance(timeout, int | float):
            # Connecting should be quick on a shop network; a slow answer (draft conversion
            # recomputes tax) is allowed the full timeout.
            timeout = httpx.Timeout(float(timeout), connect=min(5.0, float(timeout)))
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(api_key.strip(), ""),
            headers={
                "User-Agent": user_agent or f"Tilldesk/{tilldesk_version()}",
                "Accept": "application/json",
            },
            timeout=timeout,
            verify=True,
            follow_redirects=False,
            transport=transport,
        )
        self.server_clock = ServerClock()

    # -- lifecycle

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MedusaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MedusaClient({self.base_url!r}, api_key=<redacted>)"

    # -- the one place every request goes through

    def request(
        self,
        method: str,
        path: str,
        *,
        params: JSONParams | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        """Send one request and return the decoded JSON object (``{}`` for an empty 2xx)."""
        method = method.upper()
        if not path.startswith("/"):
            path = "/" + path
        headers = {}
        content: bytes | None = None
        if body is not None:
            content = dumps_json(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        query = clean_params(params)
        started = time.monotonic()
        try:
            response = self._http.request(method, path, params=query, content=content, headers=headers)
        except httpx.HTTPError as exc:
            error = transport_error(exc, self.base_url)
            log.info(
                "%s %s failed after %.0f ms: %s (%s)",
                method,
                path,
                (time.monotonic() - started) * 1000,
                type(error).__name__,
                type(exc).__name__,
            )
            raise error from exc
        log.debug(
            "%s %s -> %s in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000
        )
        self.server_clock.note(response)
        return decode(response, self.base_url)

    # -- health and "Test connection"

    def health(self) -> dict[str, Any]:
        """``GET /health`` (no key needed). Medusa answers a plain ``OK``."""
        started = time.monotonic()
        try:
            response = self._http.get("/health", auth=None)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.base_url) from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            # Reuse the general mapping (5xx -> server error, HTML 404 -> not Medusa).
            decode(response, self.base_url)
            raise NotMedusa(
                f"The server at {self.base_url} did not answer the health check like Medusa.",
                detail=f"HTTP {response.status_code}",
            )
        text = response.text.strip()
        return {"ok": True, "status": text[:100], "elapsed_ms": round(elapsed_ms, 1)}

    def check_connection(self) -> ConnectionCheck:
        """Answer "does this address and key work?" without raising: reachable, TLS, key, Medusa."""
        try:
            self.health()
        except BackendError as exc:
            reachable = not isinstance(exc, BackendUnreachable | BackendTimeout | TLSError)
            return ConnectionCheck(False, reachable, False, str(exc), error=exc)
        try:
            data = self.request("GET", "/admin/stores", params={"limit": 1})
            stores = data.get("stores")
            if not isinstance(stores, list):
                raise NotMedusa(
                    f"The server at {self.base_url} answers, but not like a Medusa v2 server.",
                    detail="GET /admin/stores has no 'stores' list",
                )
        except AuthenticationFailed as exc:
            return ConnectionCheck(False, True, False, str(exc), is_medusa=True, error=exc)
        except BackendError as exc:
            reachable = not isinstance(exc, BackendUnreachable | BackendTimeout | TLSError)
            return ConnectionCheck(False, reachable, False, str(exc), error=exc)
        name = None
        if stores and isinstance(stores[0], dict):
            raw_name = stores[0].get("name")
            name = raw_name if isinstance(raw_name, str) else None
        where = f"the Medusa store “{name}”" if name else "the Medusa server"
        return ConnectionCheck(
            True,
            True,
            True,
            f"Connected to {where} at {self.base_url}. The API key works.",
            is_medusa=True,
            store_name=name,
        )

    # -- lists

    def list_paged(
        self,
        path: str,
        key: str,
        params: JSONParams | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a ``limit``/``offset`` list, page by page.

        Follows the server's ``count`` rather than stopping at the first short page, so a
        server that caps ``limit`` below ``page_size`` still yields everything. The offset
        advances by the number of items actually received.
        """
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        base = dict(params or {})
        offset = int(base.pop("offset", 0))
        base.pop("limit", None)
        while True:
            data = self.request("GET", path, params={**base, "limit": page_size, "offset": offset})
            items = data.get(key)
            if not isinstance(items, list):
                raise NotMedusa(
                    f"The server at {self.base_url} answered {path} in an unexpected form.",
                    detail=f"no '{key}' list in the answer",
                )
            count = data.get("count")
            if count is not None and not isinstance(count, int):
                raise NotMedusa(
                    f"The server at {self.base_url} answered {path} in an unexpected form.",
                    detail=f"'count' is {type(count).__name__}",
                )
            yield from items
            offset += len(items)
            if not items:
                return
            if count is None:
                if len(items) < page_size:
                    return
            elif offset >= count:
                return

    def _list(
        self,
        path: str,
        key: str,
        *,
        updated_since: datetime | str | None = None,
        fields: str | None = None,
        params: JSONParams | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        query: dict[str, Any] = dict(params or {})
        if updated_since is not None:
            query["updated_at[$gte]"] = iso(updated_since)
        if fields:
            query["fields"] = fields
        return self.list_paged(path, key, query, page_size=page_size)

    def list_regions(self, *, updated_since=None, fields=None, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/regions", "regions", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    def list_tax_regions(self, *, updated_since=None, fields=None, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/tax-regions", "tax_regions", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    def list_tax_rates(self, *, updated_since=None, fields=None, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/tax-rates", "tax_rates", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    def list_sales_channels(self, *, updated_since=None, fields=None, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/sales-channels", "sales_channels", updated_since=updated_since,
                          fields=fields, params=params, page_size=page_size)

    def list_shipping_options(self, *, updated_since=None, fields=None, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/shipping-options", "shipping_options", updated_since=updated_since,
                          fields=fields, params=params, page_size=page_size)

    #: ``*rel`` and ``+field`` add to Medusa's default fields instead of replacing them.
    PRODUCT_FIELDS = "*variants,*variants.prices,+variants.sku,+variants.barcode"
    CUSTOMER_FIELDS = "*addresses"
    PROMOTION_FIELDS = "*application_method"

    def list_products(self, *, updated_since=None, fields=PRODUCT_FIELDS, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/products", "products", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    def list_customers(self, *, updated_since=None, fields=CUSTOMER_FIELDS, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/customers", "customers", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    def list_promotions(self, *, updated_since=None, fields=PROMOTION_FIELDS, params=None, page_size=DEFAULT_PAGE_SIZE):
        return self._list("/admin/promotions", "promotions", updated_since=updated_since, fields=fields,
                          params=params, page_size=page_size)

    # -- pushes (each one step of the outbox)

    def create_customer(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return unwrap(self.request("POST", "/admin/customers", body=body), "customer")

    def create_draft_order(self, body: Mapping[str, Any], *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        return unwrap(self.request("POST", "/admin/draft-orders", params=params, body=body), "draft_order")

    def get_draft_order(self, draft_id: str, *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        data = self.request("GET", f"/admin/draft-orders/{seg(draft_id)}", params=params)
        return require(data, "draft_order", self.base_url)

    def convert_draft_to_order(self, draft_id: str, *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        return unwrap(
            self.request("POST", f"/admin/draft-orders/{seg(draft_id)}/convert-to-order", params=params),
            "order",
        )

    def get_order(self, order_id: str, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        data = self.request("GET", f"/admin/orders/{seg(order_id)}", params=params)
        return require(data, "order", self.base_url)

    def create_payment_collection(self, order_id: str, amount: Decimal | int) -> dict[str, Any]:
        if isinstance(amount, float):
            raise TypeError("amount must be a Decimal, not a float")
        body = {"order_id": order_id, "amount": amount}
        return unwrap(self.request("POST", "/admin/payment-collections", body=body), "payment_collection")

    def mark_payment_collection_paid(self, payment_collection_id: str, order_id: str) -> dict[str, Any]:
        return unwrap(
            self.request(
                "POST",
                f"/admin/payment-collections/{seg(payment_collection_id)}/mark-as-paid",
                body={"order_id": order_id},
            ),
            "payment_collection",
        )

    def complete_order(self, order_id: str) -> dict[str, Any]:
        return unwrap(self.request("POST", f"/admin/orders/{seg(order_id)}/complete", body={}), "order")

    # -- crash recovery

    RECOVERY_FIELDS = "id,metadata,status,created_at,customer_id,display_id"

    def find_by_local_id(
        self,
        kind: str,
        local_order_id: str,
        customer_id: str | None = None,
        created_since: datetime | str | None = None,
        *,
        fields: str = RECOVERY_FIELDS,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> list[dict[str, Any]]:
        """Find the drafts or orders Tilldesk already created for one local order.

        Medusa ignores ``Idempotency-Key`` and metadata filters on these routes, so the
        only dependable search is: narrow the list by customer and creation time, ask only
        for ``id`` and ``metadata``, page through everything, and match our own id in
        ``metadata.tilldesk_order_id`` here. ``kind`` is ``"draft_order"`` or ``"order"``.
        Returns every match (more than one means a duplicate was already created).

        A converted draft leaves the draft-orders list (it is an order now, same id), so a
        step that may have converted must search ``"order"`` as well.
        """
        if kind in ("draft_order", "draft_orders", "draft"):
            path, key = "/admin/draft-orders", "draft_orders"
        elif kind in ("order", "orders"):
            path, key = "/admin/orders", "orders"
        else:
            raise ValueError(f"unknown kind {kind!r}: use 'draft_order' or 'order'")
        wanted = str(local_order_id)
        params: dict[str, Any] = {"fields": fields}
        if customer_id:
            params["customer_id"] = customer_id
        if created_since is not None:
            params["created_at[$gte]"] = iso(created_since)
        found = []
        for item in self.list_paged(path, key, params, page_size=page_size):
            meta = item.get("metadata")
            if isinstance(meta, dict) and str(meta.get(METADATA_LOCAL_ID_KEY, "")) == wanted:
                found.append(item)
        return found
