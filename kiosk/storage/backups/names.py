"""How backups are named and found: `kiosk-backup-YYYYMMDD-HHMMSS.tar.gz`, oldest first. Only a
file named exactly so is a backup: `kiosk-backup-before-upgrade.tar.gz`, made by hand, is not one
(it is never taken for the newest, nor pruned)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

PREFIX = "kiosk-backup-"
SUFFIX = ".tar.gz"
BACKUP_NAME = re.compile(r"kiosk-backup-\d{8}-\d{6}\.tar\.gz")


def backup_name(moment: datetime) -> str:
    """`kiosk-backup-20261205-173000.tar.gz`: sorts by time, as the file list does."""
    return f"{PREFIX}{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def is_backup_name(name: str) -> bool:
    return BACKUP_NAME.fullmatch(name) is not None


def backups_in(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first (by the time in their names): regular files named as
    `backup_name` names them, and nothing else."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if is_backup_name(p.name) and p.is_file())


def latest_backup(folder: Path) -> Path | None:
    found = backups_in(folder)
    return found[-1] if found else None
