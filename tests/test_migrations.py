"""`kiosk init` on an empty database and again on an existing one leaves the schema equal to the models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise
from kiosk.storage.db import Database
from kiosk.storage.migrate import head_revision, schema_differences
from kiosk.storage.models import CatalogueVersion
from tests.conftest import make_settings


def test_init_twice_keeps_schema_equal_to_models(settings: Settings, clock: FixedClock) -> None:
    first = initialise(settings, clock)
    assert first.revision_before is None and first.revision == head_revision()
    assert first.catalogue_loaded and first.secret_created
    second = initialise(settings, clock)
    assert second.revision_before == head_revision()
    assert not second.catalogue_loaded and not second.secret_created
    assert second.catalogue_id == first.catalogue_id
    db = Database(settings.db_url)
    try:
        assert db.schema_revision() == head_revision()
        assert schema_differences(db) == []
    finally:
        db.dispose()


def test_the_terminals_know_the_newest_revision() -> None:
    from kiosk.storage import SCHEMA_REVISION

    assert head_revision() == SCHEMA_REVISION, "update kiosk.storage.SCHEMA_REVISION with each migration"


def test_changed_catalogue_is_stored_as_a_new_version(
    tmp_path: Path, sqlite_url: str, clock: FixedClock
) -> None:
    source = (Path(__file__).parents[1] / "data" / "catalogue.toml").read_text()
    changed = tmp_path / "catalogue.toml"
    changed.write_text(source.replace("typical_minutes = 12", "typical_minutes = 13", 1))
    settings = make_settings(tmp_path, sqlite_url)
    initialise(settings, clock)
    report = initialise(make_settings(tmp_path, sqlite_url, catalogue=changed), clock)
    assert report.catalogue_loaded and report.catalogue_id == 2
    db = Database(sqlite_url)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CatalogueVersion)) == 2
    db.dispose()
