"""How backups are named and found: `kiosk-backup-YYYYMMDD-HHMMSS.tar.gz`, oldest first."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

PREFIX = "kiosk-backup-"
SUFFIX = ".tar.gz"


def backup_name(moment: datetime) -> str:
    """`kiosk-backup-20261205-173000.tar.gz`: sorts by time, as the file list does."""
    return f"{PREFIX}{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def backups_in(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first (by the time in their names)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def latest_backup(folder: Path) -> Path | None:
    found = backups_in(folder)
    return found[-1] if found else None
