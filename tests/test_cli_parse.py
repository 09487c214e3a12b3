"""The command line builds only the command that runs (cli.parse): it reads argv as the whole parser
reads it, and listing the commands imports none of their modules."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import given, settings
from hypothesis import strategies as st

from cli import build_parser, named_command, parse
from cli.index import INDEX

WHOLE = build_parser()
BEFORE = st.lists(
    st.sampled_from([["--json"], ["--config", "k.toml"], ["--config=k.toml"], ["--db", "sqlite:///x"],
                     ["--conf", "issue"], ["--d", "call"], ["--js"]]),
    max_size=3,
).map(lambda parts: [token for part in parts for token in part])  # fmt: skip
AFTER = st.sampled_from([
    ["P-001"], ["pension-new", "--lang", "uk"], ["--window", "6"], ["-w", "6", "P-002"], ["--json"],
    ["--day", "2026-11-23"], [], ["list"], ["--help"],
])  # fmt: skip


def outcome(parse: Callable[[list[str]], argparse.Namespace], argv: list[str]) -> object:
    """The arguments read, or the exit with what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            return vars(parse(argv))
        except SystemExit as exc:
            return ("exit", exc.code, out.getvalue(), err.getvalue())


@given(before=BEFORE, name=st.sampled_from([*INDEX, "bogus", "-", ""]), after=AFTER)
@settings(max_examples=300, deadline=None)
def test_a_command_is_read_as_the_whole_parser_reads_it(
    before: list[str], name: str, after: list[str]
) -> None:
    argv = [*before, name, *after]
    assert outcome(parse, argv) == outcome(WHOLE.parse_args, argv)


def test_the_command_is_found_past_the_options_before_it() -> None:
    assert named_command(["--config", "issue", "call", "-w", "6"]) == "call"
    assert named_command(["--config=issue", "stats"]) == "stats"
    assert named_command(["--json", "--db", "show", "show", "P-001"]) == "show"
    assert named_command(["--", "issue"]) is None  # argparse takes no command after `--`
    assert named_command(["--json"]) is None and named_command(["nope", "issue"]) is None


def test_listing_the_commands_imports_none_of_them() -> None:
    probe = (
        "import sys, cli\n"
        "try:\n    cli.parse(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('cli.') or m in ('sqlalchemy', 'pydantic')))"
    )

    def imported(*argv: str) -> str:
        run = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=60)
        return run.stdout.splitlines()[-1]

    assert imported("--help") == "['cli.index', 'cli.options']"
    assert "'cli.tickets'" in imported("issue", "--help") and "'cli.day'" not in imported("issue", "--help")
