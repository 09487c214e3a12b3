"""The `kiosk` command: the composition root that wires storage, printer and screens together.

Only the command that runs is built: its module is imported and adds its own arguments (cli/index.py
lists them all), so `kiosk --help` and `kiosk issue` stay fast and a terminal loads only what it uses.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Collection, Sequence
from importlib import import_module
from typing import Any

from cli.index import INDEX
from cli.options import Command, Parser
from kiosk import collector

VALUED = ("--config", "--db")  # the options every command takes that take a value


def _common(suppress: bool) -> Parser:
    """Options every command takes, before or after its name (`kiosk --json issue` = `kiosk issue --json`)."""
    default = argparse.SUPPRESS if suppress else None
    common = Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="settings file (default: $KIOSK_CONFIG, else built-in defaults)",
    )
    common.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL (default: $KIOSK_DATABASE_URL, else the settings)",
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="print JSON for machines instead of text",
    )
    return common


def command_of(name: str) -> Command:
    """A command's work and arguments, from its module (imported here)."""
    commands: dict[str, Command] = import_module(f"cli.{INDEX[name].module}").COMMANDS
    return commands[name]


def build_parser(only: Collection[str] | None = None, arguments: bool = True) -> Parser:
    """The command line: every command (or `only` these) with its arguments, or without them
    (`arguments=False`: enough to list the commands, and no command's module imported)."""
    parser = Parser(
        prog="kiosk",
        description="Lobby kiosk, counters, front desk and lobby display of a one-stop social centre.",
        parents=[_common(suppress=False)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common(suppress=True)
    for name, entry in INDEX.items():
        if only is not None and name not in only:
            continue
        help_text = entry.help
        if entry.needs:
            who = "an administrator" if entry.needs == "admin" else "a staff member"
            help_text += f" ({who}: --staff NAME, PIN in $KIOSK_PIN)"
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(needs=entry.needs)
        if arguments:
            command_of(name).arguments(p)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The command argv names, found as argparse finds it (past the options before it), if known."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--":  # argparse takes no command after it
            return None
        if token.startswith("-") and token != "-":
            if "=" not in token and len(token) > 2 and any(o.startswith(token) for o in VALUED):
                next(tokens, None)  # its value
            continue
        return token if token in INDEX else None
    return None


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """argv parsed with only its command's parser built: building all 45 would cost every command
    about 20 ms. The whole list (without arguments) only for help and for usage errors."""
    argv = sys.argv[1:] if argv is None else list(argv)
    name = named_command(argv)
    args = build_parser([name] if name else None, arguments=name is not None).parse_args(argv)
    if name is None:  # argparse found a command where the search did not: again, with its arguments
        args = build_parser([args.command]).parse_args(argv)
    return args


def script() -> int:
    """The `kiosk` command (and `python -m cli`): the collector held off while it starts."""
    collector.start()  # until the command begins its work (a terminal: until its first frame)
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    finally:
        collector.release()


def _run(argv: Sequence[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a path or name that is not UTF-8 is shown, not a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = parse(argv)
    from kiosk.errors import KioskError

    try:
        module = import_module(f"cli.{INDEX[args.command].module}")
        context: Any = module.Context(args) if hasattr(module, "Context") else args
        if args.needs or getattr(args, "staff", None):  # a name given is a name checked
            from cli.signin import sign_in

            needs = "admin" if getattr(args, "override", None) is not None else args.needs
            sign_in(context, needs or "staff")
        if not getattr(module, "BRIEF", False):  # a brief command's process ends before it matters
            collector.release()
        try:
            command_of(args.command).run(context)
        finally:
            if hasattr(context, "close"):
                context.close()
    except KioskError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(script())
