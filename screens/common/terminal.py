"""The base of the four terminals (lobby kiosk, counter, front desk, lobby display): the settings,
the queue service, the language and its translations, the printer and the speaker (closed in one
place), database calls off the UI thread with one failure handler, and the centre's housekeeping.

Screens and widgets reach their app, typed, as `self.terminal` (`TerminalPart["CounterApp"]`)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.app import App
from textual.message_pump import MessagePump

from kiosk import collector
from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.errors import KioskError, StorageUnavailable
from kiosk.presentation.i18n import N_, translations
from kiosk.security.members import Member
from kiosk.security.sessions import Kept, SessionFile
from screens.common.theme import THEME
from screens.common.words import problem_text

if TYPE_CHECKING:
    from kiosk.presentation.speech import Speaker
    from kiosk.security.staff import StaffDirectory
    from kiosk.service import QueueService
    from printer.printing import TicketPrinter

    Opener = Callable[[], QueueService]

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 30.0
STOPPED = N_("This terminal stopped on an error and starts again. We are sorry for the wait.")
BASE_CSS = "../common/base.tcss"  # every terminal's stylesheets start with it
STAFF_CSS = ["../common/base.tcss", "../common/common.tcss"]  # the counter's and the desk's

T = TypeVar("T")
A = TypeVar("A", bound="TerminalApp")


def to_ui(app: App[Any], callback: Callable[..., object], *args: Any) -> None:
    """From a thread worker: run `callback(*args)` on the app's thread, unless the app has begun to
    shut down by then (its widgets may be gone: a late result must not fail the closing app)."""

    def run() -> None:
        if app.is_running and app.screen_stack:
            callback(*args)

    with contextlib.suppress(RuntimeError):  # raised when the app is not running any more
        app.call_from_thread(run)


class TerminalApp(App[None]):
    """What every terminal has. Subclasses say where a line for the person at the terminal goes
    (`say`); everything that reads or writes the database goes through `run_db`."""

    session_name: str | None = None

    def __init__(
        self,
        settings: Settings,
        service: QueueService | Opener,
        lang: str | None = None,
        printer: TicketPrinter | None = None,
        speaker: Speaker | None = None,
    ) -> None:
        """`service`: the queue service, or what opens it (`open_terminal_service`): then it is opened
        after the first frame, off the UI thread, and the database layer is not imported before."""
        super().__init__()
        self.register_theme(THEME)
        self.theme = THEME.name
        self.settings = settings
        self._service: QueueService | None = None if callable(service) else service
        self._open: Opener | None = service if callable(service) else None
        self._opening = threading.Lock()
        self.startup_error: KioskError | None = (
            None  # the database could not be opened: the launcher says why
        )
        self.lang: str = lang or settings.main_language
        self.printer = printer
        self.speaker = speaker
        self.member: Member | None = None
        self.kept: Kept | None = None

    @property
    def service(self) -> QueueService:
        """The queue service; opened here at its first use when the app was given its opener (by
        then it is usually open: `on_mount` opens it off the UI thread after the first frame)."""
        if self._service is None:
            with self._opening:
                if self._service is None:
                    assert self._open is not None
                    self._service = self._open()
        return self._service

    def _open_service(self) -> None:
        """After the first frame, in a thread: the service opened; if the database cannot be, the
        terminal stops (non-zero, the launcher says why)."""
        try:
            self.service  # noqa: B018 (read for its effect: opened)
        except KioskError as exc:
            self.startup_error = exc
            to_ui(self, self.exit, None, exc.exit_code)

    @cached_property
    def staff(self) -> StaffDirectory:

        from kiosk.runtime import open_staff  # the database layer: after the first frame

        return open_staff(self.service)

    @property
    def who(self) -> str | None:
        """The name of the staff member signed in here, if any (events carry it)."""
        return self.member.name if self.member else None

    def signed_in(self, member: Member) -> None:
        """After a right PIN on the `SignInScreen` (or a kept session resumed); terminals with staff
        screens go on from here."""
        self.member = member
        if self.session is not None:
            self.session.save(member.name, **(self.kept.place if self.kept else {}))

    @cached_property
    def session(self) -> SessionFile | None:
        """A staff terminal's kept session (`session_name`: counter-6, desk), for a restart."""
        return SessionFile(self.settings.data_dir, self.session_name) if self.session_name else None

    def resume(self, role: str | None = None) -> None:
        """At the start: the member signed in here before this terminal was killed or the machine
        lost power is signed in again, unless disabled or locked meanwhile (then the PIN is asked)."""
        if self.session is None:
            return
        self.kept = self.session.resumable(self.settings.resume_minutes)
        if self.kept is None:
            self.session.clear()
            return
        name, session = self.kept.member, self.session

        def refused(exc: KioskError) -> None:
            log.info("the kept session of %s is not resumed: %s", name, exc)
            session.clear()

        self.run_db(lambda: self.staff.resume(name, role), self.signed_in, on_failed=refused, group="signin")

    def signed_out(self) -> None:
        self.member = None
        if self.session is not None:
            self.session.clear()

    async def action_quit(self) -> None:
        """Ctrl+Q: a clean stop, so the next start asks for a PIN."""
        if self.session is not None:
            self.session.clear()
        await super().action_quit()

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def say(self, text: str, problem: bool = False) -> None:
        """One line for the person at the terminal; each terminal has its own place for it."""
        if text:
            # a message may quote what someone typed or stored: text, never markup
            self.notify(text, severity="warning" if problem else "information", markup=False)

    def failed(self, exc: KioskError) -> None:
        """The one failure handler: a refusal in the staff's words, an outage as one calm line."""
        log.warning("refused: %s", exc)
        self.say(problem_text(exc, self.gettext), True)

    def run_db(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], object] | None = None,
        *,
        on_failed: Callable[[KioskError], object] | None = None,
        group: str = "db",
        exclusive: bool = False,
    ) -> None:
        """Run `call` in a thread worker; its result goes to `on_done` on the UI thread (dropped if
        the app is closing by then), a `KioskError` to `on_failed` (by default `failed`)."""
        work = partial(self._db_call, call, on_done, on_failed or self.failed)
        self.run_worker(work, thread=True, group=group, exclusive=exclusive)

    def _db_call(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], object] | None,
        on_failed: Callable[[KioskError], object],
    ) -> None:
        try:
            result = call()
        except KioskError as exc:
            to_ui(self, on_failed, exc)
            return
        except Exception:  # a fault of ours or of a row: logged, and the person sees the outage's line
            log.exception("unexpected error in the background; the terminal goes on")
            to_ui(self, on_failed, StorageUnavailable("an unexpected error: see the log"))
            return
        if on_done is not None:
            to_ui(self, on_done, result)

    def on_mount(self) -> None:
        self.set_interval(HOUSEKEEPING_SECONDS, self.housekeeping)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        collector.release()  # held by the launcher until the first frame
        if self._service is None:
            self.run_worker(self._open_service, thread=True, group="open")
        # The chores once at the start too: the morning's first terminal closes what the day before
        # left open at once, not a half minute later under the eyes of the staff.
        self.housekeeping()

    def _fatal_error(self) -> None:
        """An error no handler caught (Textual then ends the app with return code 1): its traceback
        goes to the log only, never to the screen, where its locals could show anyone's name or
        phone; the screen left behind says one calm line. The launcher exits 1 for its supervisor."""
        log.critical("the terminal stops on an unexpected error", exc_info=self._exception)
        self._exit_renderables.append(self.gettext(STOPPED))
        self._close_messages_no_wait()

    def housekeeping(self) -> None:
        """Past days closed, stale calls released, old notes purged: idempotent, so every terminal
        runs it and the centre's chores go on whichever terminals are up."""
        self.run_db(
            lambda: self.service.housekeeping(),
            on_failed=self.logged,
            group="housekeeping",
            exclusive=True,
        )

    def logged(self, exc: KioskError) -> None:
        """The failure handler of background work nobody waits for (it is tried again later)."""
        log.warning("not done in the background: %s", exc)

    def on_unmount(self) -> None:
        if self.printer is not None:
            self.printer.close()
        if self.speaker is not None:
            self.speaker.close()
        if self._service is not None:  # closed, and so is a connection a late worker still makes
            self._service.db.close()


class TerminalPart(Generic[A]):
    """For a terminal's screens and widgets: `self.terminal` is the running app, typed, and
    `gettext` translates into the terminal's language."""

    @property
    def terminal(self) -> A:
        assert isinstance(self, MessagePump)
        app = self.app
        assert isinstance(app, TerminalApp)
        return cast("A", app)

    def gettext(self, message: str) -> str:
        return self.terminal.gettext(message)


def open_terminal_service(
    settings: Settings, service: QueueService | None = None, clock: Clock | None = None
) -> QueueService:
    """The factories' one way to the service: the one given (tests, benchmarks), else the settings'
    database on `clock` (the system clock by default). Its catalogue is read now, before the event
    loop runs, so no screen reaches the database for it on the UI thread; a database that cannot be
    read yet leaves it to the first read off the UI thread (each terminal's start reads there)."""
    if service is None:
        from kiosk.runtime import open_service

        service = open_service(settings, clock or SystemClock())
    try:
        service.catalogue  # noqa: B018 (read for its effect: the catalogue loaded)
    except KioskError as exc:
        log.warning("the catalogue is read later: %s", exc)
    return service
