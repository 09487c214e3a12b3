"""A visitor rates the visit at the lobby kiosk: the ticket's QR scanned after it was served, then
five faces and, if they like, what stood out; anonymous, one rating a ticket (`QueueService.rate`,
source "kiosk"). A ticket not served yet, rated already or not of today is told so calmly."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Label

from kiosk.domain.ratings import BAD_REASONS, GOOD_REASONS, RatingRefused
from kiosk.domain.tickets import TicketView
from kiosk.errors import KioskError, ScanRefused
from kiosk.presentation.i18n import N_, translations
from kiosk.presentation.rating_words import FACES, REASON_LABELS
from screens.lobby.dialogs import Dialog, NoticeScreen, read_aloud

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp

log = logging.getLogger(__name__)

Choice = tuple[int, list[str]]  # the score, and the reasons chosen

# What the visitor is told when the scanned ticket cannot be rated, by the refusal's reason.
REFUSED: dict[str, str] = {
    "not_served": N_("Your visit is not over yet. You can rate it here once you have been served."),
    "rated": N_("This visit has been rated already. Thank you!"),
    "other_day": N_("A visit can be rated on its own day only."),
    "unknown": N_("This is not a ticket of this centre from today."),
}
CHOSEN = "✓ "  # before a chosen reason: seen without the colour


class RatingDialog(Dialog[Choice]):
    """The faces, then the reasons that go with the score chosen (what went well for 4 and 5, what
    could be better below), then Send. Back or Escape leaves without a rating."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", show=False)]

    def __init__(self, code: str, lang: str) -> None:
        super().__init__()
        self.code = code
        self.lang = lang
        self.score: int | None = None
        self.chosen: list[str] = []

    def action_leave(self) -> None:
        self.dismiss(None)

    def t(self, text: str) -> str:
        return translations(self.lang).gettext(text)

    def reasons(self) -> tuple[str, ...]:
        return GOOD_REASONS if (self.score or 0) >= 4 else BAD_REASONS

    def compose(self) -> ComposeResult:
        with self.box():
            if self.score is None:
                yield Label(self.t("How was your visit?"), classes="dialog-title", markup=False)
                yield Label(self.code, id="rating-ticket", markup=False)
                note = "Your rating is anonymous: it helps the centre serve visitors better."
                yield Label(self.t(note), id="notice", markup=False)
                faces = [(f"face-{n}", self.face(n), "default") for n in sorted(FACES, reverse=True)]
                back = ("back", self.t("Back"), "primary")
                yield from self.buttons([*faces, back, (*read_aloud(self.lang), "default")])
            else:
                yield Label(self.face(self.score), classes="dialog-title", markup=False)
                yield Label(self.t(self.question()), id="notice", markup=False)
                reasons = [(f"reason-{code}", self.reason(code), "default") for code in self.reasons()]
                send = ("send", self.t("Send rating"), "success")
                yield from self.buttons([*reasons, send, (*read_aloud(self.lang), "default")])

    def face(self, score: int) -> str:
        return f"{score} · {self.t(FACES[score])}"

    def question(self) -> str:
        return "What went well? (optional)" if (self.score or 0) >= 4 else "What could be better? (optional)"

    def reason(self, code: str) -> str:
        return (CHOSEN if code in self.chosen else "") + self.t(REASON_LABELS[code])

    def words(self) -> list[str]:
        """What is read aloud: each face as its number and its word (the dot between is not said)."""
        if self.score is None:
            note = "Your rating is anonymous: it helps the centre serve visitors better."
            faces = [f"{n}, {self.t(FACES[n])}" for n in sorted(FACES, reverse=True)]
            return [self.t("How was your visit?"), self.t(note), *faces]
        reasons = [self.t(REASON_LABELS[code]) for code in self.reasons()]
        return [self.t(FACES[self.score]), self.t(self.question()), *reasons, self.t("Send rating")]

    @on(Button.Pressed, "#face-1,#face-2,#face-3,#face-4,#face-5")
    async def _face(self, event: Button.Pressed) -> None:
        self.score = int(str(event.button.id).removeprefix("face-"))
        await self.recompose()
        self.focus_next()
        self.terminal.speak(self.speech())

    @on(Button.Pressed, ".dialog-buttons Button")
    def _reason(self, event: Button.Pressed) -> None:
        code = str(event.button.id).removeprefix("reason-")
        if code not in REASON_LABELS:
            return
        if code in self.chosen:
            self.chosen.remove(code)
        else:
            self.chosen.append(code)
        event.button.label = self.reason(code)
        event.button.variant = "primary" if code in self.chosen else "default"

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        assert self.score is not None
        self.dismiss((self.score, [code for code in self.reasons() if code in self.chosen]))


class VisitRatings:
    """The lobby's ratings of visits (`LobbyApp.ratings`): a ticket's QR scanned, checked off the UI
    thread, the faces shown in the ticket's language (or the visitor's, once chosen), the rating
    saved, thanks said, and the kiosk back at its first screen."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app

    def scanned(self, text: str) -> None:
        self.app.run_db(lambda: self._open(text), self._opened, group="rating", exclusive=True)

    def _open(self, text: str) -> TicketView | str:
        try:
            return self.app.service.rating_open(text)
        except RatingRefused as refused:
            return refused.reason
        except ScanRefused as refused:
            log.info("a scanned ticket to rate was refused: %s", refused)
            return "other_day" if refused.reason == "other_day" else "unknown"

    def _opened(self, found: TicketView | str) -> None:
        if isinstance(found, str):
            self.app.say(self.app.gettext(REFUSED[found]), True)
            return
        if not self.app.lang_chosen:  # scanned on the first screen: the ticket's language
            self.app.lang, self.app.lang_chosen = found.language, True
        dialog = RatingDialog(found.code, self.app.lang)
        self.app.push_screen(dialog, lambda choice: self._chosen(found.id, choice))

    def _chosen(self, ticket: int, choice: Choice | None) -> None:
        if choice is None:  # left with Escape: nothing recorded, and no visitor's language kept
            if len(self.app.screen_stack) == 1:
                self.app.start_over(keep_guide=True)
            return
        score, reasons = choice
        self.app.run_db(
            lambda: self.app.service.rate(ticket, score, reasons, source="kiosk"),
            lambda _: self._thanked(),
            on_failed=self._failed,
            group="rating",
        )

    def _thanked(self) -> None:
        text, ok = self.app.gettext("Thank you for your rating!"), self.app.gettext("OK")
        self.app.push_screen(NoticeScreen(text, ok, self.app.lang), lambda _: self.app.start_over(True))

    def _failed(self, exc: KioskError) -> None:
        if isinstance(exc, RatingRefused):  # rated from the phone in the meantime, say
            self.app.say(self.app.gettext(REFUSED.get(exc.reason, REFUSED["rated"])), True)
            return
        log.warning("a rating was not saved: %s", exc)
        self.app.say(self.app.gettext("Your rating could not be sent. Please try again."), True)
