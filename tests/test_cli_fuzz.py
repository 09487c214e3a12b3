"""Any input to any command ends in exit 0, 1, 2 or 3 with one clear message, never a traceback, and a
refused command changes nothing: every table is compared row by row before and after.

The arguments of each subcommand are read from the real parser, so a new command or option is fuzzed
without a change here. Values are arbitrary Unicode text, digit strings of any length in ASCII and in
other scripts, times with UTC offsets, and paths that are folders, devices or symlink loops. Each
example runs in-process (`cli.main`) over its own copy of a small centre; a handful of cases
also run as real processes, to show that stderr holds no traceback there either. Hypothesis keeps
every failing example in its database (.hypothesis/) and replays it first on the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from cli import build_parser, main
from kiosk.clock import FixedClock
from kiosk.paths import expanded
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.storage.db import EXAMPLES
from kiosk.storage.models import Base
from tests.conftest import MONDAY_10, make_settings

ADMIN, PIN = "Olena", "482913"
TERMINALS = {"lobby", "counter", "admin", "display", "demo", "bench", "web"}  # they serve until stopped
SUBCOMMANDS: dict[str, argparse.ArgumentParser] = next(
    a.choices for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
)
COMMANDS = sorted(set(SUBCOMMANDS) - TERMINALS)
LONGEST_LINE = 300  # a message quotes a bad value cut to a readable length

# Digits of several scripts: ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari, fullwidth, and
# superscripts (str.isdigit() is true for all of them; int() takes all but the superscripts).
SCRIPTS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹"]
DIGITS = st.one_of(
    *(st.text(st.sampled_from(script), min_size=1, max_size=30) for script in SCRIPTS),
    st.text(st.sampled_from("".join(SCRIPTS)), min_size=1, max_size=30),
    st.integers(0, 5000).map(lambda n: "9" * n),
)
TIMES = st.builds(
    lambda h, m, tail: f"{h:02d}:{m:02d}{tail}",
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["", "+05:00", "-03:30", "Z", ":00", ":00.5", "+14:00", "+0530", "\n"]),
)
PLAUSIBLE = st.sampled_from([
    "pension-new", "info-general", "pensions", "info", "P-001", "P-002", "P1", "1", "2", "6", "12", "en",
    "uk", "disability", "vip", "2026-11-23", "2026-11-22", "2026-02-30", "17:30", "Olena", "list", "add",
    "K1:1:20261123:P-001:PENSIONS:6+7+8:AAAAAAAAAAAAAAAA", "--json", "-", "--", "",
])  # fmt: skip
# What a real argv can hold: no NUL, and no surrogate but the \udc80-\udcff that stand for bytes that
# are not UTF-8 (Python's surrogateescape).
TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
    | st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF),
    max_size=40,
)
LONG = st.integers(61, 100_000).map(lambda n: "x" * n)
DB_URLS = st.builds(  # database URLs on this machine only: no traffic to any other address
    "{}://{}{}/{}{}".format,
    st.sampled_from(
        ["postgresql", "postgresql+asyncpg", "postgres", "sqlite", "sqlite+pysqlcipher", "mysql", ""]
    ),
    st.sampled_from(["127.0.0.1", "postgres@127.0.0.1", "[::1", "[::1]", ""]),
    st.just("") | DIGITS.map(lambda port: f":{port}"),
    st.sampled_from(["x", "a%00b", "", "file:x"]),
    st.sampled_from(["", "?uri=true", "?mode=ro", "?sslmode=zzz", "?connect_timeout=abc"]),
)
QR_SHAPED = st.builds(  # a ticket code with digits of any script in its id or day
    "K1:{}:{}:P-001:PENSIONS:6:AAAAAAAAAAAAAAAA".format, DIGITS, DIGITS | st.just("20261123")
)


def values(paths: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(PLAUSIBLE, PLAUSIBLE, PLAUSIBLE, TEXT, DIGITS, TIMES, paths, LONG, QR_SHAPED, DB_URLS)


# A small centre, copied for each example -----------------------------------------------------------


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder: the database with an administrator, a clerk and a few tickets, the QR secret."""
    base = tmp_path_factory.mktemp("pristine")
    settings_ = make_settings(base)
    clock = FixedClock(MONDAY_10)
    initialise(settings_, clock)
    service = open_service(settings_, clock)
    directory = open_staff(service)
    directory.add(ADMIN, "admin", PIN)
    directory.add("Ivan", "staff", "5555")
    for code in ("pension-new", "pension-new", "info-general"):
        service.issue(code)
    service.call_next("6", staff="Ivan")
    service.db.dispose()
    return settings_.data_dir


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Paths to hand to the commands: a folder, a file, a symlink loop, a missing path, devices."""
    base = tmp_path_factory.mktemp("places")
    (base / "folder").mkdir()
    (base / "file.txt").write_text("not a database, not TOML = = =\n")
    (base / "loop-a").symlink_to(base / "loop-b")
    (base / "loop-b").symlink_to(base / "loop-a")
    return {
        "folder": base / "folder",
        "file": base / "file.txt",
        "loop": base / "loop-a",
        "missing": base / "missing" / "deeper",
        "under-a-file": base / "file.txt" / "x",
        "null": Path("/dev/null"),
        "zero": Path("/dev/zero"),
    }


def path_values(places: dict[str, Path]) -> st.SearchStrategy[str]:
    paths = st.sampled_from(sorted(str(p) for p in places.values()))
    return paths | paths.map(lambda p: f"sqlite:///{p}")


class Centre:
    """Runs `kiosk` in-process over a fresh copy of the pristine centre and checks the outcome."""

    def __init__(self, pristine: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pristine = pristine
        self.rows = dump(pristine)  # every copy starts with these rows
        self.root = root
        self.monkeypatch = monkeypatch
        self.runs = itertools.count()

    def run(self, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
        data = self.root / f"run-{next(self.runs)}"
        shutil.copytree(self.pristine, data)
        self.monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
        self.monkeypatch.chdir(self.root)  # relative paths in the arguments land here
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse: usage errors and --help
                code = exit_.code if isinstance(exit_.code, int) else 2
        message = err.getvalue()
        assert code in (0, 1, 2, 3), (argv, code, message)
        assert "Traceback" not in message, (argv, message)
        if code != 0:
            assert message.startswith(("kiosk: ", "usage: ")), (argv, message)
            assert dump(data) == self.rows, (argv, message)  # a refused command changes nothing
        longest = max((len(line) for line in message.splitlines()), default=0)
        assert longest <= LONGEST_LINE, (argv[:3], message[:500])
        shutil.rmtree(data)
        return code, out.getvalue(), message


def dump(data: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key, as SQLite stores it (read with the standard
    library's sqlite3, opened read-only: a tenth of the time of reading through the ORM)."""
    uri = f"{(data / 'kiosk.sqlite3').as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return {
            table.name: db.execute(
                f'SELECT * FROM "{table.name}" ORDER BY '
                + ", ".join(f'"{column.name}"' for column in table.primary_key)
            ).fetchall()
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def centre(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("KIOSK_CONFIG", "KIOSK_DATABASE_URL", "KIOSK_PRINTER", "KIOSK_TERMINAL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
        monkeypatch.setenv("KIOSK_NOW", MONDAY_10.isoformat())
        monkeypatch.setenv("KIOSK_STAFF", ADMIN)  # signed in, so the arguments reach the service
        monkeypatch.setenv("KIOSK_PIN", PIN)
        yield Centre(pristine, tmp_path_factory.mktemp("runs"), monkeypatch)


# The arguments of each subcommand, from the parser -------------------------------------------------


def arguments(command: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """The command, a value for each positional, and any subset of its options (with values)."""

    parser = SUBCOMMANDS[command]
    exclusive = [group._group_actions for group in parser._mutually_exclusive_groups]

    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        argv = [command]
        chosen = [draw(st.sampled_from(group)) for group in exclusive]  # one of each group, as required
        for action in parser._actions:
            if any(action in group for group in exclusive):
                if action not in chosen:
                    continue
                argv.append(action.option_strings[0])
                if action.nargs != 0:
                    argv.append(draw(value))
            elif action.option_strings:
                rare = action.dest in ("config", "db")  # mostly refused at once: keep them rarer
                if action.dest == "help" or draw(st.integers(0, 4 if rare else 1)) != 0:
                    continue
                argv.append(draw(st.sampled_from(action.option_strings)))
                if action.nargs != 0:
                    argv.append(draw(st.sampled_from(action.choices) if action.choices else value))
            elif action.nargs != "?" or draw(st.booleans()):
                argv.append(draw(st.sampled_from(action.choices) if action.choices else value))
        return argv

    return build()


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
@given(data=st.data(), stdin=TEXT)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_arguments_to_any_command(
    centre: Centre, places: dict[str, Path], command: str, data: st.DataObject, stdin: str
) -> None:
    code = centre.run(data.draw(arguments(command, values(path_values(places))), label="argv"), stdin)[0]
    event(f"exit {code}")  # how many examples got how far: --hypothesis-show-statistics


@given(argv=st.lists(values(st.just("/dev/null")), max_size=6))
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@example(argv=["show", "99999999999999999999"])
@example(argv=["show", "²"])
@example(argv=["show", "١"])
@example(argv=["department", "pensions", "--last-ticket", "17:30+05:00"])
@example(argv=["staff", "x" * 100_000])
def test_any_words_in_any_order(centre: Centre, argv: list[str]) -> None:
    centre.run(argv)


@pytest.mark.parametrize(
    "argv",
    [["counter"], ["lobby", "--port", "x"], ["display", "--font-size", "²"], ["admin", "--lang"],
     ["demo", "--bogus"], ["bench", "--quick", "extra"], ["counter", "--window", "99"],
     ["counter", "--window", "x" * 10_000], ["lobby", "--port", "9" * 5000], ["web", "--port", "x"],
     ["web", "--port", "99999"], ["web", "--host", "x" * 5000, "--port", "0"]],
    ids=lambda argv: " ".join(argv)[:30],
)  # fmt: skip
def test_terminals_refuse_bad_arguments_before_any_screen(centre: Centre, argv: list[str]) -> None:
    code, _, message = centre.run(argv)
    assert code in (1, 2), message


# Each reported traceback, as the exact input and the refusal it must get ---------------------------


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["show", "99999999999999999999"], 1, "kiosk: no ticket '99999999999999999999'\n"),
        (["show", "2147483648"], 1, "kiosk: no ticket '2147483648'\n"),
        (["show", "0"], 1, "kiosk: no ticket '0'\n"),
        (["show", "9" * 5000], 1, f"kiosk: no ticket '{'9' * 60}'… (5000 characters)\n"),
        (["show", "²"], 1, "kiosk: '²' is not a ticket number (like P-007) or a ticket id\n"),
        (["show", "١"], 1, "kiosk: '١' is not a ticket number (like P-007) or a ticket id\n"),
        (["show", "P-١"], 1, "kiosk: 'P-١' is not a ticket number (like P-007) or a ticket id\n"),
        (["cancel", "١"], 1, "kiosk: '١' is not a ticket number (like P-007) or a ticket id\n"),
        (["--db", "postgresql://h:abc/db", "queue"], 1,
         f"kiosk: 'postgresql://h:abc/db' is not a database URL{EXAMPLES}\n"),
        (["--db", "sqlite://0", "queue"], 1, f"kiosk: 'sqlite://0' is not a database URL{EXAMPLES}\n"),
        (["--db", "sqlite:///k.db?mode=ro", "queue"], 1,
         f"kiosk: 'sqlite:///k.db?mode=ro': give the SQLite file's path alone, without ?options{EXAMPLES}\n"),
        (["--db", "postgresql+asyncpg://x/y", "queue"], 1,
         "kiosk: 'postgresql+asyncpg://x/y': the kiosk ships the drivers"
         f" sqlite, sqlite+pysqlite, postgresql, postgresql+psycopg only{EXAMPLES}\n"),
        (["--db", "postgresql://?=0", "queue"], 3,
         'kiosk: the database is unavailable: invalid connection option ""\n'),
        (["scan", "K1:١:20261123:P-001:PENSIONS:6:AAAAAAAAAAAAAAAA"], 1,
         "kiosk: this is not a ticket code of this centre\n"),
        (["department", "pensions", "--last-ticket", "17:30+05:00"], 1,
         "kiosk: --last-ticket '17:30+05:00': expected a time like 17:30\n"),
        (["department", "pensions", "--last-ticket", "١٧:٣٠"], 1,
         "kiosk: --last-ticket '١٧:٣٠': expected a time like 17:30\n"),
        (["queue", "--day", "x" * 1000], 1,
         f"kiosk: --day '{'x' * 60}'… (1000 characters): expected a date like 2026-11-24\n"),
        (["bookings", "list", "x" * 222], 1,
         f"kiosk: `kiosk bookings` takes a FILE only with import: `kiosk bookings import {'x' * 100}…"
         " (222 characters)`\n"),
        (["issue", "y" * 1000], 1,
         f"kiosk: unknown service '{'y' * 60}'… (1000 characters); `kiosk catalogue` lists them\n"),
    ],
    ids=lambda v: str(v)[:30],
)  # fmt: skip
def test_inputs_that_broke_something(centre: Centre, argv: list[str], code: int, said: str) -> None:
    assert centre.run(argv)[::2] == (code, said)


def test_a_ticket_by_id_still_works(centre: Centre) -> None:
    """The refusals above are about the input: ticket 1 by id and by number is found."""
    assert centre.run(["show", "1"])[:2] == (0, centre.run(["show", "P-001"])[1])
    assert centre.run(["show", "1"])[1].startswith("P-001 is at window 6 (pensions, called)")


def test_argparse_errors_quote_a_long_value_cut() -> None:
    result = kiosk_process(["staff", "z" * 100_000])
    assert result.returncode == 2
    assert f"invalid choice: '{'z' * 60}" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) <= LONGEST_LINE


# The same, as real processes ---------------------------------------------------------------------------


def kiosk_process(
    argv: list[str | bytes], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


@pytest.mark.parametrize(
    "argv",
    [["show", "99999999999999999999"], ["show", "²"],
     ["department", "pensions", "--last-ticket", "17:30+05:00"], ["--config", "{loop}", "queue"],
     ["--config", "/dev/zero", "queue"], ["export", "--dir", "/dev/null"],
     ["--db", "sqlite:////dev/zero", "queue"], ["show", b"\xff\xfe"], ["issue", b"caf\xe9"]],
    ids=lambda argv: " ".join(map(str, argv))[:30],
)  # fmt: skip
def test_real_processes_print_no_traceback(
    pristine: Path, places: dict[str, Path], tmp_path: Path, argv: list[str | bytes]
) -> None:
    shutil.copytree(pristine, tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_DATA_DIR=str(tmp_path / "data"), KIOSK_NOW=MONDAY_10.isoformat(), KIOSK_STAFF=ADMIN,
               KIOSK_PIN=PIN, XDG_DATA_HOME=str(tmp_path / "xdg"))  # fmt: skip
    before = dump(tmp_path / "data")
    result = kiosk_process([a.format(loop=places["loop"]) if isinstance(a, str) else a for a in argv], env)
    assert result.returncode in (1, 2, 3), result.stderr
    assert result.stderr.startswith("kiosk: ") and "Traceback" not in result.stderr, result.stderr
    assert dump(tmp_path / "data") == before


def test_a_path_that_is_not_utf8_prints_on_a_strict_stdout(pristine: Path, tmp_path: Path) -> None:
    """An export folder named with bytes that are not UTF-8 (`--dir $'\\xff'`) is printed, not a crash,
    on a terminal whose stdout encodes strictly (e.g. LANG=en_US.UTF-8)."""
    shutil.copytree(pristine, tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_DATA_DIR=str(tmp_path / "data"), KIOSK_NOW=MONDAY_10.isoformat(), KIOSK_STAFF=ADMIN,
               KIOSK_PIN=PIN, PYTHONIOENCODING="utf-8:strict")  # fmt: skip
    result = kiosk_process(["export", "--dir", bytes(tmp_path) + b"/\xff"], env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0].endswith(f"\\udcff/tickets-{MONDAY_10.date()}.csv")


def test_a_tilde_of_no_such_user_is_a_path_as_typed(centre: Centre) -> None:
    """`~name` of no such user stays as typed, as a shell leaves it (pathlib raised RuntimeError:
    hypothesis found `kiosk restore ~0`)."""
    assert expanded("~0/backup") == Path("~0/backup")
    code, _, message = centre.run(["restore", "~0", "--yes"])
    assert code != 0 and "~0" in message
