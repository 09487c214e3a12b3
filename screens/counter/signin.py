"""Sign-in at a counter or the front desk: tap your name, then type your PIN."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Button, Label

from kiosk.errors import KioskError
from kiosk.i18n import translations
from kiosk.staff import Member, StaffDirectory
from screens.common.live import to_ui
from screens.common.pin import PinScreen
from screens.common.words import problem_text


class SignInScreen(Screen[None]):
    """Lists the active staff (administrators only, with `role="admin"`); calls `signed_in`."""

    def __init__(
        self,
        staff: StaffDirectory,
        lang: str,
        title: str,
        signed_in: Callable[[Member], None],
        role: str | None = None,
    ) -> None:
        super().__init__()
        self.staff = staff
        self.lang = lang
        self.title_text = title
        self.signed_in = signed_in
        self.role = role

    def compose(self) -> ComposeResult:
        t = translations(self.lang)
        members = [m for m in self.staff.members() if m.active and (self.role is None or m.role == self.role)]
        with Vertical(id="signin"):
            yield Label(self.title_text, id="signin-title")
            yield Label(t.gettext("Tap your name, then type your PIN"), id="signin-hint")
            with Grid(id="names"):
                for index, member in enumerate(members):
                    yield Button(member.name, id=f"member-{index}", classes="member")
            if not members:
                yield Label(t.gettext("No staff yet: add them with `kiosk staff add`"))
        self.members = members

    @on(Button.Pressed, ".member")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.ask(self.members[int(event.button.id.removeprefix("member-"))].name)

    def ask(self, name: str, error: str = "") -> None:
        t = translations(self.lang)
        self.app.push_screen(
            PinScreen(
                t.gettext("PIN for {name}").format(name=name), t.gettext("Cancel"), t.gettext("OK"), error
            ),
            callback=lambda pin: self._typed(name, pin),
        )

    def _typed(self, name: str, pin: str | None) -> None:
        if pin:
            self.check(name, pin)

    @work(thread=True, exclusive=True, group="signin")
    def check(self, name: str, pin: str) -> None:
        try:
            member = self.staff.sign_in(name, pin, role=self.role)
        except KioskError as exc:
            to_ui(self.app, self.ask, name, problem_text(exc, translations(self.lang).gettext))
            return
        to_ui(self.app, self.signed_in, member)
