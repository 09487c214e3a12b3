"""A visitor rates the visit at the lobby kiosk by scanning the ticket's QR once served: the faces in
the ticket's language, the reasons that go with the score, one rating a ticket, and a ticket not
served yet, rated already or not of this centre told so, with nothing recorded."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Label

from harness.decode import decode_job
from kiosk.domain.ratings import BAD_REASONS, GOOD_REASONS
from kiosk.presentation.i18n import translations
from screens.lobby.dialogs import NoticeScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.rating import REFUSED, RatingDialog
from screens.lobby.scan import ScanReader
from tests.screens.conftest import Centre, tap
from tests.screens.test_lobby import SIZE, get_ticket, shown, until
from tests.screens.test_lobby_checkin import scanned
from tests.test_printer import read_qr


def serve(centre: Centre, ticket_id: int) -> None:
    service = centre.service
    called = service.call_next("6", staff="olena")
    assert called.id == ticket_id
    service.start(window="6", staff="olena")
    centre.clock.advance(minutes=7)
    service.finish(window="6", staff="olena")


async def notice(pilot: Pilot[None]) -> str:
    await shown(pilot, NoticeScreen, "#notice")
    return str(pilot.app.screen.query_one("#notice", Label).content)


async def test_the_printed_tickets_qr_scanned_after_the_visit_rates_it_once(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        ticket = await get_ticket(pilot, "uk", "pension", "pension-new")
        assert ticket.printed is not None and ticket.printed.job
        image, _ = decode_job(Path(ticket.printed.job).read_bytes())
        qr = read_qr(image)
        app.start_over()  # the visitor goes to the window
        serve(centre, ticket.issued.ticket.id)

        await scanned(pilot, qr)  # on the first screen, as the visitor leaves
        await shown(pilot, RatingDialog, "#face-5")
        t = translations("uk")  # the ticket's language
        dialog = pilot.app.screen
        assert str(dialog.query_one(".dialog-title", Label).content) == t.gettext("How was your visit?")
        assert str(dialog.query_one("#rating-ticket", Label).content) == ticket.issued.ticket.code
        await tap(pilot, "#face-2")
        await until(pilot, lambda: bool(pilot.app.screen.query("#send")))
        shown_reasons = [b.id for b in pilot.app.screen.query(Button) if str(b.id).startswith("reason-")]
        assert shown_reasons == [f"reason-{code}" for code in BAD_REASONS]  # what could be better
        await tap(pilot, "#reason-waited_too_long")
        await tap(pilot, "#reason-hall_crowded")
        await pilot.pause(0.3)
        await tap(pilot, "#reason-hall_crowded")  # and not that after all
        chosen = pilot.app.screen.query_one("#reason-waited_too_long", Button)
        assert str(chosen.label).startswith("✓ ") and chosen.variant == "primary"
        await tap(pilot, "#send")
        assert await notice(pilot) == t.gettext("Thank you for your rating!")
        await tap(pilot, "#ok")
        await until(pilot, lambda: isinstance(pilot.app.screen, LanguageScreen))

        await scanned(pilot, qr)  # a second time
        assert await notice(pilot) == translations(app.lang).gettext(REFUSED["rated"])
    figures = centre.service.ratings()
    assert (figures.total.count, figures.total.mean) == (1, 2.0)
    assert figures.windows["6"].count == 1 and figures.staff["olena"].count == 1
    assert {r for r, n in figures.total.reasons.items() if n} == {"waited_too_long"}
    rated = [e for e in centre.service.history(ticket.issued.ticket.id) if e.kind == "rated"]
    assert [e.data["source"] for e in rated] == ["kiosk"]


async def test_a_ticket_not_served_yet_one_of_another_centre_or_back_out_records_nothing(
    centre: Centre,
) -> None:
    service = centre.service
    waiting = service.issue("pension-new", language="en").ticket
    other = service.issue("pension-new", language="tr").ticket
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await scanned(pilot, service.qr_payload(waiting))
        assert await notice(pilot) == translations(app.lang).gettext(REFUSED["not_served"])
        await tap(pilot, "#ok")
        forged = service.qr_payload(waiting)[:-1] + ("A" if service.qr_payload(waiting)[-1] != "A" else "B")
        await scanned(pilot, forged)
        assert await notice(pilot) == translations(app.lang).gettext(REFUSED["unknown"])
        await tap(pilot, "#ok")

        serve(centre, waiting.id)
        centre.clock.advance(minutes=1)
        service.call_next("6", staff="olena")
        service.start(window="6", staff="olena")
        service.finish(window="6", staff="olena")
        await scanned(pilot, service.qr_payload(other))
        await shown(pilot, RatingDialog, "#face-5")
        await tap(pilot, "#face-5")
        await until(pilot, lambda: bool(pilot.app.screen.query("#send")))
        shown_reasons = [b.id for b in pilot.app.screen.query(Button) if str(b.id).startswith("reason-")]
        assert shown_reasons == [f"reason-{code}" for code in GOOD_REASONS]  # what went well
        await pilot.press("escape")  # the visitor walks away from it: nothing is recorded
        await until(pilot, lambda: not isinstance(pilot.app.screen, RatingDialog))
        assert not app.lang_chosen and app.lang == centre.settings.languages[0]  # the ticket's is gone
    assert centre.service.ratings().total.count == 0


def test_the_scanner_reads_a_tickets_qr_and_its_url_whole_and_booking_codes_as_before() -> None:
    def read(text: str) -> str | None:
        reader, at, found = ScanReader(), 0.0, None
        for character in [*text, "\r"]:
            at += 0.01
            taken, code = reader.key("enter" if character == "\r" else character, character, at)
            assert taken or code is None
            found = code or found
        return found

    payload = "K1:12:20261123:P-001:PENSIONS:6:ABCDEFGHIJKLMNOP"
    assert read(payload) == payload
    assert (
        read(f"HTTPS://KIOSK.CENTRE.LOCAL:8443/T/{payload}") == f"HTTPS://KIOSK.CENTRE.LOCAL:8443/T/{payload}"
    )
    assert read("KMT74X") == "KMT74X" and read("htp 4xy") == "HTP4XY"
