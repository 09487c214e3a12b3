"""`kiosk backup` and `kiosk restore`: one dated, private tar.gz holding a consistent copy of the
database (SQLite's online backup API, or pg_dump) with the QR secret and the PIN key."""

from kiosk.storage.backups.common import BackupReport, Manifest, RestoreReport
from kiosk.storage.backups.make import make_backup, prune
from kiosk.storage.backups.names import backup_name, backups_in, latest_backup
from kiosk.storage.backups.restore import read_manifest, restore_backup

__all__ = [
    "BackupReport",
    "Manifest",
    "RestoreReport",
    "backup_name",
    "backups_in",
    "latest_backup",
    "make_backup",
    "prune",
    "read_manifest",
    "restore_backup",
]
