"""Sync on a bad line (issue 16), a benchmark (not a test): how long a backlog of paid orders takes
to drain through a line that loses requests, against a clean line in the same run.

Starts a throw-away Medusa 2.21.2 with the test harness and seeds a small catalog. Two tills,
each pulled directly from the server, get the same backlog (default 40 paid orders). Each till
then runs full rounds (``tilldesk sync --once`` subprocesses: push, then pull) through the fault
proxy of ``tests/integration`` until nothing is queued:

* the clean till through the proxy with no faults;
* the bad-line till with 12 % of requests cut before they reach the server and 12 % cut after
  the server acted, and a share of the sync processes killed with SIGKILL at a random moment.

Between rounds the driver waits until the first backing-off order is due, as the window's worker
does. At the end every order must be on the server exactly once, captured, with the till's total.
Prints the times, the rounds and the ratio (target: the bad line drains in 3x the clean time or
less).

    .venv/bin/python benchmarks/bench_sync_bad_line.py [--orders 40] [--kill-share 0.25] [--seed 16]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from bad_line import check_each_once, drain_by_process, paid_backlog  # type: ignore[import-not-found]  # noqa: E402
from faultproxy import FaultProxy  # type: ignore[import-not-found]  # noqa: E402

from app.bootstrap import start  # noqa: E402
from app.sync.config import BackendConfig  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.registry import open_backend  # noqa: E402
from app.sync.store import SyncStore  # noqa: E402
from tests.medusa_harness.seed import seed_catalog  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402


def make_till(path: Path, server: MedusaServer, seed, n: int, label: str, proxy_url: str):
    app = start(path, demo=False)
    store = SyncStore(app.uow)
    direct = open_backend(BackendConfig(url=server.base_url, timeout_seconds=60), server.api_key)
    CatalogPuller(store, direct.catalog()).pull()
    direct.close()
    made = paid_backlog(app, seed, n, label)
    store.set_setting("backend_url", proxy_url)
    app.close()
    return made


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=40)
    ap.add_argument("--p-before", type=float, default=0.12)
    ap.add_argument("--p-after", type=float, default=0.12)
    ap.add_argument("--kill-share", type=float, default=0.25, help="share of sync processes killed")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with MedusaServer() as server, tempfile.TemporaryDirectory() as tmp:
        seed = seed_catalog(server.base_url, server.api_key, n_products=10)
        port = int(server.base_url.rsplit(":", 1)[1])
        with FaultProxy(port, seed=args.seed) as clean_proxy, FaultProxy(
                port, p_before=args.p_before, p_after=args.p_after, seed=args.seed) as bad_proxy:
            clean_db, bad_db = Path(tmp) / "clean.sqlite", Path(tmp) / "bad.sqlite"
            clean_made = make_till(clean_db, server, seed, args.orders, "clean", clean_proxy.url)
            bad_made = make_till(bad_db, server, seed, args.orders, "bad", bad_proxy.url)
            with open(Path(tmp) / "sync.log", "ab") as log:
                clean = drain_by_process(clean_db, server.api_key, rng=rng, log=log)
                print(f"clean line: {args.orders} orders in {clean.seconds:.1f} s, {clean.rounds} rounds",
                      flush=True)
                t = time.monotonic()
                bad = drain_by_process(bad_db, server.api_key, rng=rng, kill_share=args.kill_share, log=log)
                assert abs(bad.seconds - (time.monotonic() - t)) < 1.0
            faults, requests = dict(bad_proxy.faults), bad_proxy.requests
        print(f"bad line:   {args.orders} orders in {bad.seconds:.1f} s, {bad.rounds} rounds "
              f"({bad.kills} killed with SIGKILL); {requests} requests through the proxy, faults {faults}",
              flush=True)
        print(f"ratio: x{bad.seconds / clean.seconds:.2f} the clean time (target: x3 or less)", flush=True)
        problems = []
        for db, made in ((clean_db, clean_made), (bad_db, bad_made)):
            app = start(db)
            try:
                problems += check_each_once(server.base_url, server.api_key, SyncStore(app.uow), made)
            finally:
                app.close()
        print("every order on the server exactly once, captured, equal totals" if not problems
              else "PROBLEMS:\n  " + "\n  ".join(problems), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
