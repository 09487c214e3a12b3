"""Who runs a staff command: `--staff NAME` (or $KIOSK_STAFF) with the member's PIN from $KIOSK_PIN or
asked without echo on a terminal, checked like the counter's sign-in (scrypt, lockout, role)."""

from __future__ import annotations

import getpass
import os
import sys

from cli.context import Context
from kiosk.runtime import open_staff
from kiosk.security.members import SignInRefused


def sign_in(ctx: Context, role: str) -> None:
    """Check the member and PIN for a command that needs `role` ("staff": any active member,
    "admin": an administrator); on success `ctx.member` is set and `ctx.args.staff` is its name."""
    if ctx.member is not None and (role != "admin" or ctx.member.role == "admin"):
        return
    name = ctx.args.staff or os.environ.get("KIOSK_STAFF")
    command = ctx.args.command
    if not name:
        raise SignInRefused(
            "missing",
            message=f"`kiosk {command}` is a staff action: sign in with --staff NAME (or $KIOSK_STAFF)"
            " and the PIN in $KIOSK_PIN",
        )
    pin = os.environ.get("KIOSK_PIN")
    if pin is None:
        if not sys.stdin.isatty():
            raise SignInRefused(
                "missing", message=f"no PIN given: set $KIOSK_PIN, or run `kiosk {command}` on a terminal"
            )
        pin = getpass.getpass(f"PIN for {name}: ")
    member = open_staff(ctx.service).sign_in(
        name, pin, role="admin" if role == "admin" else None, record=False
    )
    ctx.args.staff = member.name
    ctx.member = member
