"""Medusa v1 (1.20) as the sync's :class:`app.sync.ports.Backend`.

The push engine's steps map onto v1's seed flow like this:

* create draft  -> ``POST /admin/draft-orders`` (integers; our id in the cart's ``metadata``);
* compare       -> the draft cart's totals, v1's own rounding, against the till's v1 totals;
* convert       -> ``POST /admin/draft-orders/{id}/pay``: v1 creates the order and captures the
  payment through the ``system`` provider in one transaction, so "convert" already pays;
* payment       -> reads the order back (via the draft's ``order_id``): captured, nothing to do.

v1 has no idempotency: a resumed push first looks for a draft or order it already made (by
e-mail or customer and creation time, matching ``tilldesk_order_id`` in the metadata here).
Paying twice answers 422 ``duplicate_error``; the draft's ``order_id`` then tells that it worked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from app.domain.money import decimal_str
from app.domain.totals_v1 import to_minor
from app.sync import till_claim
from app.sync.config import BackendConfig
from app.sync.errors import MedusaRequestError
from app.sync.medusa_v1 import bodies, parse
from app.sync.medusa_v1.catalog import MedusaV1Catalog
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.medusa_v2.wire import seg
from app.sync.ports import (
    CatalogSource,
    ConnectionCheck,
    NeedsAttention,
    OrderSnapshot,
    RemoteMoneyState,
    RemoteOrder,
    RemotePayment,
)

if TYPE_CHECKING:
    from app.sync.store import CustomerInfo

__all__ = ["MedusaV1Backend", "open_backend"]

log = logging.getLogger(__name__)


class MedusaV1Backend:
    """:class:`app.sync.ports.Backend` over a :class:`MedusaV1Client`."""

    kind = "medusa-v1"

    def __init__(self, client: MedusaV1Client, *, page_size: int = 100) -> None:
        self.client = client
        self.page_size = page_size

    def check_connection(self) -> ConnectionCheck:
        return self.client.check_connection()

    def catalog(self) -> CatalogSource:
        return MedusaV1Catalog(self.client)

    # -- what an order refers to -------------------------------------------------------------
    def known_variants(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 50):
            chunk = wanted[start:start + 50]
            for v in self.client.list_paged("/admin/variants", "variants", {"id": chunk}, page_size=self.page_size):
                found.add(str(v["id"]))
        return found & set(wanted)

    def variants_with_sku(self, sku: str) -> list[str]:
        return [str(v["id"]) for v in self.client.list_paged("/admin/variants", "variants", {"q": sku})
                if v.get("sku") == sku]

    def find_customer(self, email: str) -> str | None:
        if not email:
            return None
        for c in self.client.list_paged("/admin/customers", "customers", {"q": email}):
            if str(c.get("email", "")).lower() == email.lower():
                return str(c["id"])
        return None

    def create_customer(self, customer: CustomerInfo) -> str:
        try:
            created = self.client.request("POST", "/admin/customers", body=bodies.customer_body(customer))
        except MedusaRequestError as exc:
            # The e-mail is taken: maybe by an earlier attempt of ours whose answer was lost.
            found = self.find_customer(customer.email) if exc.status in (400, 409, 422) else None
            if not found:
                raise
            return found
        return str((created.get("customer") or created)["id"])

    # -- the order -----------------------------------------------------------------------------
    def create_draft(self, snapshot: OrderSnapshot) -> RemoteOrder:
        try:
            draft = self.client.create_draft_order(bodies.draft_body(snapshot))
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 422):
                raise NeedsAttention(f"The shop server refused this order: {exc.server_message or exc}") from exc
            raise
        return parse.remote_draft(draft)

    def draft_totals(self, draft_id: str) -> dict[str, Any]:
        found = parse.remote_draft(self.client.get_draft_order(draft_id))
        return found.totals or {}

    def convert_draft(self, draft_id: str) -> None:
        """``/pay``: makes the order and captures the payment at once."""
        try:
            self.client.pay_draft_order(draft_id)
        except MedusaRequestError as exc:
            # 422 duplicate_error: an earlier attempt paid it already.
            if not self.client.get_draft_order(draft_id).get("order_id"):
                why = exc.server_message or exc
                raise NeedsAttention(f"The shop server refused to complete the draft: {why}") from exc

    def get_order(self, order_id: str) -> RemoteOrder:
        """The order a draft became (the engine keeps the draft's id), or the draft itself."""
        if order_id.startswith("order_"):
            return parse.remote_order(self.client.get_order(order_id))
        draft = self.client.get_draft_order(order_id)
        if draft.get("order_id"):
            return parse.remote_order(self.client.get_order(str(draft["order_id"])))
        return parse.remote_draft(draft)

    def create_payment(self, order_id: str, amount: Decimal) -> str:
        raise NeedsAttention("The order on the Medusa v1 shop is not captured although /pay succeeded; "
                             "capture the payment in the shop's admin.")

    def mark_payment_paid(self, payment_id: str, order_id: str) -> None:
        raise NeedsAttention("The order on the Medusa v1 shop is not captured; capture it in the shop's admin.")

    def find_order(self, local_order_id: str, customer_id: str | None,
                   created_since: datetime | None) -> RemoteOrder | None:
        email = None
        if customer_id:
            try:
                email = str(self.client.request("GET", f"/admin/customers/{customer_id}")["customer"]["email"])
            except (MedusaRequestError, KeyError, TypeError):
                email = None
        # Orders first (a paid draft made one), then drafts (a draft not yet paid).
        orders = self.client.find_by_local_id("order", local_order_id, customer_id, created_since, email=email,
                                              page_size=self.page_size)
        if orders:
            self._warn_duplicates(local_order_id, "orders", orders)
            orders.sort(key=lambda o: str(o.get("created_at") or ""))
            return parse.remote_order(orders[0])
        drafts = self._find_drafts(local_order_id, email, created_since)
        if drafts:
            self._warn_duplicates(local_order_id, "drafts", drafts)
            drafts.sort(key=lambda d: str(d.get("created_at") or ""))
            first = drafts[0]
            if first.get("order_id"):
                return parse.remote_order(self.client.get_order(str(first["order_id"])))
            return parse.remote_draft(self.client.get_draft_order(str(first["id"])))
        return None

    def _find_drafts(self, local_order_id: str, email: str | None, since: datetime | None) -> list[dict[str, Any]]:
        return self.client.find_by_local_id("draft_order", local_order_id, None, since, email=email,
                                            page_size=self.page_size)

    @staticmethod
    def _warn_duplicates(local_id: str, what: str, found: list[dict[str, Any]]) -> None:
        if len(found) > 1:
            log.error("order %s exists %d times on the v1 server as %s: %s", local_id, len(found), what,
                      [f.get("id") for f in found])

    # -- after the sale: refunds and cancels ---------------------------------------------------
    # v1 refunds an order (``POST /admin/orders/{id}/refund``, integer minor units, a reason and a
    # note), not a payment: ``payments`` reports the order's captured amount as one payment whose
    # id is the order's, with the order's refunds, so the engine's read-first recovery (our refund
    # id in the note) works unchanged. v1 keeps no idempotency key for refunds either.
    def _order(self, order_id: str) -> dict[str, Any]:
        """The v1 order behind an id the sale entry kept (a draft's ``dorder_…`` or the order's)."""
        if not order_id.startswith("order_"):
            found = self.client.get_draft_order(order_id).get("order_id")
            if not found:
                raise NeedsAttention(f"The draft {order_id} on the Medusa v1 shop has no order yet, so "
                                     "nothing can be refunded or canceled there.")
            order_id = str(found)
        return self.client.get_order(order_id)

    def payments(self, order_id: str) -> list[RemotePayment]:
        order = self._order(order_id)
        if order.get("payment_status") not in parse.PAID_STATUSES:
            return []
        return [parse.payment_of(order)]

    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> None:
        order = self._order(payment_id)
        cur = str(order.get("currency_code") or "usd")
        body = {"amount": to_minor(amount, cur), "reason": "other", "note": note, "no_notification": True}
        try:
            self.client.request("POST", f"/admin/orders/{seg(str(order['id']))}/refund", body=body)
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 422):
                raise NeedsAttention(f"The shop server refused the refund: {exc.server_message or exc}") from exc
            raise

    CANCEL_NOTE = "tilldesk-cancel"

    def cancel_order(self, order_id: str) -> None:
        """``POST /admin/orders/{id}/cancel``. Medusa 1.20.11 cancels a captured order (its payment
        becomes ``canceled``, no refund is recorded) and answers 200 again for a canceled one, but
        refuses an order that has refunds (400 "Order with refund(s) cannot be canceled"). Then
        what is left goes back as one refund noted ``tilldesk-cancel`` (read first, so never twice)
        and the order, still open on the shop, waits in "needs attention"."""
        order = self._order(order_id)
        if order.get("status") == "canceled":
            return
        oid = str(order["id"])
        if not order.get("refunds"):
            try:
                self.client.request("POST", f"/admin/orders/{seg(oid)}/cancel")
                return
            except MedusaRequestError as exc:
                order = self.client.get_order(oid)
                if order.get("status") == "canceled":
                    return
                if not order.get("refunds"):
                    raise NeedsAttention("The shop server refused to cancel the order: "
                                         f"{exc.server_message or exc}") from exc
        cur = str(order.get("currency_code") or "usd")
        done = [r for r in parse.payment_of(order).refunds if r.note == self.CANCEL_NOTE]
        left = done[0].amount if done else parse.payment_of(order).refundable
        if left > 0 and not done:
            self.refund_payment(oid, left, self.CANCEL_NOTE)
        raise NeedsAttention("Medusa v1 cannot cancel an order that has refunds: the rest "
                             f"({decimal_str(left)} {cur.upper()}) was refunded there instead, so the money "
                             "matches, but the order stays open on the shop. Archive it in the shop's admin, "
                             "then discard this entry.")

    def money_state(self, order_id: str) -> RemoteMoneyState:
        return parse.money_state(self._order(order_id))

    # -- till codes (app/sync/tills.py): a customer group per code, as on v2 (app/sync/till_claim.py);
    # v1 keeps customer_group.name unique too (a unique index where deleted_at IS NULL).
    def _claim_groups(self, name: str) -> list[dict[str, Any]]:
        # v1 searches group names with q (a substring match: A1 also finds A12), so keep exact names.
        found = self.client.list_paged("/admin/customer-groups", "customer_groups", {"q": name}, page_size=50)
        return [dict(g) for g in found if g.get("name") == name]

    def _create_claim_group(self, name: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
        data = self.client.request("POST", "/admin/customer-groups", body={"name": name, "metadata": dict(metadata)})
        return dict(data.get("customer_group") or {})

    def till_holder(self, code: str) -> str | None:
        return till_claim.holder_of(self._claim_groups(till_claim.claim_name(code)))

    def claim_till(self, code: str, till_id: str) -> str | None:
        return till_claim.claim(code, till_id, self._claim_groups, self._create_claim_group)

    def returns(self) -> None:
        return None  # returned goods are not sent to a Medusa v1 shop (app.sync.returns says so)

    def server_now(self) -> datetime | None:
        return self.client.server_clock.now()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> MedusaV1Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_backend(config: BackendConfig, api_key: str, *,
                 transport: httpx.BaseTransport | None = None) -> MedusaV1Backend:
    """The Medusa v1 backend a config names; ``api_key`` is the admin user's API token."""
    client = MedusaV1Client(config.url, api_key, timeout=config.timeout_seconds, transport=transport)
    return MedusaV1Backend(client, page_size=config.page_size)
