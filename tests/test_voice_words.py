"""Abbreviations are said in full: every translated string that holds one of a language's written
abbreviations (listed here, so a new one shows in the failure) is spoken with it written out, and
espeak-ng says "хвилин", not "ха-ве" (its phonemes, read back with -x)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from kiosk.paths import bundled_data
from kiosk.presentation.i18n import translations
from kiosk.presentation.voice_words import UNITS, for_voice

LANGUAGES = ["uk", "ru", "tr", "ro", "ms", "vi"]
# A short word right after a number or a {placeholder}: a unit ("12 хв", "{minutes} dk"), which a
# voice would spell letter by letter unless it is written out.
SUSPECT = re.compile(r"(?:\d|\})\s+(\w{1,3})\.?(?!\w)")


def strings(lang: str) -> list[str]:
    with (bundled_data() / "locale" / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as f:
        return [m.string for m in read_po(f) if m.id and isinstance(m.string, str) and m.string]


WORDS = {"до", "к", "нет", "PIN", "a", "și", "ke", "kod", "în", "la", "de", "và", "ở", "di", "dan", "на", "в",
         "у", "и", "і", "ve", "boş", "ila", "з", "из", "din",
         "або", "или", "sau", "за", "по", "ile"}  # real words after a number  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_unit_a_visitor_may_hear_is_written_out(lang: str) -> None:
    """Every short word after a number or a {placeholder} in the language's strings is a unit the
    voice writes out, or a real word of the language listed above."""
    found = {word for text in strings(lang) for word in SUSPECT.findall(text)}
    if lang != "vi":  # Vietnamese writes "phút", "giây" in full: every short word is a syllable
        assert found - set(UNITS[lang]) - WORDS == set(), f"{lang}: units the voice would spell"
    for text in strings(lang):
        spoken = for_voice(text.replace("{", "").replace("}", "").replace("minutes", "7").replace(
            "seconds", "7").replace("count", "7"), lang)  # fmt: skip
        for unit in UNITS[lang]:
            assert not re.search(rf"\d\s+{re.escape(unit)}(?!\w)", spoken), spoken


def test_the_wait_is_said_in_words_in_each_language() -> None:
    assert for_voice("близько 12 хв", "uk") == "близько 12 хвилин"
    assert for_voice("about 12 min.", "en") == "about 12 minutes."
    assert for_voice("12 dk bekledi", "tr") == "12 dakika bekledi"
    assert for_voice("minim 12 min", "ro") == "minim 12 minute", "only whole words"
    assert for_voice("с 10:00 через 30 с", "ru") == "с 10:00 через 30 секунд", "a unit after a number only"
    assert for_voice("напр. P-7", "uk") == "наприклад P-7"
    text = translations("uk").gettext("about {minutes} min").format(minutes=7)
    assert "хвилин" in for_voice(text, "uk")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_says_the_word_not_its_letters() -> None:
    def phonemes(text: str) -> str:
        done = subprocess.run(
            ["espeak-ng", "-v", "uk", "-q", "-x", "--", text], capture_output=True, text=True
        )
        return done.stdout.strip()

    assert phonemes(for_voice("12 хв", "uk")) == phonemes("12 хвилин") != phonemes("12 хв")
