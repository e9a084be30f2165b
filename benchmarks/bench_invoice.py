"""How long one 50-line A4 invoice takes to render: median and p95 over many runs.

Run from the repository root:  .venv/bin/python benchmarks/bench_invoice.py [--runs 200] [--lines 50]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.printing.render import render_invoice_a4, render_receipt  # noqa: E402
from app.printing.sample import sample_document  # noqa: E402


def measure(render, doc, runs: int) -> list[float]:
    render(doc)  # warm-up: font registration and first-use caches are paid once per process
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render(doc)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()

    doc = sample_document(args.lines)
    first_start = time.perf_counter()
    pdf = render_invoice_a4(doc)
    first = (time.perf_counter() - first_start) * 1000
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.runs} runs, {args.lines} lines")
    print(f"first A4 render in a fresh process (fonts registered): {first:.1f} ms, {len(pdf) / 1024:.0f} KiB")
    for name, render in (("A4 invoice", render_invoice_a4), ("80 mm receipt", render_receipt)):
        timings = measure(render, doc, args.runs)
        print(f"{name:14} median {statistics.median(timings):7.1f} ms   p95 {p95(timings):7.1f} ms"
              f"   max {max(timings):7.1f} ms")


if __name__ == "__main__":
    main()
