"""Backups taken while eight processes issue and call, restored into an empty folder (or database)
and compared table by table; an older schema's backup restored and upgraded; files that are not
whole backups refused with nothing changed; the commands' files private, dated and pruned."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tarfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, select

from cli import main
from harness import loadgen
from kiosk.config import Settings
from kiosk.doctor.files import check_backups
from kiosk.errors import KioskError
from kiosk.runtime import initialise, open_service
from kiosk.security.signing import create_secret
from kiosk.storage import SCHEMA_REVISION
from kiosk.storage.backups import (
    backup_name,
    backups_in,
    latest_backup,
    make_backup,
    prune,
    read_manifest,
    restore_backup,
)
from kiosk.storage.db import Database
from kiosk.storage.migrate import schema_differences, upgrade
from tests.conftest import create_pg_database, drop_pg_database, make_settings

ISSUERS = ["info-general", "pension-new"]
CALL_WINDOWS = ["1", "2", "6", "7"]  # info and pensions
PER_PROCESS = 300
Rows = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Database URLs of the live centre and of the empty one restored into."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'empty' / 'kiosk.sqlite3'}"
        return
    live, empty = create_pg_database(), create_pg_database()
    try:
        yield live, empty
    finally:
        drop_pg_database(live)
        drop_pg_database(empty)


def rows(url: str) -> Rows:
    """Every table's rows, in primary-key order, read as the database holds them."""
    db = Database(url)
    try:
        with db.connection() as conn:
            meta = MetaData()
            meta.reflect(conn)
            return {
                name: [tuple(r) for r in conn.execute(select(table).order_by(*_key(table)))]
                for name, table in sorted(meta.tables.items())
            }
    finally:
        db.dispose()


def _key(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def restored(tmp_path: Path, url: str, backup: Path, name: str) -> Settings:
    settings = make_settings(tmp_path / name, url)
    restore_backup(settings, backup)
    return settings


def assert_consistent(snapshot: Rows, live: Rows) -> None:
    """A backup taken mid-load is one moment of the live database: the numbers each department gave
    run 1..its counter without a gap (a ticket and its counter are written in one transaction);
    every ticket and event in it is one the live database has (events never change); and a ticket's
    state is its latest event's."""
    counters = {(row[0], row[1]): row[2] for row in snapshot["counters"]}  # department, day, last
    given: dict[tuple[Any, Any], list[int]] = {}
    for ticket in snapshot["tickets"]:
        given.setdefault((ticket[2], ticket[1]), []).append(ticket[3])  # origin, day -> number
    assert {key: sorted(numbers) for key, numbers in given.items()} == {
        key: list(range(1, last + 1)) for key, last in counters.items()
    }
    live_events = {row[0]: row for row in live["events"]}
    assert all(live_events[row[0]] == row for row in snapshot["events"])
    live_tickets = {row[0]: row[:10] for row in live["tickets"]}  # id .. rank: set when issued
    assert all(live_tickets[row[0]] == row[:10] for row in snapshot["tickets"])
    last_state: dict[int, str] = {}
    for event in snapshot["events"]:  # id order
        if event[4] is not None and event[8] is not None:  # ticket_id, state
            last_state[event[4]] = event[8]
    assert {t[0]: t[12] for t in snapshot["tickets"]} == last_state  # id -> state


@pytest.mark.xdist_group("processes")
def test_backups_while_eight_processes_issue_and_call_restore_whole(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live_url, empty_url = databases
    settings = make_settings(tmp_path / "live", live_url, open_around_the_clock=True, backup_keep=50)
    initialise(settings)
    service = open_service(settings)
    try:
        loadgen.add_waiting(service, "pension-new", 40)
        before = len(rows(live_url)["tickets"])
    finally:
        service.db.dispose()

    taken: list[Path] = []
    done = threading.Event()

    def back_up_meanwhile() -> None:
        while not done.is_set():
            taken.append(make_backup(settings).path)

    worker = threading.Thread(target=back_up_meanwhile)
    kwargs = settings.model_dump()
    jobs: list[tuple[Any, ...]] = [
        (kwargs, ISSUERS[i % 2 :] + ISSUERS[: i % 2], PER_PROCESS) for i in range(4)
    ]
    callers: list[tuple[Any, ...]] = [(kwargs, window, PER_PROCESS) for window in CALL_WINDOWS]
    try:
        loadgen.run_together(_issue_or_call, jobs + callers, on_start=worker.start)
    finally:
        done.set()
        worker.join()
    live = rows(live_url)
    assert taken, "no backup was taken while the processes ran"

    # each backup taken while they ran is one consistent moment, restored into an empty place
    counts = []
    for n, backup in enumerate(taken[:6]):
        snapshot = rows(restored(tmp_path, empty_url, backup, f"mid{n}").db_url)
        assert_consistent(snapshot, live)
        counts.append(len(snapshot["tickets"]))
    assert any(before < count < len(live["tickets"]) for count in counts), f"none mid-load: {counts}"

    # a backup of the quiet database restores every table row by row, and the secrets byte by byte
    last = make_backup(settings).path
    again = restored(tmp_path, empty_url, last, "last")
    assert rows(again.db_url) == live
    for path, copy in (
        (settings.secret_path, again.secret_path),
        (settings.pin_key_path, again.pin_key_path),
    ):
        assert copy.read_bytes() == path.read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    for backup in backups_in(settings.backup_path):
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def _issue_or_call(kwargs: dict[str, Any], what: Any, count: int, start: Any) -> object:
    """An issuing kiosk (`what` its services) or a calling window (`what` its name)."""
    if isinstance(what, list):
        return loadgen.issue_many(kwargs, count, what, start)
    return loadgen.call_many(kwargs, what, count, start)


def test_an_older_schemas_backup_is_restored_and_upgraded(tmp_path: Path) -> None:
    # an install at schema 0004 (before bookings: tickets had no booked_at), with a morning's
    # tickets: rows made by today's kiosk, written into the old schema's tables
    today = make_settings(tmp_path / "today", open_around_the_clock=True)
    initialise(today)
    service = open_service(today)
    try:
        for code in ("info-general", "pension-new", "info-general"):
            service.issue(code)
    finally:
        service.db.dispose()
    settings = make_settings(tmp_path / "old", open_around_the_clock=True)
    db = Database(settings.db_url)
    try:
        upgrade(db, "0004")
    finally:
        db.dispose()
    create_secret(settings.secret_path)
    old_file, today_file = _sqlite_path(settings), _sqlite_path(today)
    with sqlite3.connect(old_file) as old, sqlite3.connect(today_file) as new:
        for table in ("catalogues", "counters", "tickets", "events"):
            columns = [row[1] for row in old.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            found = new.execute(f"SELECT {names} FROM {table} ORDER BY rowid").fetchall()
            old.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", found)
    before = rows(settings.db_url)
    assert len(before["tickets"]) == 3
    backup = make_backup(settings).path
    assert read_manifest(backup).schema == "0004"

    target = make_settings(tmp_path / "new", open_around_the_clock=True)
    report = restore_backup(target, backup)
    assert (report.schema_before, report.schema) == ("0004", SCHEMA_REVISION)
    db = Database(target.db_url)
    try:
        assert schema_differences(db) == []
    finally:
        db.dispose()
    after = rows(target.db_url)
    assert [t[:-1] for t in after["tickets"]] == before["tickets"]  # booked_at, added last, empty
    assert all(t[-1] is None for t in after["tickets"])
    assert (after["counters"], after["events"]) == (before["counters"], before["events"])
    service = open_service(target)  # and the restored centre goes on where it was
    try:
        assert service.issue("info-general").ticket.code == "I-003"
    finally:
        service.db.dispose()


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.db_url.removeprefix("sqlite:///"))


def _archive(path: Path, members: dict[str, bytes], manifest: dict[str, Any] | None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        if manifest is not None:
            members = {"manifest.json": json.dumps(manifest).encode(), **members}
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_file_that_is_not_a_whole_backup_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "centre", open_around_the_clock=True)
    initialise(settings)
    good = make_backup(settings).path
    with tarfile.open(good) as tar:
        parts = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(parts.pop("manifest.json"))

    def changed(**fields: Any) -> dict[str, Any]:
        return {**manifest, **fields}

    pg_parts = {**parts, "database.pgdump": parts["database.sqlite3"]}
    del pg_parts["database.sqlite3"]
    pg_files = {**manifest["files"], "database.pgdump": manifest["files"]["database.sqlite3"]}
    del pg_files["database.sqlite3"]
    pg_manifest = changed(backend="postgresql", files=pg_files)
    tampered = {**parts, "database.sqlite3": parts["database.sqlite3"][:-1] + b"\x01"}
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        data = json.dumps(manifest).encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        symlink = tarfile.TarInfo("qr-secret")
        symlink.type, symlink.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(symlink)
    (tmp_path / "noise.tar.gz").write_bytes(os.urandom(2000))
    (tmp_path / "cut.tar.gz").write_bytes(good.read_bytes()[:3000])
    cases = {
        tmp_path / "noise.tar.gz": "not a tar.gz archive",
        tmp_path / "cut.tar.gz": "damaged",
        _archive(tmp_path / "bare.tar.gz", parts, None): "holds no manifest.json",
        _archive(tmp_path / "other.tar.gz", parts, changed(format="other")): "not a kiosk backup",
        _archive(tmp_path / "v2.tar.gz", parts, changed(version=2)): "format 2",
        _archive(tmp_path / "newer.tar.gz", parts, changed(schema="9999")): "newer than this kiosk",
        _archive(tmp_path / "noschema.tar.gz", parts, changed(schema=None)): "a database with no schema",
        _archive(tmp_path / "pg.tar.gz", pg_parts, pg_manifest): "is a postgresql backup and this centre",
        _archive(tmp_path / "tampered.tar.gz", tampered, manifest): "does not match its checksum",
        _archive(
            tmp_path / "extra.tar.gz", {**parts, "../../etc/cron.d/x": b"x"}, manifest
        ): "no backup holds",
        link: "no backup holds",
    }
    target = make_settings(tmp_path / "empty")
    for path, words in cases.items():
        with pytest.raises(KioskError, match=words):
            restore_backup(target, path)
        assert not target.data_dir.exists(), f"{path.name} changed something"


def test_backup_and_restore_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "data"\nopen_around_the_clock = true\nspeech = false\nbackup_keep = 2\n')
    assert main(["--config", str(config), "init"]) == 0
    assert main(["--config", str(config), "issue", "info-general", "--no-print"]) == 0
    folder = tmp_path / "data" / "backups"
    folder.mkdir(mode=0o700)
    older = [folder / f"kiosk-backup-2026010{i}-020000.tar.gz" for i in (1, 2)]
    for path in older:
        path.write_bytes(b"an older night's backup")
    (folder / "notes.txt").write_text("kept")
    capsys.readouterr()

    assert main(["--config", str(config), "--json", "backup"]) == 0
    made = json.loads(capsys.readouterr().out)
    path = Path(made["path"])
    assert path.name.startswith(f"kiosk-backup-{time.strftime('%Y%m%d')}-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made["pruned"] == [str(older[0])]  # the newest backup_keep = 2 stay; other files too
    assert sorted(p.name for p in folder.iterdir()) == [older[1].name, path.name, "notes.txt"]

    empty = tmp_path / "empty.toml"
    empty.write_text('data_dir = "restored"\n')
    os.environ.pop("KIOSK_CONFIG", None)
    assert main(["--config", str(empty), "restore", str(path)]) == 1  # no terminal to ask on: refused
    assert "--yes" in capsys.readouterr().err
    assert not (tmp_path / "restored").exists()
    assert main(["--config", str(empty), "restore", str(path), "--yes"]) == 0
    assert "restored: database" in capsys.readouterr().out
    assert main(["--config", str(empty), "show", "I-001"]) == 0
    assert main(["--config", str(empty), "restore", str(folder / "notes.txt"), "--yes"]) == 1
    assert "is not a kiosk backup" in capsys.readouterr().err


# What is a backup, and how one is placed ------------------------------------------------------------


def test_only_dated_backups_count_and_pruning_never_touches_another_file(tmp_path: Path) -> None:
    """A hand-made `kiosk-backup-before-upgrade.tar.gz` is not the newest backup (it would sort
    last by name), and pruning neither counts it nor deletes it."""
    folder = tmp_path / "backups"
    folder.mkdir()
    dated = [folder / f"kiosk-backup-2026010{day}-020000.tar.gz" for day in (1, 2, 3)]
    others = [
        folder / name
        for name in (
            "kiosk-backup-before-upgrade.tar.gz",
            "kiosk-backup-2026.tar.gz",
            "kiosk-backup-20260104-0200.tar.gz",
            "kiosk-backup-20260104-020000-copy.tar.gz",
        )
    ]
    for path in [*dated, *others]:
        path.write_bytes(b"x")
    box = folder / "kiosk-backup-20260105-020000.tar.gz"
    box.mkdir()  # a folder is no backup either
    assert backups_in(folder) == dated
    assert latest_backup(folder) == dated[-1]
    now = datetime(2026, 1, 3, 3, 0, tzinfo=UTC)
    assert check_backups(folder, now, timedelta(hours=26)).detail.startswith(f"last backup {dated[-1]}")
    assert prune(folder, 1) == dated[:2]
    assert sorted(folder.iterdir()) == sorted([dated[-1], *others, box])


def test_a_backup_never_replaces_a_file_that_has_its_name(tmp_path: Path) -> None:
    """A name taken between a check and a rename would be overwritten: the archive is placed with
    a hard link, which fails on any existing name, even a link to nowhere (which `exists()` calls
    free). The name of this second is taken (and of the next, when this one is half gone, so that
    the backup, made in well under half a second, meets one): it waits for a free one."""
    settings = make_settings(tmp_path / "centre", open_around_the_clock=True)
    initialise(settings)
    folder = settings.backup_path
    folder.mkdir()
    start = datetime.now()
    seconds = (-1, 0, 1) if start.microsecond > 500_000 else (-1, 0)
    taken = [folder / backup_name(start + timedelta(seconds=s)) for s in seconds]
    for link in taken:
        link.symlink_to(tmp_path / "nowhere")
    made = make_backup(settings).path
    assert all(link.is_symlink() for link in taken), "a backup replaced a file"
    assert made not in taken and made.is_file() and not made.is_symlink()
    assert read_manifest(made).schema == SCHEMA_REVISION
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.name, *(p.name for p in taken)])


def test_two_backups_at_once_each_keep_their_own_file(tmp_path: Path) -> None:
    """Two backups in the same moment in one process: two whole files, none lost, nothing left."""
    settings = make_settings(tmp_path / "centre", open_around_the_clock=True)
    initialise(settings)
    start = threading.Barrier(2)
    made: list[Path] = []

    def back_up() -> None:
        start.wait()
        made.append(make_backup(settings).path)

    workers = [threading.Thread(target=back_up) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(made) == 2 and sorted(made) == backups_in(settings.backup_path)
    assert all(read_manifest(path).schema == SCHEMA_REVISION for path in made)
    assert [p.name for p in settings.backup_path.iterdir() if p.name.startswith(".")] == []


def test_every_file_in_a_backup_is_private_inside_the_archive(tmp_path: Path) -> None:
    """`tar x` by hand keeps the members' modes: the secrets must come out 0600, not 0644."""
    settings = make_settings(tmp_path / "centre", open_around_the_clock=True)
    initialise(settings)
    path = make_backup(settings).path
    with tarfile.open(path) as tar:
        modes = {member.name: stat.S_IMODE(member.mode) for member in tar.getmembers()}
    assert {"manifest.json", "database.sqlite3", "qr-secret", "pin-key"} <= set(modes)
    assert modes == dict.fromkeys(modes, 0o600)


def test_a_database_without_a_schema_is_not_backed_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "data"\nspeech = false\n')
    (tmp_path / "data").mkdir(mode=0o700)
    with sqlite3.connect(tmp_path / "data" / "kiosk.sqlite3") as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")  # a database `kiosk init` never ran on
    conn.close()
    assert main(["--config", str(config), "backup"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("kiosk: the database sqlite:///") and err.count("\n") == 1
    assert err.endswith("has no schema yet: run `kiosk init` first; no backup was made\n")
    assert list((tmp_path / "data" / "backups").iterdir()) == []


def test_restoring_a_named_pipe_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO would block the restore for ever, waiting for a writer. A writer is made ready here,
    so that a regression reads an empty file (and fails) instead of hanging."""
    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "restored"\n')
    fifo = tmp_path / "kiosk-backup-20261205-023000.tar.gz"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.open("wb").close(), daemon=True)
    writer.start()
    try:
        assert main(["--config", str(config), "restore", str(fifo), "--yes"]) == 1
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer's open return
        writer.join()
        os.close(reader)
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("kiosk: ") and err.endswith("is a named pipe (FIFO), not a backup file\n")
    assert main(["--config", str(config), "restore", "/dev/null", "--yes"]) == 1
    assert capsys.readouterr().err == "kiosk: '/dev/null' is a device, not a backup file\n"
    assert not (tmp_path / "restored").exists()
