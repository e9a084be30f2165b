"""The argument parser, the command table and the one error handler every command goes through."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.cli import catalog, drafts, orders, refunds
from app.cli.common import EXIT_BAD_INPUT, EXIT_FAILURE, BadInput, fail, version

if TYPE_CHECKING:
    from app.bootstrap import App

Register = Callable[[Any, argparse.ArgumentParser], None]

# Each command group adds its subcommands in this order (the order `tilldesk --help` lists them).
COMMANDS: tuple[Register, ...] = (catalog.register, drafts.register, orders.register, refunds.register)

# Other packages (sync) add their subcommands too, loaded by name so this package does not import
# them eagerly: `tilldesk draft list` stays fast.
_EXTENSION_MODULES = ("app.sync.cli",)
_EXTENSIONS: list[Register] = []


def build_parser() -> argparse.ArgumentParser:
    # `--db` is accepted before and after the subcommand. argparse lets a subparser's namespace
    # overwrite the main one's values, so the subcommand's copy has its own dest, merged in main().
    db_help = "the SQLite database to use (default: Tilldesk's file in your data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", dest="sub_db", metavar="PATH", default=None, help=db_help)

    p = argparse.ArgumentParser(prog="tilldesk",
                                description="Tilldesk: point of sale and phone orders, offline first.")
    p.add_argument("--db", metavar="PATH", default=None, help=db_help)
    p.add_argument("--version", action="version", version=f"tilldesk {version()}")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation headless on a throw-away database, then exit")
    p.add_argument("--demo", action="store_true", help="load the built-in demo shop if the database is empty")
    p.add_argument("--verbose", "-v", action="store_true", help="log what happens on standard error")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for register in (*COMMANDS, *_EXTENSIONS):
        register(sub, common)
    return p


def _load_extensions() -> None:
    if _EXTENSIONS:
        return  # main() may run many times in one process (tests, the window's entry)
    for mod in _EXTENSION_MODULES:
        try:
            module = __import__(mod, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise
            continue
        _EXTENSIONS.append(module.register)


def cmd_gui(args: argparse.Namespace, launch_gui: Callable[[App], int] | None) -> int:
    # The window is injected by ui.launcher (the console entry point): the core never imports Qt.
    if launch_gui is None:
        raise RuntimeError("the window is not available from this entry point; run `tilldesk` or `python -m ui`")
    from app.bootstrap import start

    return launch_gui(start(args.db, demo=True if args.demo else None))


def main(argv: Sequence[str] | None = None, *, launch_gui: Callable[[App], int] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "sub_db", None) or args.db
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from app.domain.errors import DomainError
    from app.persistence.db import DatabaseError

    try:
        if args.self_test:
            from app.selftest import run as self_test

            return self_test()
        if not getattr(args, "command", None):
            return cmd_gui(args, launch_gui)
        result = args.func(args)
        return int(result or 0)
    except BadInput as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except DomainError as exc:  # InvalidTransition included: a rule the input broke
        fail(str(exc), EXIT_BAD_INPUT)
    except DatabaseError as exc:
        fail(str(exc), EXIT_FAILURE)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_FAILURE)
    except BrokenPipeError:
        os._exit(EXIT_FAILURE)
    except Exception as exc:  # the last line of defence: one clear line, no traceback for staff
        logging.getLogger("tilldesk").debug("unexpected error", exc_info=True)
        fail(f"{exc.__class__.__name__}: {exc}", EXIT_FAILURE)
