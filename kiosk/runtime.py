"""Wiring: settings to a database, a secret and a queue service; `kiosk init` lives here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.events import CatalogueLoaded, Kind
from kiosk.private import private_folder
from kiosk.security.pins import load_pin_key
from kiosk.security.signing import create_secret, read_secret
from kiosk.security.staff import StaffDirectory
from kiosk.service import QueueService
from kiosk.storage import SCHEMA_REVISION
from kiosk.storage.db import Database
from kiosk.storage.journal import record
from kiosk.storage.models import CatalogueVersion
from kiosk.storage.sqlite_file import not_ready


@dataclass(frozen=True)
class InitReport:
    revision_before: str | None
    revision: str | None
    catalogue_id: int
    catalogue_loaded: bool
    secret_created: bool
    pin_key_created: bool
    database: str


def initialise(settings: Settings, clock: Clock | None = None) -> InitReport:
    """Create or upgrade the schema, store the catalogue if it changed, and make the QR secret."""
    from kiosk.storage.migrate import upgrade

    clock = clock or SystemClock()
    catalogue = load_catalogue(settings.catalogue_path)  # refuse a broken file before touching the DB
    private_folder(settings.data_dir, tighten=True)
    db = Database(settings.db_url)
    try:
        before = db.schema_revision()
        upgrade(db)
        digest = catalogue.digest()
        now = clock.now()
        with db.write() as s:
            latest = s.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1)).first()
            loaded = latest is None or latest.digest != digest
            if loaded:
                latest = CatalogueVersion(
                    loaded_at=now,
                    digest=digest,
                    source=str(settings.catalogue_path),
                    body=catalogue.to_json(),
                )
                s.add(latest)
                s.flush()
                day = now.astimezone(settings.zone).date()
                record(s, Kind.CATALOGUE_LOADED, CatalogueLoaded(latest.id, digest), now, day)
            assert latest is not None
            catalogue_id = latest.id
        created = create_secret(settings.secret_path)
        pin_key_created = not settings.pin_key_path.exists()
        load_pin_key(settings.pin_key_path)
        if settings.secret_path.exists():
            QueueService(db, settings, clock, read_secret(settings.secret_path)).purge_notes()
        return InitReport(
            before, db.schema_revision(), catalogue_id, loaded, created, pin_key_created, _safe_url(db)
        )
    finally:
        db.dispose()


def open_service(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> QueueService:
    """A service over an initialised database; a clear message when `kiosk init` is still due. A
    database it opened and cannot use is closed again (its connections would be left open)."""
    own = db is None
    db = db or Database(settings.db_url)
    try:
        revision = db.schema_revision()
        if revision != SCHEMA_REVISION:
            raise not_ready(revision)
        service = QueueService(db, settings, clock or SystemClock(), read_secret(settings.secret_path))
        service.reload_catalogue()
    except BaseException:
        if own:
            db.dispose()
        raise
    return service


def open_staff(service: QueueService) -> StaffDirectory:
    """The staff directory of a service's database, with this machine's PIN key."""
    settings = service.settings
    return StaffDirectory(service.db, service.clock, load_pin_key(settings.pin_key_path), settings.zone)


def _safe_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)
