"""BackendConfig validation, the backend registry, and MedusaV2Backend as the sync engine's seam."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from pydantic import ValidationError

from app.bootstrap import start
from app.sync import registry
from app.sync.config import BackendConfig
from app.sync.errors import UnknownBackendKind
from app.sync.medusa_v2.api import CATALOG_KINDS, MedusaV2Api
from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.ports import Backend
from app.sync.registry import open_backend
from app.sync.store import SyncStore
from app.sync.worker import backend_from_settings

from .conftest import API_KEY, json_response


def test_config_normalises_and_validates_the_url():
    cfg = BackendConfig(url=" https://Shop.Example.test/ ")
    assert cfg.url == "https://shop.example.test"
    assert cfg.kind == "medusa-v2"
    assert not cfg.insecure_transport
    for bad in ("ftp://x.test", "https://key:@x.test", "x.test", ""):
        with pytest.raises(ValidationError) as info:
            BackendConfig(url=bad)
        assert "url" in str(info.value)
    with pytest.raises(ValidationError):
        BackendConfig(url="https://x.test", page_size=0)
    with pytest.raises(ValidationError):
        BackendConfig(url="https://x.test", api_key="sk")  # the key never lives in settings


def test_plain_http_is_flagged_only_off_this_machine():
    assert BackendConfig(url="http://192.168.1.20:9000").insecure_transport
    assert BackendConfig(url="http://shop.example.test").insecure_transport
    assert not BackendConfig(url="http://127.0.0.1:9000").insecure_transport
    assert not BackendConfig(url="http://localhost:9000").insecure_transport


def _fake_medusa(seen):
    keys = {
        "/admin/regions": "regions", "/admin/tax-regions": "tax_regions", "/admin/tax-rates": "tax_rates",
        "/admin/sales-channels": "sales_channels", "/admin/shipping-options": "shipping_options",
        "/admin/products": "products", "/admin/customers": "customers", "/admin/promotions": "promotions",
        "/admin/orders": "orders", "/admin/draft-orders": "draft_orders",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if request.method == "GET" and path in keys:
            item = {"id": f"{keys[path]}_1", "metadata": {"tilldesk_order_id": "T-1"}}
            return json_response(200, json.dumps({keys[path]: [item], "count": 1}))
        if path == "/admin/draft-orders" and request.method == "POST":
            return json_response(200, '{"draft_order": {"id": "order_d", "total": 41.0201}}')
        if path.startswith("/admin/payment-collections"):
            return json_response(200, '{"payment_collection": {"id": "paycol_1", "amount": 41.02}}')
        return json_response(200, '{"order": {"id": "order_d", "summary": {"pending_difference": 41.0201}}}')

    return handler


def test_medusa_v2_backend_implements_the_protocol_and_delegates():
    seen: list[httpx.Request] = []
    backend = open_backend(
        BackendConfig(url="https://shop.example.test", page_size=25), API_KEY,
        transport=httpx.MockTransport(_fake_medusa(seen)),
    )
    with backend:
        assert isinstance(backend, Backend) and isinstance(backend, MedusaV2Backend)
        api = backend.api
        assert isinstance(api, MedusaV2Api)
        for kind in CATALOG_KINDS:
            assert len(list(api.pull(kind, updated_since="2026-11-01T00:00:00Z"))) == 1
        assert all(r.url.params["limit"] == "25" for r in seen)
        with pytest.raises(ValueError):
            api.pull("users")

        draft = api.create_draft_order({"region_id": "reg_1"})
        assert draft["total"] == Decimal("41.0201")
        order = api.convert_draft_to_order(draft["id"])
        pc = api.create_payment_collection(order["id"], order["summary"]["pending_difference"])
        api.mark_payment_collection_paid(pc["id"], order["id"])
        api.complete_order(order["id"])
        assert api.find_by_local_id("order", "T-1") == [
            {"id": "orders_1", "metadata": {"tilldesk_order_id": "T-1"}}
        ]
    posts = [r for r in seen if r.method == "POST"]
    assert [r.url.path for r in posts] == [
        "/admin/draft-orders",
        "/admin/draft-orders/order_d/convert-to-order",
        "/admin/payment-collections",
        "/admin/payment-collections/paycol_1/mark-as-paid",
        "/admin/orders/order_d/complete",
    ]
    # Order reads add to Medusa's default fields instead of replacing them.
    assert all(f.startswith("+") for f in posts[0].url.params["fields"].split(","))
    assert b'"amount":41.0201' in posts[2].content


def test_the_neutral_backend_reads_medusa_answers_exactly():
    seen: list[httpx.Request] = []
    backend = open_backend(BackendConfig(url="https://shop.example.test"), API_KEY,
                           transport=httpx.MockTransport(_fake_medusa(seen)))
    with backend:
        got = backend.get_order("order_d")
        assert got.id == "order_d" and not got.paid and got.to_pay == Decimal("41.0201")
        assert backend.create_payment("order_d", got.to_pay) == "paycol_1"
    assert b'"amount":41.0201' in [r for r in seen if r.method == "POST"][0].content


def test_the_registry_chooses_the_backend_by_kind_and_names_an_unknown_one():
    assert {"medusa-v1", "medusa-v2"} <= set(registry.kinds())
    assert type(open_backend(BackendConfig(url="https://shop.example.test", kind="medusa-v1"), API_KEY)).__name__ \
        == "MedusaV1Backend"
    with pytest.raises(UnknownBackendKind) as info:
        open_backend(BackendConfig(url="https://shop.example.test", kind="medusa-v3"), API_KEY)
    assert "medusa-v3" in str(info.value) and "medusa-v1" in str(info.value) and "medusa-v2" in str(info.value)
    assert info.value.permanent

    made = []

    def factory(config, api_key, transport=None):
        made.append((config.kind, api_key))
        return "a backend"

    registry.register("test-kind", factory)
    try:
        assert open_backend(BackendConfig(url="https://shop.example.test", kind="test-kind"), API_KEY) == "a backend"
        assert made == [("test-kind", API_KEY)]
    finally:
        registry._factories.pop("test-kind")  # noqa: SLF001 - undo the test's registration


def test_the_stored_backend_kind_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("TILLDESK_MEDUSA_API_KEY", API_KEY)
    app = start(tmp_path / "till.sqlite")
    try:
        store = SyncStore(app.uow)
        assert backend_from_settings(store) is None  # no server set
        store.set_setting("backend_url", "https://shop.example.test")
        backend = backend_from_settings(store)
        assert isinstance(backend, MedusaV2Backend)  # no kind stored: Medusa v2
        backend.close()
        store.set_setting("backend_kind", "medusa-v2")
        backend = backend_from_settings(store)
        assert isinstance(backend, MedusaV2Backend)
        backend.close()
        store.set_setting("backend_kind", "shopify")
        with pytest.raises(UnknownBackendKind, match="shopify"):
            backend_from_settings(store)
    finally:
        app.close()
