"""Run Mark Paid once on a prepared draft, printing a marker at each stage so the crash test
knows where its SIGKILL landed:

READY (database open) -> IN-TXN (unit of work entered) -> COMMITTING -> COMMITTED -> DONE

    python -m tests.crash.mark_paid_helper DB DRAFT_ID
"""

from __future__ import annotations

import sys

from app.persistence.uow import SqlUnitOfWork


def mark(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def instrument() -> None:
    enter, commit = SqlUnitOfWork.__enter__, SqlUnitOfWork.commit

    def traced_enter(self):  # type: ignore[no-untyped-def]
        mark("IN-TXN")
        return enter(self)

    def traced_commit(self) -> None:  # type: ignore[no-untyped-def]
        mark("COMMITTING")
        commit(self)
        mark("COMMITTED")

    SqlUnitOfWork.__enter__ = traced_enter  # type: ignore[method-assign]
    SqlUnitOfWork.commit = traced_commit  # type: ignore[method-assign]


def main(db: str, draft_id: str) -> None:
    from app.bootstrap import start
    from app.services import orders

    app = start(db)
    instrument()
    mark("READY")
    order = orders.mark_paid({"draft_id": draft_id, "tenders": [{"kind": "card", "amount": "10", "reference": "X"},
                                                                {"kind": "cash", "amount": "100"}]}, app.uow()).value
    mark(f"DONE {order.invoice_number}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
