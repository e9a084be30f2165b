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


@pytest.mark.parametrize("bad", [0, 1001, "50", 2.5, True])
def test_a_bad_page_size_setting_stops_the_round_naming_it(store, bad):
    from app.sync.pull import PULL_PAGE_SIZE_KEY
    from app.sync.worker import SyncRunner

    source = PagedSource(5)
    store.set_setting(PULL_PAGE_SIZE_KEY, bad)
    runner = SyncRunner(store, lambda: object(), source_factory=lambda b: MedusaV2Catalog(source), auto_push=False)
    report = runner.run_once(pull=True, push=False, force=True)
    assert report.error == f"sync_pull_page_size: must be a whole number from 1 to 1000, not {bad!r}"
    assert source.calls == [] and store.local_ids("products") == set()


class ProductsOnly(PagedSource):
    def page(self, kind, since, offset, limit):
        return super().page(kind, since, offset, limit) if kind == "products" else ([], 0)

    def ids(self, kind):
        return super().ids(kind) if kind == "products" else set()


def test_the_page_size_setting_sets_the_rounds_pages(store):
    from app.sync.pull import PULL_PAGE_SIZE_KEY
    from app.sync.worker import SyncRunner

    source = ProductsOnly(25)
    store.set_setting(PULL_PAGE_SIZE_KEY, 7)
    runner = SyncRunner(store, lambda: object(), source_factory=lambda b: MedusaV2Catalog(source), auto_push=False)
    report = runner.run_once(pull=True, push=False, force=True)
    assert report.error is None, report.error
    assert [c[2] for c in source.calls if c[0] == "products"] == [0, 7, 14, 21]
    assert store.local_ids("products") == {p["id"] for p in source.products}


class OneBadProduct(ProductsOnly):
    def page(self, kind, since, offset, limit):
        rows, count = super().page(kind, since, offset, limit)
        return [{**p, "variants": [{**p["variants"][0], "prices": [{"currency_code": "usd", "amount": "1,5"}]}]}
                if p["id"] == "prod_012" else p for p in rows], count


def test_a_record_the_till_cannot_read_ends_the_round_with_a_message_and_writes_none_of_its_page(store):
    from app.sync.pull import PULL_PAGE_SIZE_KEY
    from app.sync.worker import SyncRunner

    source = OneBadProduct(25)
    store.set_setting(PULL_PAGE_SIZE_KEY, 10)
    runner = SyncRunner(store, lambda: object(), source_factory=lambda b: MedusaV2Catalog(source), auto_push=False)
    report = runner.run_once(pull=True, push=False, force=True)  # the round ends, it does not raise
    assert report.error is not None and "prod_012" in report.error and "not a number" in report.error
    assert runner.status.last_error == report.error
    kept = store.local_ids("products")
    assert "prod_012" not in kept and kept == {f"prod_{i:03d}" for i in range(10)}  # pages before it only


class RegionsForTaxRates:
    """Medusa v1's shape: tax rates listed as regions, one rate per region and country, so a
    page's server ids (regions) are not the ids of the records it stores (rates)."""

    rates = [{"id": f"reg_{r}:{c}", "name": "VAT", "code": "vat", "country_code": c, "rate": "19"}
             for r in (1, 2) for c in ("de", "at")]

    def page(self, kind, since, offset, limit, context):
        from app.sync.ports import CatalogPage

        if kind != "tax_rates" or offset:
            return CatalogPage(records=[], server_ids=[], count=2 if kind == "tax_rates" else 0)
        return CatalogPage(records=list(self.rates), server_ids=["reg_1", "reg_2"], count=2, units=2)

    def ids(self, kind):
        return {r["id"] for r in self.rates} if kind == "tax_rates" else set()

    def variant_count(self):
        return 0


def test_a_whole_pull_keeps_records_whose_ids_are_not_the_servers_list_ids(store):
    report = CatalogPuller(store, RegionsForTaxRates(), page_size=10).pull(["tax_rates"])
    assert report.kinds["tax_rates"].complete and report.kinds["tax_rates"].deleted == 0
    assert store.local_ids("tax_rates") == {r["id"] for r in RegionsForTaxRates.rates}
