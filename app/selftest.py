"""`tilldesk --self-test`: proves an installation works, headless, on a throw-away database:
migrate, load the demo shop, take a draft through Mark Paid, render its invoice and receipt.
Exit 0, or non-zero with the failing step named."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run(out: Any = None) -> int:
    out = out or sys.stdout
    state: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tilldesk-selftest-") as tmp:
        db_path = Path(tmp) / "selftest.sqlite"

        def open_db() -> None:
            from app.bootstrap import start

            state["app"] = start(db_path, demo=False)

        def load_demo() -> None:
            from app.services.demo import load_demo_shop

            if not load_demo_shop(state["app"].uow()):
                raise RuntimeError("the demo shop was not loaded into an empty database")

        def take_order() -> None:
            from app.services import drafts, queries

            app = state["app"]
            variants = queries.search_variants("", app.uow(), 2)
            items = [{"variant_id": variants[0].id, "quantity": 2},
                     {"title": "Self-test item", "unit_price": "1.25", "quantity": 1}]
            draft = drafts.create_draft({"email": "selftest@example.com", "items": items}, app.uow()).value
            state["draft"] = draft

        def mark_paid() -> None:
            from app.services import orders

            draft = state["draft"]
            order = orders.mark_paid({"draft_id": draft.id, "tenders": [
                {"kind": "cash", "amount": str(draft.amount_due + 10)}]}, state["app"].uow()).value
            if order.invoice_number is None or order.payment_status != "captured":
                raise RuntimeError("the order was not recorded as paid")
            state["order"] = order

        def render() -> None:
            from app.services import invoices

            app, order = state["app"], state["order"]
            for kind in ("a4", "receipt"):
                printed = invoices.print_document(order.id, kind, app.uow(), app.archive_dir, destination="self-test")
                if not printed.pdf.startswith(b"%PDF-") or not printed.archive_path.is_file():
                    raise RuntimeError(f"the {kind} PDF is not a PDF or was not archived")

        steps: list[tuple[str, Callable[[], None]]] = [
            ("open and migrate a new database", open_db), ("load the demo shop", load_demo),
            ("create a draft order", take_order), ("mark the draft paid", mark_paid),
            ("render and archive the invoice and receipt", render)]
        try:
            for i, (name, fn) in enumerate(steps, 1):
                t0 = time.perf_counter()
                try:
                    fn()
                except Exception as exc:
                    out.write(f"self-test FAILED at step {i} ({name}): {exc.__class__.__name__}: {exc}\n")
                    return 3
                out.write(f"ok {i} {name} ({(time.perf_counter() - t0) * 1000:.0f} ms)\n")
        finally:
            if "app" in state:
                state["app"].close()
    out.write("self-test passed\n")
    return 0
