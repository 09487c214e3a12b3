"""Announcements of calls in the hall: a chime, then "Ticket P 7, window 3" in each of the centre's
announcement languages and then in the ticket's own language (unless it was one of them), one after
another through the speaker's single queue. Each language says the ticket's letters as its readers
do (`Catalogue.spoken_number`: "Талон ер 7, вікно 3")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.languages import LANGUAGES
from kiosk.errors import KioskError
from kiosk.presentation.i18n import translations
from kiosk.presentation.speech import Speaker, Utterance


def call_languages(centre: Iterable[str], ticket: str | None) -> list[str]:
    """The centre's announcement languages in their order, then the ticket's own language; each once.
    A ticket language the kiosk does not speak (an old or foreign row) adds nothing."""
    order = list(dict.fromkeys(centre))
    if ticket in LANGUAGES and ticket not in order:
        order.append(ticket)
    return order


def announcement(catalogue: Catalogue, code: str, window: str, lang: str) -> str:
    text = translations(lang).gettext("Ticket {number}, window {window}")
    return text.format(number=catalogue.spoken_number(code, lang), window=window)


def announcements(
    catalogue: Catalogue, code: str, window: str, centre: Iterable[str], ticket: str | None
) -> list[tuple[str, str]]:
    """What the hall hears for a call, as (language, text) in the order it is said."""
    return [(lang, announcement(catalogue, code, window, lang)) for lang in call_languages(centre, ticket)]


def announce(
    speaker: Speaker,
    catalogue: Catalogue,
    code: str,
    window: str,
    centre: Iterable[str],
    ticket: str | None,
) -> list[tuple[str, str]]:
    """Queue the chime and the announcements; return what was queued."""
    said = announcements(catalogue, code, window, centre, ticket)
    _queue(speaker, said)
    return said


def _queue(speaker: Speaker, said: list[tuple[str, str]]) -> None:
    speaker.chime()
    for lang, text in said:
        speaker.say(text, lang)


def play(said: list[tuple[str, str]], output: Path | None = None) -> list[str]:
    """Speak a call now (`kiosk announce --play`): on the sound device, or as WAV files in `output`.
    Returns the languages espeak-ng failed to speak (its warnings are logged)."""
    spoken: list[Utterance] = []
    speaker = Speaker(output=output, on_spoken=spoken.append)
    if not speaker.available:
        raise KioskError("espeak-ng is not installed, so nothing can be spoken (apt-get install espeak-ng)")
    try:
        _queue(speaker, said)
        speaker.wait()
    finally:
        speaker.close()
    done = {u.lang for u in spoken}
    return [lang for lang, _ in said if lang not in done]


@dataclass(frozen=True)
class Clash:
    """Prefixes said alike in a language: their tickets of the same number sound the same."""

    language: str
    prefixes: list[str]
    said: str

    def __str__(self) -> str:
        return (
            f"in {self.language}, {' and '.join(self.prefixes)} are said alike ({self.said!r}); "
            "give one of their departments a `spoken` entry in the catalogue"
        )


def clashes_of(catalogue: Catalogue, code: str, languages: Iterable[str]) -> list[Clash]:
    """The clashes of this ticket's prefix in `languages`."""
    prefix = code.partition("-")[0]
    found = []
    for lang in languages:
        for group in catalogue.spoken_clashes(lang):
            if any(d.prefix == prefix for d in group):
                found.append(Clash(lang, [d.prefix for d in group], group[0].spoken_prefix(lang)))
    return found
