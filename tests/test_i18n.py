"""The gettext catalogues: the template matches the code, and every language translates all of it.

After adding or changing a UI string in kiosk/, printer/ or screens/, run from the top of the repo:

    .venv/bin/pybabel extract -o data/locale/kiosk.pot --no-location --omit-header \\
        --project=lobby-kiosk cli kiosk screens printer
    .venv/bin/pybabel update -i data/locale/kiosk.pot -d data/locale -D kiosk \\
        --no-fuzzy-matching --ignore-pot-creation-date

then fill in every new empty `msgstr` (every `msgstr[N]` of a plural message) in
data/locale/<lang>/LC_MESSAGES/kiosk.po by hand. Babel's default keywords already cover `gettext`
and `ngettext`; do not pass `-k ngettext`, which would drop the plural msgid. A new language starts
with `.venv/bin/pybabel init -i data/locale/kiosk.pot -d data/locale -D kiosk -l <lang>`.
"""

from __future__ import annotations

import gettext
import io
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from kiosk.domain.languages import LANGUAGES
from kiosk.presentation.i18n import DOMAIN, compiled, locale_dir, translations

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = locale_dir() / f"{DOMAIN}.pot"
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
UPDATE_HINT = (
    "run `.venv/bin/pybabel extract -o data/locale/kiosk.pot --no-location --omit-header "
    "--project=lobby-kiosk cli kiosk screens printer`, then `.venv/bin/pybabel update "
    "-i data/locale/kiosk.pot "
    "-d data/locale -D kiosk --no-fuzzy-matching --ignore-pot-creation-date`, then translate"
)

MsgId = str | tuple[str, ...]


def load(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def msgids(catalog: Catalog) -> set[MsgId]:
    return {tuple(m.id) if isinstance(m.id, list | tuple) else m.id for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field is not None}


def test_template_matches_the_code(tmp_path: Path) -> None:
    """Every message marked in the code is in data/locale/kiosk.pot, and nothing else is."""
    fresh = tmp_path / "kiosk.pot"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-o",
            str(fresh),
            "--no-location",
            "--omit-header",
            "--project=lobby-kiosk",
            "cli",
            "kiosk",
            "screens",
            "printer",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted, committed = msgids(load(fresh)), msgids(load(TEMPLATE))
    assert extracted, "Babel found no messages at all: is the extraction command right?"
    missing, stale = extracted - committed, committed - extracted
    assert not missing and not stale, (
        f"data/locale/kiosk.pot is out of date (missing {sorted(map(str, missing))}, "
        f"stale {sorted(map(str, stale))}): {UPDATE_HINT}"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    """Non-empty, non-fuzzy, every plural form, the same {placeholders} as the English."""
    path = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    assert path.is_file(), f"{path} is missing: {UPDATE_HINT}"
    catalog = load(path, lang)
    template = load(TEMPLATE)
    assert msgids(catalog) == msgids(template), f"{path} does not match the template: {UPDATE_HINT}"
    problems: list[str] = []
    for source in template:
        if not source.id:
            continue
        message = catalog.get(source.id)
        assert message is not None
        key = source.id if isinstance(source.id, str) else source.id[0]
        if message.fuzzy:
            problems.append(f"{key!r} is marked fuzzy")
        english = [source.id] if isinstance(source.id, str) else list(source.id)
        wanted = set().union(*(placeholders(text) for text in english))
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        if not isinstance(source.id, str) and len(forms) != catalog.num_plurals:
            problems.append(f"{key!r} has {len(forms)} plural forms, Plural-Forms says {catalog.num_plurals}")
        for index, form in enumerate(forms):
            if not form or not form.strip():
                problems.append(f"{key!r} form {index} is empty")
            elif placeholders(form) != wanted:
                problems.append(
                    f"{key!r} form {index} has {sorted(placeholders(form))}, wants {sorted(wanted)}"
                )
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


# The informal "you" of each language: the kiosk addresses every visitor (and staff) one way, the
# polite one: Vietnamese "quý khách" (or no pronoun), never "bạn"; Ukrainian and Russian "Ви/Вы";
# Turkish "siz"; Romanian "dumneavoastră"; Malay "anda".
INFORMAL = {
    "vi": r"\bbạn\b",
    "uk": r"\b(ти|тебе|тобі|твій|твоя|твоє|твої|твого)\b",
    "ru": r"\b(ты|тебя|тебе|твой|твоя|твоё|твои|твоего)\b",
    "tr": r"\b(sen|seni|senin|sana)\b",
    "ro": r"\b(tu|tău|tine)\b",
    "ms": r"\b(kamu|awak|engkau)\b",
}


@pytest.mark.parametrize("lang", sorted(INFORMAL))
def test_one_register_per_language(lang: str) -> None:
    """Vietnamese once mixed "bạn" and "quý khách" on one visit."""
    catalog = load(locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang)
    informal = [
        form
        for message in catalog
        if message.id
        for form in ([message.string] if isinstance(message.string, str) else message.string)
        if re.search(INFORMAL[lang], form, re.IGNORECASE)
    ]
    assert not informal, f"{lang}: the informal you in {informal}"


def test_romanian_uses_comma_below() -> None:
    """ș and ț, never the Turkish cedilla letters ş and ţ, which some printer fonts draw differently."""
    text = (locale_dir() / "ro" / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")
    assert not set(text) & set("şţŞŢ")


def test_reprint_in_ukrainian() -> None:
    assert translations("uk").gettext("Reprint") == "Повторний друк"
    assert translations("en").gettext("Reprint") == "Reprint"


AHEAD = (
    "{count} person ahead of you, about {minutes} min",
    "{count} people ahead of you, about {minutes} min",
)


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("uk", 1, "Перед Вами 1 людина, близько 7 хв"),
        ("uk", 3, "Перед Вами 3 людини, близько 7 хв"),
        ("uk", 5, "Перед Вами 5 людей, близько 7 хв"),
        ("uk", 11, "Перед Вами 11 людей, близько 7 хв"),
        ("uk", 22, "Перед Вами 22 людини, близько 7 хв"),
        ("ru", 1, "Перед Вами 1 человек, около 7 мин"),
        ("ru", 3, "Перед Вами 3 человека, около 7 мин"),
        ("ru", 5, "Перед Вами 5 человек, около 7 мин"),
        ("ru", 12, "Перед Вами 12 человек, около 7 мин"),
        ("ro", 1, "Înaintea dumneavoastră: 1 persoană, circa 7 min"),
        ("ro", 3, "Înaintea dumneavoastră: 3 persoane, circa 7 min"),
        ("ro", 20, "Înaintea dumneavoastră: 20 de persoane, circa 7 min"),
        ("tr", 3, "Önünüzde 3 kişi var, yaklaşık 7 dk"),
    ],
)
def test_plural_forms_follow_the_language(lang: str, count: int, expected: str) -> None:
    text = translations(lang).ngettext(*AHEAD, count).format(count=count, minutes=7)
    assert text == expected


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [("uk", 1, "Вікно 4"), ("uk", 2, "Вікна 4, 5"), ("ru", 1, "Окно 4"), ("ru", 2, "Окна 4, 5")],
)
def test_window_label(lang: str, count: int, expected: str) -> None:
    windows = ", ".join(["4", "5"][:count])
    label = translations(lang).ngettext("Window {windows}", "Windows {windows}", count)
    assert label.format(windows=windows) == expected


def test_a_catalogue_is_compiled_once_and_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short commands read each language's compiled .mo from the cache instead of parsing its .po."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    po = (locale_dir() / "uk" / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
    first = compiled("uk", po)
    kept = list((tmp_path / "lobby-kiosk" / "locale").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == first
    assert compiled("uk", po) == first and len(list(kept[0].parent.iterdir())) == 1
    changed = po.replace('msgstr "Більший шрифт"'.encode(), 'msgstr "Великий шрифт"'.encode())
    assert changed != po
    again = gettext.GNUTranslations(io.BytesIO(compiled("uk", changed)))
    assert again.gettext("Larger text") == "Великий шрифт"
    assert len(list(kept[0].parent.iterdir())) == 2
    blocked = tmp_path / "a-file"  # a cache folder that cannot be made: compiled in memory, each time
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert compiled("uk", changed) == compiled("uk", changed)
