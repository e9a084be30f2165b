"""What every command shares: exit codes, the bad-input error, JSON in and out, opening the app,
and the argument types that accept ASCII digits only (no `1_000`, no Arabic-Indic or full-width
digits, no `²`)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from app.bootstrap import App

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

# How much of what the user gave a message quotes back, and the longest line we ever print.
EXCERPT = 60
MAX_LINE = 400

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_COUNT = re.compile(r"[0-9]+")
_LONG_RUN = re.compile(r"\S{100,}")


class BadInput(Exception):
    """Input the user can fix: exit code 2."""


class OutputFailed(Exception):
    """The command did its work but writing the result to standard output failed."""

    def __init__(self, reason: str, done: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.done = done


def version() -> str:
    from importlib import metadata  # only for --version: importing it costs a list command time

    try:
        return metadata.version("tilldesk")
    except metadata.PackageNotFoundError:  # running from a source tree without an install
        return "0+unknown"


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """`value` quoted for a message: at most `limit` characters, then an ellipsis."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = " ".join(text.split()) if any(c in text for c in "\r\n\t") else text
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text) if isinstance(value, str) else text


def emit(obj: Any, *, done: str | None = None) -> None:
    """Write the result. `done` says what was already committed, for the message if writing fails."""
    from app.jsonio import dumps

    text = dumps(obj, indent=2) + "\n"
    out = sys.stdout
    if out is None or getattr(out, "closed", False):
        raise OutputFailed("standard output is closed", done)
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputFailed(reason, done) from None


def read_json(source: str | None) -> Any:
    from app.jsonio import loads

    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.closed:
            raise BadInput("no JSON given: pass a FILE or pipe the body on standard input")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise BadInput("standard input is not UTF-8 text") from None
        where = "standard input"
    else:
        try:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise BadInput(f"cannot read {excerpt(source)}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise BadInput(f"{excerpt(source)} is not UTF-8 text") from None
        where = excerpt(source)
    if not text.strip():
        raise BadInput(f"{where} is empty: expected a JSON object")
    try:
        data = loads(text)
    except ValueError as exc:
        raise BadInput(f"{where} is not valid JSON: {excerpt(str(exc), 120)[1:-1]}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{where} must hold a JSON object, not {type(data).__name__}")
    return data


def db_choice(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The --db path (None: the default file) and whether a missing file may be created."""
    db = getattr(args, "db", None)
    create = bool(getattr(args, "create", False) or getattr(args, "demo", False))
    if db is None:
        return None, True
    if not db.strip():
        raise BadInput("--db: the path is empty; name the database file or leave --db out for the default")
    path = Path(db).expanduser()
    if not create and not os.path.lexists(path):
        raise BadInput(f"--db: {excerpt(db)} does not exist; pass --create to make a new database there")
    return db, create


# Every App a command opened, closed by main() when the command ends (in-process callers such as
# tests run many commands in one process; each would otherwise keep its connections open).
OPENED: list[App] = []


def open_app(args: argparse.Namespace) -> App:
    from app.bootstrap import start
    from app.cli.acting import sign_in_from_args

    db, create = db_choice(args)
    app = start(db, demo=True if getattr(args, "demo", False) else None, create=create)
    OPENED.append(app)
    app = sign_in_from_args(app, args)  # --staff / --approver: a wrong or missing PIN stops here
    apply_till_option(app, args)
    return app


def apply_till_option(app: App, args: argparse.Namespace) -> None:
    """``--till CODE`` with ``--create``/``--demo`` sets the code; a file made by the command line
    without it gets the default code, so its numbers name a till from the first sale on."""
    from app.services import tills

    code = getattr(args, "till", None)
    if code is not None and not (getattr(args, "create", False) or getattr(args, "demo", False)):
        raise BadInput("--till: give it with --create or --demo; `tilldesk till set --code CODE` changes "
                       "the code of an existing database")
    if code is None and not (getattr(args, "create", False) or getattr(args, "demo", False)):
        return
    tills.code_on_create(app.uow, code)


def close_all() -> None:
    while OPENED:
        OPENED.pop().close()


def ascii_amount(text: str, field: str) -> Decimal:
    """An amount written in ASCII digits: 12, 12.5, 0.75."""
    t = text.strip(" ")
    if not _AMOUNT.fullmatch(t):
        raise BadInput(f"{field}: {excerpt(text)} is not an amount (use ASCII digits, e.g. 12.50)")
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise BadInput(f"{field}: {excerpt(text)} is not an amount") from None


def parse_tender(text: str) -> dict[str, Any]:
    kind, sep, rest = text.partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in ("cash", "card", "other"):
        raise BadInput(f"--tender {excerpt(text)}: use cash=AMOUNT, card=AMOUNT[:REFERENCE] "
                       "or other=AMOUNT[:REFERENCE]")
    amount, _, ref = rest.partition(":")
    value = ascii_amount(amount, "--tender")
    return {"kind": kind, "amount": value, "reference": ref.strip() or None}


def decimal_arg(text: str) -> Decimal:
    if not _AMOUNT.fullmatch(text.strip(" ")):
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is not an amount (use ASCII digits, e.g. 12.50)")
    return Decimal(text.strip(" "))


def count_arg(low: int, high: int) -> Any:
    """An argparse type: a whole number of ASCII digits between `low` and `high`."""

    def parse(text: str) -> int:
        t = text.strip(" ")
        if not _COUNT.fullmatch(t):
            raise argparse.ArgumentTypeError(f"{excerpt(text)} is not a whole number (use ASCII digits)")
        n = int(t) if len(t) <= 30 else high + 1
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"{excerpt(t, 20)[1:-1]} is not between {low} and {high}")
        return n

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def one_line(message: str) -> str:
    """The message as one printable line of bounded length."""
    text = " ".join(str(message).split())
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    # Whatever a service quoted back of a long value: a short excerpt is enough to recognise it.
    text = _LONG_RUN.sub(lambda m: m.group(0)[:EXCERPT] + "…", text)
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + "…"


def fail(message: str, code: int) -> NoReturn:
    err = sys.stderr
    if err is not None:
        try:
            err.write(f"tilldesk: {one_line(message)}\n")
            err.flush()
        except (OSError, ValueError):
            pass
    raise SystemExit(code)
