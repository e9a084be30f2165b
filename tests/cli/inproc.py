"""The real `tilldesk` entry point (app.cli.main, what the console script runs) in this process,
with standard input, output and error captured: fast enough for hundreds of cases."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

from app.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.err.strip().splitlines()


def call(*argv: str, stdin: str | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = old_in
    return Result(code, out.getvalue(), err.getvalue())


def refused(res: Result, code: int = 2) -> str:
    """The one line of a refusal, after checking it is one."""
    assert res.code == code, res
    assert res.out == "", res
    assert len(res.lines) == 1, res
    assert res.lines[0].startswith("tilldesk: ") and "Traceback" not in res.err
    assert len(res.lines[0]) <= 420, res.lines[0][:500]
    return res.lines[0]
