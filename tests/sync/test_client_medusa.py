"""MedusaClient against a real Medusa v2 server (tests/medusa_harness): connection check, a
refused key, paging, exact totals, and one sale pushed step by step with crash-recovery lookup."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.sync.config import BackendConfig
from app.sync.errors import AuthenticationFailed, MedusaRequestError
from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.medusa_v2.client import MedusaClient
from app.sync.registry import open_backend

pytestmark = pytest.mark.medusa


@pytest.fixture(scope="module")
def medusa(medusa_server):
    """The run's one shared Medusa v2 (tests/conftest.py); these tests make their own regions and
    customers with unique names, so what other tests left there does not matter."""
    return medusa_server


@pytest.fixture(scope="module")
def client(medusa):
    with MedusaClient(medusa.base_url, medusa.api_key, timeout=60) as c:
        yield c


def test_check_connection_with_the_real_key(client):
    result = client.check_connection()
    assert result.ok, result.message
    assert result.reachable and result.authenticated and result.is_medusa
    assert result.store_name


def test_wrong_key_is_authentication_failed(medusa):
    with MedusaClient(medusa.base_url, "sk_" + "0" * 64, timeout=60) as bad:
        with pytest.raises(AuthenticationFailed):
            list(bad.list_regions())
        result = bad.check_connection()
    assert not result.ok and result.reachable and not result.authenticated


def test_list_regions_pages_through_everything(client):
    tag = uuid.uuid4().hex[:8]
    created = [
        client.request(
            "POST", "/admin/regions",
            body={"name": f"Tilldesk {tag} {i}", "currency_code": "eur", "payment_providers": ["pp_system_default"]},
        )["region"]
        for i in range(5)
    ]
    ours = {r["id"] for r in created}
    seen = [r for r in client.list_regions(page_size=2) if r["id"] in ours]
    assert sorted(r["id"] for r in seen) == sorted(ours)
    assert all(r["currency_code"] == "eur" for r in seen)

    since = max(r["updated_at"] for r in created)
    recent = list(client.list_regions(updated_since=since))
    assert recent and all(r["updated_at"] >= since for r in recent)


def test_a_sale_pushed_step_by_step_keeps_totals_exact(medusa):
    backend = open_backend(BackendConfig(url=medusa.base_url, timeout_seconds=60, page_size=3), medusa.api_key)
    assert isinstance(backend, MedusaV2Backend)
    api = backend.api  # the raw Medusa v2 calls under the neutral backend
    client = api.client
    with backend:
        region = client.request(
            "POST", "/admin/regions",
            body={"name": f"Push {uuid.uuid4().hex[:6]}", "currency_code": "eur",
                  "payment_providers": ["pp_system_default"]},
        )["region"]
        customer = client.create_customer({"email": f"till-{uuid.uuid4().hex[:8]}@example.test"})
        local_id = f"T-{uuid.uuid4().hex[:10]}"
        draft = api.create_draft_order({
            "region_id": region["id"],
            "customer_id": customer["id"],
            "items": [
                {"title": "Pen", "unit_price": Decimal("9.99"), "quantity": 3},
                {"title": "Clip", "unit_price": Decimal("0.333"), "quantity": 7},
            ],
            "metadata": {"tilldesk_order_id": local_id},
        })
        # 3 x 9.99 + 7 x 0.333 = 32.301 exactly; a float pipeline would drift.
        assert Decimal(str(draft["total"])) == Decimal("32.301")
        assert isinstance(draft["subtotal"], Decimal | int)

        found = api.find_by_local_id("draft_order", local_id, customer_id=customer["id"],
                                         created_since=draft["created_at"])
        assert [f["id"] for f in found] == [draft["id"]]
        assert api.find_by_local_id("draft_order", "T-nobody", customer_id=customer["id"]) == []

        order = api.convert_draft_to_order(draft["id"])
        assert order["status"] == "pending"
        with pytest.raises(MedusaRequestError) as twice:
            api.convert_draft_to_order(draft["id"])
        assert twice.value.status == 400 and "not a draft" in twice.value.server_message

        order = api.get_order(draft["id"])
        pending = order["summary"]["pending_difference"]
        assert Decimal(str(pending)) == Decimal("32.301")
        pc = api.create_payment_collection(order["id"], Decimal(str(pending)))
        paid = api.mark_payment_collection_paid(pc["id"], order["id"])
        assert paid["status"] == "completed"
        with pytest.raises(MedusaRequestError):
            api.mark_payment_collection_paid(pc["id"], order["id"])
        assert api.complete_order(order["id"])["status"] == "completed"

        orders = api.find_by_local_id("order", local_id, customer_id=customer["id"])
        assert [o["id"] for o in orders] == [order["id"]]
        assert orders[0]["payment_status"] == "captured"
