"""Many tills, one shop, against a real Medusa 2.21.2: four tills, each its own SQLite file and
its own process, push at once; every order is on the server exactly once, the invoice numbers are
unique across tills and name their till, each till's code is claimed under its own identity, and
a fifth till with a code already held is refused without sending anything. Tills claiming one
code at the same instant: exactly one wins, and every other one is told who."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from app.sync.config import BackendConfig
from app.sync.registry import open_backend
from tests.medusa_harness.many_tills import claim_groups, race_claims, run_tills, seed_facts, server_orders
from tests.medusa_harness.seed import seed_catalog

pytestmark = pytest.mark.medusa

CODES = ["A1", "B2", "C3", "D4"]
ORDERS_EACH = 3


@pytest.fixture(scope="module")
def seed(medusa_server):  # type: ignore[no-untyped-def]
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=3)


@pytest.mark.timeout(2400)  # five till processes and a server start; slow on a crowded machine
def test_four_tills_push_at_once_and_a_shared_code_is_refused(medusa_server, seed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    facts = seed_facts(seed)
    url, key = medusa_server.base_url, medusa_server.api_key
    results, _wall = run_tills(tmp_path, url, key, CODES, ORDERS_EACH, facts)
    assert [r["error"] for r in results] == [None] * 4
    assert [r["synced"] for r in results] == [ORDERS_EACH] * 4
    invoices = [n for r in results for n in r["invoices"]]
    assert len(set(invoices)) == len(invoices) == 4 * ORDERS_EACH
    for r in results:
        assert all(n.startswith(f"TD-{r['code']}-") for n in r["invoices"])

    with medusa_server.client() as http:
        found = server_orders(http, since)
        held = claim_groups(http, CODES)
    local_ids = {oid for r in results for oid in r["orders"]}
    per_local = Counter(o["metadata"]["tilldesk_order_id"] for o in found
                        if (o.get("metadata") or {}).get("tilldesk_order_id") in local_ids)
    assert set(per_local) == local_ids and set(per_local.values()) == {1}  # every order exactly once
    by_code = {}
    for o in found:
        meta = o.get("metadata") or {}
        if meta.get("tilldesk_order_id") in local_ids:
            assert meta["tilldesk_invoice_number"].startswith(f"TD-{meta['tilldesk_till']}-")
            by_code.setdefault(meta["tilldesk_till"], set()).add(meta["tilldesk_till_id"])
    assert set(by_code) == set(CODES) and all(len(ids) == 1 for ids in by_code.values())
    for code, ids in by_code.items():
        assert held[code] == [next(iter(ids))]  # one claim per code, and it is the pushing till's

    # A fifth till, its own file, with a code another till holds: refused, nothing sent.
    [dup], _ = run_tills(tmp_path, url, key, ["B2"], 2, facts)
    assert dup["error"] is not None and "B2" in dup["error"] and dup["synced"] == 0
    with medusa_server.client() as http:
        again = server_orders(http, since)
    assert not {(o.get("metadata") or {}).get("tilldesk_order_id") for o in again} & set(dup["orders"])


@pytest.mark.timeout(600)
def test_tills_claiming_one_code_at_the_same_instant_agree_on_one_winner(medusa_server) -> None:  # type: ignore[no-untyped-def]
    code = "R" + secrets.token_hex(2).upper()  # fresh on the shared session server
    answers, ids = race_claims(lambda: open_backend(BackendConfig(url=medusa_server.base_url, timeout_seconds=60),
                                                    medusa_server.api_key), code, 6)
    winners = set(answers.values())
    assert len(answers) == len(ids) and len(winners) == 1 and winners <= set(ids)  # all agree on one of them
    with medusa_server.client() as http:
        assert claim_groups(http, [code]) == {code: [next(iter(winners))]}  # one group on the server
