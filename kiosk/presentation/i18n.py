"""UI text in the seven languages: gettext catalogues (`data/locale/<lang>/LC_MESSAGES/kiosk.po`)
read with Babel, so no compiled .mo files live in the repo. Messages are marked with `_()`.

Reading a .po takes Babel about 40 ms a language, and a short command (`kiosk issue`) pays it on
every start: each catalogue is compiled once to a .mo in the user's cache folder, named by the .po's
own hash (an edited .po is compiled again), and read from there after."""

from __future__ import annotations

import gettext
import hashlib
import io
import os
from functools import cache
from pathlib import Path

from platformdirs import user_cache_path

from kiosk.domain.languages import LANGUAGES
from kiosk.paths import bundled_data

DOMAIN = "kiosk"


def locale_dir() -> Path:
    return bundled_data() / "locale"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang`; English (the message ids) needs none, and a code that is none of
    the seven (typed by someone, never a path) gets English too."""
    if lang == "en" or lang not in LANGUAGES:
        return gettext.NullTranslations()
    path = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled(lang, path.read_bytes())))


def compiled(lang: str, po: bytes) -> bytes:
    """The .mo of catalogue `po`: from the cache, else compiled (and kept there when it can be)."""
    cached = (
        user_cache_path("lobby-kiosk", appauthor=False)
        / "locale"
        / f"{lang}-{hashlib.sha256(po).hexdigest()[:20]}.mo"
    )
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(po), locale=lang, domain=DOMAIN), use_fuzzy=False)
    data = buffer.getvalue()
    try:  # written whole under another name, then renamed: a reader never sees half a file
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}")
        partial.write_bytes(data)
        partial.replace(cached)
    except OSError:  # a read-only home: compiled again next time
        pass
    return data


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later (Babel's default keyword)."""
    return message
