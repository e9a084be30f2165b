"""The status bar on a poor line (issue 16): real widgets offscreen, the window's own background
worker driving a FakeBackend that loses some requests. "Poor connection: k of n sent" while some
requests get through, with progress during the round; "Offline" only when nothing does."""

from __future__ import annotations

from app.sync.line import RetryPolicy
from app.sync.store import SyncStore
from tests.sync.fakes import v2
from tests.sync.test_worker_pull_cli import DeadBackend
from tests.ui.test_sync_ui import FAST, WAIT, fake_for, memory_keyring, no_dialog_open, open_window, pay  # noqa: F401
from ui.sync_bridge import describe_status


class DeadLine(DeadBackend):
    """Every request is lost; closing the connection still works (the worker closes it at a restart)."""

    def close(self) -> None:
        pass


QUICK = RetryPolicy(attempts=2, base_seconds=0.001, cap_seconds=0.001, unknown_floor_seconds=0.0)


def test_some_requests_lost_reads_poor_connection_with_progress_never_offline(qtbot, till, open_window):
    w = open_window()
    paid = [pay(w), pay(w, "BRW-MOK-ALU-3"), pay(w, "PAN-CHO-70-PER")]
    fake = fake_for(till, *paid)
    # The first order's draft is lost on the line three times: its try and both in-round retries.
    fake.fail("create_draft_order", "before", times=3)
    seen: list[str] = []
    w.sync.bridge.statusChanged.connect(lambda s: seen.append(describe_status(s)[0]))
    # The order given up backs off for an hour, so no later round races the checks below: with a
    # 2 s pause a full run on a loaded machine sometimes started the next round (and sent it)
    # before the window had shown the first round's end. Staff's Retry brings it back below.
    first_stage = {**FAST, "engine_options": {**FAST["engine_options"], "base_delay": 3600.0}}
    w.sync.bridge.restart(backend_factory=lambda: v2(fake), retry_policy=QUICK, **first_stage)
    label = w.sync_label
    qtbot.waitUntil(lambda: label.text() == "Poor connection: 2 of 3 sent · 1 queued", timeout=WAIT)
    assert "Poor connection: 1 of 3 sent" in seen, seen  # progress while the round ran
    assert not [t for t in seen if t.startswith("Offline")], seen
    tip = label.toolTip()
    assert "got through" in tip and "3 were lost" in tip and "connection refused" in tip
    assert no_dialog_open(w)
    states = sorted(SyncStore(till.uow).for_order(o.id).state for o in paid)
    assert states == ["in_progress", "synced", "synced"]
    assert [len(fake.orders_for(o.id)) for o in paid] == [0, 1, 1]

    # The line goes down altogether: now, and only now, it is offline.
    store = SyncStore(till.uow)
    store.retry(store.for_order(paid[0].id).id)
    w.sync.bridge.restart(backend_factory=lambda: DeadLine(), retry_policy=QUICK, **FAST)
    qtbot.waitUntil(lambda: label.text() == "Offline — 1 order waiting", timeout=WAIT)

    # Back on a clean line: the last order goes, exactly once.
    w.sync.bridge.restart(backend_factory=lambda: v2(fake), retry_policy=QUICK, **FAST)
    w.sync.bridge.sync_now()
    qtbot.waitUntil(lambda: label.text().startswith("Online · all sent"), timeout=WAIT)
    assert [len(fake.orders_for(o.id)) for o in paid] == [1, 1, 1]
