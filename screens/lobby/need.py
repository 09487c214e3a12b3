"""What does the visitor need? The kiosk menu's categories, then the services of the one chosen.
A service whose department is closed or past its last ticket says so, with its hours, before it is
chosen; it cannot be chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Button, Label

from kiosk.domain.catalogue import MenuEntry, Opening
from screens.common.widgets import Choice
from screens.lobby.bar import ActionBar
from screens.lobby.base import Line, VisitorScreen, sentences
from screens.lobby.guide import APPOINTMENT_KEY, DIGITS, numbered
from screens.lobby.plan import Arrangement, arrange


class ChoiceScroll(VerticalScroll, can_focus=False):
    """Scrolls the choices without taking focus itself (the first choice gets it)."""


class MenuScreen(VisitorScreen):
    """A screen of choices that says which are closed: drawn from the openings last read, which
    are read again (off the UI thread) when it opens; it is drawn again if they changed. Its grid
    and bar are planned for the terminal's size and the texts (`screens.lobby.plan`), again after
    a resize."""

    closing = False  # whether a choice with a note is closed (a service), or only says so (a need)
    page = 0  # larger text on a small screen: the page of choices shown (`Arrangement.pages`)
    # A choice asked for by its key, on a page being turned to: its id, and what is done with it.
    then: tuple[str, Callable[[Choice], None]] | None = None

    def headings(self) -> list[str]:
        return []

    def items(self) -> list[tuple[str, str, str, str]]:
        """Each choice: id, name, hint and note."""
        return []

    def more_label(self, page: int, pages: int) -> str:
        """The choice that ends a page: what it does, and where the visitor is."""
        return self.gettext("More choices ({page} of {pages})").format(page=page, pages=pages)

    def plan(self, bar: ActionBar) -> Arrangement:
        large = self.terminal.large
        items = self.items()
        return arrange(
            (self.app.size.width, self.app.size.height),
            self.headings(),
            [Choice.label_for(name, hint, note, large).plain for _, name, hint, note in items],
            [Choice.label_for(name, "", note, large).plain for _, name, _, note in items],
            [text for text, _ in bar.labels().values()],
            large,
            Choice.label_for(self.more_label(9, 9), large=large).plain,
            self.page,
        )

    def compose_choices(self, bar: ActionBar, classes: str) -> Iterable[Choice | Grid | VerticalScroll]:
        """The choices' grid (in a scroll that scrolls only when they cannot all fit) and the bar."""
        plan = self.arranged = self.plan(bar)
        scroll = ChoiceScroll()
        grid = Grid(id="choices")
        grid.set_styles(plan.choices.css())
        if plan.bar:
            bar.set_styles(plan.bar.css() + f"height: {plan.bar.total};")
        self.set_class(plan.roomy, "-roomy")
        items = self.items()
        with scroll, grid:
            for ident, name, hint, note in (items[i] for i in plan.shown(len(items))):
                closed = " -closed" if note and self.closing else ""  # a tap says why, chooses nothing
                yield Choice(  # a hint with no room on screen is still read aloud
                    name,
                    hint,
                    note,
                    self.terminal.large,
                    shown_hint=plan.hints,
                    id=ident,
                    classes=classes + closed,
                )
            if plan.pages:
                label = self.more_label(plan.page + 1, len(plan.pages))
                yield Choice(label, large=self.terminal.large, id="more", classes="more")
        yield bar

    @on(Button.Pressed, "#more")
    def _more(self) -> None:
        """The next page of choices (after the last, the first)."""
        self.page = (self.arranged.page + 1) % len(self.arranged.pages)
        self.redraw_later()

    def turn_to(self, ident: str, then: Callable[[Choice], None]) -> bool:
        """Choice `ident` asked for by its key: `then` given it, after turning to its page if it is
        on another; False when there is no such choice."""
        index = next((n for n, item in enumerate(self.items()) if item[0] == ident), None)
        if index is None:
            return False
        if index in self.arranged.shown(len(self.items())):
            then(self.query_one(f"#{ident}", Choice))
            return True
        self.page, self.then = self.arranged.page_of(index), (ident, then)
        self.redraw_later()
        return True

    def key_choice(self, number: int) -> str | None:
        """The id of the choice with key `number` (1-9), on whichever page it is."""
        items = self.items()
        return items[number - 1][0] if 1 <= number <= min(len(items), 9) else None

    def on_resize(self) -> None:
        arranged = getattr(self, "arranged", None)
        found = self.query(ActionBar)
        if arranged is not None and found and arranged != self.plan(found.first()):
            self.redraw_later()

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
            self.redraw_later()

    async def redraw(self) -> None:
        await self.recompose()
        self.redrawn()
        then, self.then = self.then, None
        if then is not None:
            ident, callback = then
            callback(self.query_one(f"#{ident}", Choice))

    def redrawn(self) -> None:
        """After the screen was drawn again with new openings."""


class NeedScreen(MenuScreen):
    """The menu's categories, with the optional priority and interpreter choices."""

    def headings(self) -> list[str]:
        return [self.gettext("What do you need?")]

    def items(self) -> list[tuple[str, str, str, str]]:
        lang = self.terminal.lang
        catalogue = self.terminal.service.catalogue
        found = [
            (f"menu-{entry.code}", numbered(number, entry.name(lang)), entry.hint(lang),
             "" if self._any_open(entry) else self.gettext("Closed now"))
            for number, entry in enumerate(catalogue.menu, 1)
        ]  # fmt: skip
        if any(d.takes_appointments for d in catalogue.department):  # booked visits
            name = numbered(len(found) + 1, self.gettext("I have an appointment"))
            found.append(("appointment", name, self.gettext("Check in with the code of your booking"), ""))
        return found

    def compose(self) -> ComposeResult:
        with Vertical(id="need"):
            yield Label(self.gettext("What do you need?"), id="heading")
            yield from self.compose_choices(ActionBar(options=True), "menu")

    def on_mount(self) -> None:
        self.refresh_options()

    def on_screen_resume(self) -> None:
        self.refresh_options()

    def redrawn(self) -> None:
        self.refresh_options()

    def refresh_options(self) -> None:
        found = self.query(ActionBar)
        if not found:  # being drawn again: it shows the state when composed
            return
        bar = found.first()
        if self.plan(bar) != getattr(self, "arranged", None):  # a longer text may need more rows
            self.redraw_later()
        else:
            bar.show_state()

    def _any_open(self, entry: MenuEntry) -> bool:
        catalogue = self.terminal.service.catalogue
        return any(self.opening(catalogue.service(code)[1].code).open for code in entry.services)

    @on(Button.Pressed, ".menu")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        if event.button.id == "appointment":
            from screens.lobby.checkin import CheckInScreen

            self.app.push_screen(CheckInScreen())
            return
        code = event.button.id.removeprefix("menu-")
        entry = next(m for m in self.terminal.service.catalogue.menu if m.code == code)
        self.app.push_screen(ServiceScreen(entry))

    @on(Button.Pressed, "#priority")
    def _priority(self) -> None:
        from screens.lobby.priority import PriorityScreen

        self.app.push_screen(PriorityScreen(), callback=self._priority_chosen)

    def _priority_chosen(self, code: str | None) -> None:
        if code is not None:  # None: closed, nothing changes
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

    def intro(self) -> list[Line]:
        """Guided: the heading and each numbered need's name (and "closed" where so); its hint and
        state are heard when it is picked, the options' states when they are reached."""
        items = self.items()
        names = [sentences(name, note) for _, name, _, note in items]
        if len(items) > len(DIGITS) and items[-1][0] == "appointment":  # no digit of its own: its key
            names[-1] = sentences(names[-1], self.gettext(APPOINTMENT_KEY))
        return self.line(self.gettext("What do you need?"), *names)


class ServiceScreen(MenuScreen):
    """The services of one category; tapping an open one issues the ticket."""

    closing = True

    def __init__(self, entry: MenuEntry) -> None:
        super().__init__()
        self.entry = entry

    def headings(self) -> list[str]:
        return [self.entry.name(self.terminal.lang), self.gettext("Choose a service")]

    def items(self) -> list[tuple[str, str, str, str]]:
        lobby = self.terminal
        found = []
        for number, code in enumerate(self.entry.services, 1):
            service, dept = lobby.service.catalogue.service(code)
            opening = self.opening(dept.code)
            note = self.closed_note(opening, opening.cutoff.strftime("%H:%M"))
            name = numbered(number, service.name(lobby.lang))
            found.append((f"service-{code}", name, service.hint(lobby.lang), note))
        return found

    def compose(self) -> ComposeResult:
        with Vertical(id="services"):
            yield Label(self.entry.name(self.terminal.lang), id="heading", markup=False)
            yield Label(self.gettext("Choose a service"), id="subheading")
            yield from self.compose_choices(ActionBar(), "service")

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
        if event.button.has_class("-closed"):  # not chosen: the visitor is told why, and when
            note = next(note for ident, *_, note in self.items() if ident == event.button.id)
            self.terminal.say(note)
            return
        self.terminal.choose_service(event.button.id.removeprefix("service-"))

    def speech(self) -> list[Line]:
        """The category, then each numbered service with its hint, and when closed why, and its hours."""
        guide = self.terminal.guide
        choices = [guide.describe(c)[0] for c in self.query(Choice).results(Choice)]
        return self.line(self.entry.name(self.terminal.lang), self.gettext("Choose a service"), *choices)
