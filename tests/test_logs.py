"""A terminal's log: a 0600 file rotated by size, or, under systemd, the journal's native protocol
(read back here from a real datagram socket standing in for journald)."""

from __future__ import annotations

import logging
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.logs import LOG_KEEP, journal, log_to
from tests.conftest import make_settings


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, given back as it was (handlers and level) after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield root
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def test_the_file_is_rotated_by_size_and_every_file_is_private(
    tmp_path: Path, root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cli.logs.LOG_BYTES", 2000)
    settings = make_settings(tmp_path)
    where = log_to(settings, "counter-6", journal({}))
    assert where == str(settings.data_dir / "counter-6.log")
    for n in range(400):
        logging.getLogger("kiosk.test").info("line %d of a long day", n)
    files = sorted(p.name for p in settings.data_dir.iterdir())
    assert files == ["counter-6.log"] + [f"counter-6.log.{n}" for n in range(1, LOG_KEEP + 1)]
    assert all(stat.S_IMODE((settings.data_dir / f).stat().st_mode) == 0o600 for f in files)
    assert "line 399 of a long day" in (settings.data_dir / "counter-6.log").read_text()


def test_under_systemd_records_go_to_the_journal(tmp_path: Path, root_logger: logging.Logger) -> None:
    path = tmp_path / "journal.socket"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as journald:
        journald.bind(str(path))
        journald.settimeout(5)
        assert journal({}, path) is None, "not started by systemd"
        found = journal({"INVOCATION_ID": "4f2c"}, path)
        assert found == path
        settings = make_settings(tmp_path)
        assert log_to(settings, "display", found) == "the journal (kiosk-display)"
        try:
            raise ValueError("a printer cable")
        except ValueError:
            logging.getLogger("kiosk.display").exception("the hall display lost its clock")
        datagram = journald.recv(65536)
    assert b"SYSLOG_IDENTIFIER=kiosk-display" in datagram
    assert b"PRIORITY=3" in datagram  # an error
    assert b"the hall display lost its clock" in datagram and b"a printer cable" in datagram
    assert not settings.data_dir.exists(), "no file besides the journal"
