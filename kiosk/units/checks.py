"""Checks of the values that come from outside (user name, terminal list, host, port, paths)
before any of them goes into a unit file: each refusal names the option or setting."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from kiosk.errors import quoted
from kiosk.units.base import TERMINALS, SetupRefused

USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
_HOST_NAME = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def check_user(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise SetupRefused(
            f"--user {quoted(name)}: a user name is a lower-case letter or _, then up to 31 lower-case "
            "letters, digits, _ or -"
        )
    if name == "root":
        raise SetupRefused("--user root: the terminals run as a dedicated unprivileged user, e.g. kiosk")
    return name


def check_terminals(text: str) -> tuple[str, ...]:
    """`web,lobby` (or `all`) as the terminals in TERMINALS order; an unknown name is refused."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return TERMINALS
    unknown = [n for n in names if n not in TERMINALS]
    if unknown or not names:
        raise SetupRefused(
            f"--terminals {quoted(text)}: expected a comma-separated list of {', '.join(TERMINALS)} (or all)"
        )
    return tuple(t for t in TERMINALS if t in names)


def check_host(host: str) -> str:
    """An IP address, or a host name: labels of letters, digits and hyphens (not at either end),
    up to 253 characters, and a last label that is not all digits (RFC 1123, 3696): `999.1.1.1` or
    `127.1` is a mistyped address, which `kiosk web` could never listen on."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not _HOST_NAME.fullmatch(host) or host.rsplit(".", 1)[-1].isdigit():
            raise SetupRefused(
                f"--host {quoted(host)}: expected an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::) or a"
                " host name"
            ) from None
    return host


def check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise SetupRefused("--port: a service needs a fixed port, 1 to 65535")
    return port


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def check_path(what: str, path: Path | str) -> str:
    """`path` as text fit for a unit file, or SetupRefused naming `what`. Spaces, `%` and `$` are
    written quoted or escaped; what a unit file cannot carry safely is refused: control and other
    unprintable characters (a newline would start a new setting), quotes, backslashes, and bytes
    that are not UTF-8."""
    text = str(path)
    if not Path(text).is_absolute():
        raise SetupRefused(f"{what} {quoted(text)}: expected an absolute path")
    bad = sorted({ch for ch in text if not ch.isprintable() or ch in "\"'\\"})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise SetupRefused(
            f"{what} {quoted(text)}: a systemd unit cannot safely hold {shown} in a path; "
            "move or rename it to a path without them"
        )
    return text
