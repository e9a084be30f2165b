"""The console entry starts with the cyclic garbage collector off and, once the window's first
frame is out (or a command is about to run), sets aside what the start built and turns it back
on (app/gc_pause.py). A process that stayed without it would keep every reference cycle it ever
made, so this is checked on real processes: the window offscreen and a command."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from app import gc_pause
from app.bootstrap import start

REPO = Path(__file__).resolve().parents[2]
PROBE = ("import gc, sys; from ui.launcher import main; rc = main(sys.argv[1:]); "
         "print('after', rc, gc.isenabled(), gc.get_freeze_count() > 1000)")


def test_settle_without_hold_changes_nothing():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    gc_pause.settle()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_hold_then_settle_turns_the_collector_back_on():
    assert gc.isenabled()
    try:
        gc_pause.hold()
        assert not gc.isenabled()
        gc_pause.hold()  # twice is once
        gc_pause.settle()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def _run(tmp_path: Path, *args: str) -> str:
    db = tmp_path / "till.sqlite"
    if not db.exists():
        start(db, demo=True).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TILLDESK_EXIT_AFTER_SHOWN": "1",
           "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", PROBE, "--db", str(db), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_the_window_turns_the_collector_back_on_once_shown(tmp_path):
    out = _run(tmp_path)
    assert "window shown" in out
    assert "after 0 True True" in out, out


def test_a_command_runs_with_the_collector_on(tmp_path):
    out = _run(tmp_path, "draft", "list")
    assert "after 0 True True" in out, out


def test_the_off_switch_starts_with_the_collector_on(monkeypatch):
    monkeypatch.setenv("TILLDESK_GC_PAUSE", "0")
    gc_pause.hold()
    assert gc.isenabled()
