"""Shared helpers for the sync client tests: a client over ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from app.sync.medusa_v2.client import MedusaClient

API_KEY = "sk_test_5f3a9c0d1e2b4a6f8e7d"
BASE_URL = "https://shop.example.test"


@pytest.fixture
def requests_seen() -> list[httpx.Request]:
    return []


@pytest.fixture
def make_client(requests_seen) -> Callable[..., MedusaClient]:
    clients: list[MedusaClient] = []

    def factory(handler: Callable[[httpx.Request], httpx.Response], **kwargs) -> MedusaClient:
        def recording(request: httpx.Request) -> httpx.Response:
            request.read()
            requests_seen.append(request)
            return handler(request)

        client = MedusaClient(
            kwargs.pop("base_url", BASE_URL),
            kwargs.pop("api_key", API_KEY),
            transport=httpx.MockTransport(recording),
            **kwargs,
        )
        clients.append(client)
        return client

    yield factory
    for c in clients:
        c.close()


def json_response(status: int, text: str, content_type: str = "application/json; charset=utf-8") -> httpx.Response:
    return httpx.Response(status, content=text.encode("utf-8"), headers={"content-type": content_type})
