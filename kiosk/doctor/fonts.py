"""The font check of `kiosk doctor`: every letter of every text a visitor may see (the catalogue in
each of its languages, the screens' translations, the languages' own names) has a glyph in the fonts
that draw it. A font's character map is read with fontTools; where fontTools (or, for WOFF2, brotli)
is not installed, each letter is drawn with Pillow and compared with the font's missing-glyph box."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from kiosk.doctor.base import Check, FontSet, fail, ok
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.catalogue_fields import Text
from kiosk.domain.languages import LANGUAGES, NATIVE_NAMES
from kiosk.errors import clipped
from kiosk.presentation.i18n import locale_dir

SHOWN_MISSING = 5
NOT_IN_ANY_FONT = "\U000f0000"  # a private-use code point: drawn as the font's missing-glyph box


def _catalogue_texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every `Text` in the catalogue (names, hints), in each language, with where it is."""
    if isinstance(value, Text):
        for lang in LANGUAGES:
            yield f"catalogue {where} ({lang})", value(lang)
    elif isinstance(value, BaseModel):
        code = getattr(value, "code", None)
        here = f"{where} {code}".strip() if isinstance(code, str) else where
        for name in type(value).model_fields:
            yield from _catalogue_texts(getattr(value, name), f"{here} {name}".strip())
    elif isinstance(value, list):
        for item in value:
            yield from _catalogue_texts(item, where)


def visible_texts(catalogue: Catalogue | None) -> list[tuple[str, str]]:
    """(where, text) of every text a visitor may see: the catalogue's, the translations' and the
    languages' own names."""
    from babel.messages.pofile import read_po

    texts = [(f"language name ({code})", name) for code, name in NATIVE_NAMES.items()]
    if catalogue is not None:
        texts += _catalogue_texts(catalogue, "")
    for po in sorted(locale_dir().glob("*/LC_MESSAGES/kiosk.po")):
        lang = po.parent.parent.name
        with po.open("rb") as handle:
            for message in read_po(handle):
                for said in (message.id, message.string):
                    for one in said if isinstance(said, tuple | list) else (said,):
                        if one:
                            texts.append((f"translation ({lang}) of {str(message.id)[:40]!r}", str(one)))
    return texts


Covers = Callable[[str], bool]


def covers(path: Path) -> tuple[Covers, str]:
    """Whether the font file has a glyph for a character, and what read it."""
    info = path.stat()
    return _covers(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=16)
def _covers(path: str, _mtime: int, _size: int) -> tuple[Covers, str]:
    try:
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        # The file opened here, so that it is closed when fontTools fails on a damaged one.
        with open(path, "rb") as handle:  # noqa: PTH123 - `path` is a str (the cache's key)
            font = TTFont(handle, lazy=True)  # WOFF2 needs brotli: an ImportError without it
            try:
                cmap = frozenset(font.getBestCmap() or {})
            finally:
                font.close()
    except ImportError:
        return _drawn(path), "drawn with Pillow: fontTools or brotli is not installed"
    return (lambda ch: ord(ch) in cmap), "fontTools"


def _drawn(path: str) -> Covers:
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(path, 32)

    def picture(ch: str) -> bytes:
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((16, 16), ch, font=face, fill=255)
        return image.tobytes()

    box = picture(NOT_IN_ANY_FONT)
    return lambda ch: picture(ch) != box


def check_fonts(fonts: FontSet, texts: Sequence[tuple[str, str]], catalogue_read: bool = True) -> Check:
    """Each font of `fonts` has every letter of `texts` (the first few missing are named)."""
    first_seen: dict[str, str] = {}
    for where, text in texts:
        for ch in text:
            if ch.isprintable() and not ch.isspace():
                first_seen.setdefault(ch, where)
    readers: set[str] = set()
    for path in fonts.paths:
        if not path.is_file():
            fix = f"the font file {path} is missing: reinstall the kiosk, which ships it"
            return fail(fonts.name, f"{fonts.what}: no font file {path}", fix)
        try:
            has, reader = covers(path)
            missing = [ch for ch in first_seen if not has(ch)]
        except Exception as exc:  # cut short or garbled: fontTools, brotli or Pillow says how
            return _unreadable(fonts, path, exc)
        readers.add(reader)
        if missing:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X}, {first_seen[ch]})" for ch in missing[:SHOWN_MISSING])
            more = f" and {len(missing) - SHOWN_MISSING} more" if len(missing) > SHOWN_MISSING else ""
            detail = f"{fonts.what}: {path.name} has no glyph for {len(missing)} letter(s): {shown}{more}"
            fix = f"reword those texts, or ship a font with these letters in place of {path}"
            return fail(fonts.name, detail, fix)
    names = ", ".join(p.name for p in fonts.paths)
    detail = f"{fonts.what}: {names} have all {len(first_seen)} letters ({', '.join(sorted(readers))})"
    if not catalogue_read:
        detail += "; the catalogue's texts were not checked: it did not load"
    return ok(fonts.name, detail)


def _unreadable(fonts: FontSet, path: Path, exc: Exception) -> Check:
    """A font file that is there but cannot be read: no rights to it, or damaged."""
    if isinstance(exc, OSError) and exc.errno is not None:  # the system refused (Pillow's own
        # "unknown file format" is an OSError without an errno: a damaged file)
        detail = f"{fonts.what}: the font file {path} cannot be read: {exc.strerror or exc}"
        return fail(fonts.name, detail, f"let the kiosk's user read {path}, or {reinstall()}")
    reason = clipped(f"{type(exc).__name__}: {exc}")
    return fail(fonts.name, f"{fonts.what}: the font file {path} is damaged ({reason})", reinstall())


def reinstall() -> str:
    """How to get the kiosk's own files back: reinstall it with this install's pip."""
    pip = Path(sys.prefix) / "bin" / "pip"
    return (
        f"reinstall the kiosk, which ships it: {pip} install --force-reinstall lobby-kiosk (or the"
        " wheel it was installed from; in a source checkout, restore the file from the repository)"
    )
