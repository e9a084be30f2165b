"""Push one order to a Medusa v1 server and stop dead at a named point, for the SIGKILL test.

    python -m tests.crash.v1_push_helper DB BASE_URL ORDER_ID POINT

The admin token comes from ``TILLDESK_MEDUSA_API_KEY``. POINT is ``before:`` or ``after:`` one of
the v1 client's server calls (``create_draft_order``, ``pay_draft_order``, ``get_order``): the
helper prints ``AT <point>`` there and waits for the test's SIGKILL, so the kill lands exactly
before the request is sent or after the server acted and answered, before the till wrote it down.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from app.sync.medusa_v1.client import MedusaV1Client

CALLS = ("create_draft_order", "pay_draft_order", "get_order")


def hold(point: str) -> None:
    sys.stdout.write(f"AT {point}\n")
    sys.stdout.flush()
    while True:  # the test kills us here
        time.sleep(1)


def instrument(point: str) -> None:
    when, _, name = point.partition(":")
    if when not in ("before", "after") or name not in CALLS:
        raise SystemExit(f"unknown point {point!r}")
    real = getattr(MedusaV1Client, name)

    def traced(self: MedusaV1Client, *args: Any, **kw: Any) -> Any:
        if when == "before":
            hold(point)
        result = real(self, *args, **kw)
        hold(point)
        return result

    setattr(MedusaV1Client, name, traced)


def main(db: str, url: str, order_id: str, point: str) -> None:
    from app.bootstrap import start
    from app.sync.config import BackendConfig
    from app.sync.engine import PushEngine
    from app.sync.registry import open_backend
    from app.sync.store import SyncStore

    instrument(point)
    app = start(db)
    backend = open_backend(BackendConfig(url=url, kind="medusa-v1", timeout_seconds=30),
                           os.environ["TILLDESK_MEDUSA_API_KEY"])
    store = SyncStore(app.uow)
    sale = store.for_order(order_id)
    if sale is None:
        raise SystemExit(f"no sale entry for {order_id}")
    PushEngine(store, backend, unknown_floor=1.0, base_delay=0.2, max_delay=1.0).push_one(sale.id)
    sys.stdout.write("DONE\n")  # the point was never reached
    sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:5])
