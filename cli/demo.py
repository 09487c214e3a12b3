"""`kiosk demo`: the lobby kiosk of a demo centre (open around the clock) on the embedded defaults."""

from __future__ import annotations

import os

from cli.centre import cmd_init
from cli.context import Context
from cli.options import Command, Parser
from kiosk.paths import bundled_data
from kiosk.runtime import open_staff

__all__ = ["Context", "cmd_demo"]

DEMO_ADMIN = ("Demo admin", "1234")


def demo_arguments(p: Parser) -> None:
    p.add_argument(
        "--no-kiosk", action="store_true", help="prepare the demo centre but do not open the kiosk"
    )


def cmd_demo(ctx: Context) -> None:
    if not ctx.args.config and not os.environ.get("KIOSK_CONFIG"):
        ctx.args.config = str(bundled_data() / "demo.toml")
    cmd_init(ctx)
    staff = open_staff(ctx.service)
    if not staff.members():
        staff.add(DEMO_ADMIN[0], "admin", DEMO_ADMIN[1], by="demo")
    name, pin = DEMO_ADMIN
    print(f"\nDemo staff: {name!r}, PIN {pin} (F12 or the Staff button leaves the kiosk).")
    print(f"Tickets go to {ctx.settings.printer}")
    print(f"Try the CLI too: kiosk --config {ctx.args.config} queue")
    if ctx.args.no_kiosk:
        return
    from cli.ui import cmd_lobby

    ctx.args.web = False
    cmd_lobby(ctx)


COMMANDS = {"demo": Command(cmd_demo, demo_arguments)}
