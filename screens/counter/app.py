"""The staff window app, built by `create_app(settings, window=...)`: sign in by name and PIN, then
serve the line of the window's departments. It follows the event table, so what other windows and
the front desk do shows here within a second."""

from __future__ import annotations

from textual.binding import Binding

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.security.members import Member
from kiosk.service import QueueService
from screens.common.live import ConnectionChanged, EventsArrived, LiveApp, while_running
from screens.common.signin import SignInScreen
from screens.common.terminal import STAFF_CSS, open_terminal_service
from screens.common.words import DATABASE_AWAY
from screens.counter.window import CounterScreen


class CounterApp(LiveApp):
    CSS_PATH = [*STAFF_CSS, "counter.tcss"]  # noqa: RUF012
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Counter"
    BINDINGS = [Binding("ctrl+q", "quit", show=False)]  # noqa: RUF012
    # Screen classes for the stylesheet: a narrow (portrait) terminal stacks the panels and keeps two
    # keys a row; a short one gives the ticket the rows of the status line and the scan field's frame.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012

    def __init__(
        self, settings: Settings, service: QueueService, window: str, lang: str | None = None
    ) -> None:
        super().__init__(settings, service, lang)
        self.window = window
        self.departments = service.catalogue.departments_of_window(window)
        self.session_name = f"counter-{window}"

    def get_default_screen(self) -> SignInScreen:
        return SignInScreen(self.gettext("Window {window}").format(window=self.window))

    def on_mount(self) -> None:
        self.start_following()
        self.resume()

    def signed_in(self, member: Member) -> None:
        super().signed_in(member)
        self.push_screen(CounterScreen())

    def sign_out(self) -> None:
        self.signed_out()
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def say(self, text: str, problem: bool = False) -> None:
        for screen in self.screen_stack:  # under a dialog too
            if isinstance(screen, CounterScreen):
                screen.say(text, problem)

    @while_running
    def on_events_arrived(self, message: EventsArrived) -> None:
        if isinstance(self.screen, CounterScreen):
            self.screen.refresh_view()

    @while_running
    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self.say(
            self.gettext("Connected again") if message.up else self.gettext(DATABASE_AWAY), not message.up
        )
        if message.up and isinstance(self.screen, CounterScreen):
            self.screen.refresh_view()


def create_app(
    settings: Settings,
    window: str,
    service: QueueService | None = None,
    clock: Clock | None = None,
    lang: str | None = None,
) -> CounterApp:
    return CounterApp(settings, open_terminal_service(settings, service, clock), window, lang)
