"""The seven languages the centre serves, with each language's name in itself."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "uk", "ru", "tr", "ro", "ms", "vi"]

LANGUAGES: tuple[Lang, ...] = ("en", "uk", "ru", "tr", "ro", "ms", "vi")

NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "ro": "Română",
    "ms": "Bahasa Melayu",
    "vi": "Tiếng Việt",
}
