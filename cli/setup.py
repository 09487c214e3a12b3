"""`kiosk setup systemd`: the centre's terminals as systemd units, started at boot and restarted
after a crash (the unit texts are built by `kiosk.units`)."""

from __future__ import annotations

import os
import pwd
import shutil
import sys
from importlib.util import find_spec
from pathlib import Path

from cli import render
from cli.context import Context
from cli.options import Command, Parser, port_number
from kiosk.config import ENV_KEYS, load_settings
from kiosk.units import (
    Request,
    SetupRefused,
    build_units,
    check_terminals,
    next_commands,
    write_units,
)

__all__ = ["Context", "cmd_setup"]

# The packages the terminals import: for an editable install, the checkout they live in.
PACKAGES = ("cli", "kiosk", "printer", "screens", "web")


def absolute(path: str) -> Path:
    """`path` made absolute, symlinks kept: a venv's python is its symlink, and a settings file
    linked from /etc is named as the installer named it."""
    return Path(os.path.normpath(Path(path).absolute()))


def settings_path(ctx: Context) -> Path:
    """The settings file the units will name: --config, else $KIOSK_CONFIG, made absolute."""
    given = ctx.args.config or os.environ.get("KIOSK_CONFIG")
    if not given:
        raise SetupRefused(
            "kiosk setup systemd needs the centre's settings file (--config PATH or $KIOSK_CONFIG): "
            "a service must not run on the built-in defaults, whose data folder is in a home folder"
        )
    return absolute(given)


def code_folders() -> tuple[Path, ...]:
    """What the services must be able to read to run this kiosk: the venv, the interpreter's own
    install, and the folders the packages are imported from."""
    folders = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent}
    for name in PACKAGES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            folders.add(Path(spec.origin).resolve().parent.parent)
    return tuple(sorted(folders))


def program(*names: str) -> Path | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def setup_arguments(p: Parser) -> None:
    p.add_argument("what", choices=["systemd"], help="what to set up: systemd unit files")
    p.add_argument(
        "--dir", default="/etc/systemd/system", help="folder to write them to (default /etc/systemd/system)"
    )
    p.add_argument("--user", default="kiosk", metavar="NAME", help="the terminals' own user (default kiosk)")
    p.add_argument(
        "--terminals",
        default="all",
        metavar="LIST",
        help="comma-separated, of web,display,lobby,counter,desk,backup (default all)",
    )
    p.add_argument(
        "--lobby",
        choices=["tty", "browser"],
        default="tty",
        help="the lobby kiosk on the console, or in Chromium under cage (for a touchscreen)",
    )
    p.add_argument(
        "--tty",
        type=int,
        metavar="N",
        help="the console of the one terminal chosen (default: lobby 1, display 2, desk 3, counter 4)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address kiosk web listens on (0.0.0.0: all)")
    p.add_argument("--port", type=port_number, default=8080, help="port kiosk web listens on (default 8080)")
    p.add_argument("--force", action="store_true", help="replace unit files that differ from these")


def cmd_setup(ctx: Context) -> None:
    a = ctx.args
    if a.db:
        raise SetupRefused(
            "kiosk setup systemd takes the database from the settings file (database_url), kept "
            "readable by the service user only: unit files are readable by everyone"
        )
    config = settings_path(ctx)
    ignored = [key for key in ENV_KEYS if os.environ.get(key)]
    settings = load_settings(config, environ={})  # what the services will see: the file alone
    request = Request(
        config=config,
        python=absolute(sys.executable),
        user=a.user,
        terminals=check_terminals(a.terminals),
        lobby=a.lobby,
        tty=a.tty,
        host=a.host,
        port=a.port,
        code=code_folders(),
        cage=program("cage"),
        chromium=program("chromium", "chromium-browser"),
        setterm=program("setterm"),
    )
    setup = build_units(settings, request)
    if ignored:
        setup.notes.insert(
            0,
            f"${', $'.join(ignored)} left out: the services read the settings file alone "
            "(put those values in it).",
        )
    folder = absolute(a.dir)
    written = write_units(folder, setup.units, force=a.force)
    try:
        pwd.getpwnam(request.user)
        user_exists = True
    except KeyError:
        user_exists = False
    commands = next_commands(setup, request, folder, user_exists)
    if ctx.json:
        render.emit_json(
            {
                "dir": str(folder),
                "files": [
                    {"unit": unit.name, "path": str(path), "status": status}
                    for unit, (path, status) in zip(setup.units, written, strict=True)
                ],
                "ttys": setup.ttys,
                "commands": commands,
                "notes": setup.notes,
            }
        )
        return
    for path, status in written:
        print(f"{status:9} {render.printable(str(path))}")
    print("\nnext:")
    for command in commands:
        print(f"  {render.printable(command)}")
    if setup.notes:
        print()
        for note in setup.notes:
            print(f"note: {render.printable(note)}")


COMMANDS = {"setup": Command(cmd_setup, setup_arguments)}
