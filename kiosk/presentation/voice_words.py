"""Written abbreviations said in full: the screens write "12 хв" and "about 12 min", and espeak-ng
spells a short word it does not know letter by letter ("ха-ве", "de-ke"). Units are written out
where they follow a number (a Russian "с" elsewhere is a word), the others wherever they stand."""

from __future__ import annotations

import re
from functools import cache

# In each language, as its screens write them (data/locale): units after a number ...
UNITS: dict[str, dict[str, str]] = {
    "en": {"min": "minutes", "s": "seconds"},
    "uk": {"хв": "хвилин", "с": "секунд"},
    "ru": {"мин": "минут", "с": "секунд"},
    "tr": {"dk": "dakika", "sn": "saniye"},
    "ro": {"min": "minute", "s": "secunde"},
    "ms": {"min": "minit", "s": "saat"},
    "vi": {},
}
# ... and the others, wherever they stand.
WORDS: dict[str, dict[str, str]] = {
    "en": {"e.g.": "for example"},
    "uk": {"напр.": "наприклад"},
    "ru": {"напр.": "например"},
    "tr": {"örn.": "örneğin"},
    "ro": {"ex.": "de exemplu"},
    "ms": {"cth.": "contohnya"},
    "vi": {},
}


def _either(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    units, words = UNITS.get(lang) or {}, WORDS.get(lang) or {}
    after_number = re.compile(rf"(?<=\d)(\s+)({_either(units)})(?!\w)") if units else None
    anywhere = re.compile(rf"(?<!\w)({_either(words)})(?!\w)") if words else None
    return after_number, anywhere


def for_voice(text: str, lang: str) -> str:
    """`text` with `lang`'s abbreviations written out, as a voice should say them."""
    after_number, anywhere = _patterns(lang)
    if after_number is not None:
        units = UNITS[lang]
        text = after_number.sub(lambda m: m.group(1) + units[m.group(2)], text)
    if anywhere is not None:
        words = WORDS[lang]
        text = anywhere.sub(lambda m: words[m.group(1)], text)
    return text
