"""Run one refund (one espresso back, restocked) on a prepared paid order, printing the same
markers as the Mark Paid helper so the crash test knows where its SIGKILL landed.

    python -m tests.crash.refund_helper DB ORDER_ID LINE_ID
"""

from __future__ import annotations

import sys

from tests.crash.mark_paid_helper import instrument, mark


def main(db: str, order_id: str, line_id: str) -> None:
    from app.bootstrap import start
    from app.services import refunds

    app = start(db)
    instrument()
    mark("READY")
    order = refunds.refund_order({"order_id": order_id, "items": [{"line_id": line_id, "quantity": 1}],
                                  "tenders": [{"kind": "card", "amount": "16.33", "reference": "RF-1"}],
                                  "restock": True, "reason": "crash test"}, app.uow()).value
    mark(f"DONE {order.refunds[-1].credit_note_number}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
