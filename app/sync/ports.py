"""The seam between the sync and a shop server, in the sync's own words.

The push engine and the catalog puller talk to a :class:`Backend`; everything that knows a
particular server's request bodies and response shapes lives in that backend's package
(``app/sync/medusa_v2/``), chosen by kind in :mod:`app.sync.registry`. Medusa v1 (integer
cents, ``/draft-orders/{id}/pay``) is a second package implementing the same Protocol.

Every method raises :mod:`app.sync.errors` exceptions (or :class:`NeedsAttention` when a person
has to look at the order); amounts are ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from app.services.dto import OrderDTO
from app.sync.errors import BackendError

if TYPE_CHECKING:  # the store owns the customer record the push reads
    from app.sync.store import CustomerInfo

__all__ = ["Backend", "TillClaims", "CatalogSource", "CatalogPage", "ConnectionCheck", "NeedsAttention",
           "OrderSnapshot", "RemoteOrder", "Record", "RemotePayment", "RemoteRefund", "RemoteMoneyState",
           "RemoteItem", "RemoteReturn", "ReturnsPort"]

#: One catalog record in the neutral shape of ``resources/demo_shop.json``.
Record = dict[str, Any]


class NeedsAttention(Exception):
    """A person has to look at this order; the message says why in plain words."""


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


@dataclass(frozen=True)
class OrderSnapshot:
    """A paid order, ready to go out: the frozen order plus what the server calls its parts."""

    order: OrderDTO
    customer_id: str | None  # the server's customer id
    email: str | None
    variant_ids: Mapping[str, str]  # local variant id -> the server's, where they differ
    shipping_option_ids: tuple[str, ...]  # one per shipping method of the order
    staff: Mapping[str, str] | None = None  # who took it: id, name (and approver), None: staff off
    audit_head: str | None = None  # the audit log's head hash when the order went out
    shift: str | None = None  # the shift its payments were taken in; None: none was open
    till: Mapping[str, str] | None = None  # the till that sold it: code and id (app.domain.tills)


@dataclass(frozen=True)
class RemoteOrder:
    """What the server holds for one of our orders (a draft, or the order it became)."""

    id: str
    display_id: int | None = None
    converted: bool = False  # no longer a draft
    paid: bool = False
    to_pay: Decimal | None = None  # still due on the server; None: it did not say
    open_payment_id: str | None = None  # a payment started and not yet marked paid
    totals: dict[str, Any] | None = None  # JSON-safe exact totals, for ``compare_totals``
    # The id of the order a draft became, where the server keeps the two apart (Medusa v1: a draft
    # ``dorder_...`` becomes an order ``order_...``). None: the draft's id is the order's (v2).
    order_id: str | None = None


@dataclass(frozen=True)
class RemoteRefund:
    amount: Decimal
    note: str | None  # Tilldesk puts its own refund id here: the one key recovery can match


@dataclass(frozen=True)
class RemotePayment:
    """A captured payment of a server order, with the refunds already made on it."""

    id: str
    amount: Decimal
    refunds: tuple[RemoteRefund, ...] = ()

    @property
    def refundable(self) -> Decimal:
        return self.amount - sum((r.amount for r in self.refunds), Decimal(0))


@dataclass(frozen=True)
class RemoteMoneyState:
    """What the server says of an order's money after refunds and cancels, to compare."""

    status: str
    payment_status: str
    refunded_total: Decimal


@dataclass(frozen=True)
class RemoteItem:
    """One line of a server order, with the quantities the returns workflow moves."""

    id: str
    line_id: str | None  # our own line id, where the server keeps it (item metadata)
    variant_id: str | None
    title: str
    quantity: int
    fulfilled: int = 0
    return_requested: int = 0
    return_received: int = 0


@dataclass(frozen=True)
class RemoteReturn:
    """One of our returns on the server, with the order change under way on it (if any).

    ``change`` is the open change's kind (``"request"`` or ``"receive"``) and ``change_items`` the
    quantities its actions hold per server item id: what a resumed push must not send twice."""

    id: str
    status: str  # open, requested, received, partially_received, canceled
    received: Mapping[str, int]  # item id -> units received
    change: str | None = None
    change_items: Mapping[str, int] | None = None
    other_change: str | None = None  # an active change on the order that is not this return's


class ReturnsPort(Protocol):
    """A server's returns workflow, step by step (no idempotency: read before repeating)."""

    def order_items(self, order_id: str) -> list[RemoteItem]: ...
    def fulfillment_marked(self, order_id: str, marker: str) -> bool: ...
    def fulfill(self, order_id: str, items: Mapping[str, int], marker: str) -> None: ...
    def find_return(self, order_id: str, marker: str) -> RemoteReturn | None: ...
    def create_return(self, order_id: str, marker: str, restock: bool) -> str: ...
    def return_state(self, order_id: str, return_id: str) -> RemoteReturn: ...
    def request_items(self, return_id: str, items: Mapping[str, int]) -> None: ...
    def confirm_request(self, return_id: str) -> None: ...
    def begin_receive(self, return_id: str) -> None: ...
    def receive_items(self, return_id: str, items: Mapping[str, int]) -> None: ...
    def confirm_receive(self, return_id: str) -> None: ...


@dataclass(frozen=True)
class CatalogPage:
    """One page of a catalog kind, already in the neutral shape."""

    records: list[Record]  # what to store (kinds the till does not model are left out)
    server_ids: list[str]  # every record the server sent on this page
    count: int  # how many records the server has for this query
    newest: str | None = None  # the newest ``updated_at`` on the page (the server's clock)
    units: int = 0  # what progress counts: variants for products, records otherwise


class CatalogSource(Protocol):
    """What the puller needs: a page of a kind, the full id set, and the variant count."""

    def page(self, kind: str, since: str | None, offset: int, limit: int,
             context: Mapping[str, Any]) -> CatalogPage: ...
    def ids(self, kind: str) -> set[str]: ...
    def variant_count(self) -> int: ...


@runtime_checkable
class TillClaims(Protocol):
    """Which till holds a till code on this shop server (see app/sync/tills.py)."""

    def till_holder(self, code: str) -> str | None: ...  # the holder's till id; None: free
    def claim_till(self, code: str, till_id: str) -> str | None: ...  # claims if free; the holder after


@runtime_checkable
class Backend(Protocol):
    """What the sync needs from a shop server, step by step of a paid sale."""

    def check_connection(self) -> ConnectionCheck: ...
    def catalog(self) -> CatalogSource: ...

    # the server's side of what an order refers to
    def known_variants(self, ids: Iterable[str]) -> set[str]: ...
    def variants_with_sku(self, sku: str) -> list[str]: ...
    def find_customer(self, email: str) -> str | None: ...
    def create_customer(self, customer: CustomerInfo) -> str: ...

    # the order itself
    def create_draft(self, snapshot: OrderSnapshot) -> RemoteOrder: ...
    def draft_totals(self, draft_id: str) -> dict[str, Any]: ...
    def convert_draft(self, draft_id: str) -> None: ...
    def get_order(self, order_id: str) -> RemoteOrder: ...
    def create_payment(self, order_id: str, amount: Decimal) -> str: ...
    def mark_payment_paid(self, payment_id: str, order_id: str) -> None: ...

    # recovery after an outcome-unknown step: the draft or order already made for a local order
    def find_order(self, local_order_id: str, customer_id: str | None,
                   created_since: datetime | None) -> RemoteOrder | None: ...
    # the server's clock as its last answer told it (None before any): bounds that search
    def server_now(self) -> datetime | None: ...

    # after the sale: refunds and cancels (no idempotency on the server: read before repeating)
    def payments(self, order_id: str) -> list[RemotePayment]: ...
    def refund_payment(self, payment_id: str, amount: Decimal, note: str) -> None: ...
    def cancel_order(self, order_id: str) -> None: ...
    def money_state(self, order_id: str) -> RemoteMoneyState: ...
    # returned goods: None where this server kind does not take them (Medusa v1)
    def returns(self) -> ReturnsPort | None: ...

    def close(self) -> None: ...
