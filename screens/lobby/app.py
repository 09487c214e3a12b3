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
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.events import Event, InputEvent, Key

from kiosk.catalogue import Opening
from kiosk.checkin_guard import CheckInGuard
from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain import Issued
from kiosk.errors import (
    BookingRefused,
    DepartmentClosed,
    KioskError,
    PriorityRepeated,
    StorageUnavailable,
)
from kiosk.exit_pin import ExitAnswer, ExitGuard
from kiosk.i18n import translations
from kiosk.service import QueueService
from screens.common.terminal import TerminalApp, open_terminal_service
from screens.common.webzoom import show_large_text
from screens.common.words import problem_text
from screens.lobby.base import Line
from screens.lobby.checkin import CheckInScreen
from screens.lobby.dialogs import Dialog, IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.guide import Guide
from screens.lobby.language import LanguageScreen
from screens.lobby.messages import PrintDone
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.scan import ScanReader
from screens.lobby.ticket import TicketScreen

if TYPE_CHECKING:  # imported when the app is built: the first frame does not wait for them
    from kiosk.speech import Speaker
    from printer.printing import PrintResult, TicketPrinter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """A check-in refused: why, the service a walk-in ticket may be taken for instead (or ""), and
    the booking's language (None for an unknown code)."""

    refused: BookingRefused
    walk_in: str
    language: str | None


@dataclass(frozen=True)
class Waiting:
    """Codes are not looked at for `seconds` more: too many wrong ones were typed at this kiosk."""

    seconds: int


class LobbyApp(TerminalApp, inherit_bindings=False):
    CSS_PATH = "lobby.tcss"
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
        service: QueueService,
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
        self.scan = ScanReader()
        self.lang_chosen = False  # the visitor chose a language (a slip scanned on the first screen: not)

    @property
    def width(self) -> int:
        return self.size.width

    def get_default_screen(self) -> LanguageScreen:
        return LanguageScreen()

    def on_mount(self) -> None:
        self.set_interval(self.tick_seconds, self.tick)
        self.call_after_refresh(self.ready_printer)  # after the first frame: it waits for nothing
        self.run_db(self.read_openings, self._openings_read, on_failed=self.logged, group="openings")

    def _openings_read(self, openings: dict[str, Opening]) -> None:
        self.openings = openings

    def ready_printer(self) -> TicketPrinter:
        """The print queue, made once (drawing tickets needs Pillow, the fonts and the QR code,
        which the first frame does not wait for); closed with the app by the terminal base."""
        with self._printer_made:
            if self.printer is None:
                self.printer = self.make_printer()
            return self.printer

    def say(self, text: str, problem: bool = False) -> None:
        """A line for the visitor: a notice to close with OK (spoken when it comes on top, with
        speech or guidance on: `NoticeScreen.automatic`)."""
        self.push_screen(NoticeScreen(text, self.gettext("OK"), self.lang))

    async def on_event(self, event: Event) -> None:
        if isinstance(event, InputEvent):
            self.last_input = self.monotonic()
        if isinstance(event, Key) and not event.is_forwarded and self.reads_scans():
            taken, code = self.scan.key(event.key, event.character, self.monotonic())
            if code is not None:
                self.scanned(code, submit=True)
            if taken:
                return
        await super().on_event(event)

    def reads_scans(self) -> bool:
        """A booking slip may be scanned here (`screens.lobby.scan`): the visitor's screens but
        check-in (which reads the code itself) and the dialogs, while no ticket is being issued."""
        screens = (LanguageScreen, NeedScreen, ServiceScreen, TicketScreen, Dialog)
        return isinstance(self.screen, screens) and not self.issuing

    def scanned(self, code: str, submit: bool) -> None:
        """A slip scanned (`submit`) or a code typed outside check-in: the check-in screen with the
        code. On the first screen, or the last visitor's ticket, it is a new visit: the ticket is
        then in the booking's language. A dialog is closed unanswered first (a scan's Enter would
        have pressed its first button: a walk-in ticket, over a too-early answer)."""
        while isinstance(self.screen, Dialog):
            self.pop_screen()
        screen = self.screen
        if isinstance(screen, CheckInScreen):  # a second scan, after a refusal
            screen.code = code
            screen.show_code()
            if submit:
                screen.submit()
            return
        if isinstance(screen, (LanguageScreen, TicketScreen)):
            self.start_over(keep_guide=isinstance(screen, LanguageScreen))
        self.push_screen(CheckInScreen(code, submit=submit))

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
        self.scan.reset()
        self.priority = None
        self.interpreter = False
        self.set_large(False, redraw=False)
        self.reset_at = None
        if not keep_guide:
            self.guide.stop()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.screen.spoken_once = False  # type: ignore[attr-defined]  # heard again when it is back

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
        # Print first: the job is rendered while the ticket screen is being drawn.
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

    def check_in(self, code: str) -> None:
        """The booking `code` checks in: its ticket, in the visitor's language, printed as a walk-in's
        is; a refusal is told (`check_in_refused`)."""
        if self.issuing:
            return
        self.issuing = True
        lang, large = (self.lang if self.lang_chosen else None), self.large
        self.run_db(
            lambda: self._check_in(code, lang, large),
            self.checked_in,
            on_failed=lambda exc: self.issue_failed(exc, ""),
            group="issue",
            exclusive=True,
        )

    def _check_in(
        self, code: str, lang: str | None, large: bool
    ) -> tuple[Issued, Future[PrintResult]] | Refusal | Waiting:
        guard = CheckInGuard(self.service, self.settings.terminal)
        wait = guard.wait_left()
        if wait:
            return Waiting(wait)
        try:
            issued = self.service.check_in(code, source="kiosk", language=lang)
        except BookingRefused as refused:
            if refused.reason == "unknown":
                guard.wrong_code()
            booking = None if refused.reason == "unknown" else self.service.booking(code)
            # Too early or too late: a walk-in ticket for the booked service may be taken instead.
            walk_in = booking.service if booking is not None and refused.walk_in else ""
            return Refusal(refused, walk_in, booking.language if booking is not None else None)
        return issued, self.ready_printer().submit(issued, render_here=True, large=large)

    def checked_in(self, saved: tuple[Issued, Future[PrintResult]] | Refusal | Waiting) -> None:
        if isinstance(saved, Waiting):
            self.issuing = False
            text = self.gettext(
                "Too many wrong codes were typed here. Please try again in {seconds} seconds, or ask "
                "at the front desk."
            )
            self.say(text.format(seconds=saved.seconds), True)
            return
        if not self.lang_chosen:  # scanned on the first screen: the booking's language from now on
            language = saved.language if isinstance(saved, Refusal) else saved[0].ticket.language
            if language is not None:
                self.lang, self.lang_chosen = language, True
        if isinstance(saved, Refusal):
            self.issuing = False
            self.check_in_refused(saved.refused, saved.walk_in)
            return
        self.ticket_issued(saved)

    def check_in_refused(self, refused: BookingRefused, service_code: str) -> None:
        """Why the code does not check in, in the visitor's language: too early or too late offer a
        walk-in ticket for the booked service; the others send the visitor to the front desk."""
        log.info("check-in refused: %s", refused)
        zone = self.settings.zone
        at = f"{refused.at.astimezone(zone):%H:%M}" if refused.at else ""
        if refused.walk_in:
            if refused.reason == "too_early":
                assert refused.come_back_at is not None
                back = refused.come_back_at.astimezone(zone)
                today = self.service.local().date()
                when = f"{back:%H:%M}" if back.date() == today else f"{back:%d.%m.%Y %H:%M}"
                text = self.gettext(
                    "Your appointment is at {time}. You can check in from {come_back}: please come "
                    "back then. Or take a walk-in ticket now."
                ).format(time=at, come_back=when)
            else:
                text = self.gettext(
                    "Your appointment was at {time}, and the time to check in for it has passed. "
                    "You can take a walk-in ticket now."
                ).format(time=at)
            self.offer_ticket(text, self.gettext("Take a walk-in ticket"), service_code)
            return
        if refused.reason == "used" and refused.number:
            text = self.gettext(
                "This code has been used already, for ticket {number}. Please ask at the front desk."
            ).format(number=refused.number)
        elif refused.reason == "used":
            text = self.gettext("This code has been used already. Please ask at the front desk.")
        elif refused.reason == "cancelled":
            text = self.gettext("This appointment was cancelled. Please ask at the front desk.")
        elif refused.reason == "no_show":
            text = self.gettext("This appointment was for another day. Please ask at the front desk.")
        else:
            text = self.gettext(
                "We cannot find this code. Please check it and try again, or ask at the front desk."
            )
        self.say(text, True)

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

    def schedule_reset(self, failed: bool) -> None:
        """A guided visitor has the longer time: the ticket is read to the end first."""
        longer = failed or self.guide.on
        seconds = self.settings.ticket_failed_seconds if longer else self.settings.ticket_seconds
        self.reset_at = self.monotonic() + seconds

    def tick(self) -> None:
        """Each second: the ticket screen's own reset, or the inactivity warning and reset."""
        if not self.screen_stack:  # the app is shutting down; a last timer tick can still land here
            return
        now = self.monotonic()
        screen = self.screen
        guide = self.guide
        if guide.on and not self.speaker.idle:  # a guided visitor listening is not away
            self.last_input = now
        guide.holding(now)
        typed = self.scan.paused(now)
        if typed is not None and self.reads_scans():
            self.scanned(typed, submit=False)
        if isinstance(screen, TicketScreen):
            if self.reset_at is not None and now >= self.reset_at:
                self.start_over()
            return
        if isinstance(screen, IdleScreen):
            left = int(screen.deadline - now + 0.999)
            if left <= 0:
                if guide.on or self.settings.speech:
                    guide.say(
                        [(self.gettext("Time is up. The kiosk has gone back to the start."), self.lang)]
                    )
                self.start_over()
            else:
                screen.count(left)
            return
        if isinstance(screen, LanguageScreen) or len(self.screen_stack) <= 1:
            if guide.on and now - self.last_input >= self.settings.idle_seconds:
                guide.stop()  # the guided visitor has gone: the hint is said again
            guide.hint(now)
            return
        if now - self.last_input >= self.settings.idle_seconds:
            self.warn_idle(now)

    def warn_idle(self, now: float) -> None:
        t = translations(self.lang)
        seconds = self.settings.idle_warning_seconds
        warning = IdleScreen(
            t.gettext("Are you still there?"),
            t.gettext("The screen goes back to the start in {seconds} s."),
            t.gettext("Continue"),
            seconds,
            now + seconds,
            self.lang,
        )
        self.push_screen(warning, callback=lambda _: setattr(self, "last_input", self.monotonic()))

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
        self.ask_staff_pin()

    @cached_property
    def exit_guard(self) -> ExitGuard:
        return ExitGuard(self.staff, self.settings.terminal)

    def ask_staff_pin(self, error: str = "") -> None:
        from screens.common.pin import PinScreen  # not needed for the first frame

        t = translations(self.settings.main_language)
        self.push_screen(
            PinScreen(
                t.gettext("Administrator PIN to close the kiosk"), t.gettext("Cancel"), t.gettext("OK"), error
            ),
            callback=self._check_exit_pin,
        )

    def _check_exit_pin(self, pin: str | None) -> None:
        """Any active administrator's PIN closes the kiosk. Wrong PINs slow down this terminal only
        (`kiosk.exit_pin`); nobody's sign-in lockout is touched."""
        if pin:
            self.run_db(
                lambda: self.exit_guard.try_pin(pin),
                self._exit_answer,
                on_failed=self._exit_refused,
                group="pin",
            )

    def _exit_refused(self, exc: KioskError) -> None:
        log.warning("exit PIN not checked: %s", exc)
        self.ask_staff_pin(problem_text(exc, translations(self.settings.main_language).gettext))

    def _exit_answer(self, answer: ExitAnswer) -> None:
        t = translations(self.settings.main_language)
        if answer.member is not None:
            self.exit()
            return
        if not answer.checked:
            message = t.gettext("Please wait {seconds} s before the next try.")
        elif answer.wait_seconds:
            message = t.gettext("Wrong PIN. The next try in {seconds} s.")
        else:
            message = t.gettext("Wrong PIN")
        self.ask_staff_pin(message.format(seconds=answer.wait_seconds))


def create_app(
    settings: Settings,
    service: QueueService | None = None,
    clock: Clock | None = None,
    printer_url: str | None = None,
    speech_output: Path | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    tick_seconds: float = 1.0,
) -> LobbyApp:
    """The lobby kiosk over an initialised database (`kiosk init`)."""
    from kiosk.speech import Speaker

    service = open_terminal_service(settings, service, clock)

    def make_printer() -> TicketPrinter:
        from printer.printing import TicketPrinter

        return TicketPrinter(service, printer_url)

    speaker = Speaker(output=speech_output)  # "Read aloud" works even when automatic speech is off
    return LobbyApp(settings, service, make_printer, speaker, monotonic=monotonic, tick_seconds=tick_seconds)
