"""The booking slip: printed through the ticket printer's queue (and by `kiosk book --print`), decoded
from the printer's bytes, its QR read back with zxing-cpp: the bare booking code, which checks in; the
code's nine digits (for a keypad of digits) are printed under it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from harness.decode import decode_job
from kiosk.clock import FixedClock
from kiosk.domain.codes import code_of_number, number_code
from kiosk.presentation.ticket import slip_content
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from printer.layout import render_slip
from printer.printing import TicketPrinter
from tests.conftest import MONDAY_10, make_settings
from tests.test_cli import ADMIN, ADMIN_PIN, clean_env, run, run_json, write_config
from tests.test_printer import read_qr

SLOT = datetime(2026, 11, 23, 10, 30)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10)


@pytest.fixture
def service(tmp_path: Path, sqlite_url: str, clock: FixedClock) -> Iterator[QueueService]:
    settings = make_settings(tmp_path, sqlite_url, centre_name="Центр «Прозорий офіс» Луцьк")
    initialise(settings, clock)
    svc = open_service(settings, clock)
    yield svc
    svc.db.dispose()


@pytest.mark.parametrize(("width", "lang"), [(576, "uk"), (384, "vi")])
def test_the_slip_decodes_to_its_picture_and_its_qr_checks_in(
    service: QueueService, clock: FixedClock, tmp_path: Path, width: int, lang: str
) -> None:
    service.settings.__dict__["paper_width"] = width  # frozen model: the width under test
    booking = service.book("housing-subsidy", SLOT, lang)
    printer = TicketPrinter(service, f"preview://{tmp_path / 'out'}")
    result = printer.print_slip(booking)
    printer.close()
    assert result.ok and result.job
    assert Path(result.job).name == f"2026-11-23_booking-{booking.code}.bin"
    image, names = decode_job(Path(result.job).read_bytes())
    assert names[0] == "init" and names[-2:] == ["feed", "cut"]
    content = slip_content(booking, service.catalogue, service.settings)
    drawn = render_slip(content, width).convert(image.mode)
    assert image.tobytes() == drawn.tobytes(), "the printer gets the slip as drawn"
    assert (content.service, content.when) == (
        service.catalogue.service("housing-subsidy")[0].name(lang),
        "23.11.2026  10:30",
    )
    assert content.title != "Your appointment"  # in the booking's language
    digits = number_code(booking.code)  # the code for a keypad of digits: on the slip, in the picture
    assert len(digits.replace(" ", "")) == 9 and digits in content.number_code, content.number_code
    assert code_of_number(digits.replace(" ", "")) == booking.code
    without = render_slip(replace(content, number_code=content.number_code.replace(digits, "")), width)
    assert image.tobytes() != without.convert(image.mode).tobytes(), "the number code is not printed"
    scanned = read_qr(image)
    assert scanned == booking.code
    clock.set(MONDAY_10.replace(minute=25))
    issued = service.check_in(scanned)
    assert issued.ticket.booked_at == booking.at and issued.ticket.service == "housing-subsidy"


def test_another_code_draws_another_slip(service: QueueService) -> None:
    one, two = (service.book("housing-subsidy", SLOT) for _ in range(2))
    slips = [render_slip(slip_content(b, service.catalogue, service.settings)).tobytes() for b in (one, two)]
    assert one.code != two.code and slips[0] != slips[1]


def test_kiosk_book_print_prints_the_slip(tmp_path: Path) -> None:
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)))
    run("init", env=env)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, input=f"{ADMIN_PIN}\n")
    env = {**env, **ADMIN}
    booked = run_json(
        "book", "housing-subsidy", "--at", "2026-11-23T10:30", "--lang", "ro", "--print", env=env
    )
    assert booked["print"]["status"] == "printed", booked
    image, _ = decode_job(Path(booked["print"]["job"]).read_bytes())
    assert read_qr(image) == booked["code"]
    text = run("book", "housing-subsidy", "--at", "2026-11-23T10:30", "--print", env=env).stdout
    assert "slip printed on preview://" in text
    assert "print" not in run_json("book", "housing-subsidy", "--at", "2026-11-23T11:00", env=env)
