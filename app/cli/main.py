"""The argument parser, the command table and the one error handler every command goes through."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from app.cli import acting, catalog, drafts, examples, orders, refunds, shifts, staff, tills
from app.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    BadInput,
    OutputFailed,
    close_all,
    db_choice,
    fail,
    one_line,
    version,
)

if TYPE_CHECKING:
    from app.bootstrap import App

Register = Callable[[Any, argparse.ArgumentParser], None]

# Each command group adds its subcommands in this order (the order `tilldesk --help` lists them).
COMMANDS: tuple[Register, ...] = (catalog.register, drafts.register, orders.register, refunds.register,
                                  shifts.register, staff.register, tills.register)

# Other packages (sync) add their subcommands too, loaded by name so this package does not import
# them eagerly: `tilldesk draft list` stays fast.
_EXTENSION_MODULES = ("app.sync.cli",)
_EXTENSIONS: list[Register] = []


class Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line naming the problem and pointing at --help (exit 2),
    instead of three to five lines of usage."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see `{self.prog} --help`)", EXIT_BAD_INPUT)


class _Version(argparse.Action):
    """--version, looked up only when asked: importlib.metadata costs every other command time."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        parser.exit(message=f"tilldesk {version()}\n")


_DB_HELP = "the SQLite database to use (default: Tilldesk's file in your data folder)"


def _global_options(p: argparse.ArgumentParser, prefix: str = "") -> None:
    """--db, --create, --demo and -v, accepted before and after the subcommand alike. argparse lets a
    subparser's namespace overwrite the main one's values, so the subcommand's copies have their
    own dests (`sub_...`), merged in main()."""
    p.add_argument("--db", dest=f"{prefix}db", metavar="PATH", default=None, help=_DB_HELP)
    p.add_argument("--create", dest=f"{prefix}create", action="store_true",
                   help="make a new database if --db names a file that does not exist")
    p.add_argument("--demo", dest=f"{prefix}demo", action="store_true",
                   help="load the built-in demo shop if the database is empty (creates the file if missing)")
    p.add_argument("--till", dest=f"{prefix}till", metavar="CODE", default=None,
                   help="with --create or --demo: this till's code in a new database (default T1), e.g. A1")
    p.add_argument("--verbose", "-v", dest=f"{prefix}verbose", action="store_true",
                   help="log what happens on standard error")


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    _global_options(common, "sub_")
    acting.add_options(common)  # --staff and --approver, for every command that acts
    p = Parser(prog="tilldesk", description="Tilldesk: point of sale and phone orders, offline first.")
    _global_options(p)
    p.add_argument("--version", action=_Version, help="show the program's version number and exit")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation headless on a throw-away database, then exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for register in (*COMMANDS, *_EXTENSIONS):
        register(sub, common)
    examples.apply(p)  # one or two examples at the end of every command's --help
    return p


def _merge_globals(args: argparse.Namespace) -> None:
    sub_db = getattr(args, "sub_db", None)
    args.db = sub_db if sub_db is not None else args.db
    sub_till = getattr(args, "sub_till", None)
    args.till = sub_till if sub_till is not None else getattr(args, "till", None)
    for name in ("create", "demo", "verbose"):
        setattr(args, name, bool(getattr(args, name, False) or getattr(args, f"sub_{name}", False)))


def _check_text(argv: Sequence[str]) -> None:
    for i, a in enumerate(argv, 1):
        try:
            a.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput(f"argument {i} is not valid UTF-8 text") from None
        if "\x00" in a:
            raise BadInput(f"argument {i} contains a NUL character")


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


AskCreate = Callable[[str], bool]
# open_with_progress(opener): the window runs opener(listener) on a worker while it shows the
# progress of a schema migration (ui/migration_dialog.py); only asked when one is due.
OpenWithProgress = Callable[[Callable[[Any], "App"]], "App"]


def cmd_gui(args: argparse.Namespace, launch_gui: Callable[[App], int] | None,
            ask_create: AskCreate | None = None, open_with_progress: OpenWithProgress | None = None) -> int:
    # The window is injected by ui.launcher (the console entry point): the core never imports Qt.
    if launch_gui is None:
        raise RuntimeError("the window is not available from this entry point; run `tilldesk` or `python -m ui`")
    from app.bootstrap import start

    try:
        db, create = db_choice(args)
    except BadInput:
        # A missing --db file: the window asks before creating it (refusing is a clean exit).
        if ask_create is None or not args.db or not args.db.strip() or not ask_create(args.db):
            raise
        db, create = args.db, True
    demo = True if args.demo else None

    def opener(progress: Any = None) -> App:
        return start(db, demo=demo, create=create, progress=progress)

    if open_with_progress is not None:
        from app.bootstrap import default_db_path
        from app.persistence.db import migration_due

        if migration_due(db or default_db_path()) is not None:
            return launch_gui(open_with_progress(opener))
    return launch_gui(opener())


def _output_failed(exc: OutputFailed) -> NoReturn:
    # Later flushes (at exit) must not fail again and print a second line: point stdout at nothing.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    if exc.done:
        fail(f"{exc.done}, but writing the result failed ({exc.reason}); it is saved: "
             "do not run the command again", EXIT_FAILURE)
    fail(f"writing the result failed ({exc.reason}); nothing was changed", EXIT_FAILURE)


def main(argv: Sequence[str] | None = None, *, launch_gui: Callable[[App], int] | None = None,
         ask_create: AskCreate | None = None, open_with_progress: OpenWithProgress | None = None) -> int:
    _load_extensions()
    argv = list(sys.argv[1:] if argv is None else argv)
    from app.domain.errors import DomainError
    from app.persistence.schema_marks import DatabaseError, DatabaseMissing

    try:
        _check_text(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        _merge_globals(args)
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        if getattr(args, "command", None) or args.self_test:
            from app import gc_pause

            gc_pause.settle()  # a command runs with the collector on; the window settles once shown
        if args.self_test:
            from app.selftest import run as self_test

            return self_test()
        if not getattr(args, "command", None):
            return cmd_gui(args, launch_gui, ask_create, open_with_progress)
        result = args.func(args)
        return int(result or 0)
    except BadInput as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    except DomainError as exc:  # InvalidTransition included: a rule the input broke
        fail(str(exc), EXIT_BAD_INPUT)
    except DatabaseMissing as exc:
        fail(f"--db: {exc}", EXIT_BAD_INPUT)
    except DatabaseError as exc:
        fail(str(exc), EXIT_FAILURE)
    except OutputFailed as exc:
        _output_failed(exc)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_FAILURE)
    except BrokenPipeError:
        os._exit(EXIT_FAILURE)
    except Exception as exc:  # the last line of defence: one clear line, no traceback for staff
        logging.getLogger("tilldesk").info("unexpected error", exc_info=True)
        fail(f"unexpected error ({exc.__class__.__name__}): {one_line(str(exc))[:200]}; "
             "run again with -v for details", EXIT_FAILURE)
    finally:
        close_all()
