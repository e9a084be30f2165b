"""The client against real sockets on 127.0.0.1: what a dropped connection, a silent server,
a refused port and an untrusted certificate really look like through httpx."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest

from app.sync.errors import BackendTimeout, BackendUnreachable, TLSError
from app.sync.medusa_v2.client import MedusaClient

from .conftest import API_KEY


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextmanager
def serve(handler_cls, wrap=None) -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []
    handler_cls.received = received
    server = _Server(("127.0.0.1", 0), handler_cls)
    if wrap is not None:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class HangUpHandler(socketserver.BaseRequestHandler):
    """Reads the whole request, then closes the connection without a word."""

    def handle(self):
        self.received.append(_read_request(self.request))
        self.request.shutdown(socket.SHUT_RDWR)
        self.request.close()


release = threading.Event()


class SilentHandler(socketserver.BaseRequestHandler):
    """Reads the request and never answers (until the test is over)."""

    def handle(self):
        self.received.append(_read_request(self.request))
        release.wait(timeout=30)


class JsonHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.received.append(self.requestline.encode())
        body = json.dumps({"regions": [{"id": "reg_1"}], "count": 1}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_connection_closed_after_request_means_outcome_unknown():
    with serve(HangUpHandler) as (port, received):
        with MedusaClient(f"http://127.0.0.1:{port}", API_KEY, timeout=10) as client:
            with pytest.raises(BackendUnreachable) as info:
                client.create_payment_collection("order_1", Decimal("41.0201"))
    err = info.value
    assert err.outcome_unknown and not err.not_sent and err.transient
    # The server really had the whole request: this is exactly the "may have been done" case.
    assert len(received) == 1 and received[0].endswith(b'{"order_id":"order_1","amount":41.0201}')


def test_server_that_never_answers_times_out_with_outcome_unknown():
    release.clear()
    try:
        with serve(SilentHandler) as (port, received):
            with MedusaClient(f"http://127.0.0.1:{port}", API_KEY, timeout=0.5) as client:
                with pytest.raises(BackendTimeout) as info:
                    client.complete_order("order_1")
            release.set()
    finally:
        release.set()
    assert info.value.outcome_unknown and not info.value.not_sent
    assert len(received) == 1


def test_refused_port_means_unreachable_and_not_sent():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with MedusaClient(f"http://127.0.0.1:{port}", API_KEY, timeout=5) as client:
        with pytest.raises(BackendUnreachable) as info:
            client.create_customer({"email": "a@example.test"})
        result = client.check_connection()
    assert info.value.not_sent and not info.value.outcome_unknown
    assert not result.ok and not result.reachable


def test_https_to_a_plain_http_server_is_a_tls_error():
    with serve(JsonHandler) as (port, _):
        with MedusaClient(f"https://127.0.0.1:{port}", API_KEY, timeout=5) as client:
            with pytest.raises(TLSError) as info:
                list(client.list_regions())
    assert info.value.permanent


def _self_signed(tmp_path):
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / "cert.pem"
    key_file = tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_self_signed_certificate_is_refused_never_skipped(tmp_path):
    cert_file, key_file = _self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)

    with serve(JsonHandler, wrap=lambda s: ctx.wrap_socket(s, server_side=True)) as (port, received):
        with MedusaClient(f"https://127.0.0.1:{port}", API_KEY, timeout=5) as client:
            with pytest.raises(TLSError) as info:
                list(client.list_regions())
            result = client.check_connection()
    assert "certificate" in str(info.value)
    assert info.value.not_sent
    assert not result.ok and not result.reachable
    assert received == []  # the request never got past the handshake


def test_real_round_trip_logs_nothing_secret(caplog):
    caplog.set_level(logging.DEBUG)  # httpx and httpcore included
    with serve(JsonHandler) as (port, received):
        with MedusaClient(f"http://127.0.0.1:{port}", API_KEY, timeout=5) as client:
            assert list(client.list_regions()) == [{"id": "reg_1"}]
    assert received and received[0].startswith(b"GET /admin/regions?")
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # the chatty layer ran
    token = __import__("base64").b64encode(f"{API_KEY}:".encode()).decode()
    for record in caplog.records:
        text = record.getMessage()
        assert API_KEY not in text and token not in text
