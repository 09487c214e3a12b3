"""What does the visitor need? The kiosk menu's categories, then the services of the one chosen.
A service whose department is closed or past its last ticket says so, with its hours, before it is
chosen; it cannot be chosen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Button, Label

from kiosk.catalogue import MenuEntry, Opening
from screens.common.widgets import Choice
from screens.lobby.bar import ActionBar
from screens.lobby.base import Line, VisitorScreen
from screens.lobby.guide import numbered


class ChoiceScroll(VerticalScroll, can_focus=False):
    """Scrolls the choices without taking focus itself (the first choice gets it)."""


class MenuScreen(VisitorScreen):
    """A screen of choices that says which are closed: drawn from the openings last read, which
    are read again (off the UI thread) when it opens; it is drawn again if they changed."""

    def opening(self, department: str) -> Opening:
        known = self.terminal.openings.get(department)
        if known is None:  # not read yet: open (the issue itself still checks)
            dept = self.terminal.service.catalogue.dept(department)
            return Opening(open=True, reason="open", hours=dept.hours_text(), cutoff=dept.cutoff)
        return known

    def on_mount(self) -> None:
        terminal = self.terminal
        terminal.run_db(
            terminal.read_openings, self._openings_read, on_failed=terminal.logged, group="openings"
        )

    def _openings_read(self, openings: dict[str, Opening]) -> None:
        if openings != self.terminal.openings:
            self.terminal.openings = openings
            self.run_worker(self._redraw(), group="redraw", exclusive=True)

    async def _redraw(self) -> None:
        await self.recompose()
        self.redrawn()

    def redrawn(self) -> None:
        """After the screen was drawn again with new openings."""


class NeedScreen(MenuScreen):
    """The menu's categories, with the optional priority and interpreter choices."""

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        catalogue = lobby.service.catalogue
        with Vertical(id="need"):
            yield Label(self.gettext("What do you need?"), id="heading")
            with ChoiceScroll(), Grid(id="choices", classes="-large" if lobby.large else ""):
                for number, entry in enumerate(catalogue.menu, 1):
                    note = "" if self._any_open(entry) else self.gettext("Closed now")
                    name = numbered(number, entry.name(lobby.lang))
                    yield Choice(
                        name, entry.hint(lobby.lang), note, lobby.large, lobby.width,
                        id=f"menu-{entry.code}", classes="menu",
                    )  # fmt: skip
            yield ActionBar(lobby.lang, options=True)

    def on_mount(self) -> None:
        self.refresh_options()

    def on_screen_resume(self) -> None:
        self.refresh_options()

    def redrawn(self) -> None:
        self.refresh_options()

    def refresh_options(self) -> None:
        lobby = self.terminal
        if lobby.priority:
            name = lobby.service.catalogue.priority_category(lobby.priority).name(lobby.lang)
            priority = self.gettext("Priority: {category}").format(category=name)
        else:
            priority = self.gettext("I have a priority right")
        self.query_one("#priority", Button).label = priority
        if lobby.interpreter:
            interpreter = self.gettext("Sign-language interpreter: yes")
        else:
            interpreter = self.gettext("I need a sign-language interpreter")
        self.query_one("#interpreter", Button).label = interpreter

    def _any_open(self, entry: MenuEntry) -> bool:
        catalogue = self.terminal.service.catalogue
        return any(self.opening(catalogue.service(code)[1].code).open for code in entry.services)

    @on(Button.Pressed, ".menu")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        code = event.button.id.removeprefix("menu-")
        entry = next(m for m in self.terminal.service.catalogue.menu if m.code == code)
        self.app.push_screen(ServiceScreen(entry))

    @on(Button.Pressed, "#priority")
    def _priority(self) -> None:
        from screens.lobby.priority import PriorityScreen

        self.app.push_screen(PriorityScreen(), callback=self._priority_chosen)

    def _priority_chosen(self, code: str | None) -> None:
        self.terminal.priority = code or None
        self.refresh_options()

    @on(Button.Pressed, "#interpreter")
    def _interpreter(self) -> None:
        self.terminal.interpreter = not self.terminal.interpreter
        self.refresh_options()

    def speech(self) -> list[Line]:
        """The heading, each numbered choice with its hint and state, then the options' states."""
        guide = self.terminal.guide
        choices = [guide.describe(c)[0] for c in self.query(Choice).results(Choice)]
        options = [
            guide.describe(self.query_one(f"#{name}", Button))[0] for name in ("priority", "interpreter")
        ]
        return self.line(self.gettext("What do you need?"), *choices, *options)


class ServiceScreen(MenuScreen):
    """The services of one category; tapping an open one issues the ticket."""

    def __init__(self, entry: MenuEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        lang = lobby.lang
        with Vertical(id="services"):
            yield Label(self.entry.name(lang), id="heading")
            yield Label(self.gettext("Choose a service"), id="subheading")
            with ChoiceScroll(), Grid(id="choices", classes="-large" if lobby.large else ""):
                for number, code in enumerate(self.entry.services, 1):
                    service, dept = lobby.service.catalogue.service(code)
                    opening = self.opening(dept.code)
                    note = self.closed_note(opening, opening.cutoff.strftime("%H:%M"))
                    name = numbered(number, service.name(lang))
                    button = Choice(
                        name, service.hint(lang), note, lobby.large, lobby.width,
                        id=f"service-{code}", classes="service",
                    )  # fmt: skip
                    button.disabled = not opening.open
                    yield button
            yield ActionBar(lang)

    def closed_note(self, opening: Opening, cutoff: str) -> str:
        if opening.open:
            return ""
        if opening.reason == "after_cutoff":
            note = self.gettext("No more tickets today (last ticket {time}). Hours: {hours}")
        elif opening.reason == "break":
            note = self.gettext("Break between shifts. Hours: {hours}")
        else:
            note = self.gettext("Closed now. Hours: {hours}")
        return note.format(time=cutoff, hours=opening.hours)

    @on(Button.Pressed, ".service")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.terminal.choose_service(event.button.id.removeprefix("service-"))

    def speech(self) -> list[Line]:
        """The category, then each numbered service with its hint, and when closed why, and its hours."""
        guide = self.terminal.guide
        choices = [guide.describe(c)[0] for c in self.query(Choice).results(Choice)]
        return self.line(self.entry.name(self.terminal.lang), self.gettext("Choose a service"), *choices)
