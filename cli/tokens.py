"""`kiosk token ...` (the HTTP API's bearer tokens, an administrator's command) and `kiosk web`
(the API server: `web` is imported only here, when it runs)."""

from __future__ import annotations

from cli import render
from cli.context import Context
from cli.options import Command, Parser, port_number, staff_option
from kiosk.errors import KioskError
from kiosk.presentation import json_views
from kiosk.security.tokens import TokenDirectory

__all__ = ["Context", "cmd_token", "cmd_web"]


def token_arguments(p: Parser) -> None:
    p.add_argument("action", choices=["add", "list", "revoke"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--scope", choices=["read", "issue"], default="read", help="issue: may also issue tickets")
    staff_option(p)


def cmd_token(ctx: Context) -> None:
    a = ctx.args
    service = ctx.service
    directory = TokenDirectory(service.db, service.clock, ctx.settings.zone)
    zone = ctx.settings.zone
    if a.action == "list":
        tokens = directory.tokens()
        if ctx.json:
            render.emit_json(
                [
                    {
                        "name": t.name,
                        "scope": t.scope,
                        "created_at": json_views.iso(t.created_at, zone),
                        "created_by": t.created_by,
                        "revoked_at": json_views.iso(t.revoked_at, zone),
                    }
                    for t in tokens
                ]
            )
        else:
            rows = []
            for t in tokens:
                made = f"{t.created_at.astimezone(zone):%Y-%m-%d %H:%M}"
                state = (
                    f"revoked {t.revoked_at.astimezone(zone):%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                )
                rows.append([t.name, t.scope, made, t.created_by or "", state])
            print(render.table(["name", "scope", "created", "by", "state"], rows))
        return
    if not a.name:
        raise KioskError(f"`kiosk token {a.action}` needs a NAME")
    if a.action == "add":
        info, token = directory.add(a.name, a.scope, by=a.staff)
        if ctx.json:
            render.emit_json({"name": info.name, "scope": info.scope, "token": token})
        else:
            print(f"API token {info.name} ({info.scope}); it is shown this once, keep it safe:")
            print(token)
        return
    info = directory.revoke(a.name, by=a.staff)
    if ctx.json:
        render.emit_json({"name": info.name, "revoked": True})
    else:
        print(f"API token {info.name} revoked")


def web_arguments(p: Parser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every network)")
    p.add_argument("--port", type=port_number, default=8080, help="port to listen on (default 8080)")


def cmd_web(ctx: Context) -> None:
    from web.server import serve

    serve(ctx.service, ctx.args.host, ctx.args.port)


COMMANDS = {
    "token": Command(cmd_token, token_arguments),
    "web": Command(cmd_web, web_arguments),
}
