"""`kiosk init` on an empty database and again on an existing one leaves the schema equal to the models,
and a database that holds a day's data, created at the first revision, keeps it all up to the newest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.storage.db import Database
from kiosk.storage.migrate import alembic_config, head_revision, schema_differences, upgrade
from kiosk.storage.models import Base, CatalogueVersion
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


def _a_day_of_data(tmp_path: Path, clock: FixedClock) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows after a day made by the service at the newest revision: tickets in
    several states, a transfer with a note, staff."""
    settings = make_settings(tmp_path / "source", f"sqlite:///{tmp_path / 'source.sqlite3'}")
    initialise(settings, clock)
    service = open_service(settings, clock)
    for code in ("pension-new", "pension-new", "job-register", "housing-subsidy"):
        service.issue(code, language="uk")
    service.call_next("6")
    service.start(window="6")
    service.transfer(1, "employment", note="needs the job centre")
    service.call_next("6")
    service.no_show(window="6")
    open_staff(service).add("Olena", "admin", "482913")
    with service.db.read() as s:
        rows = {t.name: [dict(r._mapping) for r in s.execute(select(t))] for t in Base.metadata.sorted_tables}
    service.db.dispose()
    return rows


def test_upgrade_from_the_first_revision_keeps_the_data(
    tmp_path: Path, db_url: str, clock: FixedClock
) -> None:
    """Revision by revision from the first: each table gets its rows as soon as it exists (with the
    columns it has then), so every later migration runs over data. At the newest revision every row
    is still there, the schema equals the models, and the service works on the old tickets."""
    source = _a_day_of_data(tmp_path, clock)
    assert all(source[name] for name in ("tickets", "events", "staff", "catalogues", "counters"))
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    db = Database(db_url)
    filled: dict[str, set[str]] = {}
    try:
        for revision in revisions:
            upgrade(db, revision)
            with db.connection(write=True) as conn:
                for table in Base.metadata.sorted_tables:
                    if table.name not in filled and inspect(conn).has_table(table.name):
                        filled[table.name] = _insert(conn, table, source[table.name])
                conn.commit()
        assert db.schema_revision() == head_revision() == revisions[-1] and len(revisions) >= 2
        assert schema_differences(db) == []
        with db.read() as s:
            for table in Base.metadata.sorted_tables:
                columns = sorted(filled[table.name])
                kept = [dict(r._mapping) for r in s.execute(select(*(table.c[c] for c in columns)))]
                assert kept == [{c: row[c] for c in columns} for row in source[table.name]], table.name
    finally:
        db.dispose()
    service = open_service(make_settings(tmp_path / "source", db_url), clock)  # its QR secret
    try:
        assert service.issue("pension-new").ticket.code == "P-003", "the day's counters are kept"
        assert service.call_next("9").code == "P-001", "the transferred ticket kept its place"
        assert [m.name for m in open_staff(service).members()] == ["Olena"]
    finally:
        service.db.dispose()


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> set[str]:
    """Insert `rows` into the columns `table` has at this revision; returns those columns."""
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    columns = [c for c in table.c if c.name in present]
    if rows:
        target = sa.table(table.name, *(sa.column(c.name, c.type) for c in columns))
        conn.execute(target.insert(), [{c.name: row[c.name] for c in columns} for row in rows])
    if conn.dialect.name == "postgresql" and "id" in present and rows:  # ids were given: move the sequence
        conn.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), MAX(id)) FROM {table.name}")
        )
    return {c.name for c in columns}
