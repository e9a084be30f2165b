"""Credit notes for refunds: built from the refund and its order, rendered on A4 or the 80 mm
roll, archived beside the invoices (never overwritten), every print recorded so a reprint says
which copy it is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain import clock
from app.domain.permissions import GuardedAction
from app.domain.refunds import Refund
from app.printing.archive import ArchiveExistsError, archive_pdf

from . import audit, guard
from .context import UnitOfWork
from .dto import OrderDTO
from .dto_builders import order_dto
from .invoices import TENDER_LABELS, _shop
from .settings import TillSettings, load_settings

if TYPE_CHECKING:  # reportlab loads on the first credit note, not with the window
    from app.printing.pdf_credit_note import CreditNoteDocument

KINDS = ("a4", "receipt")
ARCHIVE_KIND = {"a4": "credit-note", "receipt": "credit-note-receipt"}


@dataclass(frozen=True, slots=True)
class PrintedCreditNote:
    number: str
    kind: str
    copy_number: int
    pdf: bytes
    archive_path: Path


def print_kind(kind: str, number: str) -> str:
    """The print log's kind for one credit note (the log counts prints per order and kind)."""
    return f"credit_note_{kind}:{number}"


def credit_note_document(refund: Refund, order: OrderDTO, settings: TillSettings,
                         copy_number: int = 0) -> CreditNoteDocument:
    from app.printing.pdf_credit_note import CreditNoteDocument, CreditNoteLine

    titles = {i.id: i.title for i in order.items}
    lines = [CreditNoteLine(title=titles.get(x.line_id, x.line_id), quantity=x.quantity, amount=x.amount)
             for x in refund.lines]
    if refund.shipping_amount:
        lines.append(CreditNoteLine(title="Shipping", quantity=0, amount=refund.shipping_amount))
    if refund.extra_amount:
        lines.append(CreditNoteLine(title="Goodwill", quantity=0, amount=refund.extra_amount))
    if refund.adjustment > 0:
        lines.append(CreditNoteLine(title="Rounding", quantity=0, amount=refund.adjustment))
    restocked = any(r.refund_id == refund.id and r.restock for r in order.returns)
    # An exchange credit's reference is where the credit stands (app.domain.exchange), not a slip number.
    tenders = tuple((TENDER_LABELS[t.kind.value] + (f" ({t.reference})" if t.reference and t.kind.value !=
                                                    "exchange_credit" else ""), t.amount)
                    for t in refund.tenders)
    return CreditNoteDocument(
        shop=_shop(settings), number=refund.credit_note_number, invoice_number=order.invoice_number,
        order_display_id=str(order.display_id), issued_at=refund.created_at, currency_code=order.currency_code,
        locale=settings.locale, lines=tuple(lines), total=refund.amount, tenders=tenders,
        customer_name=order.customer_name, reason=refund.reason or "", is_cancellation=refund.is_cancellation,
        restocked=restocked, copy_number=copy_number,
        deduction=-refund.adjustment if refund.adjustment < 0 else Decimal(0))


def render(doc: CreditNoteDocument, kind: str) -> bytes:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}: use a4 or receipt")
    from app.printing.pdf_credit_note import render_credit_note_a4, render_credit_note_receipt

    return render_credit_note_a4(doc) if kind == "a4" else render_credit_note_receipt(doc)


def print_credit_note(number: str, kind: str, uow: UnitOfWork, archive_dir: Path,
                      destination: str | None = None) -> PrintedCreditNote:
    """Renders the next copy of a credit note, archives it and records the print in one unit of
    work. The first print of a kind is the original; every later one is COPY n."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}: use a4 or receipt")
    settings = load_settings(uow)
    with uow:
        refund = uow.refunds.by_credit_note(number.strip().upper())
        order = order_dto(uow, uow.orders.get(refund.order_id))
        log_kind = print_kind(kind, refund.credit_note_number)
        copy_number = uow.prints.count(order.id, log_kind)
        # As for invoices: the original and the first copy are free, the second reprint on is guarded.
        permit = guard.require(uow, GuardedAction.REPRINT, refund.id) if copy_number >= 2 else None
        staff_id = permit.staff_id if permit else guard.staff_id(uow)
        while True:
            pdf = render(credit_note_document(refund, order, settings, copy_number), kind)
            try:
                path = archive_pdf(archive_dir, refund.credit_note_number, ARCHIVE_KIND[kind], copy_number, pdf)
                break
            except ArchiveExistsError:
                copy_number += 1  # archived by a print whose commit was lost: it counts as a copy
        uow.prints.record(order.id, log_kind, copy_number, str(path), destination, clock.now(), staff_id=staff_id,
                          approver_id=permit.approver_id if permit else None)
        if copy_number >= 1:
            audit.record(uow, "credit_note_reprint", refund.id, {
                "kind": kind, "copy_number": copy_number, "credit_note_number": refund.credit_note_number,
                "approver_id": permit.approver_id if permit else None})
        uow.commit()
        return PrintedCreditNote(number=refund.credit_note_number, kind=kind, copy_number=copy_number, pdf=pdf,
                                 archive_path=path)
