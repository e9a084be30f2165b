"""Headless sync commands: ``tilldesk backend set|test`` and ``tilldesk sync``.

The API key is read from standard input (or ``TILLDESK_MEDUSA_API_KEY``) and goes to the OS
keyring; it is never accepted as a command-line argument, where ``ps`` and shell history would
show it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import Any

__all__ = ["register"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    if "backend" in subparsers.choices:
        return  # app.cli.main() collects extensions on every call; register once per parser
    backend = subparsers.add_parser("backend", parents=[common], help="the shop server (Medusa v2 or v1) settings")
    bsub = backend.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = bsub.add_parser("set", parents=[common], help="set the server URL; the API key is read from standard "
                                                      "input or TILLDESK_MEDUSA_API_KEY")
    s.add_argument("--url", required=True, help="e.g. https://shop.example.com (http:// only for this computer)")
    s.add_argument("--insecure", action="store_true",
                   help="allow plain http:// to another computer: the admin API key then crosses the "
                        "network unencrypted, readable by anyone on the way")
    s.add_argument("--kind", default="medusa-v2", help="the server kind: medusa-v2 (default) or medusa-v1 "
                                                       "(whose admin API token is read like the key)")
    s.set_defaults(func=cmd_backend_set)
    t = bsub.add_parser("test", parents=[common], help="check the address and the API key")
    t.set_defaults(func=cmd_backend_test)

    sync = subparsers.add_parser("sync", parents=[common], help="pull the catalog and push paid orders")
    sync.add_argument("--once", action="store_true", help="one round, then exit (for a scheduler)")
    g = sync.add_mutually_exclusive_group()
    g.add_argument("--pull-only", action="store_true", help="only pull the catalog; send nothing")
    g.add_argument("--push-only", action="store_true", help="only push paid orders; pull nothing")
    sync.add_argument("--full", action="store_true", help="pull everything, not only what changed")
    sync.add_argument("--interval", type=float, default=60.0, help="seconds between rounds (default 60)")
    sync.add_argument("--push-workers", metavar="N", default=None,
                      help="orders pushed at once, 1 to 16 (default: the sync_push_concurrency setting, or 4)")
    sync.set_defaults(func=cmd_sync)
    _register_queue(sync, common)


def _register_queue(sync: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """`sync queue|retry|discard` (app.sync.cli_queue); plain `tilldesk sync` still runs the rounds."""
    from app.sync.cli_queue import register_queue

    ssub = sync.add_subparsers(dest="sync_action", metavar="ACTION", required=False,
                               title="the outbox (leave ACTION out to run the sync rounds)")
    register_queue(ssub, common, argparse.RawDescriptionHelpFormatter)


def _open(args: argparse.Namespace):
    from app.bootstrap import start
    from app.sync.store import SyncStore

    # As every command: an explicit --db must exist unless --create (or --demo) is given.
    create = args.db is None or bool(getattr(args, "create", False) or getattr(args, "demo", False))
    app = start(args.db, create=create)
    if create:
        from app.services.tills import code_on_create

        code_on_create(app.uow, getattr(args, "till", None))  # --till CODE, or the default code
    return app, SyncStore(app.uow)


def _guard_backend(app: Any, args: argparse.Namespace) -> None:
    from app.bootstrap import sign_in_from_env
    from app.domain.permissions import GuardedAction
    from app.services import guard

    sign_in_from_env(app, getattr(args, "staff", None), getattr(args, "approver", None))
    with app.uow() as uow:  # a dry run of the check (rolled back): the approval is logged with the change
        guard.require(uow, GuardedAction.BACKEND)


def _save_backend(app: Any, url: str, kind: str) -> None:
    """The address, the kind and the audit entry saying who changed them, in one commit (the key
    is never in the log: it lives in the keyring or the environment)."""
    from app.domain.permissions import GuardedAction
    from app.services import audit, guard
    from app.sync.worker import BACKEND_KIND_KEY, BACKEND_URL_KEY

    with app.uow() as uow:
        permit = guard.require(uow, GuardedAction.BACKEND)
        before = {"url": uow.settings.get(BACKEND_URL_KEY), "kind": uow.settings.get(BACKEND_KIND_KEY)}
        uow.settings.set(BACKEND_URL_KEY, url)
        uow.settings.set(BACKEND_KIND_KEY, kind)
        audit.record(uow, "backend_changed", None, {"url": url, "kind": kind, "before": before,
                                                    "approver_id": permit.approver_id if permit else None})
        uow.commit()


def _till_code_refusal(store: Any, url: str, kind: str, key: str) -> str | None:
    """Whether another till already holds this till's code on the server (app/sync/tills.py). A
    server that cannot be asked now is no refusal: the claim is made before the first push."""
    from app.sync.config import BackendConfig
    from app.sync.errors import BackendError
    from app.sync.registry import open_backend
    from app.sync.tills import check_code_free

    try:
        backend = open_backend(BackendConfig(url=url, kind=kind, timeout_seconds=10), key)
        try:
            return check_code_free(store, backend)
        finally:
            backend.close()
    except BackendError as exc:  # not a refusal, and not worth a line: the first push claims it
        logging.getLogger(__name__).info("till code not checked now (%s); the first push checks it", exc.message)
        return None


def cmd_backend_set(args: argparse.Namespace) -> int:
    from app.sync import secrets
    from app.sync.config import insecure_transport, normalize_base_url
    from app.sync.errors import BackendError
    from app.sync.registry import kinds

    try:
        url = normalize_base_url(args.url)
    except ValueError as exc:
        sys.stderr.write(f"tilldesk: --url: {exc}\n")
        return EXIT_BAD_INPUT
    kind = (args.kind or "").strip().lower()
    if kind not in kinds():
        shown = args.kind if len(args.kind) <= 40 else args.kind[:40] + "…"
        sys.stderr.write(f"tilldesk: --kind: {shown!r} is not a known server kind "
                         f"(known: {', '.join(kinds())})\n")
        return EXIT_BAD_INPUT
    if insecure_transport(url):
        if not args.insecure:
            sys.stderr.write("tilldesk: --url: use https:// (http:// would send the admin API key unencrypted; "
                             "only this computer's own address may use http://, or pass --insecure)\n")
            return EXIT_BAD_INPUT
        sys.stderr.write("tilldesk: warning: --insecure: the API key will cross the network unencrypted "
                         "on every request to this server\n")
    key = os.environ.get(secrets.ENV_VAR, "").strip()
    if not key and not sys.stdin.isatty():
        key = sys.stdin.readline().strip()
    elif not key:
        import getpass
        key = getpass.getpass("API token: " if kind == "medusa-v1" else "API key (sk_...): ").strip()
    if not key:
        sys.stderr.write(f"tilldesk: no API key on standard input or in {secrets.ENV_VAR}\n")
        return EXIT_BAD_INPUT
    app, store = _open(args)
    try:
        # With staff on this is a guarded action (GuardedAction.BACKEND): --staff and, for a role
        # that needs it, --approver, PINs from the environment as for every acting command.
        # Checked before the keyring is touched; a refusal is exit 2 with nothing changed.
        _guard_backend(app, args)
        refusal = _till_code_refusal(store, url, kind, key)
        if refusal:
            sys.stderr.write(f"tilldesk: {refusal}; the shop server was not changed\n")
            return EXIT_BAD_INPUT
        if os.environ.get(secrets.ENV_VAR, "").strip() != key:
            try:
                secrets.set_api_key(url, key)
            except BackendError as exc:  # no keyring, or a locked one: say how to go on, no class names
                sys.stderr.write(f"tilldesk: {exc.message} "
                                 "Nothing was changed.\n")
                return EXIT_FAILURE
            where = "the keyring"
        else:
            where = f"the environment ({secrets.ENV_VAR}); nothing was stored"
        _save_backend(app, url, kind)
    finally:
        app.close()
    print(f"Shop server ({kind}) set to {url}; the API key comes from {where}.")
    return EXIT_OK


def cmd_backend_test(args: argparse.Namespace) -> int:
    from app.sync.errors import BackendError
    from app.sync.worker import backend_from_settings

    app, store = _open(args)
    try:
        try:
            backend = backend_from_settings(store)
        except BackendError as exc:
            print(str(exc))
            return EXIT_FAILURE
        if backend is None:
            print("No shop server is set: run `tilldesk backend set --url URL`.")
            return EXIT_FAILURE
        try:
            check = backend.check_connection()
        finally:
            backend.close()
    finally:
        app.close()
    print(check.message)
    return EXIT_OK if check.ok else EXIT_FAILURE


def cmd_sync(args: argparse.Namespace) -> int:
    from app.sync.line import RetrySettingError
    from app.sync.parallel import check_concurrency
    from app.sync.worker import SyncRunner, SyncWorker

    workers = None
    if args.push_workers is not None:
        try:
            workers = check_concurrency(args.push_workers)
        except RetrySettingError:
            sys.stderr.write(f"tilldesk: --push-workers: must be a whole number from 1 to 16 "
                             f"(got {args.push_workers!r})\n")
            return EXIT_BAD_INPUT
    app, store = _open(args)
    runner = SyncRunner(store, auto_pull=not args.push_only, auto_push=not args.pull_only, push_workers=workers)

    def progress(p) -> None:
        sys.stderr.write(f"\r{p.kind}: {p.message}   ")
        sys.stderr.flush()

    try:
        if args.once:
            report = runner.run_once(pull=False if args.push_only else True, push=not args.pull_only,
                                     full_pull=args.full, progress=progress, force=True)
            sys.stderr.write("\n")
            status = runner.refresh_counts()
            synced = sum(1 for r in report.pushed if r.state == "synced")
            attention = [r for r in report.pushed if r.state == "needs_attention"]
            if report.pulled is not None:
                print("pulled: " + ", ".join(f"{k} {v.fetched} (-{v.deleted})" for k, v in report.pulled.kinds.items()))
            print(f"pushed: {synced} synced, {len(attention)} need attention, {status.queued} still queued")
            if report.lost:
                print(f"poor connection: {report.answered} requests answered, {report.lost} lost, "
                      f"{report.retries} retried in the round")
            for r in attention:
                print(f"  order {r.order_id}: {r.error}")
            if report.error:
                print(f"error: {report.error}")
                return EXIT_FAILURE
            return EXIT_OK
        worker = SyncWorker(runner, interval=args.interval)
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: done.set())
        runner.add_listener(lambda s: print(
            f"{'online' if s.online else 'offline' if s.online is False else '-'}; queued {s.queued}; "
            f"needs attention {s.needs_attention}" + (f"; {s.last_error}" if s.last_error else ""), flush=True)
            if not s.running else None)
        worker.start()
        done.wait()
        worker.stop()
        return EXIT_OK
    finally:
        runner.close()
        app.close()
