"""How every kind of failure of the shop server surfaces, through httpx.MockTransport."""

from __future__ import annotations

import base64
import ssl

import httpx
import pytest

from app.sync.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    InvalidResponse,
    MedusaRequestError,
    MedusaServerError,
    NotMedusa,
    TLSError,
)

from .conftest import API_KEY, json_response


def test_basic_auth_header_is_key_with_empty_password_and_user_agent(make_client, requests_seen):
    client = make_client(lambda r: json_response(200, '{"regions": [], "count": 0}'))
    list(client.list_regions())
    (req,) = requests_seen
    scheme, _, token = req.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(token).decode() == f"{API_KEY}:"
    assert req.headers["user-agent"].startswith("Tilldesk/")
    assert req.url.scheme == "https"


def test_4xx_with_medusa_error_body_keeps_status_type_and_message(make_client):
    body = '{"type": "not_allowed", "message": "Order order_01ABC is not a draft order"}'
    client = make_client(lambda r: json_response(400, body))
    with pytest.raises(MedusaRequestError) as info:
        client.convert_draft_to_order("order_01ABC")
    err = info.value
    assert err.status == 400
    assert err.type == "not_allowed"
    assert err.server_message == "Order order_01ABC is not a draft order"
    assert "is not a draft order" in str(err)
    assert err.permanent and not err.outcome_unknown and not err.not_sent


def test_409_conflict_is_transient(make_client):
    client = make_client(lambda r: json_response(409, '{"type": "conflict", "message": "busy"}'))
    with pytest.raises(MedusaRequestError) as info:
        client.complete_order("order_1")
    assert info.value.transient


def test_5xx_is_transient_and_outcome_unknown(make_client):
    client = make_client(
        lambda r: json_response(500, '{"type": "unknown_error", "message": "An unknown error occurred."}')
    )
    with pytest.raises(MedusaServerError) as info:
        client.create_draft_order({"region_id": "reg_1"})
    err = info.value
    assert err.status == 500 and err.transient and err.outcome_unknown
    assert "An unknown error occurred." in str(err)


def test_502_html_from_a_proxy_is_still_a_server_error(make_client):
    client = make_client(
        lambda r: json_response(502, "<html><body>Bad Gateway</body></html>", "text/html")
    )
    with pytest.raises(MedusaServerError) as info:
        client.get_order("order_1")
    assert info.value.status == 502 and info.value.transient


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_mean_the_key_was_refused(make_client, status):
    client = make_client(lambda r: json_response(status, '{"type":"unauthorized","message":"Unauthorized"}'))
    with pytest.raises(AuthenticationFailed) as info:
        list(client.list_customers())
    assert info.value.status == status
    assert info.value.permanent
    assert "API key" in str(info.value)


def test_read_timeout_means_outcome_unknown(make_client):
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    client = make_client(handler)
    with pytest.raises(BackendTimeout) as info:
        client.create_payment_collection("order_1", __import__("decimal").Decimal("41.02"))
    assert info.value.outcome_unknown and not info.value.not_sent and info.value.transient


def test_connect_timeout_means_not_sent(make_client):
    def handler(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    client = make_client(handler)
    with pytest.raises(BackendTimeout) as info:
        client.complete_order("order_1")
    assert info.value.not_sent and not info.value.outcome_unknown


def test_connect_error_means_unreachable_and_not_sent(make_client):
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client = make_client(handler)
    with pytest.raises(BackendUnreachable) as info:
        client.create_customer({"email": "a@example.test"})
    err = info.value
    assert err.not_sent and not err.outcome_unknown and err.transient
    assert "Cannot reach" in str(err)


def test_connection_dropped_mid_request_means_outcome_unknown(make_client):
    def handler(request):
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    client = make_client(handler)
    with pytest.raises(BackendUnreachable) as info:
        client.mark_payment_collection_paid("paycol_1", "order_1")
    assert info.value.outcome_unknown and not info.value.not_sent


def test_tls_certificate_failure_is_a_permanent_tls_error(make_client):
    def handler(request):
        cause = ssl.SSLCertVerificationError(
            1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
        )
        raise httpx.ConnectError(str(cause), request=request) from cause

    client = make_client(handler)
    with pytest.raises(TLSError) as info:
        client.health()
    err = info.value
    assert err.permanent and err.not_sent
    assert "certificate" in str(err)


def test_tls_detected_through_the_exception_chain_only(make_client):
    def handler(request):
        try:
            raise ssl.SSLCertVerificationError(1, "verify failed")
        except ssl.SSLError as inner:
            raise httpx.ConnectError("handshake failed", request=request) from inner

    client = make_client(handler)
    with pytest.raises(TLSError):
        list(client.list_regions())


def test_invalid_json_with_json_content_type_is_invalid_response(make_client):
    client = make_client(lambda r: json_response(200, '{"regions": [{"id": "reg_1"'))
    with pytest.raises(InvalidResponse) as info:
        list(client.list_regions())
    assert not isinstance(info.value, NotMedusa)
    assert info.value.transient


def test_html_answer_is_not_medusa(make_client):
    page = "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head></html>"
    client = make_client(lambda r: json_response(200, page, "text/html"))
    with pytest.raises(NotMedusa) as info:
        list(client.list_regions())
    assert info.value.permanent
    assert "address" in str(info.value)


def test_html_404_is_not_medusa(make_client):
    client = make_client(lambda r: json_response(404, "<html>Not Found</html>", "text/html"))
    with pytest.raises(NotMedusa):
        client.get_order("order_1")


def test_medusa_404_with_json_body_is_a_request_error(make_client):
    client = make_client(
        lambda r: json_response(404, '{"type":"not_found","message":"Order id not found: order_x"}')
    )
    with pytest.raises(MedusaRequestError) as info:
        client.get_order("order_x")
    assert info.value.status == 404 and info.value.type == "not_found"


def test_unexpected_json_shape_is_not_medusa(make_client):
    client = make_client(lambda r: json_response(200, "[1, 2, 3]"))
    with pytest.raises(NotMedusa):
        client.get_order("order_1")
    client2 = make_client(lambda r: json_response(200, '{"hello": "world"}'))
    with pytest.raises(NotMedusa):
        list(client2.list_regions())
    with pytest.raises(NotMedusa):
        client2.get_order("order_1")


def test_redirect_is_reported_not_followed(make_client, requests_seen):
    client = make_client(
        lambda r: httpx.Response(301, headers={"location": "https://other.example.test/health"})
    )
    with pytest.raises(NotMedusa) as info:
        list(client.list_regions())
    assert "other.example.test" in str(info.value)
    assert len(requests_seen) == 1


def test_every_error_is_a_backend_error_with_a_message():
    for cls in (BackendUnreachable, BackendTimeout, TLSError, InvalidResponse, NotMedusa):
        err = cls("plain words")
        assert isinstance(err, BackendError) and str(err) == "plain words"
    with pytest.raises(ValueError):
        BackendUnreachable("x", not_sent=True, outcome_unknown=True)
