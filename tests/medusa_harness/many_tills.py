"""Many tills, one shop: each till its own SQLite file and its own process, pushing at once to
one real Medusa v2. Used by ``tests/integration/test_many_tills_medusa.py`` and
``benchmarks/bench_many_tills.py``.

A till process (``python -m tests.medusa_harness.many_tills DB URL CODE ORDERS GO SEED_JSON``,
the API key in ``TILLDESK_MEDUSA_API_KEY``) makes its file with the till code, pulls the shop's
catalog, takes ORDERS paid sales, prints ``ready``, waits until the file GO exists, then pushes
through the sync's own runner (the path the window and ``tilldesk sync`` use) and prints one JSON
line: its invoice numbers, local order ids, push seconds, and the error if it was refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def seed_facts(seed: Any) -> dict[str, Any]:
    """What a till process needs of the seeded shop to ring up sales."""
    usd = [v.id for v in seed.variants if "usd" in v.prices][:6]
    return {"region_id": seed.regions["usd"], "sales_channel_id": seed.sales_channel_id,
            "shipping_option_id": seed.shipping_options["usd"]["pickup"].id, "variant_ids": usd}


def _till_main(db: str, url: str, code: str, n: int, go: str, facts: dict[str, Any]) -> dict[str, Any]:
    from app.bootstrap import start
    from app.services import drafts, orders, tills
    from app.sync.pull import CatalogPuller
    from app.sync.store import SyncStore
    from app.sync.worker import SyncRunner, backend_from_settings

    app = start(db, demo=False, create=True)
    tills.set_till(app.uow(), code)
    store = SyncStore(app.uow)
    store.set_setting("backend_url", url)
    store.set_setting("backend_kind", "medusa-v2")
    backend = backend_from_settings(store)
    assert backend is not None
    CatalogPuller(store, backend.catalog()).pull()
    made = []
    for i in range(n):
        variant = facts["variant_ids"][i % len(facts["variant_ids"])]
        body = {"region_id": facts["region_id"], "sales_channel_id": facts["sales_channel_id"],
                "items": [{"variant_id": variant, "quantity": i % 3 + 1}],
                "shipping_methods": [{"shipping_option_id": facts["shipping_option_id"]}],
                "email": f"till-{code.lower()}-{i}@example.com"}
        draft = drafts.create_draft(body, app.uow()).value
        made.append(orders.mark_paid({"draft_id": draft.id, "tenders": []}, app.uow()).value)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.01)
    runner = SyncRunner(store, lambda: backend, auto_pull=False)
    started = time.perf_counter()
    error = None
    for _ in range(20):
        report = runner.run_once(pull=False, push=True, force=True)
        counts = store.counts()
        if report.error and not report.pushed:
            error = report.error
            break
        if counts["queued"] + counts["in_progress"] == 0:
            break
    seconds = time.perf_counter() - started
    counts = store.counts()
    app.close()
    return {"code": code, "orders": [o.id for o in made], "invoices": [o.invoice_number for o in made],
            "push_seconds": seconds, "synced": counts.get("synced", 0), "error": error}


def spawn_till(db: Path, url: str, api_key: str, code: str, n: int, go: Path,
               facts: dict[str, Any]) -> subprocess.Popen[str]:
    env = dict(os.environ, TILLDESK_MEDUSA_API_KEY=api_key, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "tests.medusa_harness.many_tills", str(db), url, code, str(n),
                             str(go), json.dumps(facts)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_tills(tmp: Path, url: str, api_key: str, codes: list[str], n: int, facts: dict[str, Any],
              *, timeout: float = 600.0) -> tuple[list[dict[str, Any]], float]:
    """Starts one process per code, waits until all are ready, lets them push at once; returns
    each till's result and the wall time from "go" until the last one finished."""
    go = tmp / f"go-{'-'.join(codes)}-{time.monotonic_ns()}"
    procs = [spawn_till(tmp / f"till-{i}-{c}.sqlite", url, api_key, c, n, go, facts) for i, c in enumerate(codes)]
    try:
        for p in procs:
            assert p.stdout is not None
            line = p.stdout.readline().strip()
            if line != "ready":
                _, err = p.communicate(timeout=60)
                raise RuntimeError(f"a till process failed to get ready: {line} {err[-2000:]}")
        go.touch()
        started = time.perf_counter()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            if p.returncode != 0:
                raise RuntimeError(f"a till process failed (exit {p.returncode}): {err[-2000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results, time.perf_counter() - started
    finally:
        for p in procs:  # only the processes started here
            if p.poll() is None:
                p.kill()
                p.wait()


def claim_groups(http: Any, codes: list[str]) -> dict[str, list[str]]:
    """code -> the till ids of the server's claim groups for it (app/sync/till_claim.py)."""
    held: dict[str, list[str]] = {}
    for code in codes:
        data = http.get("/admin/customer-groups", params={"name": f"tilldesk-till-{code}",
                                                           "fields": "id,name,metadata"}).json()
        held[code] = [(g.get("metadata") or {}).get("tilldesk_till_id") for g in data["customer_groups"]]
    return held


def race_claims(make_backend: Any, code: str, n: int) -> tuple[dict[str, str | None], list[str]]:
    """``n`` tills, each its own backend (its own connection), check ``code`` read-only, then all
    claim it at the same instant; returns each till id's answer (the holder it was told) and the ids."""
    ids = [f"till_race_{i}_{os.urandom(4).hex()}" for i in range(n)]
    backends = [make_backend() for _ in ids]
    start = threading.Barrier(n)
    answers: dict[str, str | None] = {}
    errors: list[BaseException] = []

    def claim(backend: Any, till_id: str) -> None:
        try:
            if backend.till_holder(code) is not None:  # the read-only check claims nothing
                raise AssertionError(f"{code} was held before any till claimed it")
            start.wait(timeout=120)
            answers[till_id] = backend.claim_till(code, till_id)
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(b, i)) for b, i in zip(backends, ids, strict=True)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for b in backends:
            b.close()
    if errors:
        raise errors[0]
    return answers, ids


def server_orders(http: Any, since: str) -> list[dict[str, Any]]:
    """Every order (not drafts) the server holds created since ``since``, with its metadata."""
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        data = http.get("/admin/orders", params={"fields": "id,metadata,created_at", "limit": 200,
                                                  "offset": offset, "created_at[$gte]": since}).json()
        found += data["orders"]
        offset += len(data["orders"])
        if not data["orders"] or offset >= data["count"]:
            return found


if __name__ == "__main__":
    db_, url_, code_, n_, go_, facts_ = sys.argv[1:7]
    print(json.dumps(_till_main(db_, url_, code_, int(n_), go_, json.loads(facts_))), flush=True)
