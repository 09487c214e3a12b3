"""Priority rights that are hard to get round: one document however it is typed, and one priority
ticket of a category per kiosk terminal every few minutes (the front desk gives the next)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.errors import PriorityRefused, PriorityRepeated
from kiosk.runtime import open_service
from kiosk.security import signing
from kiosk.service import QueueService

SECRET = b"0123456789abcdef0123456789abcdef"
LATIN_LOOKS: dict[str, list[str]] = {}
for _code, _latin in signing.LOOKALIKES.items():
    LATIN_LOOKS.setdefault(chr(_latin), []).append(chr(_code))
DOCUMENT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=14)
SEPARATORS = st.sampled_from([" ", "-", "/", ".", "\u00a0", "\t", "\u2013", "\u200b", "_", "\u3000"])


@st.composite
def spellings(draw: st.DrawFn, document: str) -> str:
    """`document` as a person might type it: any case, look-alike letters of another script,
    full-width forms, separators anywhere."""
    out = []
    for char in document:
        forms = [
            char,
            char.lower(),
            chr(ord(char) + 0xFEE0),
            *LATIN_LOOKS.get(char, []),
        ]  # 0xFEE0: full width
        forms += [f.lower() for f in LATIN_LOOKS.get(char, [])]
        out.append(draw(st.sampled_from(forms)))
        out.append(draw(st.lists(SEPARATORS, max_size=2).map("".join)))
    return draw(st.lists(SEPARATORS, max_size=2).map("".join)) + "".join(out)


@given(st.data(), DOCUMENT)
@settings(max_examples=300)
def test_one_document_however_typed_gives_one_hash(data: st.DataObject, document: str) -> None:
    typed = data.draw(spellings(document))
    assert signing.holder_hash(SECRET, typed) == signing.holder_hash(SECRET, document), typed


@given(st.data(), DOCUMENT, DOCUMENT)
@settings(max_examples=300)
def test_different_documents_give_different_hashes(data: st.DataObject, one: str, other: str) -> None:
    if one == other:
        return
    assert signing.holder_hash(SECRET, data.draw(spellings(one))) != signing.holder_hash(
        SECRET, data.draw(spellings(other))
    )


def test_latin_and_cyrillic_spellings_are_one_right(service: QueueService) -> None:
    service.issue("pension-new", priority="veteran", holder="AB123456", source="desk")
    for typed in ("АВ123456", "ав 123 456", "Ab-123-456", "ＡＢ１２３４５６"):
        with pytest.raises(PriorityRefused, match="once a day"):
            service.issue("pension-new", priority="veteran", holder=typed, source="desk")
    service.issue("pension-new", priority="veteran", holder="AB123457", source="desk")


@pytest.fixture
def kiosks(service: QueueService, clock: FixedClock) -> Iterator[tuple[QueueService, QueueService]]:
    """Two kiosk terminals, each its own process in real life: same database, own terminal name."""

    def terminal(name: str) -> QueueService:
        named: Settings = service.settings.model_copy(update={"terminal_name": name})
        return open_service(named, clock)

    first, second = terminal("hall-1"), terminal("hall-2")
    yield first, second
    first.db.dispose()
    second.db.dispose()


def test_one_terminal_gives_one_priority_ticket_of_a_category_per_few_minutes(
    service: QueueService, clock: FixedClock, kiosks: tuple[QueueService, QueueService]
) -> None:
    hall, other_hall = kiosks
    first = hall.issue("pension-new", priority="aged-80")
    assert hall.history(first.ticket.id)[0].data["terminal"] == "hall-1"
    before = hall.day_view(), hall.audit()
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(PriorityRepeated, match="less than 5 min ago: the front desk gives the next one"):
        hall.issue("pension-recalc", priority="aged-80")  # another service, the same claim
    assert (hall.day_view(), hall.audit()) == before, "a refusal changes nothing"
    other_hall.issue("pension-new", priority="aged-80")  # another terminal
    hall.issue("pension-new", priority="veteran")  # another category
    hall.issue("pension-new")  # no priority at all
    service.issue("pension-new", priority="aged-80", source="desk")  # the front desk: not limited
    service.issue("pension-new", priority="aged-80", source="cli")
    clock.advance(seconds=1)
    hall.issue("pension-new", priority="aged-80")  # five minutes on


def test_the_limit_can_be_switched_off(
    service: QueueService, clock: FixedClock, kiosks: tuple[QueueService, QueueService]
) -> None:
    open_hall = open_service(kiosks[0].settings.model_copy(update={"priority_repeat_minutes": 0}), clock)
    try:
        open_hall.issue("pension-new", priority="aged-80")
        open_hall.issue("pension-new", priority="aged-80")
    finally:
        open_hall.db.dispose()
    with pytest.raises(PriorityRepeated):
        kiosks[0].issue("pension-new", priority="aged-80")  # hall-1 with the limit sees both
