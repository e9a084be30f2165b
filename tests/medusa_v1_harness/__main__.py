"""Run a throw-away Medusa v1 by hand or for a benchmark:

    .venv/bin/python -m tests.medusa_v1_harness --seed --json run.json --hold 600

prints (and optionally writes) the base URL, the API token and the set-up timings, keeps the
server up for ``--hold`` seconds (or until SIGTERM/SIGINT) and stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from dataclasses import asdict

from .seed import seed_v1
from .server import MedusaV1Server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.medusa_v1_harness")
    parser.add_argument("--seed", action="store_true", help="seed regions, products, discounts, customers")
    parser.add_argument("--products", type=int, default=6)
    parser.add_argument("--json", help="also write the connection details and timings here")
    parser.add_argument("--hold", type=float, default=0.0, help="seconds to keep the server up")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with MedusaV1Server() as server:
        info: dict[str, object] = {"base_url": server.base_url, "api_token": server.api_token,
                                   "setup_seconds": server.timings.as_dict()}
        if args.seed:
            info["seed"] = asdict(seed_v1(server.base_url, server.api_token, n_products=args.products))
        text = json.dumps(info, indent=2, ensure_ascii=False, default=str)
        print(text, flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(text)
        stop.wait(args.hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
