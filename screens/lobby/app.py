"""The lobby kiosk app, built by `create_app` (the CLI, the tests and the snapshots use the same).

Kiosk mode: no inherited bindings (no quit key), no command palette, no text selection; staff leave
with an administrator's PIN. Issuing runs in a worker thread, printing in the printer's one queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.events import Event, InputEvent, Key

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.catalogue import Opening
from kiosk.domain.tickets import Issued
from kiosk.errors import (
    DepartmentClosed,
    KioskError,
    PriorityRepeated,
    StorageUnavailable,
)
from kiosk.presentation.i18n import translations
from screens.common.terminal import BASE_CSS, TerminalApp, open_terminal_service
from screens.common.webzoom import show_large_text
from screens.lobby.base import Line, Spoken
from screens.lobby.checkin import CheckInScreen
from screens.lobby.checkins import CheckIns
from screens.lobby.dialogs import NoticeScreen, OfferScreen
from screens.lobby.exit_pin import ExitPin
from screens.lobby.guide import Guide
from screens.lobby.idle import IdleClock
from screens.lobby.language import LanguageScreen
from screens.lobby.messages import PrintDone
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.rating import VisitRatings
from screens.lobby.scans import Scans
from screens.lobby.ticket import TicketScreen

if TYPE_CHECKING:  # imported when the app is built: the first frame does not wait for them
    from kiosk.presentation.speech import Speaker
    from kiosk.service import QueueService
    from printer.printing import PrintResult, TicketPrinter

log = logging.getLogger(__name__)


class LobbyApp(TerminalApp, inherit_bindings=False):
    CSS_PATH = [BASE_CSS, "lobby.tcss"]  # noqa: RUF012
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Lobby kiosk"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: before the screens' own Tab and the choices' scrolling take them, and in dialogs
        # too (a modal dialog hides the app's other bindings). The arrows: the keypad's 8, 2, 4, 6
        # with Num Lock off.
        Binding("tab,down,right", "next", show=False, priority=True),
        Binding("shift+tab,up,left", "previous", show=False, priority=True),
        Binding("escape", "go_back", show=False),
        Binding("f2", "read_aloud", show=False, priority=True),
        Binding("f12", "staff", show=False),
    ]
    speaker: Speaker

    def __init__(
        self,
        settings: Settings,
        service: QueueService | Callable[[], QueueService],
        make_printer: Callable[[], TicketPrinter],
        speaker: Speaker,
        monotonic: Callable[[], float] = time.monotonic,
        tick_seconds: float = 1.0,
    ) -> None:
        super().__init__(settings, service, settings.languages[0], speaker=speaker)
        self.make_printer = make_printer
        self._printer_made = threading.Lock()
        self.monotonic = monotonic
        self.tick_seconds = tick_seconds
        self.openings: dict[str, Opening] = {}  # each department's, as last read
        self.priority: str | None = None
        self.interpreter = False
        self.large = False
        self.issuing = False
        self.last_input = monotonic()
        self.reset_at: float | None = None
        self.guide = Guide(self)
        self.checkins = CheckIns(self)
        self.ratings = VisitRatings(self)
        self.idle = IdleClock(self)
        self.exit_pin = ExitPin(self)
        self.scans = Scans(self)
        self.lang_chosen = False  # the visitor chose a language (a slip scanned on the first screen: not)

    def get_default_screen(self) -> LanguageScreen:
        return LanguageScreen()

    def on_mount(self) -> None:
        self.set_interval(self.tick_seconds, self.idle.tick)
        self.call_after_refresh(self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        """Off the UI thread, once the visitor sees the kiosk: the departments' openings read and the
        print queue made (both open the database first, when the app was given its opener)."""
        self.run_db(self.read_openings, self._openings_read, on_failed=self.logged, group="openings")
        self.run_db(self.draw_ahead, on_failed=self.logged, group="printer")

    def _openings_read(self, openings: dict[str, Opening]) -> None:
        self.openings = openings

    def ready_printer(self) -> TicketPrinter:
        """The print queue, made once (drawing tickets needs Pillow, the fonts and the QR code,
        which the first frame does not wait for); closed with the app by the terminal base."""
        with self._printer_made:
            if self.printer is None:
                self.printer = self.make_printer()
            return self.printer

    def draw_ahead(self) -> None:
        """The print queue made, and the parts of a ticket that never change drawn on it before the
        first visitor's (`TicketPrinter.draw_ahead`)."""
        self.ready_printer().draw_ahead().add_done_callback(_log_failure)

    def say(self, text: str, problem: bool = False) -> None:
        """A line for the visitor: a notice to close with OK (spoken when it comes on top, with
        speech or guidance on: `NoticeScreen.automatic`)."""
        self.push_screen(NoticeScreen(text, self.gettext("OK"), self.lang))

    async def on_event(self, event: Event) -> None:
        if isinstance(event, InputEvent):
            self.last_input = self.monotonic()
        if isinstance(event, Key) and self.scans.key(event):
            return
        await super().on_event(event)

    def on_key(self, event: Key) -> None:
        """Keys no button took: the keypad's digits, back and star keys (`screens.lobby.guide`)."""
        if self.guide.key(event.key):
            event.stop()

    # The visitor's path ---------------------------------------------------------------------

    def choose_language(self, lang: str) -> None:
        self.lang = lang
        self.lang_chosen = True
        self.push_screen(NeedScreen())

    def read_openings(self) -> dict[str, Opening]:
        """Whether each department gives tickets now (the day plan is one read)."""
        return {d.code: self.service.opening(d.code) for d in self.service.catalogue.department}

    def start_over(self, keep_guide: bool = False) -> None:
        """Back to the language screen with nothing of the last visitor left (a guided visitor
        going back to it keeps the guidance)."""
        self.lang = str(self.settings.languages[0])
        self.lang_chosen = False
        self.scans.reader.reset()
        self.priority = None
        self.interpreter = False
        self.set_large(False, redraw=False)
        self.reset_at = None
        if not keep_guide:
            self.guide.stop()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, Spoken):
            self.screen.spoken_once = False  # heard again when it is back

    def choose_service(self, service_code: str) -> None:
        """A service tapped or taken: issued at once; in guided mode, after the visitor confirms."""
        if not self.guide.on:
            self.issue_ticket(service_code)
            return
        name = self.service.catalogue.service(service_code)[0].name(self.lang)
        text = self.gettext(
            "You chose {service}. Press Enter to take the ticket, or the minus key to go back."
        ).format(service=name)

        def confirmed(take: bool | None) -> None:
            if take:
                self.issue_ticket(service_code)

        self.push_screen(OfferScreen(text, self.gettext("Take the ticket"), self.gettext("Back")), confirmed)

    def issue_ticket(self, service_code: str) -> None:
        if self.issuing:  # a second tap while the first is being saved
            return
        self.issuing = True
        lang, priority, interpreter = self.lang, self.priority, self.interpreter
        self.run_db(
            lambda: self._issue(service_code, lang, priority, interpreter),
            self.ticket_issued,
            on_failed=lambda exc: self.issue_failed(exc, service_code),
            group="issue",
            exclusive=True,
        )

    def _issue(
        self, service_code: str, lang: str, priority: str | None, interpreter: bool
    ) -> tuple[Issued, Future[PrintResult]]:
        issued = self.service.issue(
            service_code, language=lang, priority=priority, interpreter=interpreter, source="kiosk"
        )
        # Print first: the ticket screen is drawn once the printer has the job (or HEAD_START later).
        return issued, self.ready_printer().submit(issued, render_here=True, large=self.large)

    def ticket_issued(self, saved: tuple[Issued, Future[PrintResult]]) -> None:
        issued, printing = saved
        self.issuing = False
        self.push_screen(TicketScreen(issued))
        self.reset_at = None
        # Runs in the print thread, or here if the job is done already; post_message is thread-safe.
        printing.add_done_callback(lambda job: self.post_message(PrintDone(job.result())))

    def on_print_done(self, message: PrintDone) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, TicketScreen) and screen.issued.ticket.id == message.result.ticket_id:
                screen.show_print(message.result)

    def issue_failed(self, exc: KioskError, service_code: str) -> None:
        """Nothing was saved: the visitor is told what to do, in their language."""
        self.issuing = False
        log.warning("no ticket issued: %s", exc)
        if isinstance(exc, PriorityRepeated):
            self.offer_normal_ticket(service_code)
            return
        if isinstance(exc, DepartmentClosed):
            text = self.gettext("This service has just closed for today. Please ask at the front desk.")
        elif isinstance(exc, StorageUnavailable):
            text = self.gettext(
                "We cannot give out tickets at the moment. Please ask at the front desk; we are sorry."
            )
        else:
            text = self.gettext("This ticket cannot be given. Please ask at the front desk.")
        self.say(text, True)

    # A booked visit ----------------------------------------------------------------------------

    def offer_normal_ticket(self, service_code: str) -> None:
        """A priority right claimed again at this kiosk too soon: the front desk gives it (after a
        look at the document); a normal ticket can be taken here at once."""
        t = translations(self.lang)
        text = t.gettext(
            "A priority ticket of this kind was just given at this kiosk. For your priority ticket, "
            "please ask at the front desk and show your document. You can take a normal ticket now."
        )
        self.offer_ticket(text, t.gettext("Take a normal ticket"), service_code)

    def offer_ticket(self, text: str, offer: str, service_code: str) -> None:
        """`text` with the offer of a normal ticket for `service_code` (no priority), or Back."""

        def chosen(take: bool | None) -> None:
            if take:
                self.priority = None
                self.issue_ticket(service_code)

        self.push_screen(OfferScreen(text, offer, self.gettext("Back"), self.lang), chosen)

    # Time -------------------------------------------------------------------------------------

    # Voice, size and the staff's way out -------------------------------------------------------

    def speak(self, lines: list[Line]) -> None:
        """Words the kiosk says by itself: with the `speech` setting, or in guided mode."""
        if self.settings.speech or self.guide.on:
            self.guide.say(lines)

    def action_read_aloud(self) -> None:
        """Every text of the screen or dialog on top, each in its language's voice."""
        self.guide.say(self.guide.screen_lines(self.screen))

    def action_next(self) -> None:
        self.screen.focus_next()
        self.guide.focus_moved()

    def action_previous(self) -> None:
        self.screen.focus_previous()
        self.guide.focus_moved()

    def on_button_pressed(self, event: object) -> None:
        from textual.widgets import Button

        assert isinstance(event, Button.Pressed)
        if event.button.id == "read-aloud":
            self.action_read_aloud()
        elif event.button.id == "back":
            self.go_back()
        elif event.button.id == "larger":
            self.set_large(not self.large)
        elif event.button.id == "interpreter":  # its new state, heard
            self.guide.focus_moved()

    def larger_text(self) -> str:
        """The switch's name: in a browser the font grows ("Larger text"); a terminal's font is the
        terminal's own, so there it makes every word bold, gives names a line of space, fewer and
        wider buttons and a bigger ticket number, and says so ("Clearer text")."""
        return self.gettext("Larger text") if self.is_web else self.gettext("Clearer text")

    def set_large(self, on: bool, redraw: bool = True) -> None:
        """Larger text on or off: the visitor screen is drawn again for it (plan.py), and in a
        browser the font itself grows (`show_large_text`)."""
        self.large = on
        self.set_class(on, "-large")
        show_large_text(self, on)
        if redraw:
            self.refresh_visitor_screen()

    def refresh_visitor_screen(self) -> None:
        """Compose the current screen again (after the large-text switch)."""
        screen = self.screen
        if isinstance(screen, NeedScreen):
            self.switch_screen(NeedScreen())
        elif isinstance(screen, ServiceScreen):
            self.switch_screen(ServiceScreen(screen.entry))
        elif isinstance(screen, CheckInScreen):
            self.switch_screen(CheckInScreen(screen.code))

    def action_go_back(self) -> None:
        self.go_back()

    def go_back(self) -> None:
        if len(self.screen_stack) > 1 and not isinstance(self.screen, TicketScreen):
            self.pop_screen()
            if len(self.screen_stack) == 1:
                self.start_over(keep_guide=True)

    def action_staff(self) -> None:
        self.exit_pin.ask()


def _log_failure(drawn: Future[int]) -> None:
    """Drawing ahead failed (a font gone, say): each ticket is then drawn whole; logged, not shown."""
    if drawn.exception() is not None:
        log.error("could not draw the fixed parts of the tickets ahead", exc_info=drawn.exception())


def create_app(
    settings: Settings,
    service: QueueService | None = None,
    clock: Clock | None = None,
    printer_url: str | None = None,
    speech_output: Path | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    tick_seconds: float = 1.0,
) -> LobbyApp:
    """The lobby kiosk over an initialised database (`kiosk init`). Without a `service`, the app
    opens the settings' database after its first frame: a visitor sees the kiosk before the
    database layer is even imported."""
    from kiosk.presentation.speech import Speaker

    def open_later() -> QueueService:
        return open_terminal_service(settings, None, clock)

    def make_printer() -> TicketPrinter:
        from printer.printing import TicketPrinter

        return TicketPrinter(app.service, printer_url)

    speaker = Speaker(output=speech_output)  # "Read aloud" works even when automatic speech is off
    app = LobbyApp(
        settings,
        open_terminal_service(settings, service) if service else open_later,
        make_printer,
        speaker,
        monotonic=monotonic,
        tick_seconds=tick_seconds,
    )
    return app
