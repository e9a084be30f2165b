"""Exchanges: goods go back on one order and their credit pays (part of) a new draft.

The return is an ordinary refund whose tender is ``exchange_credit``. Its ``reference`` says
where the credit stands, so no extra table is needed and the refund stays the one record of it:

- ``draft:<draft id>``: held by that open draft (the draft's metadata points back at the refund);
- ``order:<order id>``: spent on that order at its Mark Paid;
- anything else (``None``, or a draft that was deleted or canceled): an open credit of the
  original order, which the next exchange of that order picks up (``tilldesk order exchange
  ORDER`` without items). Deleting or canceling an exchange draft therefore never loses it.

At Mark Paid the credit is applied first, up to what is due; the remainder is paid with the
normal tenders, and a credit larger than the new order goes back through the chosen tender: the
refund's exchange tender is split into the part spent and the part paid out (cash or card), so
the credit note, the shift report and the drawer all see where the money went.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .errors import InvalidValue
from .money import ZERO, exact
from .order import TenderKind
from .refunds import Refund, RefundTender

#: The draft's metadata key that names the refund whose credit it carries.
METADATA_KEY = "tilldesk_exchange"
HELD = "draft:"
SPENT = "order:"


def held_by(draft_id: str) -> str:
    return HELD + draft_id


def spent_on(order_id: str) -> str:
    return SPENT + order_id


def is_exchange(t: RefundTender) -> bool:
    return t.kind is TenderKind.EXCHANGE_CREDIT


@dataclass(frozen=True, slots=True)
class Credit:
    """One refund's exchange credit as it stands now."""

    refund_id: str
    order_id: str
    amount: Decimal


def held_credit(refund: Refund, draft_id: str) -> Credit | None:
    """The credit this refund holds for this draft, if it still does."""
    amount = sum((t.amount for t in refund.tenders if is_exchange(t) and t.reference == held_by(draft_id)), ZERO)
    return Credit(refund.id, refund.order_id, amount) if amount > 0 else None


def open_credits(refunds: Sequence[Refund], draft_is_open: Callable[[str], bool]) -> list[Credit]:
    """An order's credits no open draft holds and no order has spent."""
    out = []
    for r in refunds:
        amount = ZERO
        for t in r.tenders:
            ref = t.reference or ""
            if not is_exchange(t) or ref.startswith(SPENT):
                continue
            if ref.startswith(HELD) and draft_is_open(ref[len(HELD):]):
                continue
            amount += t.amount
        if amount > 0:
            out.append(Credit(r.id, r.order_id, amount))
    return out


def hold(refund: Refund, draft_id: str, draft_is_open: Callable[[str], bool]) -> tuple[RefundTender, ...]:
    """The refund's tenders with its open credit now held by ``draft_id`` (merged into one)."""
    kept: list[RefundTender] = []
    amount = ZERO
    for t in refund.tenders:
        ref = t.reference or ""
        free = is_exchange(t) and not ref.startswith(SPENT) and not (ref.startswith(HELD) and
                                                                      draft_is_open(ref[len(HELD):]))
        if free:
            amount += t.amount
        else:
            kept.append(t)
    if amount <= 0:
        raise InvalidValue("this order has no open exchange credit", field="items")
    return (*kept, RefundTender(kind=TenderKind.EXCHANGE_CREDIT, amount=amount, reference=held_by(draft_id)))


@dataclass(frozen=True, slots=True)
class CreditUse:
    applied: Decimal  # pays towards the new order
    paid_out: Decimal  # what the new order leaves of the credit, given back
    rest_due: Decimal  # what the normal tenders still pay


@exact
def use_credit(credit: Decimal, due: Decimal) -> CreditUse:
    if credit < 0 or due < 0:
        raise InvalidValue("must not be negative", field="exchange_credit")
    applied = min(credit, due)
    return CreditUse(applied=applied, paid_out=credit - applied, rest_due=due - applied)


def spend(refund: Refund, draft_id: str, order_id: str, use: CreditUse,
          payout: RefundTender | None) -> tuple[RefundTender, ...]:
    """The refund's tenders once the draft is paid: the held credit split into the part spent on
    the order and the part paid out through ``payout`` (its amount is ``use.paid_out``)."""
    out: list[RefundTender] = []
    for t in refund.tenders:
        if is_exchange(t) and t.reference == held_by(draft_id):
            if use.applied > 0:
                out.append(replace(t, amount=use.applied, reference=spent_on(order_id)))
            if use.paid_out > 0:
                if payout is None or payout.kind is TenderKind.EXCHANGE_CREDIT:
                    raise InvalidValue("choose how the rest of the credit goes back (cash or card)",
                                       field="credit_refund_kind")
                out.append(replace(payout, amount=use.paid_out))
        else:
            out.append(t)
    return tuple(out)
