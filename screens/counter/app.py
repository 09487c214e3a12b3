"""The staff window app, built by `create_app(settings, window=...)`: sign in by name and PIN, then
serve the line of the window's departments. It follows the event table, so what other windows and
the front desk do shows here within a second."""

from __future__ import annotations

from textual.binding import Binding

from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.i18n import translations
from kiosk.runtime import open_service, open_staff
from kiosk.service import QueueService
from kiosk.staff import Member
from screens.common.live import ConnectionChanged, EventsArrived, LiveApp, while_running
from screens.common.words import DATABASE_AWAY
from screens.counter.signin import SignInScreen
from screens.counter.window import CounterScreen


class CounterApp(LiveApp):
    CSS_PATH = "counter.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Counter"
    BINDINGS = [Binding("ctrl+q", "quit", show=False)]  # noqa: RUF012

    def __init__(
        self, settings: Settings, service: QueueService, window: str, lang: str | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.window = window
        self.departments = service.catalogue.departments_of_window(window)
        self.lang = lang or settings.main_language
        self.staff = open_staff(service)
        self.member: Member | None = None

    def get_default_screen(self) -> SignInScreen:
        t = translations(self.lang)
        title = t.gettext("Window {window}").format(window=self.window)
        return SignInScreen(self.staff, self.lang, title, self.signed_in)

    def on_mount(self) -> None:
        self.start_following()

    def signed_in(self, member: Member) -> None:
        self.member = member
        self.push_screen(CounterScreen())

    def sign_out(self) -> None:
        self.member = None
        while len(self.screen_stack) > 1:
            self.pop_screen()

    @while_running
    def on_events_arrived(self, message: EventsArrived) -> None:
        if isinstance(self.screen, CounterScreen):
            self.screen.refresh_view()

    @while_running
    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if isinstance(self.screen, CounterScreen):
            t = translations(self.lang)
            text = t.gettext("Connected again") if message.up else t.gettext(DATABASE_AWAY)
            self.screen.say(text, problem=not message.up)
            if message.up:
                self.screen.refresh_view()


def create_app(
    settings: Settings,
    window: str,
    service: QueueService | None = None,
    clock: Clock | None = None,
    lang: str | None = None,
) -> CounterApp:
    service = service or open_service(settings, clock or SystemClock())
    return CounterApp(settings, service, window, lang)
