"""The pull's local side at any size without a server (not a test): peak memory and CPU.

A scripted Medusa v2 catalog API hands out product pages shaped like the server's answers
(built page by page, never the whole catalog at once); ``CatalogPuller`` writes them into a fresh
SQLite file exactly as in a real pull (mapping, bulk upserts, cursor commits, the prefetch
thread, the deletion check). Prints the time, the CPU and the process's peak resident memory
(``ru_maxrss``, the kernel's VmHWM). What the HTTP layer adds is a page or two of JSON.

    .venv/bin/python benchmarks/bench_pull_memory.py --variants 100000 --per-product 5
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bootstrap import start  # noqa: E402
from app.sync.medusa_v2.catalog import MedusaV2Catalog  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.store import SyncStore  # noqa: E402


class ScriptedApi:
    """``V2CatalogApi`` over generated products: ``n`` products of ``per`` variants each."""

    def __init__(self, n: int, per: int) -> None:
        self.n, self.per = n, per

    def _product(self, i: int) -> dict[str, Any]:
        sizes = ("S", "M", "L", "XL", "XXL")[:self.per]
        return {"id": f"prod_{i:08d}", "title": f"Artikel Nr. {i} – Größe", "subtitle": None, "handle": f"a-{i}",
                "description": None, "status": "published", "updated_at": "2026-12-03T13:30:01.123Z",
                "variants": [{"id": f"variant_{i:08d}_{s}", "title": s, "sku": f"TD-{i:06d}-{s}",
                              "barcode": f"2{i:07d}{v:04d}0", "updated_at": "2026-12-03T13:30:01.123Z",
                              "prices": [{"currency_code": c, "amount": a, "price_rules": [], "rules_count": 0}
                                         for c, a in (("usd", "12.5"), ("eur", "11.9"))]}
                             for v, s in enumerate(sizes)]}

    def page(self, kind: str, since: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        if kind != "products":
            return [], 0
        return [self._product(i) for i in range(offset, min(self.n, offset + limit))], self.n

    def ids(self, kind: str) -> set[str]:
        return {f"prod_{i:08d}" for i in range(self.n)} if kind == "products" else set()

    def tax_inclusive(self) -> dict[tuple[str, str], bool]:
        return {}

    def variant_count(self) -> int:
        return self.n * self.per


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=100_000)
    ap.add_argument("--per-product", type=int, default=5)
    ap.add_argument("--page-size", type=int, default=100)
    args = ap.parse_args()
    api = ScriptedApi(args.variants // args.per_product, args.per_product)
    with tempfile.TemporaryDirectory() as tmp:
        app = start(Path(tmp) / "mem.sqlite", demo=False)
        store = SyncStore(app.uow)
        start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        last = [""]
        t, cpu = time.monotonic(), time.process_time()
        rep = CatalogPuller(store, MedusaV2Catalog(api), page_size=args.page_size,
                            progress=lambda p: last.__setitem__(0, p.message)).pull(["products"])
        took, used = time.monotonic() - t, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n = len(store.local_ids("variants"))
        app.close()
    assert n == api.n * api.per and rep.kinds["products"].complete
    print(f"pulled {n:,} variants ({last[0]}) in {took:.1f} s, {used:.1f} s CPU "
          f"({used / n * 1e6:.0f} us per variant); peak RSS {peak / 1024:.0f} MB "
          f"(after opening the file {start_rss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
