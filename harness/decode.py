"""A small ESC/POS decoder for the commands this project emits (ESC @, GS v 0, ESC d, GS V, DLE EOT):
the loopback printer answers with it, and the tests turn printed bytes back into an image with it
instead of trusting the layout code."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageOps


class DecodeError(ValueError):
    pass


@dataclass(frozen=True)
class Command:
    name: str
    arg: int = 0
    width_bytes: int = 0
    rows: int = 0
    data: bytes = b""


def parse(stream: bytes) -> tuple[list[Command], int]:
    """Complete commands at the start of `stream`, and how many bytes they used (the rest is an
    incomplete command still arriving). Unknown bytes raise DecodeError."""
    out: list[Command] = []
    i = 0
    n = len(stream)
    while i < n:
        b = stream[i]
        if stream.startswith(b"\x1b@", i):
            out.append(Command("init"))
            i += 2
        elif stream.startswith(b"\x1bd", i):
            if i + 3 > n:
                break
            out.append(Command("feed", stream[i + 2]))
            i += 3
        elif stream.startswith(b"\x1dV", i):
            if i + 3 > n:
                break
            out.append(Command("cut", stream[i + 2]))
            i += 3
        elif stream.startswith(b"\x10\x04", i):
            if i + 3 > n:
                break
            out.append(Command("status", stream[i + 2]))
            i += 3
        elif stream.startswith(b"\x1dv0", i):
            if i + 8 > n:
                break
            mode, xl, xh, yl, yh = stream[i + 3 : i + 8]
            if mode != 0:
                raise DecodeError(f"GS v 0 mode {mode} at byte {i}: only normal density is emitted")
            width, rows = xl + 256 * xh, yl + 256 * yh
            end = i + 8 + width * rows
            if end > n:
                break
            out.append(Command("raster", 0, width, rows, stream[i + 8 : end]))
            i = end
        elif b in (0x1B, 0x1D, 0x10) and i + 1 >= n:
            break
        else:
            raise DecodeError(f"unexpected byte 0x{b:02x} at offset {i}")
    return out, i


def decode_job(job: bytes) -> tuple[Image.Image, list[str]]:
    """The printed image (white paper, black dots) and the sequence of command names."""
    commands, used = parse(job)
    if used != len(job):
        raise DecodeError(f"job ends inside a command ({len(job) - used} bytes left)")
    return image_of(commands), [c.name for c in commands]


def image_of(commands: list[Command]) -> Image.Image:
    """Stack the raster bands of a command list into the printed image."""
    bands = [c for c in commands if c.name == "raster"]
    if not bands:
        raise DecodeError("no raster image in the job")
    width = bands[0].width_bytes * 8
    if any(c.width_bytes * 8 != width for c in bands):
        raise DecodeError("raster bands of different widths")
    height = sum(c.rows for c in bands)
    ones = Image.frombytes("1", (width, height), b"".join(c.data for c in bands))
    return ImageOps.invert(ones.convert("L"))
