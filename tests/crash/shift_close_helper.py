"""Close the open shift once, printing a marker at each stage so the crash test knows where its
SIGKILL landed:

READY (database open) -> IN-TXN (unit of work entered) -> COMMITTING -> COMMITTED -> DONE

    python -m tests.crash.shift_close_helper DB
"""

from __future__ import annotations

import sys

from tests.crash.mark_paid_helper import instrument, mark


def main(db: str) -> None:
    from app.bootstrap import start
    from app.services import shifts

    app = start(db)
    instrument()
    mark("READY")
    report = shifts.close_shift({"counted": {"cash": "300.00", "card": "58.25"}}, app.uow()).value
    mark(f"DONE Z{report.z_number}")


if __name__ == "__main__":
    main(sys.argv[1])
