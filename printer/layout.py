"""Draw a ticket as one black-and-white image the width of the paper: text in DejaVu Sans (every
script the centre serves), the number very large, and the QR code with a 4-module quiet zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.paths import bundled_data
from kiosk.ticket import TicketContent

FontT = ImageFont.FreeTypeFont


def font_path(bold: bool = False) -> Path:
    return bundled_data() / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@cache
def font(size: int, bold: bool = False) -> FontT:
    return ImageFont.truetype(str(font_path(bold)), size)


@dataclass(frozen=True)
class Line:
    text: str
    size: int
    bold: bool = False
    gap: int = 6  # space below, in dots
    inverted: bool = False


def wrap(text: str, face: FontT, width: int) -> Iterator[str]:
    """Break `text` at spaces to fit `width` dots; a single over-long word is shrunk by the caller."""
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and face.getlength(candidate) > width:
            yield line
            line = word
        else:
            line = candidate
    if line:
        yield line


def fitted(text: str, size: int, bold: bool, width: int) -> FontT:
    """The largest face at most `size` in which `text` fits on one line of `width` dots."""
    face = font(size, bold)
    while size > 10 and face.getlength(text) > width:
        size -= 2
        face = font(size, bold)
    return face


@lru_cache(maxsize=32)
def qr_modules(payload: str) -> Image.Image:
    """The QR code at one pixel a module, with the 4-module quiet zone the standard asks for.
    Cached: the kiosk draws the same code on paper and on screen (choosing the mask is the slow part)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    small = Image.new("L", (size, size), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small


def qr_image(payload: str, module: int) -> Image.Image:
    """The QR code, `module` dots a module."""
    small = qr_modules(payload)
    return small.resize((small.width * module, small.height * module), Image.Resampling.NEAREST)


def lines_of(content: TicketContent, scale: float) -> list[Line]:
    def s(points: int) -> int:
        return max(12, round(points * scale))

    lines = [Line(content.centre, s(24), bold=True, gap=s(14))]
    if content.reprint:
        lines.append(Line(content.reprint, s(24), bold=True, inverted=True, gap=s(8)))
    lines.append(Line(content.number, s(150), bold=True, gap=s(10)))
    lines.append(Line(content.department, s(32), bold=True, gap=s(4)))
    if content.department_main:
        lines.append(Line(content.department_main, s(24), gap=s(4)))
    lines.append(Line(content.windows, s(40), bold=True, gap=s(10)))
    lines.append(Line(content.service, s(26), gap=s(10)))
    if content.priority:
        lines.append(Line(content.priority, s(26), bold=True, inverted=True, gap=s(6)))
    if content.interpreter:
        lines.append(Line(content.interpreter, s(26), bold=True, inverted=True, gap=s(6)))
    lines.append(Line(content.queue, s(26), gap=s(6)))
    lines.append(Line(content.issued, s(22), gap=s(8)))
    return lines


def render(content: TicketContent, width: int = 576) -> Image.Image:
    """The whole ticket as a mode "1" image (thresholded, never dithered), `width` dots wide."""
    scale = width / 576
    margin = max(8, round(16 * scale))
    inner = width - 2 * margin
    blocks: list[tuple[Image.Image, int]] = []
    for line in lines_of(content, scale):
        face = font(line.size, line.bold)
        parts = list(wrap(line.text, face, inner)) or [""]
        if len(parts) > 1 and line.size >= round(100 * scale):  # the number: shrink, never wrap
            face, parts = fitted(line.text, line.size, line.bold, inner), [line.text]
        for index, part in enumerate(parts):
            face_here = fitted(part, int(face.size), line.bold, inner)
            blocks.append(
                (
                    _text_block(part, face_here, width, line.inverted),
                    line.gap if index == len(parts) - 1 else 2,
                )
            )
    module = max(4, round(6 * scale))
    blocks.append((_centred(qr_image(content.qr, module), width), round(8 * scale)))
    for part in wrap(content.footer, font(max(12, round(22 * scale))), inner):
        blocks.append((_text_block(part, font(max(12, round(22 * scale))), width, False), 2))
    height = sum(img.height + gap for img, gap in blocks) + margin
    canvas = Image.new("L", (width, height), 255)
    y = margin // 2
    for img, gap in blocks:
        canvas.paste(img, (0, y))
        y += img.height + gap
    return canvas.convert("1", dither=Image.Dither.NONE)


def _text_block(text: str, face: FontT, width: int, inverted: bool) -> Image.Image:
    left, _top, right, _bottom = face.getbbox(text or " ")
    ascent, descent = face.getmetrics()
    height = ascent + descent + (8 if inverted else 0)
    block = Image.new("L", (width, height), 0 if inverted else 255)
    draw = ImageDraw.Draw(block)
    x = (width - (right - left)) // 2 - left
    draw.text((x, 4 if inverted else 0), text, font=face, fill=255 if inverted else 0)
    return block


def _centred(img: Image.Image, width: int) -> Image.Image:
    block = Image.new("L", (width, img.height), 255)
    block.paste(img, ((width - img.width) // 2, 0))
    return block
