"""Pagination, exact money in both directions, query parameters, recovery search, logging."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from app.sync.config import normalize_base_url
from app.sync.medusa_v2.wire import dumps_json, loads_json
from app.sync.ports import ConnectionCheck

from .conftest import API_KEY, json_response


def paged_handler(key: str, total: int, *, server_cap: int | None = None, extra=None):
    """A fake list route that honours limit/offset like Medusa and reports ``count``."""
    items = [{"id": f"{key}_{i:03d}", **(extra(i) if extra else {})} for i in range(total)]

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        if server_cap is not None:
            limit = min(limit, server_cap)
        offset = int(request.url.params["offset"])
        page = items[offset : offset + limit]
        body = {key: page, "count": total, "offset": offset, "limit": limit}
        return json_response(200, json.dumps(body))

    return handler


def test_pagination_walks_every_page_using_count(make_client, requests_seen):
    client = make_client(paged_handler("products", 23))
    got = list(client.list_products(page_size=10))
    assert [p["id"] for p in got] == [f"products_{i:03d}" for i in range(23)]
    assert [r.url.params["offset"] for r in requests_seen] == ["0", "10", "20"]
    assert all(r.url.params["limit"] == "10" for r in requests_seen)


def test_pagination_is_not_capped_when_the_server_caps_limit(make_client, requests_seen):
    # The server returns at most 7 per page though we ask for 50: a naive "short page means
    # last page" loop would stop after 7 items.
    client = make_client(paged_handler("customers", 30, server_cap=7))
    got = list(client.list_customers(page_size=50))
    assert len(got) == 30
    assert len({c["id"] for c in got}) == 30
    assert [r.url.params["offset"] for r in requests_seen] == ["0", "7", "14", "21", "28"]


def test_pagination_exact_multiple_makes_no_extra_request(make_client, requests_seen):
    client = make_client(paged_handler("regions", 20))
    assert len(list(client.list_regions(page_size=10))) == 20
    assert len(requests_seen) == 2


def test_pagination_stops_if_the_list_shrinks_under_us(make_client, requests_seen):
    def handler(request):
        offset = int(request.url.params["offset"])
        page = [{"id": "a"}, {"id": "b"}] if offset == 0 else []
        return json_response(200, json.dumps({"regions": page, "count": 5}))

    client = make_client(handler)
    assert len(list(client.list_regions(page_size=2))) == 2
    assert len(requests_seen) == 2


def test_updated_since_and_fields_are_sent(make_client, requests_seen):
    client = make_client(paged_handler("products", 1))
    since = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    list(client.list_products(updated_since=since))
    params = requests_seen[0].url.params
    assert params["updated_at[$gte]"] == "2026-11-03T09:30:00+00:00"
    fields = params["fields"].split(",")
    assert "*variants" in fields and "*variants.prices" in fields
    assert "+variants.sku" in fields and "+variants.barcode" in fields
    # Every field adds to Medusa's defaults (prefix) rather than replacing them.
    assert all(f[0] in "*+" for f in fields)


@pytest.mark.parametrize(
    "method, path, key, field",
    [
        ("list_regions", "/admin/regions", "regions", None),
        ("list_tax_regions", "/admin/tax-regions", "tax_regions", None),
        ("list_tax_rates", "/admin/tax-rates", "tax_rates", None),
        ("list_sales_channels", "/admin/sales-channels", "sales_channels", None),
        ("list_shipping_options", "/admin/shipping-options", "shipping_options", None),
        ("list_customers", "/admin/customers", "customers", "*addresses"),
        ("list_promotions", "/admin/promotions", "promotions", "*application_method"),
    ],
)
def test_list_helpers_hit_their_routes(make_client, requests_seen, method, path, key, field):
    client = make_client(paged_handler(key, 3))
    assert len(list(getattr(client, method)(updated_since="2026-01-01T00:00:00Z"))) == 3
    req = requests_seen[0]
    assert req.url.path == path
    assert req.url.params["updated_at[$gte]"] == "2026-01-01T00:00:00Z"
    if field:
        assert field in req.url.params["fields"].split(",")


def test_decimal_round_trip_is_exact(make_client, requests_seen):
    # 41.0201 as a float is 41.020099999999999...; it must travel and come back exactly.
    answer = (
        '{"order": {"id": "order_1", "total": 41.0201, "subtotal": 37.291, "tax_total": 3.7291,'
        ' "summary": {"pending_difference": 41.0201}, "raw_total": {"value": "41.0201", "precision": 20},'
        ' "items": [{"quantity": 3, "unit_price": 9.99}]}}'
    )
    client = make_client(lambda r: json_response(200, answer))
    order = client.get_order("order_1")
    assert order["total"] == Decimal("41.0201") and isinstance(order["total"], Decimal)
    assert order["tax_total"] + order["subtotal"] == order["total"]
    assert order["items"][0]["quantity"] == 3 and isinstance(order["items"][0]["quantity"], int)

    client.create_payment_collection("order_1", order["summary"]["pending_difference"])
    sent = requests_seen[-1]
    assert sent.headers["content-type"] == "application/json"
    assert sent.content == b'{"order_id":"order_1","amount":41.0201}'
    # A float-based reader on the server sees the same number we meant.
    assert json.loads(sent.content, parse_float=Decimal)["amount"] == Decimal("41.0201")


def test_decimal_serialization_forms():
    assert dumps_json({"a": Decimal("12.5")}) == '{"a":12.5}'
    assert dumps_json([Decimal("1E+2"), Decimal("0.000001"), Decimal("-3.10")]) == "[100,0.000001,-3.10]"
    assert dumps_json({"s": 'quote " and ü', "n": None, "t": True, "i": 7}) == (
        '{"s":"quote \\" and ü","n":null,"t":true,"i":7}'
    )
    with pytest.raises(TypeError):
        dumps_json({"amount": 12.5})
    with pytest.raises(ValueError):
        dumps_json({"amount": Decimal("NaN")})
    with pytest.raises(ValueError):
        loads_json('{"x": NaN}')


def test_create_draft_order_sends_body_and_fields(make_client, requests_seen):
    client = make_client(lambda r: json_response(200, '{"draft_order": {"id": "order_9", "total": 12.5}}'))
    body = {
        "region_id": "reg_1",
        "items": [{"variant_id": "variant_1", "quantity": 2}, {"title": "Gift wrap", "unit_price": Decimal("2.50"), "quantity": 1}],
        "metadata": {"tilldesk_order_id": "T-0001"},
    }
    draft = client.create_draft_order(body, fields="id,total")
    assert draft == {"id": "order_9", "total": Decimal("12.5")}
    req = requests_seen[0]
    assert req.method == "POST" and req.url.path == "/admin/draft-orders"
    assert req.url.params["fields"] == "id,total"
    assert b'"unit_price":2.50' in req.content


def test_push_steps_use_the_documented_routes(make_client, requests_seen):
    def handler(request):
        key = "payment_collection" if "payment-collections" in request.url.path else "order"
        return json_response(200, json.dumps({key: {"id": "x"}}))

    client = make_client(handler)
    client.convert_draft_to_order("order_1")
    client.create_payment_collection("order_1", Decimal("10"))
    client.mark_payment_collection_paid("paycol_1", "order_1")
    client.complete_order("order_1")
    assert [(r.method, r.url.path) for r in requests_seen] == [
        ("POST", "/admin/draft-orders/order_1/convert-to-order"),
        ("POST", "/admin/payment-collections"),
        ("POST", "/admin/payment-collections/paycol_1/mark-as-paid"),
        ("POST", "/admin/orders/order_1/complete"),
    ]
    assert json.loads(requests_seen[2].content) == {"order_id": "order_1"}
    with pytest.raises(ValueError):
        client.get_order("../admin/users")


def test_find_by_local_id_pages_and_matches_metadata(make_client, requests_seen):
    def extra(i):
        meta = {"tilldesk_order_id": f"T-{i:04d}"} if i % 3 else None
        return {"metadata": meta, "status": "draft"}

    client = make_client(paged_handler("draft_orders", 25, extra=extra))
    found = client.find_by_local_id(
        "draft_order", "T-0020", customer_id="cus_1",
        created_since=datetime(2026, 11, 1, tzinfo=UTC), page_size=10,
    )
    assert [f["id"] for f in found] == ["draft_orders_020"]
    params = requests_seen[0].url.params
    assert requests_seen[0].url.path == "/admin/draft-orders"
    assert params["customer_id"] == "cus_1"
    assert params["created_at[$gte]"] == "2026-11-01T00:00:00+00:00"
    assert params["fields"].split(",")[:2] == ["id", "metadata"]
    assert len(requests_seen) == 3  # the match is on page 3: every page was read

    requests_seen.clear()
    orders = make_client(paged_handler("orders", 4, extra=extra))
    assert orders.find_by_local_id("order", "T-9999") == []
    assert [f["id"] for f in orders.find_by_local_id("orders", "T-0002")] == ["orders_002"]
    assert requests_seen[0].url.path == "/admin/orders"
    with pytest.raises(ValueError):
        client.find_by_local_id("cart", "T-1")


def test_check_connection_success_and_wrong_key(make_client):
    def good(request):
        if request.url.path == "/health":
            assert "authorization" not in request.headers
            return httpx.Response(200, text="OK")
        return json_response(200, '{"stores": [{"id": "store_1", "name": "Corner Shop"}], "count": 1}')

    result = make_client(good).check_connection()
    assert isinstance(result, ConnectionCheck)
    assert result.ok and result.reachable and result.authenticated and result.is_medusa
    assert result.store_name == "Corner Shop" and "Corner Shop" in result.message

    def bad_key(request):
        if request.url.path == "/health":
            return httpx.Response(200, text="OK")
        return json_response(401, '{"type":"unauthorized","message":"Unauthorized"}')

    result = make_client(bad_key).check_connection()
    assert not result.ok and result.reachable and not result.authenticated
    assert "API key" in result.message

    def down(request):
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    result = make_client(down).check_connection()
    assert not result.ok and not result.reachable and not result.authenticated

    def web_page(request):
        return json_response(200, "<html>shop front</html>", "text/html")

    result = make_client(web_page).check_connection()
    assert not result.ok and result.reachable and not result.authenticated
    assert "address" in result.message


def test_api_key_never_appears_in_logs_or_errors(make_client, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included

    def handler(request):
        if request.url.path.endswith("/complete"):
            raise httpx.ReadTimeout("timed out", request=request)
        return json_response(500, '{"type":"unknown_error","message":"boom"}')

    client = make_client(handler)
    errors = []
    for call in (lambda: client.get_order("order_1"), lambda: client.complete_order("order_1")):
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - we inspect every error's text
            errors.append(exc)
    assert len(errors) == 2
    assert caplog.records, "the client should log its requests"
    token = __import__("base64").b64encode(f"{API_KEY}:".encode()).decode()
    for record in caplog.records:
        text = record.getMessage()
        assert API_KEY not in text and token not in text
    for err in errors:
        assert API_KEY not in repr(err) and API_KEY not in str(err)
        assert API_KEY not in str(getattr(err, "detail", ""))
    assert API_KEY not in repr(client)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("  http://127.0.0.1:9000//  ", "http://127.0.0.1:9000"),
        ("https://example.com/medusa/", "https://example.com/medusa"),
    ],
)
def test_normalize_base_url(raw, expected):
    assert normalize_base_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "ftp://example.com", "example.com", "https://user:pw@example.com", "https://sk_x@example.com",
     "https://example.com/?a=1", "https://", "https://example.com:99999"],
)
def test_normalize_base_url_rejects(raw):
    with pytest.raises(ValueError):
        normalize_base_url(raw)
