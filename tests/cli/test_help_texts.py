"""Every argument of every command explains itself, and every command's --help ends with examples."""

from __future__ import annotations

import argparse

import pytest

from app.cli.examples import EXAMPLES, walk
from app.cli.main import _load_extensions, build_parser
from tests.cli.inproc import call


def tree() -> list[tuple[str, argparse.ArgumentParser]]:
    _load_extensions()  # the sync's commands too, as main() adds them
    return list(walk(build_parser()))


def test_the_tree_holds_every_command_group():
    paths = {path for path, _ in tree()}
    assert {"draft create", "order refund", "shift close", "staff perms set", "backend set", "sync",
            "sync queue", "sync retry", "sync discard"} <= paths
    assert len(paths) > 50


def test_every_argument_and_every_subcommand_has_a_help_text():
    missing = []
    for path, parser in tree():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                listed = {c.dest for c in action._choices_actions if c.help}
                missing += [f"{path} {name}".strip() for name in action.choices if name not in listed]
            elif not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{path or 'tilldesk'}: {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_every_command_ends_its_help_with_one_or_two_examples():
    bad = []
    for path, parser in tree():
        epilog = parser.epilog or ""
        examples = [line for line in epilog.splitlines()[1:] if line.startswith("  tilldesk")
                    or line.startswith("  echo") or line.startswith("  TILLDESK_")]
        if not epilog.startswith("examples:\n") or not 1 <= len(examples) <= 2:
            bad.append(path or "tilldesk")
        elif parser.formatter_class is not argparse.RawDescriptionHelpFormatter:
            bad.append(f"{path}: examples would be re-wrapped")
    assert bad == []


def test_no_example_is_kept_for_a_command_that_does_not_exist():
    assert set(EXAMPLES) - {path for path, _ in tree()} == set()


@pytest.mark.parametrize("argv", [("draft", "add-item"), ("sync", "discard"), ("backend", "set"), ()])
def test_the_examples_are_printed_last_as_written(argv):
    res = call(*argv, "--help")
    assert res.code == 0, res
    tail = res.out.rstrip("\n").split("\n\n")[-1].splitlines()
    assert tail[0] == "examples:"
    assert all(line.startswith("  ") for line in tail[1:]) and len(tail) >= 2
