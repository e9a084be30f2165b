"""One line of the print log: which copy of which document went where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PrintRecord:
    order_id: str
    kind: str  # a4 | receipt
    copy_number: int  # 0 is the original; n is COPY n
    archive_path: str | None
    destination: str | None
    printed_at: datetime
    staff_id: str | None = None
    approver_id: str | None = None
