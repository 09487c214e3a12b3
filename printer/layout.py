"""Draw a ticket as one black-and-white image the width of the paper: text in DejaVu Sans (every
script the centre serves), the number very large, and the QR code with a 4-module quiet zone.

The ticket is a stack of bands, each the width of the paper, kept as packed raster rows (one bit a
dot, 1 = black, the bytes GS v 0 prints). The bands that never change for a service and language
(the centre, the department, windows and service, the priority and interpreter marks, the footer)
are drawn once and reused; only the number, the line ahead, the time and the QR are drawn for each
ticket. Every band is thresholded on its own, never dithered, exactly as the whole picture would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.paths import bundled_data
from kiosk.presentation.ticket import SlipContent, TicketContent
from printer.raster import BLACK_IS_ONE, picture, row_bytes

FontT = ImageFont.FreeTypeFont
# The standard lets the encoder use any of the eight masks; scoring all eight was half the drawing time.
# Mask 2 is the one that search picked most often for ticket payloads, and on average the closest to it.
QR_MASK = 2
# The shortest payload (`kiosk.security.signing`) is 40 characters, more than version 2 holds at level M (38):
# starting the fit at 3 skips two sizes that never fit; a longer payload still gets a larger version.
QR_SMALLEST_VERSION = 3
# Bands drawn once: about 50 services x 7 languages, their marks and footers fit for one paper width
# (a band is 7 KB packed at 576 dots on average, 17 KB at most: well under 20 MB in all).
FIXED_BANDS = 1024
RECENT_BANDS = 64
_DARK_TO_BLACK = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # a QR matrix row (1 = dark) as "L" pixels


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
    whole: bool = False  # never wrapped: shrunk to fit one line (the number)


def wrap(text: str, face: FontT, width: int) -> Iterator[str]:
    """Break `text` at spaces to fit `width` dots; a single over-long word is shrunk by the caller."""
    if face.getlength(text) <= width:  # most lines fit whole: one measure instead of one a word
        yield " ".join(text.split())
        return
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
    """The QR code at one pixel a module, with the 4-module quiet zone the standard asks for; error
    correction M (a crumpled or smudged ticket still reads) at the smallest version that holds it.
    Cached: the kiosk draws the same code on paper and on screen."""
    code = qrcode.QRCode(
        version=QR_SMALLEST_VERSION,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        box_size=1,
        mask_pattern=QR_MASK,
    )
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    return Image.frombytes("L", (size, size), b"".join(map(bytes, matrix)).translate(_DARK_TO_BLACK))


def qr_image(payload: str, module: int) -> Image.Image:
    """The QR code, `module` dots a module."""
    small = qr_modules(payload)
    return small.resize((small.width * module, small.height * module), Image.Resampling.NEAREST)


def _size(points: int, scale: float) -> int:
    return max(12, round(points * scale))


def _margin(width: int) -> int:
    return max(8, round(16 * (width / 576)))


def heading(content: TicketContent, scale: float) -> tuple[Line, ...]:
    """The centre's name, and the reprint mark."""
    lines = [Line(content.centre, _size(24, scale), bold=True, gap=_size(14, scale))]
    if content.reprint:
        lines.append(Line(content.reprint, _size(24, scale), bold=True, inverted=True, gap=_size(8, scale)))
    return tuple(lines)


def details(content: TicketContent, scale: float) -> tuple[Line, ...]:
    """Department (and in the main language), windows and service."""
    lines = [Line(content.department, _size(32, scale), bold=True, gap=_size(4, scale))]
    if content.department_main:
        lines.append(Line(content.department_main, _size(24, scale), gap=_size(4, scale)))
    lines.append(Line(content.windows, _size(40, scale), bold=True, gap=_size(10, scale)))
    lines.append(Line(content.service, _size(26, scale), gap=_size(10, scale)))
    return tuple(lines)


def marks(content: TicketContent, scale: float) -> tuple[Line, ...]:
    """The booked time, the priority and interpreter marks, white on black."""
    return tuple(
        Line(text, _size(26, scale), bold=True, inverted=True, gap=_size(6, scale))
        for text in (content.booked, content.priority, content.interpreter)
        if text
    )


LARGE_PRINT = 1.5  # how much larger a large-print ticket's words are (the number fills the width)


def render(content: TicketContent, width: int = 576, large: bool = False) -> Image.Image:
    """The whole ticket as a mode "1" image (thresholded, never dithered), `width` dots wide."""
    return picture(ticket_rows(content, width, large), width)


def ticket_rows(content: TicketContent, width: int, large: bool = False) -> bytes:
    """The whole ticket as packed raster rows, `width` dots wide (what `render` shows). Large print
    (for a visitor who chose larger text) draws every word half as large again: department,
    windows, service, marks, the line ahead and the time in large type."""
    scale = width / 576
    words = scale * (LARGE_PRINT if large else 1)
    margin = _margin(width)
    number = Line(content.number, _size(150, scale), bold=True, gap=_size(10, scale), whole=True)
    queue = Line(content.queue, _size(26, words), bold=large, gap=_size(6, scale))
    issued = Line(content.issued, _size(22, words), gap=_size(8, scale))
    top, details_and_marks, footer = fixed_lines(content, width, large)
    data = b"".join(
        (
            _blank(width, margin // 2),
            fixed_band(top, width),
            band((number,), width),
            *(fixed_band(lines, width) for lines in details_and_marks),
            recent_band((queue,), width),
            recent_band((issued,), width),  # apart: the time of issue repeats for a minute
            _qr_band(content.qr, width, max(4, round(6 * scale)), round(8 * scale)),
            fixed_band(footer, width),
            _blank(width, margin - margin // 2),
        )
    )
    return data


def fixed_lines(
    content: TicketContent, width: int, large: bool = False
) -> tuple[tuple[Line, ...], tuple[tuple[Line, ...], ...], tuple[Line, ...]]:
    """The runs of lines that are the same on every ticket of a service in a language (with the
    same marks): the heading; the details and the marks; the footer."""
    words = width / 576 * (LARGE_PRINT if large else 1)
    footer = (Line(content.footer, _size(22, words), gap=2),)
    return heading(content, words), (details(content, words), marks(content, words)), footer


def draw_fixed(content: TicketContent, width: int, large: bool = False) -> None:
    """Draw `content`'s fixed bands into their cache ahead of its first ticket (`ticket_rows` then
    finds them drawn)."""
    top, details_and_marks, footer = fixed_lines(content, width, large)
    for lines in (top, *details_and_marks, footer):
        fixed_band(lines, width)


@lru_cache(maxsize=FIXED_BANDS)
def fixed_band(lines: tuple[Line, ...], width: int) -> bytes:
    """`band`, drawn once for each run of lines and paper width and then reused. Keyed on the text and
    its sizes, so a renamed department or another width is drawn anew, never taken from the cache."""
    return band(lines, width)


@lru_cache(maxsize=RECENT_BANDS)
def recent_band(lines: tuple[Line, ...], width: int) -> bytes:
    """`band` for the lines that change from ticket to ticket but repeat within a while (the time of
    issue, the line ahead), kept apart so they never push the fixed bands out."""
    return band(lines, width)


def band(lines: tuple[Line, ...], width: int) -> bytes:
    """`lines` centred on paper `width` dots wide, each wrapped to the margins (a word that is too
    long, and a `whole` line, shrunk instead), with their gaps below, as packed raster rows."""
    inner = width - 2 * _margin(width)
    rows: list[bytes] = []
    for line in lines:
        face = font(line.size, line.bold)
        parts = [line.text] if line.whole else list(wrap(line.text, face, inner)) or [""]
        for index, part in enumerate(parts):
            block = _text_block(part, fitted(part, int(face.size), line.bold, inner), width, line.inverted)
            rows.append(_packed(block))
            rows.append(_blank(width, line.gap if index == len(parts) - 1 else 2))
    return b"".join(rows)


def _qr_band(payload: str, width: int, module: int, gap: int) -> bytes:
    code = qr_image(payload, module)
    block = Image.new("L", (width, code.height), 255)
    block.paste(code, ((width - code.width) // 2, 0))
    return _packed(block) + _blank(width, gap)


def _packed(block: Image.Image) -> bytes:
    return block.convert("1", dither=Image.Dither.NONE).tobytes(*BLACK_IS_ONE)


def _blank(width: int, rows: int) -> bytes:
    return bytes(row_bytes(width) * rows)


def _text_block(text: str, face: FontT, width: int, inverted: bool) -> Image.Image:
    left, _top, right, _bottom = face.getbbox(text or " ")
    ascent, descent = face.getmetrics()
    height = ascent + descent + (8 if inverted else 0)
    block = Image.new("L", (width, height), 0 if inverted else 255)
    draw = ImageDraw.Draw(block)
    x = (width - (right - left)) // 2 - left
    draw.text((x, 4 if inverted else 0), text, font=face, fill=255 if inverted else 0)
    return block


def slip_rows(content: SlipContent, width: int) -> bytes:
    """A booking slip as packed raster rows, `width` dots wide: the centre, what it is, the code
    very large, the service, department, date and time, the code's QR, and how to check in."""
    scale = width / 576
    margin = _margin(width)
    lines = (
        Line(content.centre, _size(24, scale), bold=True, gap=_size(14, scale)),
        Line(content.title, _size(32, scale), bold=True, inverted=True, gap=_size(10, scale)),
        Line(content.code_label, _size(24, scale), gap=_size(2, scale)),
    )
    details = (
        Line(content.service, _size(30, scale), bold=True, gap=_size(6, scale)),
        Line(content.department, _size(24, scale), gap=_size(10, scale)),
        Line(content.when, _size(40, scale), bold=True, gap=_size(12, scale)),
    )
    return b"".join(
        (
            _blank(width, margin // 2),
            band(lines, width),
            band(
                (
                    Line(content.code, _size(110, scale), bold=True, gap=_size(6, scale), whole=True),
                    Line(content.number_code, _size(26, scale), bold=True, gap=_size(12, scale)),
                ),
                width,
            ),
            band(details, width),
            _qr_band(content.qr, width, max(6, round(8 * scale)), round(8 * scale)),
            band((Line(content.footer, _size(22, scale), gap=2),), width),
            _blank(width, margin - margin // 2),
        )
    )


def render_slip(content: SlipContent, width: int = 576) -> Image.Image:
    """The booking slip as a mode "1" image (`slip_rows`)."""
    return picture(slip_rows(content, width), width)
