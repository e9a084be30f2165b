"""A small, strict client for the Medusa v2 Admin API.

Why it looks the way it does:

* Money stays exact. Medusa v2 sends unrounded decimal totals (``41.0201``), so responses
  are parsed with ``parse_float=Decimal`` and request bodies are written by our own
  serializer that turns ``Decimal`` into a plain JSON number (``12.5``), never a float
  and never a quoted string. Floats are refused outright so a rounding bug cannot slip in.
* Every failure becomes one of the errors in :mod:`app.sync.errors`, which say whether a
  retry may help and whether the request may already have been carried out.
* The API key travels as HTTP Basic (key as user name, empty password), the way Medusa
  accepts secret keys. It never appears in log records, errors or ``repr``.
* TLS verification is always on; there is deliberately no switch to turn it off.
"""

from __future__ import annotations

import logging
import math
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx

from app import jsonio

from app.sync.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    InvalidResponse,
    MedusaRequestError,
    MedusaServerError,
    NotMedusa,
    TLSError,
)

__all__ = [
    "MedusaClient",
    "ConnectionCheck",
    "normalize_base_url",
    "dumps_json",
    "loads_json",
    "tilldesk_version",
    "DEFAULT_PAGE_SIZE",
    "METADATA_LOCAL_ID_KEY",
]

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 100
#: Key under which Tilldesk stores its own order id in Medusa ``metadata`` for crash recovery.
METADATA_LOCAL_ID_KEY = "tilldesk_order_id"

JSONParams = Mapping[str, Any]


def tilldesk_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("tilldesk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


# --------------------------------------------------------------------------- URLs


def normalize_base_url(url: str) -> str:
    """Validate a shop server address and return it without a trailing slash.

    Only http/https; no user name or password in the URL (the key belongs in the keyring,
    and a URL ends up in logs and settings files); no query or fragment.
    Raises ``ValueError`` with a message that can be shown next to the field.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("The server address is empty.")
    raw = url.strip()
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError("The server address must start with http:// or https://.")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise ValueError(
            "The server address must not contain a user name or password; "
            "enter the API key in its own field."
        )
    if not parts.hostname:
        raise ValueError("The server address has no host name.")
    if parts.query or parts.fragment:
        raise ValueError("The server address must not contain '?' or '#' parts.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("The server address has an invalid port number.") from exc
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{netloc}{path}"


# --------------------------------------------------------------------------- JSON


def dumps_json(obj: Any) -> str:
    """Serialize a request body; ``Decimal('12.50')`` becomes the JSON number ``12.50``."""
    return jsonio.dumps(obj, compact=True)


def loads_json(data: str | bytes) -> Any:
    """Parse a response body keeping every fractional number as an exact ``Decimal``."""
    return jsonio.loads(data)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Test connection" shows. ``message`` is written for shop staff."""

    ok: bool
    reachable: bool
    authenticated: bool
    message: str
    is_medusa: bool = False
    store_name: str | None = None
    error: BackendError | None = None


def _iso(value: datetime | date | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # A naive time would be read by the server in its own zone; Tilldesk keeps UTC.
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    return value.isoformat()


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type:
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(b"<!doctype") or head.startswith(b"<html") or head.startswith(b"<")


def _is_tls_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError | ssl.CertificateError):
            return True
        text = str(cur)
        if "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text or "SSL:" in text:
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def _is_cert_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLCertVerificationError | ssl.CertificateError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


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
        query = _clean_params(params)
        started = time.monotonic()
        try:
            response = self._http.request(method, path, params=query, content=content, headers=headers)
        except httpx.HTTPError as exc:
            error = self._map_transport_error(exc)
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
        return self._decode(response)

    def _map_transport_error(self, exc: httpx.HTTPError) -> BackendError:
        where = self.base_url
        detail = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return BackendTimeout(
                f"The shop server at {where} did not answer in time (no connection). "
                "Tilldesk will try again later.",
                detail=detail,
                not_sent=True,
            )
        if isinstance(exc, httpx.TimeoutException):
            return BackendTimeout(
                f"The shop server at {where} took too long to answer. The last change may or "
                "may not have been saved there; Tilldesk will check before sending it again.",
                detail=detail,
                outcome_unknown=True,
            )
        if isinstance(exc, httpx.ConnectError):
            if _is_tls_problem(exc):
                if _is_cert_problem(exc):
                    msg = (
                        f"The shop server at {where} presented a certificate that cannot be "
                        "trusted (expired, self-signed or for another name). Ask whoever runs "
                        "the server to fix the certificate."
                    )
                else:
                    msg = (
                        f"A secure connection to {where} could not be set up. Check that the "
                        "address is right (https:// against a server without HTTPS fails)."
                    )
                return TLSError(msg, detail=detail)
            return BackendUnreachable(
                f"Cannot reach the shop server at {where}. Check the network connection and "
                "the server address. Tilldesk keeps working offline and will try again.",
                detail=detail,
                not_sent=True,
            )
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return NotMedusa(f"The server address {where} cannot be used: {exc}", detail=detail)
        if isinstance(exc, httpx.TransportError):
            # ReadError, WriteError, RemoteProtocolError ("server disconnected without
            # sending a response"), ProxyError: the request may already be on the server.
            return BackendUnreachable(
                f"The connection to the shop server at {where} was lost before it answered. "
                "The last change may or may not have been saved there; Tilldesk will check "
                "before sending it again.",
                detail=detail,
                outcome_unknown=True,
            )
        return BackendUnreachable(
            f"Talking to the shop server at {where} failed.", detail=detail, outcome_unknown=True
        )

    def _parse_body(self, response: httpx.Response) -> Any:
        body = response.content
        content_type = response.headers.get("content-type", "").lower()
        if "json" not in content_type and _looks_like_html(body, content_type):
            raise NotMedusa(
                f"Something answers at {self.base_url}, but with a web page instead of the "
                "Medusa API. Check the server address in Settings.",
                detail=f"HTTP {response.status_code} {content_type or 'no content type'}",
            )
        try:
            return loads_json(body)
        except (ValueError, UnicodeDecodeError) as exc:
            if "json" in content_type:
                raise InvalidResponse(
                    "The shop server sent an answer that could not be read (broken data). "
                    "Tilldesk will try again later.",
                    detail=f"HTTP {response.status_code}: {exc}",
                    outcome_unknown=True,
                ) from exc
            raise NotMedusa(
                f"Something answers at {self.base_url}, but not like a Medusa server. "
                "Check the server address in Settings.",
                detail=f"HTTP {response.status_code} {content_type or 'no content type'}: {exc}",
            ) from exc

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not response.content.strip():
                return {}
            data = self._parse_body(response)
            if not isinstance(data, dict):
                raise NotMedusa(
                    f"The server at {self.base_url} answered in an unexpected form. "
                    "Check the server address in Settings.",
                    detail=f"HTTP {status}: top-level JSON is {type(data).__name__}",
                )
            return data
        if status in (401, 403):
            raise AuthenticationFailed(status=status, detail=f"HTTP {status} for {response.request.url.path}")
        if 300 <= status < 400:
            target = response.headers.get("location", "another address")
            raise NotMedusa(
                f"The server at {self.base_url} redirects to {target}. Enter that address "
                "in Settings instead.",
                detail=f"HTTP {status}",
            )
        # 4xx and 5xx: Medusa explains itself in {"type": ..., "message": ...}.
        try:
            data = self._parse_body(response) if response.content.strip() else None
        except NotMedusa:
            if status >= 500:
                # A proxy's error page in front of Medusa: still a server-side failure.
                raise MedusaServerError(status, detail="non-JSON error page", outcome_unknown=True) from None
            raise
        except InvalidResponse:
            data = None
        err_type = data.get("type") if isinstance(data, dict) else None
        message = data.get("message") if isinstance(data, dict) else None
        if message is not None and not isinstance(message, str):
            message = str(message)
        if err_type is not None and not isinstance(err_type, str):
            err_type = str(err_type)
        if status >= 500:
            raise MedusaServerError(
                status, message, type=err_type, detail=f"HTTP {status}", outcome_unknown=True
            )
        if status == 404 and not isinstance(data, dict):
            raise NotMedusa(
                f"The server at {self.base_url} has no Medusa Admin API at this address. "
                "Check the server address in Settings.",
                detail=f"HTTP 404 for {response.request.url.path}",
            )
        raise MedusaRequestError(status, err_type, message, detail=f"HTTP {status} for {response.request.url.path}")

    # -- health and "Test connection"

    def health(self) -> dict[str, Any]:
        """``GET /health`` (no key needed). Medusa answers a plain ``OK``."""
        started = time.monotonic()
        try:
            response = self._http.get("/health", auth=None)
        except httpx.HTTPError as exc:
            raise self._map_transport_error(exc) from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            # Reuse the general mapping (5xx -> server error, HTML 404 -> not Medusa).
            self._decode(response)
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
            query["updated_at[$gte]"] = _iso(updated_since)
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

    def list_draft_orders(self, params: JSONParams | None = None, *, page_size: int = DEFAULT_PAGE_SIZE):
        return self.list_paged("/admin/draft-orders", "draft_orders", params, page_size=page_size)

    def list_orders(self, params: JSONParams | None = None, *, page_size: int = DEFAULT_PAGE_SIZE):
        return self.list_paged("/admin/orders", "orders", params, page_size=page_size)

    # -- pushes (each one step of the outbox)

    def create_customer(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return _unwrap(self.request("POST", "/admin/customers", body=body), "customer")

    def create_draft_order(self, body: Mapping[str, Any], *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        return _unwrap(self.request("POST", "/admin/draft-orders", params=params, body=body), "draft_order")

    def get_draft_order(self, draft_id: str, *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        data = self.request("GET", f"/admin/draft-orders/{_seg(draft_id)}", params=params)
        return _require(data, "draft_order", self.base_url)

    def convert_draft_to_order(self, draft_id: str, *, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        return _unwrap(
            self.request("POST", f"/admin/draft-orders/{_seg(draft_id)}/convert-to-order", params=params),
            "order",
        )

    def get_order(self, order_id: str, fields: str | None = None) -> dict[str, Any]:
        params = {"fields": fields} if fields else None
        data = self.request("GET", f"/admin/orders/{_seg(order_id)}", params=params)
        return _require(data, "order", self.base_url)

    def create_payment_collection(self, order_id: str, amount: Decimal | int) -> dict[str, Any]:
        if isinstance(amount, float):
            raise TypeError("amount must be a Decimal, not a float")
        body = {"order_id": order_id, "amount": amount}
        return _unwrap(self.request("POST", "/admin/payment-collections", body=body), "payment_collection")

    def mark_payment_collection_paid(self, payment_collection_id: str, order_id: str) -> dict[str, Any]:
        return _unwrap(
            self.request(
                "POST",
                f"/admin/payment-collections/{_seg(payment_collection_id)}/mark-as-paid",
                body={"order_id": order_id},
            ),
            "payment_collection",
        )

    def complete_order(self, order_id: str) -> dict[str, Any]:
        return _unwrap(self.request("POST", f"/admin/orders/{_seg(order_id)}/complete", body={}), "order")

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
            params["created_at[$gte]"] = _iso(created_since)
        found = []
        for item in self.list_paged(path, key, params, page_size=page_size):
            meta = item.get("metadata")
            if isinstance(meta, dict) and str(meta.get(METADATA_LOCAL_ID_KEY, "")) == wanted:
                found.append(item)
        return found


# --------------------------------------------------------------------------- helpers


def _seg(value: str) -> str:
    """One path segment: Medusa ids are ``prefix_ULID``; refuse anything that could change the path."""
    if not value or any(c in value for c in "/?#%") or value in (".", ".."):
        raise ValueError(f"invalid id {value!r}")
    return value


def _clean_params(params: JSONParams | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, datetime | date):
            out[key] = _iso(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"parameter {key} is not finite")
            out[key] = repr(value)
        elif isinstance(value, Decimal):
            out[key] = format(value, "f")
        elif isinstance(value, list | tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


def _unwrap(data: dict[str, Any], key: str) -> dict[str, Any]:
    # The step already succeeded (2xx); a surprising shape must not make the sync engine
    # think it failed and send it again, so fall back to the whole body.
    inner = data.get(key)
    return inner if isinstance(inner, dict) else data


def _require(data: dict[str, Any], key: str, base_url: str) -> dict[str, Any]:
    inner = data.get(key)
    if not isinstance(inner, dict):
        raise NotMedusa(
            f"The server at {base_url} answered in an unexpected form.",
            detail=f"no '{key}' object in the answer",
        )
    return inner

