"""The PostgreSQL roles the README tells a centre to make (docs/postgresql-roles.sql): `kiosk init`
works as the owner, every terminal's work as the terminal role, and the terminal role can delete
nothing and change no table."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from kiosk.clock import FixedClock
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.security.exit_pin import ExitGuard
from tests.conftest import MONDAY_10, PG_SERVER, _server_or_fail, make_settings

ROLES_SQL = Path(__file__).resolve().parents[1] / "docs" / "postgresql-roles.sql"

pytestmark = pytest.mark.postgres
FORBIDDEN = ("DELETE FROM events", "DELETE FROM tickets", "DROP TABLE staff", "TRUNCATE counters")


def _statements(sql: str) -> list[str]:
    """The script's statements, `\\connect DB` kept as its own item (psql's meta-command)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    out: list[str] = []
    buffer = ""
    for line in lines:
        if line.startswith("\\connect"):
            out.append(line.strip())
            continue
        buffer += line + "\n"
        if line.rstrip().endswith(";"):
            out.append(buffer.strip())
            buffer = ""
    return out


@pytest.fixture
def roles() -> Iterator[tuple[str, str]]:
    """The script run on the test server with unique names; (owner URL, terminal URL)."""
    _server_or_fail()
    tag = uuid.uuid4().hex[:8]
    owner, terminal, database = f"kiosk_owner_{tag}", f"kiosk_terminal_{tag}", f"kiosk_test_roles_{tag}"
    sql = ROLES_SQL.read_text().replace("kiosk_owner", owner).replace("kiosk_terminal", terminal)
    sql = sql.replace("CREATE DATABASE kiosk ", f"CREATE DATABASE {database} ").replace(
        "\\connect kiosk", f"\\connect {database}"
    )
    base = PG_SERVER.rsplit("/", 1)[0]
    conn = psycopg.connect(PG_SERVER, autocommit=True)
    try:
        for statement in _statements(sql):
            if statement.startswith("\\connect"):
                conn.close()
                conn = psycopg.connect(f"{base}/{statement.split()[1]}", autocommit=True)
            else:
                conn.execute(statement)  # type: ignore[arg-type]
        conn.close()
        host = base.split("@", 1)[1]
        yield f"postgresql://{owner}@{host}/{database}", f"postgresql://{terminal}@{host}/{database}"
    finally:
        conn.close()
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # type: ignore[arg-type]
            admin.execute(f'DROP ROLE IF EXISTS "{terminal}"')  # type: ignore[arg-type]
            admin.execute(f'DROP ROLE IF EXISTS "{owner}"')  # type: ignore[arg-type]


def test_terminals_work_as_the_terminal_role_and_can_delete_nothing(
    roles: tuple[str, str], tmp_path: Path
) -> None:
    owner_url, terminal_url = roles
    clock = FixedClock(MONDAY_10)
    initialise(make_settings(tmp_path, owner_url), clock)
    service = open_service(make_settings(tmp_path, terminal_url), clock)
    try:
        staff = open_staff(service)
        staff.add("Olena", "admin", "482913")
        assert staff.sign_in("Olena", "482913", role="admin").name == "Olena"
        assert ExitGuard(staff, "lobby-1").try_pin("000000").member is None
        first = service.issue("pension-new", staff="Olena").ticket
        service.issue("pension-new")
        assert service.call_next("6", staff="Olena").id == first.id
        service.start(window="6", staff="Olena")
        service.transfer(first.id, "employment", staff="Olena", note="needs a job centre form")
        service.close_day(staff="Olena")
        service.purge_notes()
        assert service.stats().total.issued == 2
        for statement in FORBIDDEN:
            with (
                pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
                service.db.write() as s,
            ):
                s.execute(text(statement))
    finally:
        service.db.dispose()
