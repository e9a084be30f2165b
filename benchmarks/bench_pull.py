"""Pull benchmark (not a test): the catalog pull against the bare paging calls, at any size.

Seeds a real Medusa 2.21.2 up to ``--variants`` variants (products of ``--per-product`` variants
through ``POST /admin/products/batch``, ``--seed-concurrency`` batches in flight), then, in the
same run and interleaved (bare, Tilldesk, bare, Tilldesk):

* bare: a loop of plain ``httpx`` GETs of the product pages, same fields and page size;
* Tilldesk: ``CatalogPuller`` pulling the products into a fresh SQLite file (paging, mapping,
  bulk upserts, the deletion check), in this process.

Then ``--cli`` runs the first pull of everything as a separate process (``tilldesk sync --once
--pull-only`` on a fresh file), prints its progress lines, its time and its peak resident
memory (``ru_maxrss`` of the child, the kernel's VmHWM).

    .venv/bin/python benchmarks/bench_pull.py --variants 5100 --per-product 3
    .venv/bin/python benchmarks/bench_pull.py --variants 100000 --per-product 5 --cli

``--server-json FILE`` uses a server already running (the JSON that
``python -m tests.medusa_harness --json FILE`` writes) instead of starting one; seeding then
only adds what is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bootstrap import start  # noqa: E402
from app.sync.config import BackendConfig  # noqa: E402
from app.sync.medusa_v2.catalog import _SOURCES  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.registry import open_backend  # noqa: E402
from app.sync.store import SyncStore  # noqa: E402
from tests.medusa_harness.seed import _default_shipping_profile, _product_payloads  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402


def bare_pull(http: httpx.Client, page_size: int) -> int:
    path, key, fields = _SOURCES["products"]
    offset = n = 0
    while True:
        data = http.get(path, params={"limit": page_size, "offset": offset, "order": "id", "fields": fields}).json()
        items = data[key]
        n += sum(len(p["variants"]) for p in items)
        offset += len(items)
        if not items or offset >= data["count"]:
            return n


def variant_count(http: httpx.Client) -> int:
    return int(http.get("/admin/product-variants", params={"limit": 1, "fields": "id"}).json()["count"])


def seed_variants(http: httpx.Client, want: int, per_product: int, concurrency: int, batch: int) -> float:
    """Add products until the server holds ``want`` variants; returns the seconds it took."""
    have = variant_count(http)
    n_products = math.ceil(max(0, want - have) / per_product)
    if not n_products:
        return 0.0
    t = time.monotonic()
    channel = http.post("/admin/sales-channels", json={"name": f"Bench {os.getpid()}"}).json()["sales_channel"]["id"]

    class _Api:  # what _default_shipping_profile needs of the harness's admin client
        def get(self, path: str, **params: Any) -> dict[str, Any]:
            return http.get(path, params=params).json()

    profile = _default_shipping_profile(_Api())  # type: ignore[arg-type]
    tag = f"b{os.getpid() % 100000:05d}{int(t) % 1000:03d}"
    payloads = _product_payloads(tag, n_products, per_product, channel, profile, int(t) % 10_000)
    chunks = [payloads[i:i + batch] for i in range(0, len(payloads), batch)]
    done = [0]

    def post(chunk: list[dict[str, Any]]) -> None:
        r = http.post("/admin/products/batch", params={"fields": "id"}, json={"create": chunk}, timeout=600)
        r.raise_for_status()
        done[0] += len(chunk)
        if done[0] % (batch * 20) < batch:
            print(f"  seeded {done[0] * per_product:,} of {n_products * per_product:,} variants "
                  f"({time.monotonic() - t:.0f} s)", flush=True)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, chunks))
    return time.monotonic() - t


def client_pull(base_url: str, api_key: str, page_size: int, tmp: Path, name: str) -> tuple[float, int]:
    app = start(tmp / f"{name}.sqlite", demo=False)
    try:
        store = SyncStore(app.uow)
        backend = open_backend(BackendConfig(url=base_url, timeout_seconds=300, page_size=page_size), api_key)
        try:
            puller = CatalogPuller(store, backend.catalog(), page_size=page_size)
            puller.pull(["regions", "tax_rates", "sales_channels", "shipping_options"])
            t, cpu = time.monotonic(), time.process_time()
            puller.pull(["products"], full=True)
            took = time.monotonic() - t
            print(f"  Tilldesk pull used {time.process_time() - cpu:.2f} s of CPU here", flush=True)
        finally:
            backend.close()
        return took, len(store.local_ids("variants"))
    finally:
        app.close()


def cli_pull(base_url: str, api_key: str, tmp: Path) -> tuple[float, int]:
    """The first pull of everything by the command line, as its own process: seconds, peak RSS (KB)."""
    db = tmp / "cli.sqlite"
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": api_key, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "ui.launcher", "--db", str(db), "--create"]
    subprocess.run([*cmd, "backend", "set", "--url", base_url], env=env, check=True, cwd=ROOT,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    # The child reports its own peak (ru_maxrss of a finished child mixes in earlier children).
    code = ("import atexit, resource, sys; atexit.register(lambda: sys.stderr.write("
            "f'\\nmaxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')); "
            "from app.cli import main; sys.exit(main(sys.argv[1:]))")
    cmd = [sys.executable, "-c", code, "--db", str(db)]
    t = time.monotonic()
    proc = subprocess.run([*cmd, "sync", "--once", "--pull-only"], env=env, cwd=ROOT, text=True,
                          capture_output=True)
    took = time.monotonic() - t
    lines = [x for x in proc.stderr.replace("\r", "\n").splitlines() if x.strip()]
    shown = lines[:3] + (["  ..."] if len(lines) > 7 else []) + lines[-4:-1]
    print("  progress lines: " + str(len(lines)) + "\n  " + "\n  ".join(shown))
    print("  " + proc.stdout.strip().replace("\n", "\n  "))
    if proc.returncode:
        raise SystemExit(f"tilldesk sync --once failed ({proc.returncode})")
    return took, int(lines[-1].split()[-1]) if lines and lines[-1].startswith("maxrss ") else -1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=5100)
    ap.add_argument("--per-product", type=int, default=3)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--seed-concurrency", type=int, default=3)
    ap.add_argument("--seed-batch", type=int, default=100, help="products per batch request")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cli", action="store_true", help="also time the command line's first pull of everything")
    ap.add_argument("--server-json", help="use this running harness server instead of starting one")
    args = ap.parse_args()
    with ExitStack() as stack:
        if args.server_json:
            info = json.loads(Path(args.server_json).read_text(encoding="utf-8"))
            base_url, api_key = info["base_url"], info["api_key"]
        else:
            server = stack.enter_context(MedusaServer())
            base_url, api_key = server.base_url, server.api_key
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        http = stack.enter_context(httpx.Client(base_url=base_url, auth=(api_key, ""), timeout=600))
        took = seed_variants(http, args.variants, args.per_product, args.seed_concurrency, args.seed_batch)
        if took:
            print(f"seeded up to {variant_count(http):,} variants in {took:.1f} s "
                  f"({args.seed_concurrency} batch requests in flight)", flush=True)
        bare: list[float] = []
        ours: list[float] = []
        for i in range(args.rounds):
            t, cpu = time.monotonic(), time.process_time()
            n_bare = bare_pull(http, args.page_size)
            bare.append(time.monotonic() - t)
            print(f"  bare paging used {time.process_time() - cpu:.2f} s of CPU here", flush=True)
            s, n_local = client_pull(base_url, api_key, args.page_size, tmp, f"round{i}")
            ours.append(s)
            print(f"round {i + 1}: bare {bare[-1]:.2f} s ({n_bare:,} variants), Tilldesk {s:.2f} s "
                  f"({n_local:,} variants) -> x{s / bare[-1]:.2f}", flush=True)
            assert n_local == n_bare, (n_local, n_bare)
        if args.rounds:
            b, o = sorted(bare)[len(bare) // 2], sorted(ours)[len(ours) // 2]
            print(f"pull {n_bare:,} variants, page {args.page_size}: Tilldesk {o:.2f} s, bare paging {b:.2f} s "
                f"-> ratio x{o / b:.2f} (median of {args.rounds})", flush=True)
        if args.cli:
            s, rss = cli_pull(base_url, api_key, tmp)
            print(f"command line first pull of everything: {s:.1f} s, peak RSS {rss / 1024:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
