"""Statements compiled once into text (`kiosk.storage.frozen`) find the same rows as the statement
itself on both databases, with typed parameters and the values the statement holds; an expanding IN
list is refused rather than run wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, literal, select

from kiosk.service import QueueService
from kiosk.storage.frozen import frozen
from kiosk.storage.models import Ticket


def test_a_frozen_select_finds_what_the_select_finds(service: QueueService) -> None:
    for code in ("pension-new", "pension-new", "job-register"):
        service.issue(code, source="kiosk")
    since = service.now() - timedelta(minutes=1)
    statement = (
        select(Ticket.code)
        .where(
            Ticket.day == bindparam("p_day"),
            Ticket.issued_at > bindparam("p_since"),
            Ticket.department.in_([literal("pensions"), literal("family")]),
            Ticket.number < 10,  # a value the statement holds itself
        )
        .order_by(Ticket.id)
    )
    values = {"p_day": service.today(), "p_since": since}
    with service.db.read() as s:
        plain = s.scalars(statement, values).all()
        text = frozen(statement, s.get_bind().dialect)
        assert s.scalars(text, values).all() == plain == ["P-001", "P-002"]
        later = {"p_day": service.today(), "p_since": service.now() + timedelta(minutes=1)}
        assert s.scalars(text, later).all() == []


def test_an_expanding_in_list_is_refused(service: QueueService) -> None:
    statement = select(Ticket.id).where(Ticket.department.in_(["pensions", "family"]))
    with service.db.read() as s, pytest.raises(ValueError, match="expanding IN"):
        frozen(statement, s.get_bind().dialect)
