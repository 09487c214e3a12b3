"""Is a screen in another language free of English? Every word of the kiosk's English messages that
no translation shares (so "Enter", "PIN" and "QR" are fine), looked for in the text of every widget
shown on the top screen.

    from tests.screens.english import english_on_screen

    assert not english_on_screen(pilot.app, "uk")   # the English words found, with their widget
"""

from __future__ import annotations

import re
from functools import cache

from babel.messages.pofile import read_po
from textual.app import App

from kiosk.domain.languages import LANGUAGES
from kiosk.presentation.i18n import DOMAIN, locale_dir
from tests.screens.fit import name, widget_text

WORD = re.compile(r"[A-Za-z][a-z]{3,}")  # English words of four letters or more
PLACEHOLDER = re.compile(r"\{\w*\}")


@cache
def english_words(lang: str) -> frozenset[str]:
    """The words of the English messages that `lang`'s translations never use."""
    with (locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    english, translated = set(), set()
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        english.update(w.casefold() for text in ids for w in WORD.findall(PLACEHOLDER.sub(" ", text)))
        translated.update(w.casefold() for text in forms for w in WORD.findall(PLACEHOLDER.sub(" ", text)))
    return frozenset(english - translated)


def english_on_screen(app: App[object], lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """Each shown widget on the top screen whose text has English words that `lang` does not use,
    as "widget: words"; `names` (a centre's, a member's) are left out."""
    assert lang in LANGUAGES and lang != "en"
    words = english_words(lang)
    found: list[str] = []
    for widget in app.screen.query("*"):
        text = widget_text(widget)
        if not text or not widget.display or not widget.visible:
            continue
        for known in names:
            text = text.replace(known, " ")
        english = sorted({w for w in WORD.findall(text) if w.casefold() in words})
        if english:
            found.append(f"{name(widget)}: {english}")
    return found
