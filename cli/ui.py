"""The terminals' commands: `kiosk lobby` (and `--web` for a browser through textual-serve).

Logs go to the journal under systemd, else to `data_dir/NAME.log` (cli.logs): nothing may write
over the screen Textual draws.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cli.context import Context
from cli.logs import journal, log_to
from cli.options import Command, Parser, language_option, web_options
from kiosk import collector
from kiosk.paths import bundled_data
from kiosk.presentation.i18n import translations
from kiosk.storage.sqlite_file import preflight

if TYPE_CHECKING:
    from screens.common.terminal import TerminalApp

__all__ = [
    "Context",
    "cmd_admin",
    "cmd_counter",
    "cmd_display",
    "cmd_lobby",
    "serve_web",
    "web_server",
]


def launch(ctx: Context, command: str, log_name: str, build: Callable[[], TerminalApp]) -> None:
    """Every terminal's launcher: served to browsers with `--web`, else logs to a file and runs the
    app `build` makes (each app's `create_app`, the factory the tests and benchmarks use too). The
    centre's housekeeping (past days closed, stale calls released) runs from the app itself."""
    if ctx.args.web:
        serve_web(ctx, command)
        return
    collector.hold()  # until the first frame (TerminalApp.on_mount)
    log_to(ctx.settings, log_name, journal())
    app = build()
    app.run()
    if app.startup_error is not None:  # its database did not open after the first frame
        raise app.startup_error
    if app.return_code:  # stopped on an error it logged: non-zero, for a supervisor to restart it
        raise SystemExit(app.return_code)


def serve_web(ctx: Context, command: str) -> None:
    """Serve a terminal to browsers (a lobby touchscreen, a TV) with textual-serve, on the kiosk's own
    page (data/web): every file the page loads, the font included, comes from this server."""
    args = [sys.executable, "-m", "cli"]
    if ctx.args.config:
        args += ["--config", ctx.args.config]
    if ctx.args.db:
        args += ["--db", ctx.args.db]
    args += shlex.split(command)
    if getattr(ctx.args, "lang", None):
        args += ["--lang", ctx.args.lang]
    print(f"serving `{command}` at http://{ctx.args.host}:{ctx.args.port}/?fontsize={ctx.args.font_size}")
    server = web_server(
        shlex.join(args),
        ctx.args.host,
        ctx.args.port,
        ctx.settings.centre_name,
        ctx.args.font_size,
        getattr(ctx.args, "lang", None) or ctx.settings.main_language,
    )
    server.serve()


WEB_STATIC_URL = "/kiosk/"


def web_server(command: str, host: str, port: int, title: str, font_size: int, lang: str = "en") -> Any:
    """textual-serve's server with the kiosk's page template (data/web/templates) and, beside
    textual-serve's own static files (textual.js, xterm.css), ours under /kiosk/ (data/web/static:
    the font and kiosk.js). `font_size` is the page's when the address gives no ?fontsize; the page's
    own words (start, session ended, restart) are in `lang`."""
    import aiohttp_jinja2
    from textual_serve.server import Server

    web = bundled_data() / "web"

    class KioskServer(Server):
        async def _make_app(self) -> Any:
            app = await super()._make_app()
            app.router.add_static(WEB_STATIC_URL, web / "static", name="kiosk-static")
            t = translations(lang)
            texts = {
                "start": t.gettext("Open the kiosk"),
                "ended": t.gettext("Session ended."),
                "restart": t.gettext("Start again"),
            }
            aiohttp_jinja2.get_env(app).globals["kiosk"] = {
                "static": WEB_STATIC_URL,
                "font_size": font_size,
                "texts": texts,
                "lang": lang,
            }
            return app

    return KioskServer(command, host=host, port=port, title=title, templates_path=web / "templates")


def cmd_lobby(ctx: Context) -> None:
    """The kiosk draws its first frame before it opens the database (`TerminalApp.service`): a SQLite
    file that would be refused is refused first (`preflight`), in one line and without a screen."""

    def build() -> TerminalApp:
        from screens.lobby.app import create_app

        return create_app(ctx.settings, clock=ctx.clock)

    if not ctx.args.web:
        preflight(ctx.settings.db_url)
    launch(ctx, "lobby", "lobby", build)


def counter_arguments(p: Parser) -> None:
    p.add_argument("--window", "-w", required=True, metavar="W")
    language_option(p)
    web_options(p)


def cmd_counter(ctx: Context) -> None:
    window = ctx.args.window
    ctx.service.catalogue.departments_of_window(window)  # an unknown window is refused before the screen

    def build() -> TerminalApp:
        from screens.counter.app import create_app

        return create_app(ctx.settings, window, ctx.service, lang=ctx.args.lang)

    launch(ctx, f"counter --window {window}", f"counter-{window}", build)


def cmd_display(ctx: Context) -> None:
    def build() -> TerminalApp:
        from screens.display.app import create_app

        return create_app(ctx.settings, ctx.service, lang=ctx.args.lang)

    launch(ctx, "display", "display", build)


def cmd_admin(ctx: Context) -> None:
    def build() -> TerminalApp:
        from screens.admin.app import create_app

        return create_app(ctx.settings, ctx.service, lang=ctx.args.lang)

    launch(ctx, "admin", "admin", build)


def staff_screen_arguments(p: Parser) -> None:
    language_option(p)
    web_options(p)


COMMANDS = {
    "lobby": Command(cmd_lobby, web_options),
    "counter": Command(cmd_counter, counter_arguments),
    "admin": Command(cmd_admin, staff_screen_arguments),
    "display": Command(cmd_display, staff_screen_arguments),
}
