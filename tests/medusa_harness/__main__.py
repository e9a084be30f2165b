"""Run a throw-away Medusa by hand or for a benchmark:

    .venv/bin/python -m tests.medusa_harness --products 1700 --json run.json --hold 600

prints (and optionally writes) the base URL, the secret API key, the JWT, the set-up timings and
the seed timings, then keeps the server up for ``--hold`` seconds (or until SIGTERM/SIGINT) and
stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from dataclasses import asdict

from .seed import seed_catalog
from .server import MedusaServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.medusa_harness")
    parser.add_argument("--products", type=int, default=0, help="seed this many products (0: none)")
    parser.add_argument("--variants", type=int, default=3, help="variants per product")
    parser.add_argument("--json", help="also write the connection details and timings here")
    parser.add_argument("--hold", type=float, default=0.0, help="seconds to keep the server up")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    with MedusaServer() as server:
        info: dict[str, object] = {
            "base_url": server.base_url,
            "api_key": server.api_key,
            "jwt": server.jwt,
            "admin_email": server.admin_email,
            "admin_password": server.admin_password,
            "setup_seconds": server.timings.as_dict(),
        }
        if args.products:
            started = time.monotonic()
            seeded = seed_catalog(server.base_url, server.api_key, n_products=args.products,
                                  variants_per_product=args.variants)
            info["seed_seconds"] = {**seeded.seconds, "total": time.monotonic() - started}
            info["seed"] = {
                "tag": seeded.tag,
                "regions": seeded.regions,
                "sales_channel_id": seeded.sales_channel_id,
                "variants": len(seeded.variants),
                "customers": [asdict(c) for c in seeded.customers],
                "promo_codes": seeded.promo_codes,
                "shipping_options": {cur: {code: opt.id for code, opt in opts.items()}
                                     for cur, opts in seeded.shipping_options.items()},
            }
        text = json.dumps(info, indent=2, ensure_ascii=False, default=str)
        print(text, flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(text)
        stop.wait(args.hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
