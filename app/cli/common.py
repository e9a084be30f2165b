"""What every command shares: exit codes, the bad-input error, JSON in and out, opening the app."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from importlib import metadata
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from app.bootstrap import App

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class BadInput(Exception):
    """Input the user can fix: exit code 2."""


def version() -> str:
    try:
        return metadata.version("tilldesk")
    except metadata.PackageNotFoundError:  # running from a source tree without an install
        return "0+unknown"


def emit(obj: Any) -> None:
    from app.jsonio import dumps

    sys.stdout.write(dumps(obj, indent=2) + "\n")
    sys.stdout.flush()


def read_json(source: str | None) -> Any:
    from app.jsonio import loads

    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.closed:
            raise BadInput("no JSON given: pass a FILE or pipe the body on standard input")
        text = sys.stdin.read()
        where = "standard input"
    else:
        try:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise BadInput(f"cannot read {source}: {exc.strerror}") from None
        where = source
    if not text.strip():
        raise BadInput(f"{where} is empty: expected a JSON object")
    try:
        data = loads(text)
    except ValueError as exc:
        raise BadInput(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{where} must hold a JSON object, not {type(data).__name__}")
    return data


def open_app(args: argparse.Namespace) -> App:
    from app.bootstrap import start
    from app.cli.acting import sign_in_from_args

    app = start(getattr(args, "db", None), demo=True if getattr(args, "demo", False) else None)
    return sign_in_from_args(app, args)  # --staff / --approver: a wrong or missing PIN stops here


def parse_tender(text: str) -> dict[str, Any]:
    kind, sep, rest = text.partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in ("cash", "card", "other"):
        raise BadInput(f"--tender {text!r}: use cash=AMOUNT, card=AMOUNT[:REFERENCE] or other=AMOUNT[:REFERENCE]")
    amount, _, ref = rest.partition(":")
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        raise BadInput(f"--tender {text!r}: {amount!r} is not an amount") from None
    return {"kind": kind, "amount": value, "reference": ref.strip() or None}


def decimal_arg(text: str) -> Decimal:
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None
    if not d.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount")
    return d


def fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"tilldesk: {message}\n")
    sys.stderr.flush()
    raise SystemExit(code)
