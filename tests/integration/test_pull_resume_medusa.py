"""The pull against a real Medusa 2.21.2, killed with SIGKILL part-way through the products and
started again: it goes on from the page it kept, the server deletes records meanwhile (one
already pulled, one not yet), and the till ends with exactly the server's set. The command
line's progress ("products: 120 of 300 variants") is read from its output."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sync_helpers import admin

from app.bootstrap import start
from app.sync.pull import PULL_PAGE_SIZE_KEY
from app.sync.store import CURSOR_PREFIX, SyncStore
from tests.medusa_harness.seed import seed_catalog

pytestmark = pytest.mark.medusa

REPO = Path(__file__).resolve().parents[2]
PAGE = 20


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=100, variants_per_product=3)


def _server_ids(http, path: str, key: str) -> set[str]:
    ids: set[str] = set()
    offset = 0
    while True:
        data = http.get(path, params={"fields": "id", "limit": 500, "offset": offset}).json()
        ids |= {x["id"] for x in data[key]}
        offset += len(data[key])
        if offset >= data["count"] or not data[key]:
            return ids


def _cursor(db: Path) -> dict:
    con = sqlite3.connect(db, timeout=30)
    try:
        row = con.execute("SELECT value FROM settings WHERE key = ?", (CURSOR_PREFIX + "products",)).fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row and row[0] else {}


def _pull_process(db: Path, api_key: str) -> subprocess.Popen:
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": api_key, "PYTHONPATH": str(REPO)}
    code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "sync", "--once", "--pull-only", "--db", str(db)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)


def _progress(stderr: str) -> list[tuple[int, int]]:
    return [(int(a.replace(",", "")), int(b.replace(",", "")))
            for a, b in re.findall(r"products: ([\d,]+) of ([\d,]+) variants", stderr)]


def test_a_pull_killed_mid_products_resumes_at_its_page_and_ends_with_the_servers_set(medusa_server, seed, tmp_path):
    db = tmp_path / "till.sqlite"
    app = start(db, demo=False)
    store = SyncStore(app.uow)
    store.set_setting("backend_url", medusa_server.base_url)
    store.set_setting(PULL_PAGE_SIZE_KEY, PAGE)
    app.close()

    proc = _pull_process(db, medusa_server.api_key)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            cur = _cursor(db)
            if cur.get("offset", 0) >= 2 * PAGE and not cur.get("complete"):
                break
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        _out, first_err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the pull ended before it could be killed"
    kept = _cursor(db)
    assert kept["offset"] >= 2 * PAGE and not kept.get("complete") and kept["last_id"]
    assert _progress(first_err), first_err[-500:]

    with admin(medusa_server.base_url, medusa_server.api_key) as http:
        before = sorted(_server_ids(http, "/admin/products", "products"))
        pulled = [p for p in before if p <= kept["last_id"]]
        later = [p for p in before if p > kept["last_id"]]
        assert len(pulled) >= 2 * PAGE and later, (len(pulled), len(later))
        # Meanwhile the server deletes a product the till holds and one it has not reached.
        for gone in (pulled[len(pulled) // 2], later[-1]):
            assert http.delete(f"/admin/products/{gone}").status_code == 200

        proc = _pull_process(db, medusa_server.api_key)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, (out, err[-2000:])
        server_products = _server_ids(http, "/admin/products", "products")
        server_variants = _server_ids(http, "/admin/product-variants", "variants")

    final = start(db)
    try:
        store = SyncStore(final.uow)
        assert store.local_ids("products") == server_products
        assert store.local_ids("variants") == server_variants
        assert _cursor(db).get("complete") is True
    finally:
        final.close()
    # It went on from the kept page: only the products after the last id written came again.
    fetched = int(re.search(r"products (\d+) \(-(\d+)\)", out).group(1))
    assert fetched == len([p for p in server_products if p > kept["last_id"]]), out
    assert int(re.search(r"products \d+ \(-(\d+)\)", out).group(1)) == 1  # the one the till held
    # Progress counted on from what the first run had written, up to the whole catalog.
    steps = _progress(err)
    assert steps[0][0] >= kept["units"] > 0, (steps[:3], kept)
    assert steps[-1] == (len(server_variants), len(server_variants))
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
