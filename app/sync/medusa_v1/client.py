"""A small, strict client for the Medusa v1 (1.20) Admin API.

It is the v2 client with v1's authentication and v1's routes: the admin user's ``api_token``
travels in the ``x-medusa-access-token`` header (as Bearer or Basic v1 answers 401). Timeouts,
TLS, exact JSON and the mapping of every failure to :mod:`app.sync.errors` are the same code as
for v2 (both speak Medusa's error shape ``{"type", "message"}``). The token never appears in log
records, errors or ``repr``.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any

import httpx

from app.sync.config import DEFAULT_PAGE_SIZE
from app.sync.errors import AuthenticationFailed, BackendError, BackendTimeout, BackendUnreachable, NotMedusa, TLSError
from app.sync.medusa_v2.client import METADATA_LOCAL_ID_KEY, MedusaClient
from app.sync.medusa_v2.wire import iso, require, seg, unwrap
from app.sync.ports import ConnectionCheck

__all__ = ["MedusaV1Client", "METADATA_LOCAL_ID_KEY", "TOKEN_HEADER"]

TOKEN_HEADER = "x-medusa-access-token"


class _TokenAuth(httpx.Auth):
    """Adds the token per request, so it is not among the client's default headers (or its repr)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[TOKEN_HEADER] = self._token
        yield request

    def __repr__(self) -> str:
        return "_TokenAuth(<redacted>)"


class MedusaV1Client(MedusaClient):
    """One per thread. Methods return parsed JSON and raise ``BackendError`` subclasses."""

    def __init__(self, base_url: str, api_token: str, *, timeout: float | httpx.Timeout = 20.0,
                 transport: httpx.BaseTransport | None = None, user_agent: str | None = None) -> None:
        super().__init__(base_url, api_token, timeout=timeout, transport=transport, user_agent=user_agent)
        self._http.auth = _TokenAuth(api_token.strip())

    def __repr__(self) -> str:
        return f"MedusaV1Client({self.base_url!r}, api_token=<redacted>)"

    def check_connection(self) -> ConnectionCheck:
        """Reachable, TLS, token, and a v1 store (``GET /admin/store`` answers ``{"store": ...}``)."""
        try:
            self.health()
        except BackendError as exc:
            reachable = not isinstance(exc, BackendUnreachable | BackendTimeout | TLSError)
            return ConnectionCheck(False, reachable, False, str(exc), error=exc)
        try:
            data = self.request("GET", "/admin/store")
            store = data.get("store")
            if not isinstance(store, dict) or "currencies" not in store:
                raise NotMedusa(f"The server at {self.base_url} answers, but not like a Medusa v1 server "
                                "(is it Medusa v2? Then choose the kind medusa-v2).",
                                detail="GET /admin/store has no 'store' object with currencies")
        except AuthenticationFailed as exc:
            msg = ("The shop server refused the API token. Check the admin user's API token "
                   "(Medusa v1 sends it as x-medusa-access-token).")
            return ConnectionCheck(False, True, False, msg, is_medusa=True, error=exc)
        except BackendError as exc:
            reachable = not isinstance(exc, BackendUnreachable | BackendTimeout | TLSError)
            return ConnectionCheck(False, reachable, False, str(exc), error=exc)
        raw_name = store.get("name")
        name = raw_name if isinstance(raw_name, str) else None
        where = f"the Medusa v1 store “{name}”" if name else "the Medusa v1 server"
        return ConnectionCheck(True, True, True, f"Connected to {where} at {self.base_url}. The API token works.",
                               is_medusa=True, store_name=name)

    # -- pushes ----------------------------------------------------------------------------------
    def create_draft_order(self, body: Mapping[str, Any], *, fields: str | None = None) -> dict[str, Any]:
        return unwrap(self.request("POST", "/admin/draft-orders", body=body), "draft_order")

    def get_draft_order(self, draft_id: str, *, fields: str | None = None) -> dict[str, Any]:
        return require(self.request("GET", f"/admin/draft-orders/{seg(draft_id)}"), "draft_order", self.base_url)

    def pay_draft_order(self, draft_id: str) -> dict[str, Any]:
        """Mark Paid: the ``system`` provider captures at once; the answer is the new order."""
        return unwrap(self.request("POST", f"/admin/draft-orders/{seg(draft_id)}/pay"), "order")

    def get_order(self, order_id: str, fields: str | None = None) -> dict[str, Any]:
        return require(self.request("GET", f"/admin/orders/{seg(order_id)}"), "order", self.base_url)

    # -- crash recovery ----------------------------------------------------------------------------
    def find_by_local_id(self, kind: str, local_order_id: str, customer_id: str | None = None,
                         created_since: datetime | str | None = None, *, email: str | None = None,
                         fields: str = "", page_size: int = DEFAULT_PAGE_SIZE) -> list[dict[str, Any]]:
        """Drafts or orders already made for a local order.

        v1 has no idempotency and no metadata filter (``metadata[...]`` is a 400): narrow by
        ``email`` or ``customer_id`` and ``created_at[gte]`` (v1's operator has no ``$``), page
        through, and match ``metadata.tilldesk_order_id`` here. A draft's metadata lives on its
        cart; an order carries a copy.
        """
        if kind in ("draft_order", "draft_orders", "draft"):
            path, key = "/admin/draft-orders", "draft_orders"
        elif kind in ("order", "orders"):
            path, key = "/admin/orders", "orders"
        else:
            raise ValueError(f"unknown kind {kind!r}: use 'draft_order' or 'order'")
        params: dict[str, Any] = {}
        if key == "orders":
            if email:
                params["email"] = email
            elif customer_id:
                params["customer_id"] = customer_id
        elif email:
            params["q"] = email  # drafts filter by q (the cart's e-mail, display id) and created_at
        if created_since is not None:
            params["created_at[gte]"] = iso(created_since)
        wanted = str(local_order_id)
        found = []
        for item in self.list_paged(path, key, params, page_size=page_size):
            meta = item.get("metadata")
            cart = item.get("cart")
            if not isinstance(meta, dict) or METADATA_LOCAL_ID_KEY not in meta:
                meta = cart.get("metadata") if isinstance(cart, dict) else None
            if isinstance(meta, dict) and str(meta.get(METADATA_LOCAL_ID_KEY, "")) == wanted:
                found.append(item)
        return found
