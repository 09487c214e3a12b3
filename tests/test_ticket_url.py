"""The ticket's QR as a URL for the visitor's phone (`public_url`), scanned at the counters like
today's payload; the phone's own moves (on my way, leave) and the read model it follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.decode import decode_job
from kiosk.clock import FixedClock
from kiosk.config import load_settings
from kiosk.domain.tickets import State
from kiosk.errors import ConfigError, InvalidTransition, ScanRefused
from kiosk.service import QueueService
from printer.printing import TicketPrinter
from tests.test_printer import read_qr
from tests.test_signing import QR_ALPHANUMERIC


@pytest.fixture
def phone_service(service: QueueService) -> QueueService:
    """The same centre with `public_url` set (the service reads its settings on each issue)."""
    settings = service.settings.model_copy(update={"public_url": "http://10.0.0.5:8080"})
    service.settings = settings
    return service


def test_qr_is_an_upper_case_url_holding_the_signed_token(phone_service: QueueService) -> None:
    issued = phone_service.issue("pension-new", language="uk")
    token = phone_service.ticket_token(issued.ticket)
    assert issued.qr == f"HTTP://10.0.0.5:8080/T/{token}"
    assert set(issued.qr) <= QR_ALPHANUMERIC  # the QR's alphanumeric mode holds it
    assert token.startswith("K1:") and token == phone_service.qr_payload(issued.ticket).rpartition("/T/")[2]
    assert phone_service.open_scanned(issued.qr).id == issued.ticket.id
    assert phone_service.open_scanned(issued.qr.lower() + "\n").id == issued.ticket.id
    assert phone_service.open_scanned(token).id == issued.ticket.id  # the old form still scans
    assert phone_service.ticket_of_token(token).id == issued.ticket.id


def test_without_public_url_the_qr_stays_the_payload(service: QueueService) -> None:
    issued = service.issue("pension-new")
    assert issued.qr == service.ticket_token(issued.ticket) and issued.qr.startswith("K1:")


def test_url_form_is_refused_when_forged_or_of_another_day(
    phone_service: QueueService, clock: FixedClock
) -> None:
    issued = phone_service.issue("pension-new")
    forged = issued.qr[:-1] + ("A" if issued.qr[-1] != "A" else "B")
    with pytest.raises(ScanRefused) as caught:
        phone_service.open_scanned(forged)
    assert caught.value.reason == "forged"
    with pytest.raises(ScanRefused) as caught:
        phone_service.open_scanned("HTTP://10.0.0.5:8080/T/")
    assert caught.value.reason == "malformed"
    clock.advance(days=1)
    with pytest.raises(ScanRefused) as caught:
        phone_service.ticket_of_token(issued.qr)
    assert caught.value.reason == "other_day"


def test_printed_url_qr_decodes_and_scans(phone_service: QueueService, tmp_path: Path) -> None:
    issued = phone_service.issue("pension-new", language="ro")
    printer = TicketPrinter(phone_service, f"preview://{tmp_path / 'out'}")
    result = printer.submit(issued).result(timeout=30)
    printer.close()
    assert result.ok and result.job
    image, _ = decode_job(Path(result.job).read_bytes())
    text = read_qr(image)
    assert text == issued.qr and text.startswith("HTTP://10.0.0.5:8080/T/K1:")
    assert phone_service.open_scanned(text).id == issued.ticket.id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"ftp://10.0.0.5"', "public_url: expected an http:// or https:// address"),
        ('"http://10.0.0.5:8080/?a=1"', "public_url: the address may not hold a query"),
        ('"http://10.0.0.5/#x"', "public_url: the address may not hold a query"),
        ('"10.0.0.5:8080"', "public_url: expected an http:// or https:// address"),
        ('"http://user:pw@10.0.0.5"', "public_url: the address may not hold a user name"),
        ('"http://10.0.0.5:99999"', "public_url: expected an address like"),
    ],
)
def test_bad_public_url_names_the_key(tmp_path: Path, value: str, expected: str) -> None:
    config = tmp_path / "centre.toml"
    config.write_text(f"public_url = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert expected in str(caught.value)


def test_good_public_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    config = tmp_path / "centre.toml"
    config.write_text('public_url = "https://queue.centre.example/"\n')
    assert load_settings(config, environ={}).public_url == "https://queue.centre.example"


def test_on_my_way_once_per_call_and_only_when_called(service: QueueService) -> None:
    issued = service.issue("pension-new")
    with pytest.raises(InvalidTransition, match="not called"):
        service.on_my_way(issued.ticket.id)
    service.call_next("6")
    service.on_my_way(issued.ticket.id)
    service.on_my_way(issued.ticket.id)  # a second tap records nothing more
    kinds = [(e.kind, e.data, e.window) for e in service.history(issued.ticket.id)]
    assert kinds[-1] == ("on_my_way", {"source": "phone"}, "6")
    assert [k for k, _, _ in kinds].count("on_my_way") == 1
    status = service.ticket_statuses([issued.ticket.id])[issued.ticket.id]
    assert status.on_my_way and status.ticket.window == "6"
    service.recall(window="6")
    status = service.ticket_statuses([issued.ticket.id])[issued.ticket.id]
    assert status.on_my_way and status.recalls == 1 and status.last_recall_at is not None


def test_leave_cancels_with_its_source_only_while_waiting_or_called(service: QueueService) -> None:
    first = service.issue("pension-new")
    second = service.issue("pension-new")
    left = service.leave(second.ticket.id)
    assert left.state == State.CANCELLED
    assert service.history(second.ticket.id)[-1].data == {"source": "phone"}
    with pytest.raises(InvalidTransition, match="cannot leave"):
        service.leave(second.ticket.id)
    service.call_next("6")
    service.start(window="6")
    with pytest.raises(InvalidTransition, match="is serving: it cannot leave"):
        service.leave(first.ticket.id)


def test_statuses_read_places_and_waits_per_department(service: QueueService) -> None:
    tickets = [service.issue("pension-new").ticket for _ in range(4)]
    other = service.issue("job-register", language="vi").ticket
    statuses = service.ticket_statuses([t.id for t in tickets] + [other.id, 999])
    assert [statuses[t.id].ahead for t in tickets] == [0, 1, 2, 3]
    assert statuses[other.id].ahead == 0 and 999 not in statuses
    typical = service.catalogue.service("pension-new")[0].typical_minutes
    assert statuses[tickets[3].id].wait_minutes == service.estimate_minutes("pensions", 3, typical) > 0
    service.call_next("6")
    moved = service.transfer(tickets[2].id, "employment")
    statuses = service.ticket_statuses([t.id for t in tickets])
    assert statuses[tickets[0].id].ticket.state == State.CALLED and statuses[tickets[0].id].ahead == 0
    assert statuses[tickets[1].id].ahead == 0 and statuses[tickets[3].id].ahead == 1
    assert statuses[moved.id].transferred_from == "pensions"
    assert statuses[moved.id].ticket.department == "employment"
