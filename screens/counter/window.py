"""The counter screen: the ticket at this window, the line behind it, and the staff's actions.

Every action runs in a worker thread through the queue service; a refusal (nobody waiting, a
wrong state, a forged code) shows as a calm line, never a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.domain import State, TicketView, parse_ticket_code
from kiosk.errors import KioskError, ScanRefused, WrongWindow
from kiosk.i18n import N_, translations
from kiosk.languages import NATIVE_NAMES
from screens.common.live import to_ui
from screens.common.widgets import BigText
from screens.common.words import STATE_WORDS, problem_text

if TYPE_CHECKING:
    from screens.counter.app import CounterApp

ACTIONS = [
    ("call", "F1", N_("Call next")),
    ("recall", "F2", N_("Recall")),
    ("start", "F3", N_("Start")),
    ("finish", "F4", N_("Finish")),
    ("no_show", "F5", N_("No-show")),
    ("hold", "F6", N_("Hold")),
    ("transfer", "F7", N_("Transfer")),
    ("return", "F8", N_("Return to queue")),
    ("pause", "F9", N_("Break")),
    ("sign_out", "F10", N_("Sign out")),
]


class CounterScreen(Screen[None]):
    BINDINGS = [Binding(key.lower(), f"act('{name}')", show=False) for name, key, _ in ACTIONS]  # noqa: RUF012

    @property
    def counter(self) -> CounterApp:
        return cast("CounterApp", self.app)

    def gettext(self, message: str) -> str:
        return translations(self.counter.lang).gettext(message)

    def compose(self) -> ComposeResult:
        counter = self.counter
        names = ", ".join(counter.service.catalogue.dept(d).name(counter.lang) for d in counter.departments)
        title = self.gettext("Window {window}").format(window=counter.window)
        member = counter.member.name if counter.member else ""
        yield Label(f"{title} · {member} · {names}", id="window-title")
        with Horizontal(id="panels"):
            with Vertical(id="current"):
                yield Label(self.gettext("At this window"), classes="title")
                yield BigText("", rows=5, id="current-number")
                yield Static("", id="current-details", markup=False)
            with Vertical(id="line"):
                yield Label(self.gettext("Waiting"), classes="title")
                yield Label("", id="waiting-count")
                yield Static("", id="next", markup=False)
        yield Label("", id="status", markup=False)
        with Grid(id="actions"):
            for name, key, label in ACTIONS:
                yield Button(f"{key}  {self.gettext(label)}", id=f"act-{name}", classes="action")
        yield Input(
            placeholder=self.gettext("Scan a ticket's QR code, or type its number, and press Enter"),
            id="scan",
        )

    def on_mount(self) -> None:
        self.refresh_view()

    def say(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#status", Label)
        status.update(text)
        status.set_class(problem, "problem")

    # Actions ---------------------------------------------------------------------------------

    @on(Button.Pressed, ".action")
    def _pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_act(event.button.id.removeprefix("act-"))

    def action_act(self, name: str) -> None:
        if name == "transfer":
            self.ask_transfer()
        elif name == "sign_out":
            self.counter.sign_out()
        else:
            self.do_action(name)

    @work(thread=True, exclusive=True, group="action")
    def do_action(self, name: str) -> None:
        counter = self.counter
        service = counter.service
        window = counter.window
        staff = counter.member.name if counter.member else None
        try:
            if name == "call":
                ticket = service.call_next(window, staff=staff)
                message = self.gettext("Called {number}").format(number=ticket.code)
            elif name == "pause":
                paused = not service.window_paused(window)
                service.pause_window(window, paused, staff=staff)
                message = (
                    self.gettext("On a break: nobody is called here")
                    if paused
                    else self.gettext("Back from the break")
                )
            else:
                methods = {
                    "recall": service.recall,
                    "start": service.start,
                    "finish": service.finish,
                    "no_show": service.no_show,
                    "hold": service.hold,
                    "return": service.return_to_queue,
                }
                ticket = methods[name](window=window, staff=staff)
                message = f"{ticket.code}: {self.gettext(STATE_WORDS[ticket.state])}"
        except KioskError as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext), True)
            return
        to_ui(self.app, self.say, message)
        to_ui(self.app, self.refresh_view)

    def ask_transfer(self) -> None:
        from screens.counter.transfer import TransferScreen

        if self.counter_ticket is None:
            self.say(self.gettext("No ticket at this window to transfer"), True)
            return
        self.app.push_screen(TransferScreen(self.counter_ticket), callback=self._transfer)

    def _transfer(self, choice: tuple[str, str, str] | None) -> None:
        if choice is not None:
            self.transfer(*choice)

    @work(thread=True, exclusive=True, group="action")
    def transfer(self, department: str, service_code: str, note: str) -> None:
        counter = self.counter
        ticket = self.counter_ticket
        assert ticket is not None
        try:
            staff = counter.member.name if counter.member else None
            moved = counter.service.transfer(
                ticket.id, department, service=service_code, staff=staff, note=note or None
            )
        except KioskError as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext), True)
            return
        name = counter.service.catalogue.dept(department).name(counter.lang)
        to_ui(
            self.app,
            self.say,
            self.gettext("{number} moved to {department}").format(number=moved.code, department=name),
        )
        to_ui(self.app, self.refresh_view)

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.open_ticket(text)

    @work(thread=True, exclusive=True, group="action")
    def open_ticket(self, text: str) -> None:
        """A scanned QR (or a typed number): call it here, or start it if it is called here already."""
        counter = self.counter
        service = counter.service
        staff = counter.member.name if counter.member else None
        try:
            if parse_ticket_code(text) is not None and not text.upper().startswith("K1:"):
                ticket = service.ticket(text)
            else:
                ticket = service.open_scanned(text)
            if ticket.state == State.CALLED and ticket.window == counter.window:
                ticket = service.start(ticket.id, staff=staff)
            elif ticket.state in (State.WAITING, State.ON_HOLD):
                ticket = self.call_here(ticket, staff)
            elif ticket.state != State.SERVING or ticket.window != counter.window:
                raise KioskError(self.state_text(ticket.code, ticket.state))
        except ScanRefused as exc:  # a ticket that is over: its state, in the clerk's language
            text = self.state_text(exc.number, State(exc.reason)) if exc.number else str(exc)
            to_ui(self.app, self.say, text, True)
            return
        except KioskError as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext), True)
            return
        to_ui(self.app, self.say, f"{ticket.code}: {self.gettext(STATE_WORDS[ticket.state])}")
        to_ui(self.app, self.refresh_view)

    def call_here(self, ticket: TicketView, staff: str | None) -> TicketView:
        try:
            return self.counter.service.call(ticket.id, self.counter.window, staff=staff)
        except WrongWindow:
            text = self.gettext("{number} is served at window {windows}, not here")
            raise KioskError(text.format(number=ticket.code, windows=", ".join(ticket.windows))) from None

    def state_text(self, number: str, state: State) -> str:
        return self.gettext("{number} is {state}").format(
            number=number, state=self.gettext(STATE_WORDS[state])
        )

    # The picture ------------------------------------------------------------------------------

    counter_ticket: TicketView | None = None

    @work(thread=True, exclusive=True, group="view")
    def refresh_view(self) -> None:
        counter = self.counter
        try:
            current = counter.service.at_window(counter.window)
            waiting = [counter.service.waiting(d, limit=6) for d in counter.departments]
            paused = counter.service.window_paused(counter.window)
        except KioskError as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext), True)
            return
        to_ui(self.app, self.show, current, waiting, paused)

    def show(
        self, current: TicketView | None, waiting: list[tuple[int, list[TicketView]]], paused: bool
    ) -> None:
        self.counter_ticket = current
        lang = self.counter.lang
        catalogue = self.counter.service.catalogue
        number = self.query_one("#current-number", BigText)
        details = self.query_one("#current-details", Static)
        if current is None:
            number.show("")
            details.update(self.gettext("Nobody at this window. Press Call next [F1]."))
        else:
            number.show(current.code)
            service, _ = catalogue.service(current.service)
            waited = int((self.counter.service.now() - current.issued_at).total_seconds() // 60)
            lines = [
                f"{self.gettext(STATE_WORDS[current.state])} · {service.name(lang)}",
                self.gettext("Language: {language}").format(
                    language=NATIVE_NAMES.get(current.language, current.language)
                ),
                self.gettext("Waited {minutes} min").format(minutes=waited),
            ]
            if current.priority:
                lines.append(
                    self.gettext("Priority: {category}").format(
                        category=catalogue.priority_category(current.priority).name(lang)
                    )
                )
            if current.interpreter:
                lines.append(self.gettext("Sign-language interpreter requested"))
            details.update("\n".join(lines))
        count = sum(c for c, _ in waiting)
        self.query_one("#waiting-count", Label).update(self.gettext("{count} waiting").format(count=count))
        upcoming = sorted(
            (t for _, tickets in waiting for t in tickets),
            key=lambda t: (t.priority is None, t.queued_at, t.id),
        )
        interpreter = self.gettext("interpreter")
        marks = [
            f"{t.code}{'  ★' if t.priority else ''}{f'  ({interpreter})' if t.interpreter else ''}"
            for t in upcoming[:6]
        ]
        self.query_one("#next", Static).update("\n".join(marks))
        word = self.gettext("Resume") if paused else self.gettext("Break")
        self.query_one("#act-pause", Button).label = f"F9  {word}"
        self.query_one("#act-call", Button).disabled = paused
