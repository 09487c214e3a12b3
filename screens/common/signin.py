"""Sign-in at a counter or the front desk: tap your name, then type your PIN."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Button, Label

from kiosk.errors import KioskError
from kiosk.security.members import Member
from screens.common.pin import PinScreen
from screens.common.plain import plain
from screens.common.terminal import TerminalApp, TerminalPart
from screens.common.words import problem_text


class SignInScreen(TerminalPart[TerminalApp], Screen[None]):
    """Lists the active staff (administrators only, with `role="admin"`); a right PIN calls the
    terminal's `signed_in`."""

    def __init__(self, title: str, role: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.role = role
        self.members: list[Member] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="signin"):
            yield Label(self.title_text, id="signin-title", markup=False)
            yield Label(self.gettext("Tap your name, then type your PIN"), id="signin-hint")
            yield Grid(id="names")

    def on_mount(self) -> None:
        self.terminal.run_db(self.terminal.staff.members, self.show_members, group="signin")

    def show_members(self, members: list[Member]) -> None:
        self.members = [m for m in members if m.active and (self.role is None or m.role == self.role)]
        buttons = [
            Button(plain(m.name), id=f"member-{index}", classes="member")
            for index, m in enumerate(self.members)
        ]
        self.query_one("#names", Grid).mount_all(buttons)
        if buttons and self.focused is None:
            buttons[0].focus()  # as if they had been there when the screen opened
        if not self.members:
            self.query_one("#signin", Vertical).mount(
                Label(self.gettext("No staff yet: add them with `kiosk staff add`"))
            )

    @on(Button.Pressed, ".member")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.ask(self.members[int(event.button.id.removeprefix("member-"))].name)

    def ask(self, name: str, error: str = "") -> None:
        title = self.gettext("PIN for {name}").format(name=name)
        pin = PinScreen(title, self.gettext("Cancel"), self.gettext("OK"), error)
        self.app.push_screen(pin, callback=lambda typed: self._typed(name, typed))

    def _typed(self, name: str, pin: str | None) -> None:
        if not pin:
            return
        terminal = self.terminal

        def refused(exc: KioskError) -> None:
            self.ask(name, problem_text(exc, terminal.gettext))

        terminal.run_db(
            lambda: terminal.staff.sign_in(name, pin, role=self.role),
            terminal.signed_in,
            on_failed=refused,
            group="signin",
            exclusive=True,
        )
