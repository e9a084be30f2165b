"""Start-up and memory of Tilldesk on a big file (not a test; issue 13):

    python benchmarks/bench_boot.py --orders 100000 [--runs 10]     # builds its own file first
    python benchmarks/bench_boot.py --db BIG.sqlite [--runs 10]       # e.g. make_big_shop.py's file

1. Spawn to first frame of the installed `tilldesk` command (the venv's console script) on a copy
   of the file, median of --runs, each run paired with the floor `python -c "import PySide6.QtWidgets"`
   (same machine, same moment) and the ratio taken pair by pair. The app prints a line and quits
   once its first frame is out (TILLDESK_EXIT_AFTER_SHOWN=1). Offscreen Qt unless DISPLAY is set.
2. Resident memory (VmRSS from /proc/self/status) in one process after the window is up, and after
   1,000 mixed searches (products, customers, and orders through the window's list), plus the peak
   (VmHWM); and which heavy libraries the first frame did without.

The file made by --orders is tests/bulk_rows.py's: one real sale copied N times with executemany."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HEAVY = ("reportlab", "httpx", "keyring", "phonenumbers", "alembic", "pycountry")
TERMS = ("espresso", "bean", "gift", "ann", "customer0042", "bulk", "1000123", "BULK-00000077", "lee",
         "filter", "kenya", "grinder", "mug", "example.com", "555", "zz-nothing")


def _env() -> dict[str, str]:
    env = {**os.environ, "TILLDESK_EXIT_AFTER_SHOWN": "1"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("LANG", "C.UTF-8")
    return env


def _timed(cmd: list[str], env: dict[str, str], want: str | None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    ms = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0 or (want and want not in proc.stdout):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-2000:]}")
    return ms


def spawn_to_first_frame(db: Path, runs: int) -> dict[str, float]:
    env = _env()
    app_cmd = [str(VENV_BIN / "tilldesk"), "--db", str(db)]
    floor_cmd = [sys.executable, "-c", "import PySide6.QtWidgets"]
    _timed(app_cmd, env, "window shown")  # warm the page cache once, not counted
    _timed(floor_cmd, env, None)
    app_ms, floor_ms, ratios = [], [], []
    for _ in range(runs):
        a = _timed(app_cmd, env, "window shown")
        b = _timed(floor_cmd, env, None)
        app_ms.append(a)
        floor_ms.append(b)
        ratios.append(a / b)
    return {"tilldesk_median_ms": statistics.median(app_ms), "tilldesk_min_ms": min(app_ms),
            "tilldesk_max_ms": max(app_ms), "floor_median_ms": statistics.median(floor_ms),
            "ratio_median": statistics.median(ratios), "runs": runs}


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_child(db: Path, searches: int) -> None:
    """In this process: the window up on ``db``, then ``searches`` mixed searches; prints JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import start
    from ui.main_window import MainWindow

    qapp = QApplication.instance() or QApplication([])
    app = start(db)
    window = MainWindow(app, synchronous=True)
    window.show()
    qapp.processEvents()
    heavy_loaded = sorted(m for m in HEAVY if m in sys.modules)
    after_start = _rss_mb()
    rows_loaded = window.list_model.rowCount()
    from app.services import queries

    window.set_filter("all_orders")
    t0 = time.perf_counter()
    for i in range(searches):
        term = TERMS[i % len(TERMS)]
        kind = i % 3
        if kind == 0:
            queries.search_variants(term, app.uow())
        elif kind == 1:
            queries.search_customers(term, app.uow())
        else:
            window.search_box.setText(term)
            window.refresh_list()  # the window's own order search (synchronous here)
        qapp.processEvents()
    seconds = time.perf_counter() - t0
    window.search_box.setText("")
    window.refresh_list()
    qapp.processEvents()
    print(json.dumps({"rss_after_start_mb": round(after_start, 1), "rss_after_searches_mb": round(_rss_mb(), 1),
                      "peak_rss_mb": round(_rss_mb("VmHWM"), 1), "searches": searches,
                      "search_seconds": round(seconds, 1), "rows_loaded_at_start": rows_loaded,
                      "heavy_loaded_at_first_frame": heavy_loaded}))
    window.close()
    app.close()


def build(path: Path, orders: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.bulk_rows import add_bulk

    t0 = time.perf_counter()
    add_bulk(path, orders=orders, open_drafts=20)
    print(f"built {path.name}: {orders:,} orders in {time.perf_counter() - t0:.0f} s, "
          f"{path.stat().st_size / 2**20:.0f} MiB")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an existing big Tilldesk file (copied, never changed)")
    ap.add_argument("--orders", type=int, default=100_000, help="build a file of this many orders (without --db)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--searches", type=int, default=1000)
    ap.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(Path(args.memory_child), args.searches)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.sqlite"
        if args.db:
            src = Path(args.db)
            shutil.copy(src, db)
            for suffix in ("-wal", "-shm"):
                if Path(f"{src}{suffix}").exists():
                    shutil.copy(f"{src}{suffix}", f"{db}{suffix}")
        else:
            build(db, args.orders)
        start = spawn_to_first_frame(db, args.runs)
        print(f"spawn to first frame, installed tilldesk: median {start['tilldesk_median_ms']:.0f} ms "
              f"(min {start['tilldesk_min_ms']:.0f}, max {start['tilldesk_max_ms']:.0f}, {args.runs} runs); "
              f"floor python -c 'import PySide6.QtWidgets': median {start['floor_median_ms']:.0f} ms; "
              f"ratio median {start['ratio_median']:.2f}")
        mem = subprocess.run([sys.executable, __file__, "--memory-child", str(db), "--searches", str(args.searches)],
                             env={**_env(), "TILLDESK_EXIT_AFTER_SHOWN": "0"}, capture_output=True, text=True,
                             timeout=3600)
        if mem.returncode != 0:
            raise SystemExit(f"memory run failed:\n{mem.stderr[-3000:]}")
        print(mem.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
