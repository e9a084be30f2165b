"""Refunds and returns of paid orders. Rows stay here: services get app.domain.refunds values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.domain.errors import NotFound
from app.domain.money import decimal_str
from app.domain.order import TenderKind
from app.domain.refunds import OrderReturn, Refund, RefundLine, RefundTender, ReturnLine

from .. import rows as r
from ._base import SqlRepository


def refund_from_row(row: r.RefundRow) -> Refund:
    return Refund(
        id=row.id, order_id=row.order_id, credit_note_number=row.credit_note_number, amount=row.amount,
        lines=tuple(RefundLine(line_id=x["line_id"], quantity=int(x["quantity"]), amount=Decimal(x["amount"]))
                    for x in row.lines),
        shipping_amount=row.shipping_amount, extra_amount=row.extra_amount, adjustment=row.adjustment,
        reason=row.reason,
        tenders=tuple(RefundTender(kind=TenderKind(t["kind"]), amount=Decimal(t["amount"]),
                                   reference=t.get("reference")) for t in row.tenders),
        created_at=row.created_at, is_cancellation=row.is_cancellation, staff_id=row.staff_id)


def _tenders_json(tenders: tuple[RefundTender, ...]) -> list[Any]:
    return [{"kind": t.kind.value, "amount": decimal_str(t.amount), "reference": t.reference} for t in tenders]


def refund_row(x: Refund) -> r.RefundRow:
    lines: list[Any] = [{"line_id": ln.line_id, "quantity": ln.quantity, "amount": decimal_str(ln.amount)}
                        for ln in x.lines]
    tenders = _tenders_json(x.tenders)
    return r.RefundRow(id=x.id, order_id=x.order_id, credit_note_number=x.credit_note_number, amount=x.amount,
                       shipping_amount=x.shipping_amount, extra_amount=x.extra_amount, adjustment=x.adjustment,
                       reason=x.reason, lines=lines, tenders=tenders, is_cancellation=x.is_cancellation,
                       staff_id=x.staff_id, created_at=x.created_at)


def return_from_row(row: r.ReturnRow) -> OrderReturn:
    return OrderReturn(id=row.id, order_id=row.order_id, refund_id=row.refund_id,
                       lines=tuple(ReturnLine(line_id=x["line_id"], quantity=int(x["quantity"])) for x in row.lines),
                       restock=row.restock, created_at=row.created_at)


class SqlRefundRepository(SqlRepository):
    def for_order(self, order_id: str) -> list[Refund]:
        q = select(r.RefundRow).where(r.RefundRow.order_id == order_id).order_by(r.RefundRow.created_at,
                                                                                r.RefundRow.id)
        return [refund_from_row(x) for x in self.s.scalars(q)]

    def get(self, refund_id: str) -> Refund:
        row = self.s.get(r.RefundRow, refund_id)
        if row is None:
            raise NotFound(f"refund {refund_id} does not exist", field="id")
        return refund_from_row(row)

    def by_credit_note(self, number: str) -> Refund:
        row = self.s.scalar(select(r.RefundRow).where(r.RefundRow.credit_note_number == number))
        if row is None:
            raise NotFound(f"no credit note has the number {number}", field="number")
        return refund_from_row(row)

    def add(self, refund: Refund) -> None:
        self.log.order(refund.order_id)
        self.s.add(refund_row(refund))

    def set_tenders(self, refund_id: str, tenders: tuple[RefundTender, ...]) -> None:
        """Where an exchange credit went (app.domain.exchange); the amount never changes."""
        row = self.s.get(r.RefundRow, refund_id)
        if row is None:
            raise NotFound(f"refund {refund_id} does not exist", field="id")
        self.log.order(row.order_id)
        row.tenders = _tenders_json(tenders)

    def returns_for_order(self, order_id: str) -> list[OrderReturn]:
        q = select(r.ReturnRow).where(r.ReturnRow.order_id == order_id).order_by(r.ReturnRow.created_at,
                                                                                r.ReturnRow.id)
        return [return_from_row(x) for x in self.s.scalars(q)]

    def get_return(self, return_id: str) -> OrderReturn:
        row = self.s.get(r.ReturnRow, return_id)
        if row is None:
            raise NotFound(f"return {return_id} does not exist", field="id")
        return return_from_row(row)

    def add_return(self, ret: OrderReturn) -> None:
        self.log.order(ret.order_id)
        lines: list[Any] = [{"line_id": ln.line_id, "quantity": ln.quantity} for ln in ret.lines]
        self.s.add(r.ReturnRow(id=ret.id, order_id=ret.order_id, refund_id=ret.refund_id, lines=lines,
                               restock=ret.restock, created_at=ret.created_at))
