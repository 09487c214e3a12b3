"""Announcements of calls in the hall: a chime, then "Ticket P 7, window 3" in each of the centre's
announcement languages, one after another through the speaker's single queue."""

from __future__ import annotations

from kiosk.domain import spoken_number
from kiosk.i18n import translations
from kiosk.speech import Speaker


def announcement(code: str, window: str, lang: str) -> str:
    text = translations(lang).gettext("Ticket {number}, window {window}")
    return text.format(number=spoken_number(code), window=window)


def announce(speaker: Speaker, code: str, window: str, languages: list[str]) -> None:
    speaker.chime()
    for lang in languages:
        speaker.say(announcement(code, window, lang), lang)
