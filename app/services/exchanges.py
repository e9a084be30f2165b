"""Exchange: goods come back and, in the same commit, a new draft for the same customer starts
with their credit as a tender (the rules and where the credit stands: app.domain.exchange).

The return is an ordinary refund of the original order (its own credit note, its outbox entry,
so Medusa gets the return's refund) whose only tender is ``exchange_credit``. The new draft copies
the customer, e-mail, region, sales channel and both addresses, and its metadata names the refund.
Mark Paid (app.services.orders) applies the credit first and takes the rest with the normal
tenders; a credit larger than the new order goes back through the tender chosen there. Deleting
or canceling the new draft leaves the credit open on the original order: exchanging that order
again without items starts a new draft with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from app.domain import clock, exchange, ids
from app.domain.changes import OpResult
from app.domain.draft_order import DraftOrder
from app.domain.errors import InvalidValue
from app.domain.outbox import OutboxKind
from app.domain.permissions import GuardedAction
from app.domain.refunds import RefundRequest

from . import audit, guard
from .commands import Command, Text
from .context import UnitOfWork
from .dto import DraftOrderDTO, OrderDTO
from .dto_builders import draft_dto, order_dto, search_text
from .errors import parse
from .exchange_credit import credit_of, draft_is_open
from .refunds import RefundItem, _audit_refund, _follow_up, _record, record_return

ZERO = Decimal(0)


class ExchangeOrder(Command):
    order_id: str
    items: list[RefundItem] = Field(default_factory=list, max_length=500)
    restock: bool = False
    reason: Text | None = None
    staff_id: Annotated[str | None, Field(max_length=100)] = None


@dataclass(frozen=True, slots=True)
class ExchangeDTO:
    draft: DraftOrderDTO  # the new draft, carrying the credit
    order: OrderDTO  # the original order, with the return's refund
    credit: Decimal
    refund_id: str | None  # None: only an open credit was picked up
    credit_note_number: str | None


def exchange_order(cmd: ExchangeOrder | dict[str, Any], uow: UnitOfWork) -> OpResult[ExchangeDTO]:
    """Records the return and its refund as exchange credit, and starts the new draft holding that
    credit (and any credit of this order left open by an earlier exchange), in ONE commit."""
    cmd = parse(ExchangeOrder, cmd)
    with uow:
        order = uow.orders.get(cmd.order_id)
        permit = guard.require(uow, GuardedAction.REFUND, order.id)
        staff_id = permit.staff_id if permit else cmd.staff_id
        old = uow.drafts.get(order.draft_order_id)
        now = clock.now()
        draft_id = ids.new_id(ids.PREFIXES["draft_order"])
        refund = None
        if cmd.items:
            items = tuple((i.line_id, i.quantity) for i in cmd.items)
            refund = _record(uow, order, RefundRequest(items=items), (), cmd.reason, staff_id,
                             cancellation=False, exchange_draft_id=draft_id)
            assert refund is not None
            _audit_refund(uow, refund, permit)
            uow.orders.save(order)
            _follow_up(uow, order.id, OutboxKind.REFUND, refund.id, now)
            record_return(uow, order, refund, list(items), cmd.restock)
        is_open = lambda d: d == draft_id or draft_is_open(uow, d)  # noqa: E731  (the new draft is not saved yet)
        held = [refund.id] if refund else []
        for c in exchange.open_credits(uow.refunds.for_order(order.id), is_open):
            uow.refunds.set_tenders(c.refund_id, exchange.hold(uow.refunds.get(c.refund_id), draft_id, is_open))
            held.append(c.refund_id)
        if not held:
            raise InvalidValue(f"choose the items that come back: order #{order.display_id} has no open "
                               "exchange credit", field="items")
        draft = DraftOrder(
            id=draft_id, display_id=uow.counters.next("draft_order"), region_id=old.region_id,
            currency_code=old.currency_code, email=old.email, customer_id=old.customer_id,
            sales_channel_id=old.sales_channel_id,
            shipping_address=_copy(old.shipping_address), billing_address=_copy(old.billing_address),
            no_notification_order=old.no_notification_order, created_at=now, updated_at=now,
            metadata={exchange.METADATA_KEY: {"order_id": order.id, "invoice_number": order.invoice_number,
                                              "refund_ids": held}},
            staff_id=guard.staff_id(uow))
        uow.drafts.add(draft, search_text(uow, draft))
        uow.flush()
        credit = credit_of(uow, draft)
        audit.record(uow, "exchange", order.id, {"draft_id": draft.id, "credit": credit, "refund_ids": held})
        uow.flush()
        dto = ExchangeDTO(draft=draft_dto(uow, draft), order=order_dto(uow, order), credit=credit,
                          refund_id=refund.id if refund else None,
                          credit_note_number=refund.credit_note_number if refund else None)
        uow.commit()
        return OpResult(dto, uow.changes)


def _copy(a: Any) -> Any:
    return None if a is None else replace(a, id=ids.new_id(ids.PREFIXES["address"]), metadata=dict(a.metadata))
