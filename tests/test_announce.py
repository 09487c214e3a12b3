"""The hall's call: the centre's announcement languages, then the ticket's own, each once; each voice
saying the ticket's letters as its readers do (checked by the phonemes espeak-ng makes of them, so
the Ukrainian and Russian voices never say "pee" or "aitch"), and the catalogue's `spoken` key."""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import pytest

from kiosk.domain.catalogue import Catalogue, load_catalogue
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.tickets import spoken_number, spoken_prefix
from kiosk.errors import ConfigError
from kiosk.presentation.announce import announcements, call_languages, clashes_of, play
from kiosk.presentation.speech import VOICES
from tests.conftest import needs_tool

needs_espeak = needs_tool("espeak-ng")
CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "catalogue.toml"
# English letter names as espeak-ng writes their phonemes: pee, aitch, see, bee.
ENGLISH_NAMES = {"P": "p'i:", "H": "'eItS", "C": "s'i:", "B": "b'i:"}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def phonemes(text: str, lang: str) -> str:
    voice = VOICES[lang]
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-q", "-x", text], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def with_spoken(tmp_path: Path, prefix: str, table: str) -> Path:
    text = CATALOGUE.read_text()
    old = f'prefix = "{prefix}"\n'
    assert old in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, f"{old}spoken = {table}\n", 1))
    return path


def test_the_ticket_language_comes_after_the_centre_languages_once() -> None:
    assert call_languages(["uk", "en"], "vi") == ["uk", "en", "vi"]
    assert call_languages(["uk", "en"], "en") == ["uk", "en"]
    assert call_languages(["uk", "en"], "uk") == ["uk", "en"]
    assert call_languages(["en", "uk", "en"], None) == ["en", "uk"]
    assert call_languages(["uk"], "xx") == ["uk"], "a language the kiosk does not speak adds nothing"


def test_letters_are_said_as_each_language_reads_them(catalogue: Catalogue) -> None:
    assert [spoken_prefix(p, "uk") for p in "PHCBY"] == ["ер", "ен", "ес", "ве", "у"]
    assert [spoken_prefix(p, "ru") for p in "PHCBY"] == ["эр", "эн", "эс", "вэ", "у"]
    assert spoken_prefix("P", "en") == spoken_prefix("P", "tr") == "P"
    assert spoken_prefix("PA", "uk") == "ер а" and spoken_prefix("PA", "en") == "P A"
    assert spoken_number("P-002", "uk") == "ер 2"
    assert spoken_number("P-1234", "vi") == "P 1234"
    assert spoken_number("P-002", "uk", prefix="пе") == "пе 2"
    assert spoken_number("odd", "uk") == "odd"
    assert catalogue.spoken_number("Y-010", "vi") == "i dài 10"
    assert catalogue.spoken_number("Q-001", "uk") == "ку 1", "a prefix no department has: the default"
    said = dict(announcements(catalogue, "P-002", "6", ["uk", "en"], "vi"))
    assert said == {
        "uk": "Талон ер 2, вікно 6",
        "en": "Ticket P 2, window 6",
        "vi": "Phiếu số P 2, mời đến quầy 6",
    }


def test_the_catalogue_says_how_a_prefix_is_spoken(tmp_path: Path) -> None:
    own = load_catalogue(with_spoken(tmp_path, "S", '{ uk = "ес латинське", ru = "эс латинское" }'))
    assert own.spoken_number("S-004", "uk") == "ес латинське 4"
    assert own.spoken_number("S-004", "ru") == "эс латинское 4"
    assert own.spoken_number("S-004", "en") == "S 4", "a language it does not name keeps the default"
    assert own.spoken_number("C-004", "uk") == "ес 4"
    assert clashes_of(own, "C-004", ["uk", "ru", "en"]) == []


def test_the_shipped_prefixes_sound_different_in_every_language(catalogue: Catalogue) -> None:
    assert {lang: catalogue.spoken_clashes(lang) for lang in LANGUAGES} == {lang: [] for lang in LANGUAGES}


def test_prefixes_said_alike_are_noted(tmp_path: Path) -> None:
    """Social policy (S) and insurance as C would both be "ес" to a Ukrainian reader."""
    path = tmp_path / "catalogue.toml"
    path.write_text(CATALOGUE.read_text().replace('prefix = "K"', 'prefix = "C"', 1))
    catalogue = load_catalogue(path)
    clashes = clashes_of(catalogue, "C-001", ["uk", "en", "ru"])
    assert [(c.language, c.prefixes, c.said) for c in clashes] == [
        ("uk", ["S", "C"], "ес"),
        ("ru", ["S", "C"], "эс"),
    ]
    assert "give one of their departments a `spoken` entry" in str(clashes[0])
    assert clashes_of(catalogue, "P-001", LANGUAGES) == []


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('{ uk = "ер 2" }', "department[3].spoken.uk: no digits"),
        ('{ xx = "pe" }', "department[3].spoken.xx: unknown key"),
        ('{ uk = "" }', "department[3].spoken.uk: String should have at least 1 character"),
        ('{ uk = "\\u202eер" }', "department[3].spoken.uk: control or format characters"),
        ('"ер"', "department[3].spoken: Input should be"),
    ],
)
def test_a_bad_spoken_entry_is_refused_by_its_key(tmp_path: Path, table: str, expected: str) -> None:
    path = with_spoken(tmp_path, "P", table)
    with pytest.raises(ConfigError) as caught:
        load_catalogue(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


@needs_espeak
@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_cyrillic_voices_say_the_letters_readers_see(catalogue: Catalogue, lang: str) -> None:
    """P, H, C and B as the Cyrillic Р, Н, С and В ("er", "en", "es", "ve"), never "pee", "aitch"."""
    expected = {"P": "'[eE]r", "H": "'[eE]n_?", "C": "'[eE]s", "B": "v'[eE]"}
    for letter, sound in expected.items():
        (text,) = [t for _, t in announcements(catalogue, f"{letter}-002", "6", [lang], None)]
        said = phonemes(text, lang)
        assert "(en)" not in said, f"{lang} {letter}: the voice switched to English: {said}"
        assert ENGLISH_NAMES[letter] not in said, f"{lang} {letter}: {said}"
        assert re.search(rf"\s{sound}\s+dv'A", said), f"{lang} {letter}: {said}"


@needs_espeak
def test_no_voice_switches_to_english_for_any_shipped_prefix(catalogue: Catalogue) -> None:
    for lang in LANGUAGES:
        for dept in catalogue.department:
            (text,) = [t for _, t in announcements(catalogue, f"{dept.prefix}-002", "6", [lang], None)]
            said = phonemes(text, lang)
            assert "(en)" not in said or lang == "en", f"{lang} {dept.prefix}: {said}"


@needs_espeak
def test_play_writes_the_chime_then_each_language(tmp_path: Path, catalogue: Catalogue) -> None:
    said = announcements(catalogue, "H-003", "11", ["uk", "en"], "vi")
    assert play(said, tmp_path) == []
    files = sorted(tmp_path.glob("*.wav"))
    assert [f.name for f in files] == ["0001-chime.wav", "0002-uk.wav", "0003-en.wav", "0004-vi.wav"]
    for path in files:
        with wave.open(str(path)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5, path.name
