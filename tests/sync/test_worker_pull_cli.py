"""The worker loop, the resumable pull and the sync commands, without a server: FakeBackend,
a fake catalog source, a real SQLite file and an in-memory keyring."""

from __future__ import annotations

import io
import threading
import time

import keyring
import pytest

from app.sync.backoff import OnlineMonitor
from app.sync.errors import BackendUnreachable
from app.sync.medusa_v2.catalog import MedusaV2Catalog
from app.sync.pull import CatalogPuller
from app.sync.store import SyncStore
from app.sync.worker import SyncRunner, SyncWorker
from tests.sync.fakes import v2
from tests.sync.test_engine import app, fake_for, paid_order  # noqa: F401 - fixture
from tests.sync.test_secrets import MemoryKeyring


def runner_for(app, fake, **kw):  # noqa: F811
    return SyncRunner(SyncStore(app.uow), lambda: v2(fake), engine_options={"unknown_floor": 0.0, "base_delay": 0.001},
                      auto_pull=False, **kw)


def test_run_once_pushes_and_reports_status(app):  # noqa: F811
    order = paid_order(app)
    fake = fake_for(app, order)
    runner = runner_for(app, fake)
    seen = []
    runner.add_listener(seen.append)
    assert runner.refresh_counts().queued == 1
    report = runner.run_once(pull=False)
    assert [r.state for r in report.pushed] == ["synced"]
    final = seen[-1]
    assert final.online is True and final.queued == 0 and final.last_sync is not None and not final.running
    assert any(s.running for s in seen)


class DeadBackend:
    def __getattr__(self, name):
        def fail(*a, **k):
            raise BackendUnreachable("Cannot reach the shop server.", not_sent=True)
        return fail


def test_offline_is_detected_and_probes_are_spaced(app):  # noqa: F811
    paid_order(app)
    clock = [1000.0]
    runner = SyncRunner(SyncStore(app.uow), lambda: DeadBackend(), monotonic=lambda: clock[0],
                        monitor=OnlineMonitor(failure_threshold=2, base=10, cap=60),
                        engine_options={"base_delay": 0.001, "unknown_floor": 0.0})
    statuses = []
    runner.add_listener(statuses.append)
    for _ in range(2):
        report = runner.run_once(pull=False)
        assert report.error
        SyncStore(app.uow).retry(SyncStore(app.uow).entries()[0].id)  # due again at once
    assert runner.status.online is False and "Cannot reach" in runner.status.last_error
    clock[0] += 0.001
    if runner.monitor.seconds_until_probe(clock[0]) > 0:
        assert runner.run_once(pull=False).skipped_offline
    assert runner.status.queued == 1


def test_background_worker_syncs_on_trigger_and_stops(app):  # noqa: F811
    runner = runner_for(app, fake_for(app))
    first = threading.Event()
    runner.add_listener(lambda s: first.set() if s.last_sync and not s.running else None)
    worker = SyncWorker(runner, interval=3600).start()
    try:
        # The worker's first round runs at start; let it finish on the empty queue before the sale
        # exists, or on a busy machine it pushes the sale to the server that does not know it yet.
        assert first.wait(20)
        order = paid_order(app)
        runner.backend_factory = lambda: v2(fake_for(app, order))
        runner._backend = None
        done = threading.Event()
        runner.add_listener(lambda s: done.set() if s.queued == 0 and s.last_sync and not s.running else None)
        worker.trigger()
        deadline = time.monotonic() + 20
        while SyncStore(app.uow).for_order(order.id).state != "synced" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert SyncStore(app.uow).for_order(order.id).state == "synced"
    finally:
        assert worker.stop(10)
    assert not worker.alive


class PagedSource:
    def __init__(self, n, fail_at=None):
        self.products = [{"id": f"prod_{i:03d}", "title": f"Product {i}", "updated_at": f"2026-01-01T00:00:{i:02d}Z",
                          "variants": [{"id": f"variant_{i:03d}", "title": "S", "sku": f"SKU{i}",
                                        "prices": [{"currency_code": "usd", "amount": "1.5"}]}]} for i in range(n)]
        self.fail_at = fail_at
        self.calls = []

    def page(self, kind, since, offset, limit):
        self.calls.append((kind, since, offset))
        if self.fail_at is not None and offset >= self.fail_at:
            raise BackendUnreachable("cable pulled", not_sent=True)
        rows = [p for p in self.products if since is None or p["updated_at"] > since]
        return rows[offset:offset + limit], len(rows)

    def ids(self, kind):
        return {p["id"] for p in self.products}

    def tax_inclusive(self):
        return {}

    def variant_count(self):
        return len(self.products)


def test_pull_resumes_after_the_last_page_on_disk_and_mirrors_deletions(app):  # noqa: F811
    store = SyncStore(app.uow)
    before = store.local_ids("products")  # the demo catalog: not on this server, so it goes
    source = PagedSource(25, fail_at=20)
    progress = []
    with pytest.raises(BackendUnreachable):
        CatalogPuller(store, MedusaV2Catalog(source), page_size=10, progress=progress.append).pull(["products"])
    assert {f"prod_{i:03d}" for i in range(20)} <= store.local_ids("products")
    assert progress[-1].message == "20 of 25 variants"
    source.fail_at = None
    report = CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(["products"])
    assert report.kinds["products"].resumed and report.kinds["products"].fetched == 5
    assert store.local_ids("products") == {p["id"] for p in source.products}
    assert report.kinds["products"].deleted == len(before)
    # Incremental: one product changes, one is deleted on the server.
    source.products[3]["updated_at"] = "2026-02-01T00:00:00Z"
    source.products[3]["title"] = "Renamed"
    del source.products[7]
    report = CatalogPuller(store, MedusaV2Catalog(source), page_size=10).pull(["products"])
    assert report.kinds["products"].fetched_ids == ["prod_003"] and report.kinds["products"].deleted == 1
    assert "prod_007" not in store.local_ids("products")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


def test_cli_backend_set_reads_the_key_from_stdin_and_test_explains(tmp_path, monkeypatch, capsys, memory_keyring):
    from app.cli import main
    from app.sync import secrets

    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    db = str(tmp_path / "cli.sqlite")
    monkeypatch.setattr("sys.stdin", io.StringIO("sk_cli_secret_123\n"))
    assert main(["backend", "set", "--url", "http://127.0.0.1:9/", "--db", db, "--create"]) == 0
    assert secrets.get_api_key("http://127.0.0.1:9") == "sk_cli_secret_123"
    out = capsys.readouterr().out
    assert "keyring" in out and "sk_cli_secret_123" not in out
    from app.bootstrap import start
    a = start(db)
    assert SyncStore(a.uow).setting("backend_url") == "http://127.0.0.1:9"
    a.close()
    assert (tmp_path / "cli.sqlite").read_bytes().find(b"sk_cli_secret_123") == -1
    assert main(["backend", "test", "--db", db]) == 1
    assert "Cannot reach the shop server" in capsys.readouterr().out
    assert main(["sync", "--once", "--push-only", "--db", db]) == 0  # nothing queued: nothing to send
    assert main(["backend", "set", "--url", "ftp://x", "--db", db]) == 2


class PromoSource(PagedSource):
    def __init__(self, promos):
        super().__init__(0)
        self.promos = promos

    def page(self, kind, since, offset, limit):
        return self.promos[offset:offset + limit], len(self.promos)

    def ids(self, kind):
        return {p["id"] for p in self.promos}


def test_a_server_promotion_replaces_a_demo_one_with_the_same_code(app):  # noqa: F811
    from app.services import queries
    store = SyncStore(app.uow)
    demo = queries.promotions(app.uow())[0]
    promo = {"id": "promo_SERVER", "code": demo.code, "status": "active", "is_automatic": False,
             "application_method": {"type": "percentage", "target_type": "items", "allocation": "across",
                                    "value": 15, "currency_code": None, "max_quantity": None}}
    CatalogPuller(store, MedusaV2Catalog(PromoSource([promo]))).pull(["promotions"])
    (only,) = queries.promotions(app.uow())
    assert only.id == "promo_SERVER" and only.code == demo.code


class _DeadCatalog:
    """A catalog whose every page request is lost on the line."""

    def __getattr__(self, name):
        def fail(*a, **k):
            raise BackendUnreachable("Cannot reach the shop server.", not_sent=True)
        return fail


def test_a_failed_pull_does_not_stop_the_push(app):  # noqa: F811
    # On a bad line the pull used to go first and its failure ended the round before the push:
    # paid orders waited all day behind the catalog.
    order = paid_order(app)
    fake = fake_for(app, order)
    runner = SyncRunner(SyncStore(app.uow), lambda: v2(fake), source_factory=lambda b: _DeadCatalog(),
                        engine_options={"unknown_floor": 0.0, "base_delay": 0.001})
    report = runner.run_once(pull=True)
    assert [r.state for r in report.pushed] == ["synced"]
    assert report.pulled is None and "Cannot reach" in (report.error or "")
    assert runner.status.queued == 0 and "Cannot reach" in runner.status.last_error
    assert len(fake.orders_for(order.id)) == 1


def test_a_failed_push_does_not_stop_the_pull(app):  # noqa: F811
    paid_order(app)
    pulled = []

    class Catalog:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            pulled.append(name)
            return getattr(self.inner, name)

    source = _DeadCatalog()  # the pull is lost too; what matters is that it was tried
    runner = SyncRunner(SyncStore(app.uow), lambda: DeadBackend(), source_factory=lambda b: Catalog(source),
                        engine_options={"unknown_floor": 0.0, "base_delay": 0.001})
    report = runner.run_once(pull=True)  # the push side is dead: every call is lost on the line
    assert report.error and "Cannot reach" in report.error
    assert pulled, "the pull ran after the push failed"
    assert runner.status.queued == 1
