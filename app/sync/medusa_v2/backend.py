"""Medusa v2 as the sync's :class:`app.sync.ports.Backend`.

Everything Medusa-v2-shaped about a push happens here: the request bodies, reading the answers,
and the quirks (a taken e-mail is a 400, converting twice is a 400 "not a draft order", a
converted draft keeps its id and leaves the draft-orders list).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from app.sync import till_claim
from app.sync.config import BackendConfig
from app.sync.errors import MedusaRequestError
from app.sync.medusa_v2 import bodies, parse
from app.sync.medusa_v2.api import MedusaV2Api, V2Api
from app.sync.medusa_v2.catalog import MedusaCatalogApi, MedusaV2Catalog
from app.sync.medusa_v2.client import MedusaClient
from app.sync.medusa_v2.returns import MedusaV2Returns
from app.sync.ports import (
    CatalogSource,
    ConnectionCheck,
    NeedsAttention,
    OrderSnapshot,
    RemoteMoneyState,
    RemoteOrder,
    RemotePayment,
    ReturnsPort,
)

if TYPE_CHECKING:
    from app.sync.store import CustomerInfo

__all__ = ["MedusaV2Backend", "open_backend"]

log = logging.getLogger(__name__)


class MedusaV2Backend:
    """:class:`app.sync.ports.Backend` over a :class:`V2Api` (HTTP, or the tests' fake)."""

    kind = "medusa-v2"

    def __init__(self, api: V2Api) -> None:
        self.api = api

    def check_connection(self) -> ConnectionCheck:
        return self.api.check_connection()

    def catalog(self) -> CatalogSource:
        if not isinstance(self.api, MedusaV2Api):
            raise TypeError("this Medusa v2 API has no catalog to pull")
        return MedusaV2Catalog(MedusaCatalogApi(self.api.client))

    # -- what an order refers to -------------------------------------------------------------
    def known_variants(self, ids: Iterable[str]) -> set[str]:
        return {str(v["id"]) for v in self.api.find_variants(ids=list(ids))}

    def variants_with_sku(self, sku: str) -> list[str]:
        return [str(v["id"]) for v in self.api.find_variants(skus=[sku]) if v.get("sku") == sku]

    def find_customer(self, email: str) -> str | None:
        found = self.api.find_customers_by_email(email)
        return str(found[0]["id"]) if found else None

    def create_customer(self, customer: CustomerInfo) -> str:
        try:
            created = self.api.create_customer(bodies.customer_body(customer))
        except MedusaRequestError as exc:
            # The e-mail is taken: someone (maybe an earlier attempt of ours) created it.
            found = self.api.find_customers_by_email(customer.email) if exc.status in (400, 409, 422) else []
            if not found:
                raise
            created = found[0]
        return str(created["id"])

    # -- the order -----------------------------------------------------------------------------
    def create_draft(self, snapshot: OrderSnapshot) -> RemoteOrder:
        try:
            draft = self.api.create_draft_order(bodies.draft_body(snapshot))
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 422):
                raise NeedsAttention(f"The shop server refused this order: {exc.server_message or exc}") from exc
            raise
        return parse.created_draft(draft)

    def draft_totals(self, draft_id: str) -> dict[str, Any]:
        return parse.totals_of(self.api.get_draft_order(draft_id))

    def convert_draft(self, draft_id: str) -> None:
        try:
            self.api.convert_draft_to_order(draft_id)
        except MedusaRequestError as exc:
            # "... is not a draft order": an earlier attempt converted it already.
            got = self.api.get_order(draft_id)
            if parse.is_draft_status(got):
                raise NeedsAttention(
                    f"The shop server refused to convert the draft: {exc.server_message or exc}") from exc

    def get_order(self, order_id: str) -> RemoteOrder:
        return parse.remote_order(self.api.get_order(order_id))

    def create_payment(self, order_id: str, amount: Decimal) -> str:
        return str(self.api.create_payment_collection(order_id, amount)["id"])

    def mark_payment_paid(self, payment_id: str, order_id: str) -> None:
        try:
            self.api.mark_payment_collection_paid(payment_id, order_id)
        except MedusaRequestError as exc:
            again = self.api.get_order(order_id)
            if not parse.is_paid(again):
                raise NeedsAttention(f"The shop server refused the payment: {exc.server_message or exc}") from exc

    def find_order(self, local_order_id: str, customer_id: str | None,
                   created_since: datetime | None) -> RemoteOrder | None:
        # A converted draft leaves the draft-orders list (same id), so orders are searched too.
        for kind in ("draft_order", "order"):
            found = self.api.find_by_local_id(kind, local_order_id, customer_id, created_since)
            if found:
                if len(found) > 1:
                    log.error("order %s exists %d times on the server as %s: %s", local_order_id, len(found),
                              kind, [f.get("id") for f in found])
                found.sort(key=lambda f: str(f.get("created_at") or ""))
                return parse.found_order(found[0], in_orders=kind == "order")
        return None

    # -- after the sale: refunds and cancels ------------------------------------------------------
    def payments(self, order_id: str) -> list[RemotePayment]:
        return parse.payments(self.api.get_order_money(order_id))

    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> None:
        try:
            self.api.refund_payment(payment_id, amount, note)
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 422):
                raise NeedsAttention(f"The shop server refused the refund: {exc.server_message or exc}") from exc
            raise

    def cancel_order(self, order_id: str) -> None:
        try:
            self.api.cancel_order(order_id)
        except MedusaRequestError as exc:
            # Canceling twice is refused; an earlier attempt whose answer was lost may have done it.
            if parse.money_state(self.api.get_order_money(order_id)).status != "canceled":
                raise NeedsAttention(f"The shop server refused to cancel the order: {exc.server_message or exc}") \
                    from exc

    def money_state(self, order_id: str) -> RemoteMoneyState:
        return parse.money_state(self.api.get_order_money(order_id))

    # -- till codes (app/sync/tills.py) -----------------------------------------------------
    def till_holder(self, code: str) -> str | None:
        return till_claim.holder_of(self.api.find_customer_groups(till_claim.claim_name(code)))

    def claim_till(self, code: str, till_id: str) -> str | None:
        return till_claim.claim(code, till_id, self.api.find_customer_groups, self.api.create_customer_group)

    def returns(self) -> ReturnsPort | None:
        """Medusa's returns workflow (None over an API without HTTP, such as a test's fake)."""
        return MedusaV2Returns(self.api.client) if isinstance(self.api, MedusaV2Api) else None

    def server_now(self) -> datetime | None:
        return self.api.server_now()

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> MedusaV2Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_backend(config: BackendConfig, api_key: str, *,
                 transport: httpx.BaseTransport | None = None) -> MedusaV2Backend:
    """The Medusa v2 backend a config names. ``transport`` is for tests (``httpx.MockTransport``)."""
    client = MedusaClient(config.url, api_key, timeout=config.timeout_seconds, transport=transport)
    return MedusaV2Backend(MedusaV2Api(client, page_size=config.page_size))
