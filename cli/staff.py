"""`kiosk staff ...`: add staff, set PINs, enable or disable members. PINs are read from standard
input (`--pin-stdin`) or asked for twice without echo, never taken as an argument (shell history)."""

from __future__ import annotations

import getpass
import sys

from cli import render
from cli.context import Context
from cli.options import Command, Parser, staff_option
from cli.signin import sign_in
from kiosk.errors import KioskError
from kiosk.runtime import open_staff

__all__ = ["Context", "cmd_staff"]


def _pin(ctx: Context) -> str:
    if ctx.args.pin_stdin:
        return sys.stdin.readline().strip()
    if not sys.stdin.isatty():
        raise KioskError("no terminal to ask for the PIN: pass it on standard input with --pin-stdin")
    first = getpass.getpass("PIN (4-12 digits): ")
    if getpass.getpass("PIN again: ") != first:
        raise KioskError("the two PINs differ")
    return first


def staff_arguments(p: Parser) -> None:
    p.add_argument("action", choices=["list", "add", "pin", "role", "disable", "enable"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--role", choices=["staff", "admin"], default="staff")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    staff_option(p)


def cmd_staff(ctx: Context) -> None:
    a = ctx.args
    directory = open_staff(ctx.service)
    if a.action == "list":
        members = directory.members()
        if ctx.json:
            render.emit_json([m.__dict__ for m in members])
        else:
            rows = [[m.name, m.role, "active" if m.active else "disabled"] for m in members]
            print(render.table(["name", "role", "state"], rows))
        return
    if not a.name:
        raise KioskError(f"`kiosk staff {a.action}` needs a NAME")
    if directory.has_administrator():  # the first administrator is added without signing in
        sign_in(ctx, "admin")
    if a.action == "add":
        member = directory.add(a.name, a.role, _pin(ctx), by=a.staff)
        done = f"added {member.name} ({member.role})"
    elif a.action == "role":
        directory.set_role(a.name, a.role, by=a.staff)
        done = f"{a.name} is now {'an administrator' if a.role == 'admin' else 'counter staff'}"
    elif a.action == "pin":
        directory.set_pin(a.name, _pin(ctx), by=a.staff)
        done = f"new PIN set for {a.name}"
    else:
        directory.set_active(a.name, a.action == "enable", by=a.staff)
        done = f"{a.name} {a.action}d"
    if ctx.json:
        render.emit_json({"done": done})
    else:
        print(done)


COMMANDS = {"staff": Command(cmd_staff, staff_arguments)}
