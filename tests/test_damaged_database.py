"""A damaged SQLite file, or a file that is no database at all, is one clear message naming the file
and exit 3, for every command and every terminal's start, and the file is left exactly as it was."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_cli import ADMIN, clean_env, run, write_config

PAGE = 4096


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(40 * PAGE))


def zeroed_header(path: Path) -> None:
    body = path.read_bytes()
    path.write_bytes(bytes(100) + body[100:])


def text_file(path: Path) -> None:
    path.write_text("centre_name = 'this is a settings file, not a database'\n")


def not_empty_not_a_database(path: Path) -> None:
    path.write_bytes(b"\n")


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: PAGE + 1000])


def garbage_pages(path: Path) -> None:
    """Page 1 (the header and the schema) intact, every later page random."""
    body = path.read_bytes()
    path.write_bytes(body[:PAGE] + random.Random(2).randbytes(len(body) - PAGE))


DAMAGE: list[Callable[[Path], None]] = [
    garbage,
    zeroed_header,
    text_file,
    not_empty_not_a_database,
    truncated,
    garbage_pages,
]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("initialised")
    run("init", env=clean_env(base, KIOSK_CONFIG=str(write_config(base))))
    return base / "data"


@pytest.fixture
def env(tmp_path: Path, initialised: Path) -> dict[str, str]:
    """A centre over a copy of an initialised database, an administrator's name and PIN given."""
    shutil.copytree(initialised, tmp_path / "data")
    return clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)), **ADMIN)


@pytest.fixture
def damaged(request: pytest.FixtureRequest, env: dict[str, str], tmp_path: Path) -> Path:
    path = tmp_path / "data" / "kiosk.sqlite3"
    request.param(path)
    return path


def refused_cleanly(args: list[str], env: dict[str, str], database: Path) -> None:
    before = database.read_bytes()
    result = run(*args, env=env, check=False)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"kiosk: the database file {database} is damaged or is not a SQLite"), (
        result.stderr
    )
    assert "restore it from a backup" in result.stderr
    assert database.read_bytes() == before
    assert not database.with_name(database.name + "-wal").exists()


@pytest.mark.parametrize("damaged", DAMAGE, ids=lambda f: f.__name__, indirect=True)
@pytest.mark.parametrize("args", [["init"], ["show", "1"]], ids=["init", "show"])
def test_every_kind_of_damage(damaged: Path, env: dict[str, str], args: list[str]) -> None:
    refused_cleanly(args, env, damaged)


TERMINALS = [["lobby"], ["display"], ["admin"], ["counter", "--window", "6"]]
COMMANDS = [["queue"], ["issue", "pension-new"], ["staff", "list"], ["call", "-w", "6"], ["export"]]


@pytest.mark.parametrize("damaged", [text_file], ids=lambda f: f.__name__, indirect=True)
@pytest.mark.parametrize("args", TERMINALS + COMMANDS, ids=" ".join)
def test_every_command_and_terminal(damaged: Path, env: dict[str, str], args: list[str]) -> None:
    refused_cleanly(args, env, damaged)


@pytest.mark.parametrize("args", [["init"], ["show", "1"]], ids=["init", "show"])
def test_the_undamaged_file_works(env: dict[str, str], args: list[str]) -> None:
    """The same commands on the same setup, undamaged: the damage, not the setup, is refused."""
    result = run(*args, env=env, check=False)
    assert (result.returncode, result.stderr) in [(0, ""), (1, "kiosk: no ticket 1\n")]


@pytest.mark.parametrize(
    ("where", "why"),
    [("/dev/null", "is not a regular file"), ("{tmp}", "is not a regular file"),
     ("{tmp}/data/qr-secret/x.sqlite3", "cannot be opened: Not a directory")],
    ids=["device", "folder", "under-a-file"],
)  # fmt: skip
def test_a_database_path_that_is_no_file(env: dict[str, str], tmp_path: Path, where: str, why: str) -> None:
    path = where.format(tmp=tmp_path)
    before = Path("/dev/null").stat()
    result = run("--db", f"sqlite:///{path}", "init", env=env, check=False)
    assert (result.returncode, result.stderr) == (3, f"kiosk: the database file {path} {why}\n")
    assert Path("/dev/null").stat().st_mode == before.st_mode
    assert not Path("/dev/null-wal").exists()
