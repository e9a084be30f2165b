"""The till-code claim against a real Medusa 1.20.11: a customer group whose name is unique, so of
tills claiming one code at the same instant exactly one wins and the others are told which."""

from __future__ import annotations

import secrets

import httpx
import pytest

from app.sync.config import BackendConfig
from app.sync.registry import open_backend
from tests.medusa_harness.many_tills import race_claims

pytestmark = pytest.mark.medusa


@pytest.mark.timeout(900)
def test_v1_tills_claiming_one_code_at_once_agree_on_one_winner(medusa_v1_server) -> None:  # noqa: F811
    srv = medusa_v1_server
    code = "V" + secrets.token_hex(2).upper()
    answers, ids = race_claims(lambda: open_backend(BackendConfig(url=srv.base_url, kind="medusa-v1",
                                                                  timeout_seconds=60), srv.api_token), code, 5)
    winners = set(answers.values())
    assert len(answers) == len(ids) and len(winners) == 1 and winners <= set(ids)
    with httpx.Client(base_url=srv.base_url, headers={"x-medusa-access-token": srv.api_token}, timeout=60) as http:
        groups = [g for g in http.get("/admin/customer-groups", params={"q": f"tilldesk-till-{code}"}).json()
                  ["customer_groups"] if g["name"] == f"tilldesk-till-{code}"]
    assert [g["metadata"]["tilldesk_till_id"] for g in groups] == [next(iter(winners))]
    # confirming again is idempotent, and a till that did not win is refused by the same answer
    backend = open_backend(BackendConfig(url=srv.base_url, kind="medusa-v1", timeout_seconds=60), srv.api_token)
    try:
        assert backend.claim_till(code, next(iter(winners))) == next(iter(winners))
        loser = next(i for i in ids if i not in winners)
        assert backend.claim_till(code, loser) == next(iter(winners))
        assert backend.till_holder(code) == next(iter(winners))
    finally:
        backend.close()
