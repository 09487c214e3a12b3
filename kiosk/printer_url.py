"""The syntax of a printer URL, checked when the settings are loaded and used by `printer/` to connect:
`tcp://HOST[:PORT]` (an IPv6 host in brackets), `usb://VID:PID` (hex), `serial://DEVICE[?baudrate=N]`,
`file://PATH` or `preview://DIR`. Nothing here opens a connection or a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = ("tcp", "usb", "serial", "file", "preview")
_USB = re.compile(r"([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4})")
_BAUDRATE = re.compile(r"[0-9]{1,7}")


@dataclass(frozen=True)
class PrinterUrl:
    """`target` is the host (tcp), `VID:PID` (usb) or the path (serial, file, preview)."""

    scheme: str
    target: str
    options: dict[str, str] = field(default_factory=dict)
    port: int = 9100
    vendor: int = 0
    product: int = 0
    baudrate: int = 9600


def parse_printer_url(url: str) -> PrinterUrl:
    """The parts of a printer URL; a ValueError says which part is wrong."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "tcp://[::1": an unclosed IPv6 bracket
        raise ValueError(f"the host is not valid ({exc})") from None
    if parts.scheme not in SCHEMES:
        raise ValueError("expected tcp://, usb://, serial://, file:// or preview://")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tcp":
        try:
            port = parts.port if parts.port is not None else 9100
        except ValueError:  # not a number, or over 65535
            port = 0
        if not parts.hostname:
            raise ValueError("expected a host, e.g. tcp://192.168.1.50:9100")
        if not port:
            raise ValueError("the port must be a number from 1 to 65535")
        return PrinterUrl("tcp", parts.hostname, options, port=port)
    if parts.scheme == "usb":
        match = _USB.fullmatch(parts.netloc)
        if match is None:
            raise ValueError("expected usb://VID:PID in hex, e.g. usb://04b8:0202")
        vendor, product = int(match[1], 16), int(match[2], 16)
        return PrinterUrl("usb", parts.netloc, options, vendor=vendor, product=product)
    path = unquote(parts.netloc + parts.path)
    if not path or "\x00" in path:
        raise ValueError(f"expected a path after {parts.scheme}://")
    baudrate = options.get("baudrate", "9600")
    if parts.scheme == "serial" and not (_BAUDRATE.fullmatch(baudrate) and int(baudrate) > 0):
        raise ValueError("the baudrate must be a number, e.g. ?baudrate=115200")
    return PrinterUrl(
        parts.scheme, path, options, baudrate=int(baudrate) if parts.scheme == "serial" else 9600
    )
