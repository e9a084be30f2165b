"""The Medusa v1 client, bodies and CLI kind, through httpx.MockTransport (the real server is in
tests/integration/test_sync_medusa_v1.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import httpx
import pytest

from app.sync.errors import AuthenticationFailed, BackendTimeout, MedusaRequestError
from app.sync.medusa_v1 import bodies
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.ports import NeedsAttention, OrderSnapshot
from app.sync.store import SyncStore

TOKEN = "tdv1_unit_token_4f0c2b"


def client_for(handler, seen: list[httpx.Request] | None = None) -> MedusaV1Client:
    def recording(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return MedusaV1Client("https://shop.example.com", TOKEN, transport=httpx.MockTransport(recording))


def js(status: int, data: object) -> httpx.Response:
    return httpx.Response(status, json=data)


def test_the_token_travels_as_x_medusa_access_token_and_never_in_repr():
    seen: list[httpx.Request] = []
    client = client_for(lambda r: js(200, {"store": {"name": "Laden", "currencies": []}}), seen)
    client.request("GET", "/admin/store")
    (req,) = seen
    assert req.headers["x-medusa-access-token"] == TOKEN
    assert "authorization" not in req.headers
    assert TOKEN not in repr(client) and TOKEN not in repr(client._http.auth)


def test_check_connection_names_the_token_and_tells_a_v2_server_apart():
    refused = client_for(lambda r: js(200, {}) if r.url.path == "/health" else js(401, {"message": "Unauthorized"}))
    check = refused.check_connection()
    assert not check.ok and check.reachable and "API token" in check.message
    v2 = client_for(lambda r: js(200, {}) if r.url.path == "/health" else js(200, {"stores": []}))
    check = v2.check_connection()
    assert not check.ok and "medusa-v2" in check.message
    ok = client_for(lambda r: js(200, {"store": {"name": "Laden ✓", "currencies": [{"code": "usd"}]}}))
    check = ok.check_connection()
    assert check.ok and "Laden ✓" in check.message


def test_errors_mean_the_same_as_for_v2():
    with pytest.raises(AuthenticationFailed):
        client_for(lambda r: js(401, {"message": "no"})).get_order("order_1")
    with pytest.raises(MedusaRequestError) as info:
        client_for(lambda r: js(422, {"type": "duplicate_error", "message": "already exists"})).pay_draft_order("dft_1")
    assert info.value.status == 422 and not info.value.outcome_unknown

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(BackendTimeout) as timeout:
        client_for(slow).pay_draft_order("dft_1")
    assert timeout.value.outcome_unknown  # the pay may have happened: look before paying again


def test_find_by_local_id_narrows_on_the_server_and_matches_metadata_here():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        drafts = [{"id": "dft_a", "cart": {"metadata": {"tilldesk_order_id": "ord_1"}}},
                  {"id": "dft_b", "cart": {"metadata": {"tilldesk_order_id": "ord_2"}}},
                  {"id": "dft_c", "cart": {"metadata": None}}]
        return js(200, {"draft_orders": drafts, "count": 3})

    client = client_for(handler, seen)
    found = client.find_by_local_id("draft_order", "ord_2", None, datetime(2026, 12, 1, tzinfo=UTC),
                                    email="a@example.com")
    assert [f["id"] for f in found] == ["dft_b"]
    params = seen[0].url.params
    assert params["q"] == "a@example.com" and params["created_at[gte]"].startswith("2026-12-01")
    assert "metadata" not in str(seen[0].url)  # v1 answers 400 to a metadata filter


def _order(**kw):
    item = SimpleNamespace(variant_id="variant_1", title="Tee", quantity=3, unit_price=Decimal("12.345"),
                           is_custom_price=True, metadata={})
    custom = SimpleNamespace(variant_id=None, title="Gravur ✓", quantity=1, unit_price=Decimal("4.5"),
                             is_custom_price=True, metadata={})
    base = dict(id="ord_1", currency_code="usd", region_id="reg_1", items=(item, custom), promo_codes=("TEN",),
                shipping_methods=(SimpleNamespace(amount=Decimal("5.99")),), shipping_address=None,
                billing_address=None, metadata={}, invoice_number="TD-1", payments=())
    base.update(kw)
    return SimpleNamespace(**base)


def test_the_draft_body_is_in_integer_minor_units():
    snap = OrderSnapshot(order=_order(), customer_id=None, email="x@example.com", variant_ids={},  # type: ignore[arg-type]
                         shipping_option_ids=("so_1",))
    body = bodies.draft_body(snap)
    assert body["items"] == [{"variant_id": "variant_1", "quantity": 3, "unit_price": 1235},
                             {"title": "Gravur ✓", "unit_price": 450, "quantity": 1}]
    assert body["shipping_methods"] == [{"option_id": "so_1", "price": 599}]
    assert body["discounts"] == [{"code": "TEN"}] and body["metadata"]["tilldesk_order_id"] == "ord_1"
    with pytest.raises(NeedsAttention, match="e-mail"):
        bodies.draft_body(OrderSnapshot(order=_order(), customer_id=None, email=None, variant_ids={},  # type: ignore[arg-type]
                                        shipping_option_ids=("so_1",)))


def test_cli_backend_set_takes_a_kind_and_refuses_an_unknown_one(tmp_path, monkeypatch, capsys):
    from app.bootstrap import start
    from app.cli import main
    from app.sync import secrets

    monkeypatch.setenv(secrets.ENV_VAR, TOKEN)
    db = str(tmp_path / "cli.sqlite")
    assert main(["backend", "set", "--url", "http://127.0.0.1:9/", "--kind", "medusa-v3", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "--kind" in err and "medusa-v1" in err
    assert main(["backend", "set", "--url", "http://127.0.0.1:9/", "--kind", "medusa-v1", "--db", db, "--create"]) == 0
    assert TOKEN not in capsys.readouterr().out
    a = start(db)
    assert SyncStore(a.uow).setting("backend_kind") == "medusa-v1"
    assert SyncStore(a.uow).setting("backend_url") == "http://127.0.0.1:9"
    a.close()
    assert main(["backend", "set", "--url", "http://127.0.0.1:9/", "--db", db]) == 0
    a = start(db)
    assert SyncStore(a.uow).setting("backend_kind") == "medusa-v2"  # the default
    a.close()
