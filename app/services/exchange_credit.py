"""The exchange credit a draft carries, and spending it at Mark Paid (rules: app.domain.exchange).

Kept apart from app.services.exchanges so the DTO builders and Mark Paid can read it without
importing the exchange action (which builds DTOs itself)."""

from __future__ import annotations

from decimal import Decimal

from app.domain import exchange
from app.domain.draft_order import DraftOrder
from app.domain.errors import NotFound
from app.domain.order import Order, TenderKind
from app.domain.refunds import Refund, RefundTender, check_tenders

from .context import UnitOfWork

ZERO = Decimal(0)


def draft_is_open(uow: UnitOfWork, draft_id: str) -> bool:
    try:
        d = uow.drafts.get(draft_id)
    except NotFound:
        return False  # deleted: its credit is open again
    return d.is_editable and d.order_id is None


def held_credits(uow: UnitOfWork, draft: DraftOrder) -> list[tuple[Refund, Decimal]]:
    """The refunds whose credit this draft holds, and how much each. The draft's metadata only
    points at them: the refund's own tender must name this draft, so copied or edited metadata
    never makes a credit twice."""
    meta = draft.metadata.get(exchange.METADATA_KEY)
    if not isinstance(meta, dict):
        return []
    out = []
    for refund_id in meta.get("refund_ids") or []:
        try:
            refund = uow.refunds.get(str(refund_id))
        except NotFound:
            continue
        credit = exchange.held_credit(refund, draft.id)
        if credit is not None:
            out.append((refund, credit.amount))
    return out


def credit_of(uow: UnitOfWork, draft: DraftOrder) -> Decimal:
    if draft.order_id is not None or exchange.METADATA_KEY not in draft.metadata:
        return ZERO
    return sum((amount for _, amount in held_credits(uow, draft)), ZERO)


def payout_tender(kind: str | None, reference: str | None, amount: Decimal, currency_code: str) -> RefundTender | None:
    """How a credit larger than the new order goes back; checked like any refund tender."""
    if amount <= 0:
        return None
    if kind is None:
        return None  # exchange.spend names the missing choice
    tender = RefundTender(kind=TenderKind(kind), amount=amount, reference=(reference or "").strip() or None)
    check_tenders(amount, currency_code, [tender])
    return tender


def spend(uow: UnitOfWork, draft: DraftOrder, order: Order, held: list[tuple[Refund, Decimal]],
          applied: Decimal, payout: RefundTender | None) -> None:
    """Splits each held credit into what the order spent (oldest credit first) and what goes back."""
    left = applied
    for refund, amount in held:
        take = min(amount, left)
        left -= take
        use = exchange.use_credit(amount, take)
        this_payout = None if payout is None or use.paid_out <= 0 else RefundTender(
            kind=payout.kind, amount=use.paid_out, reference=payout.reference)
        uow.refunds.set_tenders(refund.id, exchange.spend(refund, draft.id, order.id, use, this_payout))
