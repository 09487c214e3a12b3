"""Files that hold tickets, staff, secrets or exports, readable by their owner only whatever the umask.

Folders we make are 0700 and files we create 0600 (set again with chmod after creation, so that no
umask can widen them). Rights are only ever taken away, and only from a regular file or a folder that
this user owns: a device, another user's file, a shared folder with the sticky bit (such as /tmp) or a
folder the user made elsewhere is left as it is.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
_NEVER_NARROWED = {Path("/"), Path.home().resolve()}


def private_folder(path: Path, tighten: bool = False) -> None:
    """Make `path` and its missing parents as 0700 folders; with `tighten` (the data folder), an
    existing folder of ours that others may enter is made 0700 too."""
    if path.is_dir():
        if tighten:
            _tighten(path, PRIVATE_FOLDER, stat.S_ISDIR)
        return
    if path.parent != path:
        private_folder(path.parent)
    try:
        path.mkdir()
    except FileExistsError:  # made by another process meanwhile; a file there fails the caller later
        return
    path.chmod(PRIVATE_FOLDER)


def open_private(path: Path, mode: str = "w", **options: Any) -> IO[Any]:
    """`open(path, mode)` for writing a file only its owner may read: "w"/"wb" create or truncate,
    "x"/"xb" create a new file or raise FileExistsError."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if mode.startswith("x") else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, PRIVATE_FILE)
        return os.fdopen(fd, mode.replace("x", "w"), **options)
    except BaseException:
        os.close(fd)
        raise


def private_file(path: Path) -> None:
    """Create `path` empty as 0600 when it is missing (e.g. a database before SQLite opens it, which
    then gives its -wal and -shm the same rights); an existing file of ours is tightened to 0600."""
    try:
        open_private(path, "xb").close()
    except FileExistsError:
        _tighten(path, PRIVATE_FILE, stat.S_ISREG)


def _tighten(path: Path, allowed: int, kind: Callable[[int], bool]) -> None:
    try:
        info = path.stat()
    except OSError:  # gone, or a link to nowhere: nothing of ours to tighten
        return
    bits = stat.S_IMODE(info.st_mode)
    shared = bits & stat.S_ISVTX  # a folder meant for everyone, such as /tmp, is never narrowed
    if path.resolve() in _NEVER_NARROWED:  # a data_dir set to / or a home folder by mistake
        return
    if kind(info.st_mode) and info.st_uid == os.geteuid() and bits & ~allowed and not shared:
        path.chmod(bits & allowed)
