"""The lobby kiosk app, built by `create_app` (the CLI, the tests and the snapshots use the same).

Kiosk mode: no inherited bindings (no quit key), no command palette, no text selection; staff leave
with an administrator's PIN. Issuing runs in a worker thread, printing in the printer's one queue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.events import Event, InputEvent

from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.errors import DepartmentClosed, KioskError, PriorityRepeated, StorageUnavailable
from kiosk.exit_pin import ExitGuard
from kiosk.i18n import translations
from kiosk.runtime import open_service, open_staff
from kiosk.service import QueueService
from kiosk.speech import Speaker
from printer.printing import TicketPrinter
from screens.common.live import to_ui
from screens.common.pin import PinScreen
from screens.common.words import problem_text
from screens.lobby.base import VisitorScreen
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.messages import IssueFailed, PrintDone, TicketIssued
from screens.lobby.need import NeedScreen
from screens.lobby.ticket import TicketScreen

log = logging.getLogger(__name__)


class LobbyApp(App[None], inherit_bindings=False):
    CSS_PATH = "lobby.tcss"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Lobby kiosk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", show=False),
        Binding("shift+tab", "app.focus_previous", show=False),
        Binding("escape", "go_back", show=False),
        Binding("f2", "read_aloud", show=False),
        Binding("f12", "staff", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        service: QueueService,
        printer: TicketPrinter,
        speaker: Speaker,
        monotonic: Callable[[], float] = time.monotonic,
        tick_seconds: float = 1.0,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.printer = printer
        self.speaker = speaker
        self.monotonic = monotonic
        self.tick_seconds = tick_seconds
        self.exit_guard = ExitGuard(open_staff(service), settings.terminal)
        self.lang: str = settings.languages[0]
        self.priority: str | None = None
        self.interpreter = False
        self.large = False
        self.issuing = False
        self.last_input = monotonic()
        self.reset_at: float | None = None

    @property
    def width(self) -> int:
        return self.size.width

    def get_default_screen(self) -> LanguageScreen:
        return LanguageScreen()

    def on_mount(self) -> None:
        self.set_interval(self.tick_seconds, self.tick)

    async def on_event(self, event: Event) -> None:
        if isinstance(event, InputEvent):
            self.last_input = self.monotonic()
        await super().on_event(event)

    # The visitor's path ---------------------------------------------------------------------

    def choose_language(self, lang: str) -> None:
        self.lang = lang
        self.push_screen(NeedScreen())

    def start_over(self) -> None:
        """Back to the language screen with nothing of the last visitor left."""
        self.lang = str(self.settings.languages[0])
        self.priority = None
        self.interpreter = False
        self.large = False
        self.reset_at = None
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def issue_ticket(self, service_code: str) -> None:
        if self.issuing:  # a second tap while the first is being saved
            return
        self.issuing = True
        self._issue(service_code, self.lang, self.priority, self.interpreter)

    @work(thread=True, exclusive=True, group="issue")
    def _issue(self, service_code: str, lang: str, priority: str | None, interpreter: bool) -> None:
        try:
            issued = self.service.issue(
                service_code, language=lang, priority=priority, interpreter=interpreter, source="kiosk"
            )
        except DepartmentClosed as exc:
            self.post_message(IssueFailed("closed", str(exc)))
        except StorageUnavailable as exc:
            self.post_message(IssueFailed("unavailable", str(exc)))
        except PriorityRepeated as exc:
            self.post_message(IssueFailed("priority_repeat", str(exc), service_code))
        except KioskError as exc:
            self.post_message(IssueFailed("refused", str(exc)))
        else:
            # Print first: the job is rendered while the ticket screen is being drawn.
            self.post_message(TicketIssued(issued, self.printer.submit(issued, render_here=True)))

    def on_ticket_issued(self, message: TicketIssued) -> None:
        self.issuing = False
        screen = TicketScreen(message.issued)
        self.push_screen(screen)
        self.reset_at = None
        # Runs in the print thread, or here if the job is done already; post_message is thread-safe.
        message.printing.add_done_callback(lambda job: self.post_message(PrintDone(job.result())))

    def on_print_done(self, message: PrintDone) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, TicketScreen) and screen.issued.ticket.id == message.result.ticket_id:
                screen.show_print(message.result)

    def on_issue_failed(self, message: IssueFailed) -> None:
        self.issuing = False
        log.warning("no ticket issued: %s", message.detail)
        t = translations(self.lang)
        if message.reason == "priority_repeat":
            self.offer_normal_ticket(message.service)
            return
        if message.reason == "closed":
            text = t.gettext("This service has just closed for today. Please ask at the front desk.")
        elif message.reason == "unavailable":
            text = t.gettext(
                "We cannot give out tickets at the moment. Please ask at the front desk; we are sorry."
            )
        else:
            text = t.gettext("This ticket cannot be given. Please ask at the front desk.")
        self.push_screen(NoticeScreen(text, t.gettext("OK")))

    def offer_normal_ticket(self, service_code: str) -> None:
        """A priority right claimed again at this kiosk too soon: the front desk gives it (after a
        look at the document); a normal ticket can be taken here at once."""
        t = translations(self.lang)
        text = t.gettext(
            "A priority ticket of this kind was just given at this kiosk. For your priority ticket, "
            "please ask at the front desk and show your document. You can take a normal ticket now."
        )

        def chosen(take: bool | None) -> None:
            if take:
                self.priority = None
                self.issue_ticket(service_code)

        self.push_screen(OfferScreen(text, t.gettext("Take a normal ticket"), t.gettext("Back")), chosen)

    # Time -------------------------------------------------------------------------------------

    def schedule_reset(self, failed: bool) -> None:
        seconds = self.settings.ticket_failed_seconds if failed else self.settings.ticket_seconds
        self.reset_at = self.monotonic() + seconds

    def tick(self) -> None:
        """Each second: the ticket screen's own reset, or the inactivity warning and reset."""
        if not self.screen_stack:  # the app is shutting down; a last timer tick can still land here
            return
        now = self.monotonic()
        screen = self.screen
        if isinstance(screen, TicketScreen):
            if self.reset_at is not None and now >= self.reset_at:
                self.start_over()
            return
        if isinstance(screen, IdleScreen):
            left = int(screen.deadline - now + 0.999)
            if left <= 0:
                self.start_over()
            else:
                screen.count(left)
            return
        if isinstance(screen, LanguageScreen) or len(self.screen_stack) <= 1:
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
        )
        self.push_screen(warning, callback=lambda _: setattr(self, "last_input", self.monotonic()))

    # Voice, size and the staff's way out -------------------------------------------------------

    def say(self, text: str) -> None:
        if self.settings.speech:
            self.speaker.say(text, self.lang)

    def action_read_aloud(self) -> None:
        if isinstance(self.screen, VisitorScreen):
            self.speaker.say(self.screen.speech(), self.lang)

    def on_button_pressed(self, event: object) -> None:
        from textual.widgets import Button

        assert isinstance(event, Button.Pressed)
        if event.button.id == "read-aloud":
            self.action_read_aloud()
        elif event.button.id == "back":
            self.go_back()
        elif event.button.id == "larger":
            self.large = not self.large
            self.refresh_visitor_screen()

    def refresh_visitor_screen(self) -> None:
        """Compose the current screen again (after the large-text switch)."""
        screen = self.screen
        if isinstance(screen, NeedScreen):
            self.switch_screen(NeedScreen())
        else:
            from screens.lobby.need import ServiceScreen

            if isinstance(screen, ServiceScreen):
                self.switch_screen(ServiceScreen(screen.entry))

    def action_go_back(self) -> None:
        self.go_back()

    def go_back(self) -> None:
        if len(self.screen_stack) > 1 and not isinstance(self.screen, TicketScreen):
            self.pop_screen()
            if len(self.screen_stack) == 1:
                self.start_over()

    def action_staff(self) -> None:
        self.ask_staff_pin()

    def ask_staff_pin(self, error: str = "") -> None:
        t = translations(self.settings.main_language)
        self.push_screen(
            PinScreen(
                t.gettext("Administrator PIN to close the kiosk"), t.gettext("Cancel"), t.gettext("OK"), error
            ),
            callback=self._check_exit_pin,
        )

    def _check_exit_pin(self, pin: str | None) -> None:
        if not pin:
            return
        self._exit_with(pin)

    @work(thread=True, exclusive=True, group="pin")
    def _exit_with(self, pin: str) -> None:
        """Any active administrator's PIN closes the kiosk. Wrong PINs slow down this terminal only
        (`kiosk.exit_pin`); nobody's sign-in lockout is touched."""
        t = translations(self.settings.main_language)
        try:
            answer = self.exit_guard.try_pin(pin)
        except KioskError as exc:
            log.warning("exit PIN not checked: %s", exc)
            to_ui(self, self.ask_staff_pin, problem_text(exc, t.gettext))
            return
        if answer.member is not None:
            to_ui(self, self.exit)
            return
        if not answer.checked:
            message = t.gettext("Please wait {seconds} s before the next try.")
        elif answer.wait_seconds:
            message = t.gettext("Wrong PIN. The next try in {seconds} s.")
        else:
            message = t.gettext("Wrong PIN")
        to_ui(self, self.ask_staff_pin, message.format(seconds=answer.wait_seconds))

    def on_unmount(self) -> None:
        self.printer.close()
        self.speaker.close()


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
    service = service or open_service(settings, clock or SystemClock())
    printer = TicketPrinter(service, printer_url)
    speaker = Speaker(output=speech_output)  # "Read aloud" works even when automatic speech is off
    return LobbyApp(settings, service, printer, speaker, monotonic=monotonic, tick_seconds=tick_seconds)
