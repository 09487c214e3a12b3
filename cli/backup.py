"""`kiosk backup` and `kiosk restore`: the commands over kiosk.storage.backups, with the restore's
confirmation."""

from __future__ import annotations

import sys

from cli import render
from cli.context import Context
from cli.options import Command, Parser
from kiosk.errors import KioskError
from kiosk.paths import expanded


def backup_arguments(p: Parser) -> None:
    p.add_argument(
        "--to", metavar="DIR", help="folder to write to (default: backup_dir, else DATA_DIR/backups)"
    )


def cmd_backup(ctx: Context) -> None:
    from kiosk.storage.backups import make_backup

    folder = expanded(ctx.args.to) if ctx.args.to else None
    report = make_backup(ctx.settings, folder)
    if ctx.json:
        render.emit_json(
            {
                "path": str(report.path),
                "size": report.size,
                "backend": report.backend,
                "schema": report.schema,
                "files": report.files,
                "pruned": [str(p) for p in report.pruned],
            }
        )
        return
    print(f"backup {report.path} ({_size(report.size)}): {report.backend} database at schema {report.schema}")
    print(f"  holds {', '.join(report.files)}; mode 0600")
    for path in report.pruned:
        print(f"  deleted the older {path.name} (backup_keep = {ctx.settings.backup_keep})")


def restore_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="a kiosk-backup-*.tar.gz file")
    p.add_argument("--yes", action="store_true", help="do not ask (a script, or no terminal)")


def cmd_restore(ctx: Context) -> None:
    from kiosk.storage.backups import read_manifest, restore_backup

    path = expanded(ctx.args.file)
    settings = ctx.settings
    manifest = read_manifest(path, settings)  # a file that cannot be restored here is refused unasked
    if not ctx.json:
        print(f"{path.name}: a {manifest.backend} backup made {manifest.created or 'at an unknown time'}")
        print(
            f"  by kiosk {manifest.kiosk or '?'}, schema {manifest.schema}; holds {', '.join(manifest.files)}"
        )
        print(f"It replaces the database {_where(settings.db_url)}, and the secret files in")
        print(f"  {settings.secret_path.parent} (the QR secret and the PIN key). Stop the terminals first.")
    if not ctx.args.yes:
        _confirm()
    report = restore_backup(settings, path)
    if ctx.json:
        render.emit_json(
            {
                "restored": str(report.backup),
                "database": report.database,
                "secrets": [str(p) for p in report.secrets],
                "schema_before": report.schema_before,
                "schema": report.schema,
            }
        )
        return
    upgraded = f", upgraded from {report.schema_before}" if report.schema != report.schema_before else ""
    print(f"restored: database {report.database} at schema {report.schema}{upgraded}")
    for secret in report.secrets:
        print(f"  {secret} (0600)")


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise KioskError("a restore replaces the database: confirm with --yes (no terminal to ask on)")
    try:
        answer = input("Type 'restore' to go on: ")
    except EOFError:
        answer = ""
    if answer.strip().lower() != "restore":
        raise KioskError("not restored: nothing was changed")


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


COMMANDS = {
    "backup": Command(cmd_backup, backup_arguments),
    "restore": Command(cmd_restore, restore_arguments),
}
