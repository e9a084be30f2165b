"""Till codes on the shop server, without a server: the in-memory Medusa v2 API (FakeBackend)
and real SQLite files. The first push claims the code; a second till with the same code is
refused before it sends anything, with a message naming the code; pushed orders name their till."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap import start
from app.services import tills
from app.sync.store import SyncStore
from app.sync.tills import check_code_free
from app.sync.worker import SyncRunner
from tests.sync.fakes import FakeBackend, v2
from tests.sync.test_engine import fake_for, paid_order


def _runner(app, fake: FakeBackend) -> SyncRunner:  # type: ignore[no-untyped-def]
    return SyncRunner(SyncStore(app.uow), lambda: v2(fake), auto_pull=False,
                      engine_options={"unknown_floor": 0.0, "base_delay": 0.001})


def _till(path: Path, code: str | None):  # type: ignore[no-untyped-def]
    app = start(path, demo=True)
    if code:
        tills.set_till(app.uow(), code)
    return app


def test_the_first_push_claims_the_code_and_orders_name_their_till(tmp_path: Path) -> None:
    a = _till(tmp_path / "a.sqlite", "A1")
    try:
        order = paid_order(a)
        fake = fake_for(a, order)
        assert check_code_free(SyncStore(a.uow), v2(fake)) is None  # free, and checking claims nothing
        assert fake.customer_groups == {}
        report = _runner(a, fake).run_once(pull=False)
        assert [r.state for r in report.pushed] == ["synced"], report.error
        me = tills.identity(a.uow())
        assert fake.claims() == {"tilldesk-till-A1": me.till_id}
        [sent] = fake.orders_for(order.id)
        assert (sent["metadata"]["tilldesk_till"], sent["metadata"]["tilldesk_till_id"]) == ("A1", me.till_id)
        assert sent["metadata"]["tilldesk_invoice_number"].startswith("TD-A1-")
    finally:
        a.close()


def test_a_second_till_with_the_same_code_is_refused_and_sends_nothing(tmp_path: Path) -> None:
    a, b = _till(tmp_path / "a.sqlite", "A1"), _till(tmp_path / "b.sqlite", "A1")
    try:
        first = paid_order(a)
        fake = fake_for(a, first)
        assert [r.state for r in _runner(a, fake).run_once(pull=False).pushed] == ["synced"]
        second = paid_order(b)
        fake.totals_by_local_id.update(fake_for(b, second).totals_by_local_id)
        refusal = check_code_free(SyncStore(b.uow), v2(fake))
        assert refusal is not None and "A1" in refusal and refusal.startswith("till_code:")
        report = _runner(b, fake).run_once(pull=False)
        assert report.pushed == [] and report.error is not None and "A1" in report.error
        assert fake.orders_for(second.id) == [] and len(fake.orders) == 1
        assert SyncStore(b.uow).sale_entry(second.id).state == "queued"  # kept for when the code changes
        # The till cannot rename a code it numbered with; a fresh file would choose another one.
        assert fake.claims() == {"tilldesk-till-A1": tills.identity(a.uow()).till_id}
    finally:
        a.close()
        b.close()


def test_another_code_on_the_same_server_is_its_own(tmp_path: Path) -> None:
    a, b = _till(tmp_path / "a.sqlite", "A1"), _till(tmp_path / "b.sqlite", "B2")
    try:
        oa, ob = paid_order(a), paid_order(b)
        fake = fake_for(a, oa)
        fake.totals_by_local_id.update(fake_for(b, ob).totals_by_local_id)
        for app in (a, b):
            assert [r.state for r in _runner(app, fake).run_once(pull=False).pushed] == ["synced"]
        assert set(fake.claims()) == {"tilldesk-till-A1", "tilldesk-till-B2"}
        numbers = {o["metadata"]["tilldesk_invoice_number"] for o in fake.orders.values()}
        assert len(numbers) == 2
    finally:
        a.close()
        b.close()


def test_a_file_without_a_code_claims_nothing_and_sends_no_till(tmp_path: Path) -> None:
    a = _till(tmp_path / "old.sqlite", None)
    try:
        order = paid_order(a)
        fake = fake_for(a, order)
        assert [r.state for r in _runner(a, fake).run_once(pull=False).pushed] == ["synced"]
        assert fake.customer_groups == {} and "tilldesk_till" not in fake.orders_for(order.id)[0]["metadata"]
    finally:
        a.close()


def test_both_backends_bodies_carry_the_till(tmp_path: Path) -> None:
    from app.sync.medusa_v1 import bodies as v1_bodies
    from app.sync.medusa_v2 import bodies as v2_bodies
    from app.sync.ports import OrderSnapshot

    a = _till(tmp_path / "a.sqlite", "C3")
    try:
        order = paid_order(a)
        till = SyncStore(a.uow).till_of(order.invoice_number)
        assert till == {"code": "C3", "id": tills.identity(a.uow()).till_id}
        snap = OrderSnapshot(order=order, customer_id=None, email="ana@example.com", variant_ids={},
                             shipping_option_ids=tuple("so_x" for _ in order.shipping_methods), till=till)
        for body in (v2_bodies.draft_body(snap), v1_bodies.draft_body(snap)):
            assert (body["metadata"]["tilldesk_till"], body["metadata"]["tilldesk_till_id"]) == ("C3", till["id"])
        assert SyncStore(a.uow).till_of("TD-2026-000001") is None  # numbered before the till had a code
    finally:
        a.close()


# -- the claim itself: a customer group whose name is unique on the server --------------------


def test_a_claim_lost_between_looking_and_creating_names_the_winner() -> None:
    """Another till creates the code's group after this till looked and before it creates: the
    server refuses the second create, and the loser reads the winner instead of overwriting it."""
    fake = FakeBackend()
    looked: list[str] = []
    real_find = fake.find_customer_groups

    def find_while_another_till_claims(name: str) -> list[dict]:  # type: ignore[type-arg]
        looked.append(name)
        if len(looked) == 1:
            fake.create_customer_group(name, {"tilldesk_till_id": "till_other"})
            return []
        return real_find(name)

    fake.find_customer_groups = find_while_another_till_claims  # type: ignore[method-assign]
    assert v2(fake).claim_till("A1", "till_me") == "till_other"
    assert fake.claims() == {"tilldesk-till-A1": "till_other"} and looked == ["tilldesk-till-A1"] * 2
    assert fake.calls.count("create_customer_group") == 2  # the other till's and the refused one


def test_a_claim_whose_answer_was_lost_is_found_as_ours_on_the_next_round() -> None:
    from app.sync.errors import BackendUnreachable

    fake = FakeBackend()
    fake.fail("create_customer_group", "after")
    with pytest.raises(BackendUnreachable):  # a lost answer never passes as a claim
        v2(fake).claim_till("A1", "till_me")
    assert v2(fake).claim_till("A1", "till_me") == "till_me"  # it went in: ours, not another till's
    assert v2(fake).till_holder("A1") == "till_me" and v2(fake).till_holder("B2") is None
    assert fake.calls.count("create_customer_group") == 1


def test_a_refusal_for_another_reason_is_not_taken_for_a_claim() -> None:
    from app.sync.errors import MedusaRequestError

    fake = FakeBackend()
    fake.fail("create_customer_group", "http400")
    with pytest.raises(MedusaRequestError, match="fake refusal"):  # no group behind it: not a claim
        v2(fake).claim_till("A1", "till_me")
    assert fake.customer_groups == {}


def test_a_group_made_by_hand_without_a_till_id_holds_the_code_for_no_till(tmp_path: Path) -> None:
    fake = FakeBackend()
    fake.customer_groups["tilldesk-till-A1"] = {"id": "cusgroup_hand", "name": "tilldesk-till-A1", "metadata": None}
    holder = v2(fake).claim_till("A1", "till_me")
    assert holder == "customer group cusgroup_hand"
    a = _till(tmp_path / "a.sqlite", "A1")
    try:
        refusal = check_code_free(SyncStore(a.uow), v2(fake))
        assert refusal is not None and "A1" in refusal
    finally:
        a.close()
