"""Printing: decode the job bytes back into an image, read the QR with zxing-cpp, check every glyph
of every language, and drive a loopback TCP printer through refusals, hangs, drops and paper faults."""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from harness.decode import decode_job, image_of
from harness.loopback import LoopbackPrinter
from kiosk.clock import FixedClock
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.tickets import Issued
from kiosk.presentation.i18n import translations
from kiosk.presentation.ticket import TicketContent
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from printer.layout import QR_MASK, fixed_band, font_path, render
from printer.printing import TicketPrinter
from printer.raster import encode
from printer.transports import EscposDevice, PrintFault, open_transport, parse_url
from tests.conftest import MONDAY_10, make_settings


@pytest.fixture
def service(tmp_path: Path, sqlite_url: str) -> Iterator[QueueService]:
    settings = make_settings(tmp_path, sqlite_url, centre_name="Центр «Прозорий офіс» Луцьк")
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    svc = open_service(settings, clock)
    yield svc
    svc.db.dispose()


def the_qr(image: Image.Image) -> zxingcpp.Barcode:
    found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1, f"expected one code, found {len(found)}"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0]


def read_qr(image: Image.Image) -> str:
    return str(the_qr(image).text)


def events_of(service: QueueService, ticket_id: int) -> list[tuple[str, dict[str, object]]]:
    return [(e.kind, e.data) for e in service.history(ticket_id)]


@pytest.mark.parametrize("width", [576, 384])
def test_preview_job_decodes_to_the_ticket_and_its_qr(
    service: QueueService, tmp_path: Path, width: int
) -> None:
    service.settings.__dict__["paper_width"] = width  # frozen model: the width under test
    issued = service.issue("pension-new", language="uk", priority="veteran", interpreter=True)
    printer = TicketPrinter(service, f"preview://{tmp_path / 'out'}")
    result = printer.submit(issued).result(timeout=30)
    printer.close()
    assert result.ok and result.job
    job = Path(result.job)
    assert job.name == f"{issued.ticket.day}_P-001.bin"
    image, names = decode_job(job.read_bytes())
    assert names[0] == "init" and names[-2:] == ["feed", "cut"]
    assert image.width == width
    assert read_qr(image) == issued.qr
    png = Image.open(job.with_suffix(".png")).convert("L")
    assert png.tobytes() == image.tobytes(), "the PNG shows exactly what the printer gets"
    assert service.open_scanned(read_qr(image)).id == issued.ticket.id
    assert [k for k, _ in events_of(service, issued.ticket.id)] == ["issued", "printed"]


def test_reprint_gets_its_own_file_and_event(service: QueueService, tmp_path: Path) -> None:
    issued = service.issue("job-register", language="tr")
    printer = TicketPrinter(service, f"preview://{tmp_path}")
    first = printer.submit(issued).result()
    again = printer.reprint(issued.ticket, staff="desk").result()
    printer.close()
    assert first.job and again.job and first.job != again.job
    assert again.job.endswith("E-001-2.bin")
    assert read_qr(decode_job(Path(again.job).read_bytes())[0]) == issued.qr
    kinds = [k for k, _ in events_of(service, issued.ticket.id)]
    assert kinds == ["issued", "printed", "reprinted"]


def _every_text(service: QueueService, lang: str) -> str:
    """All the text a ticket in `lang` can carry: catalogue names and every translated UI message."""
    catalogue = service.catalogue
    parts = [service.settings.centre_name]
    for dept in catalogue.department:
        parts.append(dept.name(lang))
        parts += [s.name(lang) for s in dept.service]
    parts += [p.name(lang) for p in catalogue.priority]
    catalog = translations(lang)
    for message in ("Sign-language interpreter requested", "Watch the screen: your number will be called",
                    "You are next", "Reprint", "Priority: {category}"):  # fmt: skip
        parts.append(catalog.gettext(message))
    for count in (1, 2, 5, 21):
        parts.append(catalog.ngettext("Window {windows}", "Windows {windows}", count))
        parts.append(
            catalog.ngettext(
                "{count} person ahead of you, about {minutes} min",
                "{count} people ahead of you, about {minutes} min",
                count,
            )
        )
    return "".join(parts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_character_of_every_language_has_a_glyph(service: QueueService, lang: str) -> None:
    cmap = TTFont(str(font_path()))["cmap"].getBestCmap()
    bold_cmap = TTFont(str(font_path(bold=True)))["cmap"].getBestCmap()
    text = _every_text(service, lang)
    missing = sorted(
        {ch for ch in text if not ch.isspace() and (ord(ch) not in cmap or ord(ch) not in bold_cmap)}
    )
    assert missing == [], f"{lang}: no glyph for {missing}"


def test_the_hard_letters_are_drawn_not_boxed() -> None:
    """Romanian ș ț, Ukrainian ґ ї є, Turkish ğ İ ı, Vietnamese ệ ả ơ ư each draw differently from
    the font's missing-glyph box."""
    from printer.layout import font

    face = font(40)

    def drawn(text: str) -> bytes:
        image = Image.new("L", (60, 60), 255)
        ImageDraw.Draw(image).text((5, 5), text, font=face, fill=0)
        return image.tobytes()

    notdef = drawn("\U000f0000")  # a private-use code point the font lacks: its .notdef box
    blank = drawn(" ")
    for letter in "șțăîâіїєґğşıİệảơư":
        assert drawn(letter) not in (notdef, blank), letter


def test_sample_ticket_in_each_language_prints_and_scans(service: QueueService) -> None:
    printer = TicketPrinter(service)
    for lang in LANGUAGES:
        issued = service.issue(
            "housing-subsidy", language=lang, priority="bereaved", interpreter=True, source="desk"
        )
        content = printer.content_of(issued.ticket, 3, 12, issued.qr)
        assert content.language == lang
        image = render(content, 576)
        assert read_qr(image) == issued.qr
    printer.close()


def _print_to(service: QueueService, url: str, timeout: float = 1.0) -> tuple[Issued, object]:
    issued = service.issue("pension-new", language="ro")
    printer = TicketPrinter(service, url, timeout=timeout)
    result = printer.submit(issued).result(timeout=30)
    printer.close()
    return issued, result


def test_tcp_printer_receives_the_job(service: QueueService) -> None:
    fake = LoopbackPrinter()
    try:
        issued, result = _print_to(service, fake.url)
        assert result.ok  # type: ignore[attr-defined]
        (job,) = fake.jobs()
        names = [c.name for c in job]
        assert names[:3] == ["status", "status", "init"], "status is checked before the job"
        assert names[-1] == "status", "and again after it"
        assert read_qr(image_of(job)) == issued.qr
    finally:
        fake.close()


def test_a_network_printer_gets_our_short_timeout_not_python_escpos_60_s() -> None:
    fake = LoopbackPrinter("hang")
    try:
        transport = open_transport(fake.url, timeout=0.5)
        assert isinstance(transport, EscposDevice)
        device = transport.factory()
        device.open()
        try:
            assert device.device.gettimeout() == 0.5, "every read and write on the socket gives up at 0.5 s"
        finally:
            device.close()
    finally:
        fake.close()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("paper_out", "paper_out"), ("cover_open", "cover_open"), ("offline", "offline"),
     ("hang", "timeout"), ("drop", "disconnected")],
)  # fmt: skip
def test_printer_faults_keep_the_ticket_and_tell_the_desk(
    service: QueueService, mode: str, reason: str
) -> None:
    fake = LoopbackPrinter(mode, drop_after=3000)
    try:
        issued, result = _print_to(service, fake.url, timeout=0.5)
        assert (result.status, result.reason) == ("failed", reason)  # type: ignore[attr-defined]
        ticket = service.ticket(issued.ticket.id)
        assert ticket.state.value == "waiting", "the ticket is saved and still in the line"
        kind, data = events_of(service, ticket.id)[-1]
        assert kind == "print_failed" and data["reason"] == reason
        fake.mode = "ok"  # fixed: the front desk reprints
        printer = TicketPrinter(service, fake.url, timeout=0.5)
        again = printer.reprint(ticket).result(timeout=30)
        printer.close()
        assert again.ok
        assert events_of(service, ticket.id)[-1][0] == "reprinted"
    finally:
        fake.close()


def test_refused_connection(service: QueueService) -> None:
    fake = LoopbackPrinter()
    port = fake.port
    fake.close()
    issued, result = _print_to(service, f"tcp://127.0.0.1:{port}")
    assert (result.status, result.reason) == ("failed", "refused")  # type: ignore[attr-defined]
    assert events_of(service, issued.ticket.id)[-1][0] == "print_failed"


def test_one_queue_prints_jobs_one_after_another(service: QueueService) -> None:
    fake = LoopbackPrinter()
    printer = TicketPrinter(service, fake.url)
    try:
        futures = [printer.submit(service.issue("pension-new")) for _ in range(5)]
        assert all(f.result(timeout=30).ok for f in futures)
        spans = sorted((c.opened, c.closed) for c in fake.connections)
        assert len(spans) == 5
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "jobs overlapped"
    finally:
        printer.close()
        fake.close()


def test_escpos_logging_never_reaches_the_terminal(
    service: QueueService, capfd: pytest.CaptureFixture[str]
) -> None:
    handlers = list(logging.getLogger().handlers)
    open_transport("tcp://127.0.0.1:9")
    _print_to(service, "tcp://127.0.0.1:9")
    assert logging.getLogger().handlers == handlers
    captured = capfd.readouterr()
    assert captured.err == ""


@pytest.mark.parametrize("url", ["ftp://x", "tcp://", "usb://zz:01", "tcp://host:port", "preview://", "lpt1"])
def test_bad_printer_urls(url: str) -> None:
    with pytest.raises(PrintFault) as caught:
        open_transport(url)
    assert caught.value.reason == "bad_url"


def test_url_forms() -> None:
    assert parse_url("serial:///dev/ttyUSB0?baudrate=115200").options == {"baudrate": "115200"}
    assert parse_url("file:///dev/usb/lp0").target == "/dev/usb/lp0"
    assert parse_url("usb://04b8:0202").target == "04b8:0202"


def test_raster_is_exact(tmp_path: Path) -> None:
    """A known pattern survives encode and decode bit for bit, across band boundaries."""
    image = Image.new("1", (64, 600), 1)
    for y in range(0, 600, 7):
        for x in range(y % 64, 64, 9):
            image.putpixel((x, y), 0)
    decoded, _ = decode_job(encode(image))
    assert decoded.convert("1").tobytes() == image.tobytes()
    with pytest.raises(ValueError):
        encode(Image.new("1", (60, 10), 1))


def test_content_has_the_main_language_department(service: QueueService) -> None:
    issued = service.issue("pension-new", language="vi")
    content: TicketContent = TicketPrinter(service).content_of(issued.ticket, 0, 0, issued.qr)
    assert content.department == service.catalogue.dept("pensions").name("vi")
    assert content.department_main == service.catalogue.dept("pensions").name("uk")
    same = service.issue("pension-new", language="uk")
    assert TicketPrinter(service).content_of(same.ticket, 0, 0, same.qr).department_main is None


@pytest.mark.parametrize("width", [576, 384])
def test_the_qr_has_its_fixed_mask_big_modules_and_a_quiet_zone(service: QueueService, width: int) -> None:
    """Mask fixed (not searched), error correction M, at least 4 dots a module, 4 white modules around."""
    printer = TicketPrinter(service)
    for lang in ("uk", "ro", "vi"):
        issued = service.issue("pension-new", language=lang, interpreter=True)
        image = render(printer.content_of(issued.ticket, 12, 40, issued.qr), width).convert("L")
        found = the_qr(image)
        assert found.text == issued.qr
        assert found.extra["DataMask"] == QR_MASK and found.ec_level == "M"
        corner, far = found.position.top_left, found.position.bottom_right
        size = far.x - corner.x
        module, rest = divmod(size, 17 + 4 * int(found.extra["Version"]))
        assert module >= 4 and rest == 0 and far.y - corner.y == size
        zone = 4 * module
        around = image.crop((corner.x - zone, corner.y - zone, far.x + zone, far.y + zone))
        around.paste(255, (zone, zone, zone + size, zone + size))
        assert around.getextrema() == (255, 255), "the quiet zone has ink"
    printer.close()


def test_drawn_once_bands_follow_their_text_and_the_width(service: QueueService) -> None:
    """A ticket drawn after others (bands taken from the cache) is the ticket drawn from nothing; a
    renamed centre or department, or another paper width, is drawn anew, never an old picture."""
    issued = service.issue("pension-new", language="ro", interpreter=True)
    content = TicketPrinter(service).content_of(issued.ticket, 3, 12, issued.qr)
    renamed = dataclasses.replace(content, centre="Centrul nou", department="Alt departament")

    def cold(ticket: TicketContent, width: int) -> bytes:
        fixed_band.cache_clear()
        return render(ticket, width).tobytes()

    wide, narrow, other = cold(content, 576), cold(content, 384), cold(renamed, 576)
    assert wide != other
    in_turn = [(content, 576, wide), (renamed, 576, other), (content, 384, narrow), (content, 576, wide)]
    for ticket, width, expected in in_turn:
        assert render(ticket, width).tobytes() == expected
    assert fixed_band.cache_info().hits > 0


def test_drawn_ahead_the_first_ticket_of_a_service_draws_only_what_changes(service: QueueService) -> None:
    """The lobby draws every service's fixed parts in every language after its first frame: then a
    ticket takes all four of its fixed bands from the cache, and is the ticket drawn from nothing."""
    printer = TicketPrinter(service)
    issued = service.issue("job-register", language="vi")
    content = printer.content_of(issued.ticket, 2, 8, issued.qr)
    fixed_band.cache_clear()
    from_nothing = render(content, 576).tobytes()
    fixed_band.cache_clear()
    services = sum(len(d.service) for d in service.catalogue.department)
    assert printer.draw_ahead().result() == services * len(service.settings.languages)
    before = fixed_band.cache_info()
    assert render(content, 576).tobytes() == from_nothing
    after = fixed_band.cache_info()
    assert (after.misses, after.hits) == (before.misses, before.hits + 4)
    printer.close()


def _ink_runs(image: Image.Image) -> list[int]:
    """The heights of the bands of rows with ink, top to bottom (each printed line is one)."""
    gray = image.convert("L")
    runs, current = [], 0
    for y in range(gray.height):
        inked = gray.crop((0, y, gray.width, y + 1)).getextrema()[0] < 128
        if inked:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs


def test_a_large_print_ticket_has_larger_words_and_reads_back(service: QueueService, tmp_path: Path) -> None:
    issued = service.issue("pension-new", language="uk", priority="veteran", interpreter=True)
    printer = TicketPrinter(service, f"preview://{tmp_path}")
    normal = printer.submit(issued).result(timeout=30)
    large = printer.submit(issued, large=True).result(timeout=30)
    printer.close()
    assert normal.job and large.job
    small_image, _ = decode_job(Path(normal.job).read_bytes())
    large_image, _ = decode_job(Path(large.job).read_bytes())
    assert read_qr(large_image) == read_qr(small_image) == issued.qr
    assert large_image.height > small_image.height * 1.3
    small_runs, large_runs = _ink_runs(small_image), _ink_runs(large_image)
    # The QR is the tallest band, the number the tallest above it; the department, the band right
    # under the number, is half as large again.
    numbers = []
    for runs in (small_runs, large_runs):
        above_qr = runs[: runs.index(max(runs))]
        numbers.append(above_qr.index(max(above_qr)))
    assert small_runs[numbers[0]] == large_runs[numbers[1]]  # the number keeps its size
    assert large_runs[numbers[1] + 1] >= small_runs[numbers[0] + 1] * 1.4
