"""Many tills, one shop (not a test): four tills, each its own SQLite file and its own process,
push their paid orders at once to one real Medusa 2.21.2; then one till pushes the same total
number of orders alone, on the same server in the same run.

Each till process (tests/medusa_harness/many_tills.py) makes its file with its own till code,
pulls the catalog, takes its sales, and waits; all start pushing on one signal, through the sync's
own runner (the till code claimed first, then the orders one after the other). Prints the wall
time from the signal until the last till finished, each till's own push time, the time of one
till alone, and the ratio; then checks every order is on the server exactly once.

    .venv/bin/python benchmarks/bench_many_tills.py [--tills 4] [--orders 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.medusa_harness.many_tills import run_tills, seed_facts, server_orders  # noqa: E402
from tests.medusa_harness.seed import seed_catalog  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tills", type=int, default=4, help="how many tills push at once")
    ap.add_argument("--orders", type=int, default=10, help="paid orders per till")
    args = ap.parse_args()
    codes = [f"T{i + 1}" for i in range(args.tills)]
    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    with MedusaServer() as server, tempfile.TemporaryDirectory() as tmp:
        seed = seed_catalog(server.base_url, server.api_key, n_products=3)
        facts = seed_facts(seed)
        url, key = server.base_url, server.api_key
        # warm-up: one till, a few orders, so neither side pays for the server's first requests
        run_tills(Path(tmp), url, key, ["W0"], 3, facts)
        results, wall = run_tills(Path(tmp), url, key, codes, args.orders, facts)
        [alone], alone_wall = run_tills(Path(tmp), url, key, ["S1"], args.orders * args.tills, facts)
        with server.client() as http:
            found = server_orders(http, since)
    errors = [r["error"] for r in (*results, alone) if r["error"]]
    local = [oid for r in (*results, alone) for oid in r["orders"]]
    seen = Counter((o.get("metadata") or {}).get("tilldesk_order_id") for o in found)
    invoices = [n for r in results for n in r["invoices"]]
    total = args.orders * args.tills
    print(f"{args.tills} tills x {args.orders} orders = {total} orders, each till its own process and file")
    print(f"  at once: wall {wall:.2f} s ({wall / total * 1000:.0f} ms per order overall)")
    for r in results:
        print(f"    till {r['code']}: {r['push_seconds']:.2f} s for {len(r['orders'])} orders "
              f"({r['push_seconds'] / len(r['orders']) * 1000:.0f} ms per order)")
    print(f"  one till alone, {total} orders: {alone['push_seconds']:.2f} s (process wall {alone_wall:.2f} s)")
    print(f"  ratio at once / alone: {wall / alone['push_seconds']:.2f}")
    print(f"  on the server exactly once: {all(seen[oid] == 1 for oid in local)}; "
          f"invoice numbers unique across tills: {len(set(invoices)) == len(invoices)}; errors: {errors or 'none'}")
    return 0 if not errors and all(seen[oid] == 1 for oid in local) else 1


if __name__ == "__main__":
    sys.exit(main())
