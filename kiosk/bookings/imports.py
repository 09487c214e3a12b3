"""The CSV import of bookings from an outside booking system, all rows or none, without blocking the
hall: every row is checked before any write (the catalogue, the clock, and the seats and codes the
file needs against those taken), then written in short transactions so kiosks issue between them."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.bookings.base import ATTEMPTS, IMPORT_COLUMNS, BookingCore, _Request
from kiosk.domain.codes import ALPHABET, new_code, parse_code
from kiosk.domain.events import Booking as BookingPayload
from kiosk.domain.events import Kind
from kiosk.domain.tickets import SEATED, BookingState, BookingView
from kiosk.errors import ImportRefused, KioskError, quoted
from kiosk.storage.journal import record
from kiosk.storage.models import Booking

BOOKED = BookingState.BOOKED
MAX_IMPORT_ROWS = 100_000  # a centre books a few hundred a day; more is a wrong file
CHUNK = 200  # rows per write transaction: each holds the write lock for a moment only
PAUSE = 0.05  # seconds between chunks: other writers take SQLite's write lock then
BATCH = 500  # values per IN (...) when a read looks rows up
T = TypeVar("T")


class _Raced(KioskError):
    """A seat or code the file needs was taken by another booking while the import wrote."""


class BookingImport(BookingCore):
    def import_bookings(self, text: str, source_name: str, staff: str | None = None) -> list[BookingView]:
        """Book every row of a CSV file, or none: ImportRefused names each bad row by its line number
        (the first 50, then how many more). Columns (a header row first, in any order): service, at
        (YYYY-MM-DDTHH:MM, the centre's local time) required; language (default: the centre's main
        language), name, phone, code (the outside system's code, if it gave one: 6 characters of
        `ALPHABET`) optional. Should another booking take a seat or code the file needs while it is
        written, the rows written are cancelled again and nothing is imported."""
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        _check_header(header, source_name)
        reader.fieldnames = header
        self.roll_over()
        requests, problems = self._import_rows(reader, source_name)
        problems += self._import_fits(requests)
        if problems:
            problems.sort(key=lambda p: int(p.split(":")[0].removeprefix("line ")))
            raise ImportRefused(source_name, problems)
        return self._import_write(requests, source_name, staff)

    def _import_rows(
        self, reader: csv.DictReader[str], source_name: str
    ) -> tuple[list[tuple[int, _Request]], list[str]]:
        """Every row checked against the catalogue and the clock (no database lock is taken): the
        good ones, and the bad ones' problems ("line 4: ...")."""
        requests: list[tuple[int, _Request]] = []
        problems: list[str] = []
        try:
            for count, values in enumerate(reader, 1):
                if count > MAX_IMPORT_ROWS:
                    raise ImportRefused(
                        source_name,
                        [f"more than {MAX_IMPORT_ROWS} rows: split the file and import each part"],
                    )
                line = reader.line_num
                if None in values:
                    problems.append(f"line {line}: more cells than columns")
                    continue
                cells = {k: (v or "").strip() for k, v in values.items()}
                if not any(cells.values()):
                    continue
                try:
                    requests.append((line, self._import_row(cells)))
                except KioskError as exc:
                    problems.append(f"line {line}: {str(exc).splitlines()[0]}")
        except csv.Error as exc:
            raise ImportRefused(source_name, [f"line {reader.line_num}: not CSV ({exc})"]) from None
        return requests, problems

    def _import_row(self, cells: dict[str, str]) -> _Request:
        if not cells.get("service"):
            raise KioskError("no service")
        text = cells.get("at", "")
        try:
            at = datetime.strptime(text, "%Y-%m-%dT%H:%M")
        except ValueError:
            raise KioskError(f"at {quoted(text, 30)}: expected a time like 2026-11-24T10:20") from None
        code = None
        if cells.get("code"):
            code = parse_code(cells["code"])
            if code is None:
                raise KioskError(f"code {quoted(cells['code'], 30)}: expected 6 characters of {ALPHABET}")
        language = cells.get("language") or self.settings.main_language
        return self._request(cells["service"], at, language, cells.get("name"), cells.get("phone"), code)

    def _import_fits(self, requests: list[tuple[int, _Request]]) -> list[str]:
        """Where the rows do not fit the seats still free, or use a code twice or one in use: read,
        not locked."""
        slots = {(r.service.code, r.at) for _, r in requests}
        days = sorted({r.at.date() for _, r in requests})
        codes = sorted({r.code for _, r in requests if r.code})
        taken: Counter[tuple[str, datetime]] = Counter()
        in_use: set[str] = set()
        with self.db.read() as s:
            for days_part in _batches(days):
                query = (
                    select(Booking.service, Booking.at, func.count())
                    .where(Booking.day.in_(days_part), Booking.state.in_(SEATED))
                    .group_by(Booking.service, Booking.at)
                )
                for service, at, count in s.execute(query):
                    if (service, at) in slots:
                        taken[(service, at)] = count
            for part in _batches(codes):
                in_use.update(
                    s.scalars(
                        select(Booking.code).where(
                            Booking.code.in_(part), Booking.state == BookingState.BOOKED
                        )
                    )
                )
        problems: list[str] = []
        seen: set[str] = set()
        for line, r in requests:
            assert r.service.appointments is not None  # _request refused a walk-in-only service
            slot = (r.service.code, r.at)
            taken[slot] += 1
            if taken[slot] > r.service.appointments.per_slot:
                problems.append(f"line {line}: the slot {r.at:%d.%m.%Y %H:%M} of {r.service.code} is full")
            if r.code in in_use:
                problems.append(f"line {line}: booking code {r.code} is in use already")
            elif r.code in seen:
                problems.append(f"line {line}: booking code {r.code} is in the file twice")
            if r.code:
                seen.add(r.code)
        return problems

    def _import_write(
        self, requests: list[tuple[int, _Request]], source_name: str, staff: str | None
    ) -> list[BookingView]:
        """Write the checked rows a chunk at a time: each chunk's seats and codes are read first, then
        its rows written in one short transaction, then the writer pauses, so that kiosks and counters
        waiting for SQLite's write lock get it between chunks (without the pause the next chunk takes
        it again before their busy handler looks)."""
        added: list[BookingView] = []
        try:
            for start in range(0, len(requests), CHUNK):
                chunk = requests[start : start + CHUNK]
                with self.db.read() as s:
                    rows = self._chunk_rows(s, chunk)
                with self.db.write() as s:
                    s.add_all(rows)
                    s.flush()
                    now = self.now()
                    for row in rows:
                        payload = BookingPayload(row.code, row.service, self._iso(row.at), "import")
                        record(
                            s,
                            Kind.BOOKED,
                            payload,
                            now,
                            self.local(now).date(),
                            department=row.department,
                            staff=staff,
                        )
                    part = [self._booking_view(s, row) for row in rows]
                added += part
                time.sleep(PAUSE)
        except (_Raced, IntegrityError) as exc:
            what = str(exc) if isinstance(exc, _Raced) else "a seat or code"
            self._cancel_imported([b.code for b in added], staff)
            raise KioskError(
                f"{source_name}: {what}: taken by another booking during the import; nothing was imported "
                f"(the {len(added)} booking(s) written before were cancelled again): run it again"
            ) from None
        return added

    def _chunk_rows(self, s: Session, chunk: list[tuple[int, _Request]]) -> list[Booking]:
        """The chunk's bookings, not yet added: the first free seats of their slots and free codes, as
        read now (a booking made before they are written: the unique seat and code indexes refuse
        them, and the import is undone)."""
        slots = {(r.service.code, r.at) for _, r in chunk}
        held: dict[tuple[str, datetime], set[int]] = {slot: set() for slot in slots}
        days = sorted({r.at.date() for _, r in chunk})
        query = select(Booking.service, Booking.at, Booking.seat).where(
            Booking.day.in_(days), Booking.state.in_(SEATED)
        )
        for service, at, seat in s.execute(query):
            if (service, at) in held:
                held[(service, at)].add(seat)
        codes = self._chunk_codes(s, chunk)
        now = self.now()
        rows: list[Booking] = []
        for (line, r), code in zip(chunk, codes, strict=True):
            assert r.service.appointments is not None
            seats = held[(r.service.code, r.at)]
            free = [n for n in range(1, r.service.appointments.per_slot + 1) if n not in seats]
            if not free:
                raise _Raced(f"line {line}: the slot {r.at:%d.%m.%Y %H:%M} of {r.service.code} is full")
            seats.add(free[0])
            rows.append(
                Booking(
                    code=code,
                    day=r.at.date(),
                    at=r.at,
                    service=r.service.code,
                    department=r.department.code,
                    seat=free[0],
                    language=r.language,
                    name=r.name,
                    phone=r.phone,
                    state=BookingState.BOOKED,
                    source="import",
                    created_at=now,
                )
            )
        return rows

    def _chunk_codes(self, s: Session, chunk: list[tuple[int, _Request]]) -> list[str]:
        """The rows' codes: the file's own, else new ones; none open already."""
        codes = [r.code or new_code() for _, r in chunk]
        for _ in range(ATTEMPTS):
            open_ = set(
                s.scalars(
                    select(Booking.code).where(Booking.code.in_(codes), Booking.state == BookingState.BOOKED)
                )
            )
            clashes = [i for i, c in enumerate(codes) if c in open_ or codes.index(c) != i]
            given = [i for i in clashes if chunk[i][1].code]
            if given:
                line, r = chunk[given[0]]
                raise _Raced(f"line {line}: booking code {r.code} is in use already")
            if not clashes:
                return codes
            for i in clashes:
                codes[i] = new_code()
        raise KioskError("could not find free booking codes; try again")  # 113 million codes: never

    def _cancel_imported(self, codes: list[str], staff: str | None) -> None:
        now = self.now()
        for part in _batches(codes, CHUNK):
            with self.db.write() as s:
                query = select(Booking).where(
                    Booking.code.in_(part), Booking.state == BookingState.BOOKED, Booking.source == "import"
                )
                for row in s.scalars(query):
                    row.state = BookingState.CANCELLED
                    payload = BookingPayload(row.code, row.service, self._iso(row.at), "import")
                    record(
                        s, Kind.BOOKING_CANCELLED, payload, now, self.local(now).date(),
                        department=row.department, staff=staff,
                    )  # fmt: skip


def _check_header(header: list[str], source_name: str) -> None:
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    missing = [h for h in ("service", "at") if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        what = []
        if missing:
            what.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            what.append(f"unknown column(s) {', '.join(quoted(u, 30) for u in unknown)}")
        if len(set(header)) != len(header):
            what.append("a column is named twice")
        raise ImportRefused(
            source_name, [f"line 1: {'; '.join(what)} (the columns are {', '.join(IMPORT_COLUMNS)})"]
        )


def _batches(values: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
