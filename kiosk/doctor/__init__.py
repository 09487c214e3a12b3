"""`kiosk doctor`: everything a centre's machine must pass before the doors open (settings, database,
secrets, printer, voices, fonts, clock, disk, backups), each failure with its fix. It only reads."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from kiosk.config import Settings
from kiosk.doctor.base import RUN_INIT, Check, FontSet, Level, Machine, PrinterProbe, guarded, note
from kiosk.doctor.database import (
    CHECK_URL,
    DatabaseState,
    Unreadable,
    check_clock,
    check_database,
    read_database,
)
from kiosk.doctor.devices import check_printer, check_voices
from kiosk.doctor.files import (
    check_backups,
    check_catalogue,
    check_data_folder,
    check_disk,
    check_secret,
    check_settings,
)
from kiosk.doctor.fonts import check_fonts, visible_texts
from kiosk.errors import clipped

__all__ = ["Check", "FontSet", "Level", "Machine", "PrinterProbe", "diagnose"]

ANOTHER_MACHINE = "on another machine of a centre, copy the first machine's {} here instead"
RENEW = f"delete it and {RUN_INIT}"
RESTORE = "restore it from a backup"


def diagnose(load: Callable[[], Settings], source: str, machine: Machine) -> list[Check]:
    """Every check, in the order of the report; `load` gives the settings, `source` names them."""
    first, settings = check_settings(load, source)
    if settings is None:
        return [first, note("other-checks", "not run: they need the settings")]
    catalogue_check, catalogue = check_catalogue(settings.catalogue_path)
    try:
        state: DatabaseState | Unreadable = read_database(settings.db_url, machine.now)
    except Unreadable as exc:
        state = exc
    except Exception as exc:
        state = Unreadable(f"{type(exc).__name__}: {clipped(str(exc))}", CHECK_URL)

    @cache
    def texts() -> list[tuple[str, str]]:
        return visible_texts(catalogue)

    def fonts_check(fonts: FontSet) -> Callable[[], Check]:
        return lambda: check_fonts(fonts, texts(), catalogue_read=catalogue is not None)

    secret, key = settings.secret_path, settings.pin_key_path
    secret_missing = f"{RUN_INIT} ({ANOTHER_MACHINE.format(secret.name)})"
    key_missing = f"{RUN_INIT} ({ANOTHER_MACHINE.format(key.name)}; PINs set with a lost key are set again)"
    folders = [("data folder", settings.data_dir), ("backups", settings.backup_path)]
    now = machine.now()
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("database", partial(check_database, catalogue, state)),
        ("qr-secret", partial(check_secret, "qr-secret", "the QR secret", secret, secret_missing, RENEW)),
        ("pin-key", partial(check_secret, "pin-key", "the PIN key", key, key_missing, RESTORE)),
        ("data-folder", partial(check_data_folder, settings.data_dir)),
        ("printer", partial(check_printer, settings.printer, machine.probe, machine.printer_timeout)),
        ("voices", partial(check_voices, settings, machine.espeak, machine.environ)),
        *((fonts.name, fonts_check(fonts)) for fonts in machine.fonts),
        ("clock", partial(check_clock, settings, machine.environ, now, state, machine.clock_tolerance)),
        ("disk", partial(check_disk, folders, machine.min_free_bytes, machine.min_free_share)),
        ("backups", partial(check_backups, settings.backup_path, now, machine.backup_max_age)),
    ]
    return [first, catalogue_check, *(guarded(name, check) for name, check in checks)]
