"""Where a terminal's log goes: the journal when systemd runs it, else DATA_DIR/NAME.log (0600),
rotated by size. Never the screen: a Textual terminal draws on its standard streams."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from kiosk.config import Settings
from kiosk.private import private_file, private_folder

JOURNAL_SOCKET = Path("/run/systemd/journal/socket")
LOG_BYTES = 5 * 1024 * 1024  # a file this long is rotated: NAME.log.1 ... NAME.log.5
LOG_KEEP = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(RotatingFileHandler):
    """RotatingFileHandler whose every file (the first and each after a rotation) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]  # the standard library's own signature
        private_file(Path(self.baseFilename))
        return super()._open()


def journal_handler(name: str, socket: Path) -> logging.Handler:
    """logging-journald's handler (the native protocol, pure Python), which also closes its
    socket when it is closed (its own leaves that to the garbage collector)."""
    from logging_journald import JournaldLogHandler

    class Handler(JournaldLogHandler):  # type: ignore[misc]
        def close(self) -> None:
            self.transport.socket.close()
            super().close()

    return Handler(identifier=f"kiosk-{name}", socket_path=socket)


def journal(environ: dict[str, str] | None = None, socket: Path = JOURNAL_SOCKET) -> Path | None:
    """The journal's socket when systemd started this process (it sets INVOCATION_ID) and
    journald listens; None otherwise."""
    env = os.environ if environ is None else environ
    return socket if env.get("INVOCATION_ID") and socket.is_socket() else None


def log_to(settings: Settings, name: str, journal_socket: Path | None = None) -> str:
    """Send the root logger's records to the journal at `journal_socket` (named `kiosk-NAME`), or,
    without one, to the data folder's NAME.log; returns where, for the terminal to say."""
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if journal_socket is not None:
        handler = journal_handler(name, journal_socket)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))  # the journal keeps the time
        where = f"the journal (kiosk-{name})"
    else:
        path = settings.data_dir / f"{name}.log"
        private_folder(path.parent, tighten=True)
        handler = PrivateRotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_KEEP, encoding="utf-8")
        handler.setFormatter(logging.Formatter(FORMAT))
        where = str(path)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return where
