"""What every command's arguments are built from: the parser, a command's work and its arguments, and
the options several commands share (--staff, the terminals' --web)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from kiosk.errors import clipped

TICKET_HELP = "ticket number (P-007, today's) or ticket id"


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors (which quote the bad value whole) cut to a readable length."""

    def error(self, message: str) -> NoReturn:
        super().error(clipped(message))


def no_arguments(parser: Parser) -> None:
    """A command that takes only the options every command takes."""


@dataclass(frozen=True)
class Command:
    """A command's work (given its module's `Context`, or the arguments where it has none) and the
    arguments it adds to its parser, declared beside it and added only when it is the one run."""

    run: Callable[[Any], None]
    arguments: Callable[[Parser], None] = no_arguments


def port_number(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535, in ASCII digits."""
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or int(text) > 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return int(text)


def staff_option(p: Parser) -> None:
    p.add_argument(
        "--staff",
        metavar="NAME",
        help="who you are (default $KIOSK_STAFF); the PIN comes from $KIOSK_PIN or is asked",
    )


def ticket_argument(p: Parser, *, optional: bool = False, text: str = TICKET_HELP) -> None:
    p.add_argument("ticket", nargs="?" if optional else None, metavar="TICKET", help=text)


def day_option(p: Parser) -> None:
    p.add_argument("--day", metavar="YYYY-MM-DD")


def language_option(p: Parser) -> None:
    """A staff terminal's screen language."""
    p.add_argument("--lang", help="language of the screen (default: the centre's main language)")


def web_options(p: Parser) -> None:
    """A terminal served to browsers instead of drawn on this one."""
    p.add_argument("--web", action="store_true", help="serve it to browsers with textual-serve")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (with --web)")
    p.add_argument("--port", type=port_number, default=8000, help="port to serve on (with --web)")
    p.add_argument("--font-size", type=int, default=22, help="browser font size (with --web)")
