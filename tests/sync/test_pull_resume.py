"""A resumed pull on a real SQLite file when the server's list moved meanwhile: records deleted
before the kept offset shift the list left, and the resumed pull must neither skip a record nor
keep a deleted one. The source is scripted (``PagedSource``), the file and the puller are real."""

from __future__ import annotations

import pytest

from app.bootstrap import start
from app.sync.errors import BackendUnreachable
from app.sync.medusa_v2.catalog import MedusaV2Catalog
from app.sync.pull import CatalogPuller
from app.sync.store import SyncStore
from tests.sync.test_worker_pull_cli import PagedSource


@pytest.fixture
def store(tmp_path):
    app = start(tmp_path / "resume.sqlite", demo=False)
    yield SyncStore(app.uow)
    app.close()


def interrupted(store, n=50, fail_at=30, page_size=10):
    source = PagedSource(n, fail_at=fail_at)
    with pytest.raises(BackendUnreachable):
        CatalogPuller(store, MedusaV2Catalog(source), page_size=page_size).pull(["products"])
    assert store.cursor("products")["offset"] == fail_at
    source.fail_at = None
    return source


@pytest.mark.parametrize("deleted", [[2, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [29, 31]])
def test_records_deleted_while_stopped_neither_skip_nor_stay(store, deleted):
    source = interrupted(store)
    gone = {source.products[i]["id"] for i in deleted}
    source.products = [p for p in source.products if p["id"] not in gone]
    seen = []
    report = CatalogPuller(store, MedusaV2Catalog(source), page_size=10, progress=seen.append).pull(["products"])
    rep = report.kinds["products"]
    assert rep.resumed and rep.complete
    assert store.local_ids("products") == {p["id"] for p in source.products}
    assert store.local_ids("variants") == {v["id"] for p in source.products for v in p["variants"]}
    assert rep.deleted == len(gone & {f"prod_{i:03d}" for i in range(30)})
    assert seen[-1].done == seen[-1].total == len(source.products)


def test_a_resume_fetches_only_from_the_kept_page_and_counts_on(store):
    source = interrupted(store)
    source.calls.clear()
    seen = []
    report = CatalogPuller(store, MedusaV2Catalog(source), page_size=10, progress=seen.append).pull(["products"])
    offsets = [c[2] for c in source.calls if c[0] == "products"]
    assert offsets == [20, 30, 40]  # one page back (to find the last id written), then on
    assert report.kinds["products"].fetched == 20
    assert [p.message for p in seen] == ["30 of 50 variants", "40 of 50 variants", "50 of 50 variants"]
    assert store.local_ids("products") == {p["id"] for p in source.products}
