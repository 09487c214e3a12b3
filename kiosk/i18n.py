"""UI text in the seven languages: gettext catalogues (`data/locale/<lang>/LC_MESSAGES/kiosk.po`)
read with Babel, so no compiled .mo files live in the repo. Messages are marked with `_()`."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.paths import bundled_data

DOMAIN = "kiosk"


def locale_dir() -> Path:
    return bundled_data() / "locale"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang`; English (the message ids) needs none."""
    path = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later (Babel's default keyword)."""
    return message
