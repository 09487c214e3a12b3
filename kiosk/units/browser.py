"""The browser lobby (`--lobby browser`): `kiosk lobby --web` on 127.0.0.1, shown by Chromium in
kiosk mode under the cage compositor on a console of its own."""

from __future__ import annotations

from pathlib import Path

from kiosk.units.base import SetupRefused, Unit
from kiosk.units.checks import check_path
from kiosk.units.parts import Parts
from kiosk.units.render import console, exec_line, tty_unit_lines, unit_file

LOBBY_WEB_PORT = 8000  # `kiosk lobby --web` for the browser lobby, on 127.0.0.1 only
PROFILE = "/run/kiosk-lobby"
CHROMIUM_FLAGS = (
    "--kiosk",
    "--ozone-platform=wayland",
    "--noerrdialogs",
    "--disable-translate",
    "--no-first-run",
    "--disable-session-crashed-bubble",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--password-store=basic",
    f"--user-data-dir={PROFILE}/chromium",
)


def lobby_browser(parts: Parts, tty: int) -> list[Unit]:
    r = parts.request
    if "web" in r.terminals and r.port == LOBBY_WEB_PORT:
        raise SetupRefused(
            f"--port {r.port} is the browser lobby's own (kiosk lobby --web): give kiosk web another"
        )
    return [lobby_server(parts), lobby_screen(parts, tty)]


def lobby_server(parts: Parts) -> Unit:
    # kiosk-lobby-web is started (active) only once it answers, so the browser never opens on an
    # error page: ExecStartPost= waits for the port, up to 60 s, and fails the start otherwise.
    wait = (
        "import socket, sys, time; sys.exit(not any(socket.socket().connect_ex(('127.0.0.1', "
        f"{LOBBY_WEB_PORT})) == 0 or time.sleep(0.5) for _ in range(120)))"
    )
    command = parts.command(
        "lobby", "--web", "--host", "127.0.0.1", "--port", str(LOBBY_WEB_PORT), unbuffered=True
    )
    service = parts.service(
        command,
        audio=True,
        printing=True,
        extra=["ExecStartPost=" + exec_line([parts.python, "-I", "-c", wait])],
    )
    return unit_file(
        "kiosk-lobby-web.service",
        [
            (
                "Unit",
                [
                    "Description=Lobby kiosk served to the lobby's browser (kiosk lobby --web)",
                    "StartLimitIntervalSec=0",
                    "PartOf=kiosk-lobby.service",
                    *parts.network(),
                ],
            ),
            ("Service", service),
        ],
        enable=False,
    )


def lobby_screen(parts: Parts, tty: int) -> Unit:
    r = parts.request
    cage = r.cage or Path("/usr/bin/cage")
    chromium = r.chromium or Path("/usr/bin/chromium")
    if r.cage is None:
        parts.notes.append(
            "cage is not installed here: apt-get install cage (the browser lobby's compositor)"
        )
    if r.chromium is None:
        parts.notes.append("Chromium is not installed here: apt-get install chromium (the browser lobby)")
    url = f"http://127.0.0.1:{LOBBY_WEB_PORT}/"
    browser = [check_path("cage", cage), "--", check_path("chromium", chromium), *CHROMIUM_FLAGS, url]
    return unit_file(
        "kiosk-lobby.service",
        [
            (
                "Unit",
                [
                    f"Description=Lobby kiosk: Chromium in kiosk mode under cage on tty{tty}",
                    "StartLimitIntervalSec=0",
                    "Requires=kiosk-lobby-web.service",
                    "After=kiosk-lobby-web.service",
                    "# A seat of its own: a login session on the console (logind hands cage the",
                    "# screen and the touchscreen), as cage's wiki sets it up.",
                    "Wants=dbus.socket systemd-logind.service",
                    "After=dbus.socket systemd-logind.service",
                    *tty_unit_lines(tty),
                ],
            ),
            (
                "Service",
                [
                    "Type=simple",
                    f"User={parts.user}",
                    "# PAM's login stack (pam_systemd) opens the logind session; cage's wiki uses a",
                    "# /etc/pam.d/cage of pam_unix and pam_systemd to the same end.",
                    "PAMName=login",
                    f"UtmpIdentifier=tty{tty}",
                    "UtmpMode=user",
                    *console(tty),
                    "StandardInput=tty-fail",
                    "StandardOutput=journal",
                    "StandardError=journal",
                    "# A fresh browser profile at each start: nothing of one day stays for the next.",
                    "RuntimeDirectory=kiosk-lobby",
                    "RuntimeDirectoryMode=0700",
                    f"Environment=XDG_CONFIG_HOME={PROFILE}/config XDG_CACHE_HOME={PROFILE}/cache",
                    "# Start even while the touchscreen is unplugged.",
                    "Environment=WLR_LIBINPUT_NO_DEVICES=1",
                    "ExecStart=" + exec_line(browser),
                    "# Always: Ctrl+W or Alt+F4 on a keyboard ends Chromium without an error, and",
                    "# nothing a visitor does may leave the lobby without its kiosk.",
                    "Restart=always",
                    "RestartSec=2s",
                    "# Hardened less than the other units, on purpose: cage needs the session's",
                    "# /run/user folder and the seat's devices (DRM, input) through logind, and",
                    "# Chromium's own sandbox needs namespaces and may need its setuid helper, which",
                    "# NoNewPrivileges= and every setting that implies it would break.",
                    "ProtectSystem=full",
                    "PrivateTmp=yes",
                    "ProtectControlGroups=yes",
                ],
            ),
            ("Install", ["WantedBy=multi-user.target"]),
        ],
    )
