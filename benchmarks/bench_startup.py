"""Start-to-window time of Tilldesk (not a test): the installed command and the PyInstaller bundle.

    python benchmarks/bench_startup.py [--runs 15] [--bundle dist/tilldesk/tilldesk]

Each run is a fresh process on a copy of an already-migrated demo database, timed from spawn to
the first frame shown (the app prints a line and quits when TILLDESK_EXIT_AFTER_SHOWN=1). Offscreen
Qt unless DISPLAY is set. Also prints the bundle's size on disk."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_start(cmd: list[str], db: Path, runs: int) -> list[float]:
    env = {**os.environ, "TILLDESK_EXIT_AFTER_SHOWN": "1"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([*cmd, "--db", str(db)], env=env, capture_output=True, text=True, timeout=120)
        if "window shown" not in proc.stdout:
            raise SystemExit(f"{cmd[0]} did not show its window:\n{proc.stdout}\n{proc.stderr}")
        times.append((time.perf_counter() - t0) * 1000)
    return times


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--bundle", default=str(ROOT / "dist" / "tilldesk" / "tilldesk"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        subprocess.run([str(ROOT / ".venv" / "bin" / "tilldesk"), "--db", str(db), "--demo", "catalog", "regions"],
                       check=True, capture_output=True)
        targets = [("installed (python -m ui)", [sys.executable, "-m", "ui"])]
        if Path(args.bundle).exists():
            targets.append(("PyInstaller bundle", [args.bundle]))
        for name, cmd in targets:
            copy = Path(tmp) / f"run-{len(name)}.sqlite"
            shutil.copy(db, copy)
            ms = time_start(cmd, copy, args.runs)
            print(f"{name:28s} start to window shown: median {statistics.median(ms):6.0f} ms, "
                  f"min {min(ms):6.0f} ms, max {max(ms):6.0f} ms ({args.runs} runs)")
        bundle_dir = Path(args.bundle).parent
        if Path(args.bundle).is_file():
            files = sum(1 for _ in bundle_dir.rglob("*"))
            print(f"bundle size on disk: {du(bundle_dir) / 2**20:.0f} MiB ({files} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
