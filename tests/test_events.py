"""Typed events: every kind has a payload, stored rows of every kind read back into it unchanged, the
one writer refuses a payload of another kind's shape, and no other module builds event rows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.domain.events import (
    CALLS,
    PAYLOADS,
    TICKET_MOVES,
    Called,
    Empty,
    Issued,
    Kind,
    Transferred,
    payload_of,
    read_payload,
)
from kiosk.domain.payload import PayloadError
from kiosk.domain.tickets import MOVES
from kiosk.service import QueueService
from kiosk.storage.journal import record
from kiosk.storage.models import Event

# One row of every kind as the code before typed events stored it (keys and values as written then).
STORED: list[tuple[str, dict[str, Any]]] = [
    ("issued", {"service": "pension-new", "language": "uk", "source": "kiosk", "terminal": "lobby-1"}),
    ("issued", {"service": "pension-new", "language": "en", "source": "kiosk", "terminal": "k",
                "priority": "veteran", "interpreter": True}),
    ("issued", {"service": "pension-new", "language": "en", "source": "cli"}),  # before `terminal`
    ("called", {"code": "P-001"}),
    ("called", {"code": "P-001", "override": "the visitor uses a wheelchair"}),
    ("recalled", {"code": "P-001"}),
    ("started", {}),
    ("started", {"quick": True}),
    ("finished", {"quick": True}),
    ("no_show", {}),
    ("held", {}),
    ("returned", {}),
    ("returned", {"reason": "called too long ago with no answer", "window": "6"}),
    ("transferred", {"from": "pensions", "to": "info", "service": "info-general"}),
    ("transferred", {"from": "pensions", "to": "info", "service": "info-general", "note": "needs form 7"}),
    ("transferred", {"from": "pensions", "to": "info", "service": "info-general", "note_purged": True}),
    ("cancelled", {}),
    ("cancelled", {"reason": "left"}),
    ("closed", {"reason": "end of day"}),
    ("priority_changed", {"from": None, "to": "veteran", "reason": "showed a card"}),
    ("printed", {"printer": "usb:///dev/usb/lp0"}),
    ("printed", {"printer": "file:///tmp/jobs", "job": "/tmp/jobs/1.bin"}),
    ("reprinted", {"printer": "tcp://10.0.0.5:9100"}),
    ("print_failed", {"printer": "tcp://10.0.0.5:9100", "reason": "paper_out", "message": "no paper",
                      "reprint": False}),
    ("day_closed", {"closed": 3}),
    ("department_closed", {}),
    ("department_opened", {}),
    ("last_ticket_set", {"last_ticket": "15:30"}),
    ("last_ticket_set", {"last_ticket": None}),
    ("window_paused", {}),  # before a break needed a reason
    ("window_paused", {"reason": "lunch"}),
    ("window_resumed", {}),
    ("catalogue_loaded", {"catalogue": 2, "digest": "ab" * 32}),
    ("staff_added", {"name": "Iryna", "role": "admin"}),
    ("staff_pin_changed", {"name": "Iryna"}),
    ("staff_enabled", {"name": "Iryna"}),
    ("staff_disabled", {"name": "Iryna"}),
    ("staff_role_changed", {"name": "Iryna", "role": "staff"}),
    ("signed_in", {"name": "Iryna", "role": "staff"}),
    ("staff_locked", {"name": "Iryna"}),
    ("exit_pin_refused", {"terminal": "lobby-1", "wrong_in_a_row": 4}),
    ("exit_pin_too_soon", {"terminal": "lobby-1", "wrong_in_a_row": 4}),
    ("kiosk_closed", {"terminal": "lobby-1"}),
    ("checkin_code_refused", {"terminal": "lobby-1", "wrong_in_a_row": 2}),
    ("checkin_too_soon", {"terminal": "lobby-1", "wrong_in_a_row": 5}),
    ("on_my_way", {"source": "phone"}),
    ("rated", {"score": 4, "reasons": ["staff_helpful"], "source": "phone", "window": "6",
               "served_by": "Olena"}),
    ("rated", {"score": 2, "reasons": [], "source": "cli"}),
    ("cancelled", {"source": "phone"}),
    ("issued", {"service": "pension-new", "language": "uk", "source": "api", "token": "crm"}),
    ("token_added", {"name": "crm", "scope": "issue"}),
    ("token_revoked", {"name": "crm", "scope": "read"}),
    ("booked", {"code": "KMT74X", "service": "pension-new", "at": "2026-11-23T10:20:00+02:00",
                "source": "cli"}),
    ("booking_moved", {"code": "KMT74X", "service": "pension-new", "from": "2026-11-23T10:20:00+02:00",
                       "to": "2026-11-23T11:00:00+02:00"}),
    ("booking_cancelled", {"code": "KMT74X", "service": "pension-new", "at": "2026-11-23T10:20:00+02:00"}),
    ("checked_in", {"code": "KMT74X", "service": "pension-new", "at": "2026-11-23T10:20:00+02:00",
                    "ticket_id": 7, "number": "P-007", "source": "kiosk"}),
    ("booking_no_show", {"code": "KMT74X", "service": "pension-new", "at": "2026-11-23T10:20:00+02:00"}),
]  # fmt: skip


def test_every_kind_has_a_payload_and_every_ticket_move_is_a_kind() -> None:
    assert set(PAYLOADS) == set(Kind)
    assert {kind for kind, _ in STORED} == {k.value for k in Kind}, "an example of every kind"
    assert set(MOVES) | {Kind.ISSUED} == TICKET_MOVES, "the state machine moves a ticket by these kinds"
    assert Kind.CALLED == "called" and "recalled" in CALLS  # stored strings compare unchanged


@pytest.mark.parametrize(("kind", "data"), STORED)
def test_stored_rows_read_back_into_their_payload_unchanged(kind: str, data: dict[str, Any]) -> None:
    payload = read_payload(kind, data)
    assert isinstance(payload, PAYLOADS[Kind(kind)])
    assert payload.to_data() == data, "written again, the row keeps its keys and values"


def test_typed_fields_read_as_stored() -> None:
    issued = read_payload("issued", STORED[1][1])
    assert isinstance(issued, Issued) and (issued.priority, issued.interpreter) == ("veteran", True)
    old = read_payload("issued", STORED[2][1])
    assert isinstance(old, Issued) and old.terminal is None
    moved = read_payload("transferred", STORED[14][1])
    assert isinstance(moved, Transferred) and (moved.from_, moved.note) == ("pensions", "needs form 7")


def test_a_row_missing_a_needed_key_or_of_an_unknown_kind_is_named() -> None:
    with pytest.raises(PayloadError, match="Transferred event has no 'from'"):
        read_payload("transferred", {"to": "info", "service": "info-general"})
    with pytest.raises(PayloadError, match="no event kind 'teleported'"):
        read_payload("teleported", {})


def test_the_writer_refuses_another_kinds_payload(service: QueueService) -> None:
    now = service.now()
    refused = pytest.raises(PayloadError, match="a called event carries Called, not Empty")
    with refused, service.db.write() as s:
        record(s, Kind.CALLED, Empty(), now, service.today())
    with service.db.read() as s:
        assert s.scalars(select(Event).where(Event.kind == "called")).first() is None


def test_record_notice_refuses_a_shape_its_kind_does_not_take(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    with pytest.raises(PayloadError):
        service.record_notice("transferred", ticket.id, {"note": "x"})
    with pytest.raises(PayloadError):
        service.record_notice("teleported", ticket.id, {})
    assert [e.kind for e in service.history(ticket.id)] == ["issued"]


def test_readers_get_typed_payloads_of_what_the_service_wrote(service: QueueService) -> None:
    ticket = service.issue("pension-new", language="uk").ticket
    service.call_next("6")
    issued, called = service.history(ticket.id)
    first = payload_of(issued)
    assert isinstance(first, Issued) and (first.service, first.language) == ("pension-new", "uk")
    assert payload_of(called) == Called(code=ticket.code, language="uk")  # the hall calls it in uk too


def test_no_module_but_the_journal_builds_an_event_row() -> None:
    root = Path(__file__).parents[1]
    builders = [
        str(path.relative_to(root))
        for folder in ("kiosk", "screens", "printer")
        for path in sorted((root / folder).rglob("*.py"))
        if re.search(
            r"(?<![\w.])(?<!class )Event\(|insert\(Event\b|Event\.__table__", path.read_text(encoding="utf-8")
        )
    ]
    assert builders == ["kiosk/storage/journal.py"]
