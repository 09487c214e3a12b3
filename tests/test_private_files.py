"""Files that hold tickets, staff, secrets or exports are readable by their owner only, whatever the
umask: the data folder 0700; the database with its -wal/-shm, the QR secret, preview tickets, exports
and logs 0600. Each command runs as a real process started with the umask under test."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from cli import build_parser
from cli.context import Context
from cli.logs import log_to
from kiosk.private import open_private, private_file, private_folder
from kiosk.storage.db import Database
from tests.test_cli import ADMIN, ADMIN_PIN, DAY, clean_env, run, write_config

UMASKS = [0o022, 0o000]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(folder: Path) -> dict[str, int]:
    """Every file and folder under `folder` (itself included) with its permission bits."""
    found = {".": mode(folder)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = mode(path)
    return found


@contextmanager
def umask_of(value: int) -> Iterator[None]:
    before = os.umask(value)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_every_file_a_centre_writes_is_private(tmp_path: Path, umask: int) -> None:
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)))
    data = tmp_path / "data"
    run("init", env=env, umask=umask)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, umask=umask, input=ADMIN_PIN)
    run("issue", "pension-new", env=env, umask=umask)  # printed to preview:// in data/tickets
    run("export", env={**env, **ADMIN}, umask=umask)

    found = modes_under(data)
    assert {"kiosk.sqlite3", "qr-secret", f"tickets/{DAY}/{DAY}_P-001.bin", f"tickets/{DAY}/{DAY}_P-001.png",
            f"exports/tickets-{DAY}.csv", f"exports/summary-{DAY}.csv"} <= set(found)  # fmt: skip
    wrong = {
        name: oct(bits)
        for name, bits in found.items()
        if bits != (0o700 if (data / name).is_dir() else 0o600)
    }
    assert wrong == {}


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_export_to_a_folder_of_the_users_own(tmp_path: Path, umask: int) -> None:
    """The files are private; a folder the user made keeps its mode, one we make is private."""
    env = {**clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path))), **ADMIN}
    run("init", env=env, umask=umask)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, umask=umask, input=ADMIN_PIN)
    theirs = tmp_path / "reports"
    theirs.mkdir()
    theirs.chmod(0o755)
    run("export", "--dir", str(theirs), env=env, umask=umask)
    run("export", "--dir", str(theirs / "new" / "deeper"), env=env, umask=umask)
    assert mode(theirs) == 0o755
    assert mode(theirs / "new") == mode(theirs / "new" / "deeper") == 0o700
    for folder in (theirs, theirs / "new" / "deeper"):
        assert [mode(f) for f in sorted(folder.glob("*.csv"))] == [0o600, 0o600]


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_wal_and_shm_of_an_open_database_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "data" / "kiosk.sqlite3"
    with umask_of(umask):
        db = Database(f"sqlite:///{path}")
        try:
            with db.write() as s:
                s.execute(text("CREATE TABLE t (x INTEGER)"))
                s.execute(text("INSERT INTO t VALUES (1)"))
            with db.connection() as conn:  # open: the -wal and -shm files exist now
                conn.execute(text("SELECT x FROM t")).all()
                files = {p.name: mode(p) for p in path.parent.iterdir()}
        finally:
            db.dispose()
    assert files == {"kiosk.sqlite3": 0o600, "kiosk.sqlite3-wal": 0o600, "kiosk.sqlite3-shm": 0o600}
    assert mode(path.parent) == 0o700


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_a_terminals_log_is_private(tmp_path: Path, umask: int) -> None:
    args = build_parser().parse_args(["--config", str(write_config(tmp_path)), "display"])
    log = tmp_path / "data" / "display.log"
    log.parent.mkdir()
    log.write_text("from an older version\n")
    log.chmod(0o644)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        with umask_of(umask):
            log_to(Context(args).settings, "display")
            logging.getLogger("kiosk.test").warning("a line")
        for handler in root.handlers:
            handler.close()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert "a line" in log.read_text()
    assert (mode(log), mode(log.parent)) == (0o600, 0o700)


def test_an_older_install_is_tightened_at_init(tmp_path: Path) -> None:
    """A database, its -wal/-shm and the data folder left world-readable by an older version."""
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)))
    data = tmp_path / "data"
    run("init", env=env, umask=0o022)
    old = [data / n for n in ("kiosk.sqlite3", "kiosk.sqlite3-wal", "kiosk.sqlite3-shm")]
    with closing(sqlite3.connect(old[0])) as reader:  # keeps the -wal and -shm there meanwhile
        reader.execute("SELECT count(*) FROM tickets").fetchone()
        for path in [*old, data]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        run("init", env=env, umask=0o022)
        assert [mode(p) for p in old] == [0o600] * 3
    assert mode(data) == 0o700


def test_an_older_database_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    with closing(sqlite3.connect(path)) as older:
        older.execute("CREATE TABLE t (x INTEGER)")
    path.chmod(0o644)
    Database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_tightening_only_takes_rights_away(tmp_path: Path) -> None:
    read_only = tmp_path / "read-only"
    read_only.write_text("x")
    read_only.chmod(0o444)
    private_file(read_only)
    assert mode(read_only) == 0o400
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o750)
    private_folder(folder)  # not the data folder: left as it is
    assert mode(folder) == 0o750
    private_folder(folder, tighten=True)
    assert mode(folder) == 0o700


def test_devices_and_shared_folders_are_never_touched(tmp_path: Path) -> None:
    before = mode(Path("/dev/null"))
    private_file(Path("/dev/null"))
    assert mode(Path("/dev/null")) == before
    shared = tmp_path / "shared"  # like /tmp: a data_dir pointed there must not lock everyone out
    shared.mkdir()
    shared.chmod(0o1777)
    private_folder(shared, tighten=True)
    assert mode(shared) == 0o1777


def test_root_and_home_are_never_narrowed() -> None:
    """A data_dir set to / or to a home folder by mistake (as root, both are ours) stays as it was."""
    before = mode(Path("/"))
    private_folder(Path("/"), tighten=True)
    assert mode(Path("/")) == before
    home = Path.home()
    before = mode(home)
    private_folder(home, tighten=True)
    assert mode(home) == before


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_open_private_creates_0600_or_refuses_an_existing_file(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new"
    with umask_of(umask), open_private(path, "x") as handle:
        handle.write("secret")
    assert (path.read_text(), mode(path)) == ("secret", 0o600)
    with pytest.raises(FileExistsError):
        open_private(path, "x")
