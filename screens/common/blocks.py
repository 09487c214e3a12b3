"""Pictures as text: a 1-bit image drawn with half-block characters (two pixel rows a line), used
for very large text in DejaVu Sans Bold (any script) and for the QR code on screen."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw

from printer.layout import font, qr_image

_CELLS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def to_lines(image: Image.Image, ink_is_dark: bool = True, strip: bool = True) -> list[str]:
    """The ink of `image` (its dark pixels, or its light ones) as half blocks; each text line
    covers two pixel rows."""
    gray = image.convert("L")
    width, height = gray.size
    pixels = gray.load()
    assert pixels is not None
    lines = []
    for y in range(0, height, 2):
        row = []
        for x in range(width):
            top = (pixels[x, y] < 128) == ink_is_dark  # type: ignore[operator]
            bottom = y + 1 < height and (pixels[x, y + 1] < 128) == ink_is_dark  # type: ignore[operator]
            row.append(_CELLS[(top, bottom)])
        line = "".join(row)
        lines.append(line.rstrip() if strip else line)
    return lines


@lru_cache(maxsize=256)
def big_text(text: str, rows: int) -> tuple[str, ...]:
    """`text` drawn `rows` lines tall (capital letters fill the height), in DejaVu Sans Bold."""
    face = font(max(8, round(rows * 2 / 0.73)), bold=True)
    left, top, right, bottom = face.getbbox(text)
    image = Image.new("L", (max(1, int(right - left)), max(1, int(bottom - top))), 255)
    ImageDraw.Draw(image).text((-left, -top), text, font=face, fill=0)
    return tuple(to_lines(image))


@lru_cache(maxsize=64)
def qr_text(payload: str) -> tuple[str, ...]:
    """The QR code with its quiet zone, one module a character wide and half a line tall
    (terminal cells are about twice as tall as wide, so modules come out square). Light modules
    are drawn as blocks, so on a dark screen the code keeps dark modules on a light ground."""
    return tuple(to_lines(qr_image(payload, 1), ink_is_dark=False, strip=False))
