"""What a unit needs for the settings' printer_url: a folder to write, a group for its device,
netlink for USB hot-plug, and a note for the installer."""

from __future__ import annotations

import grp
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Settings
from kiosk.printer_url import parse_printer_url
from kiosk.units.checks import USER_NAME, check_path
from kiosk.units.paths import real


@dataclass(frozen=True)
class Printer:
    writable: Path | None = None  # a preview folder or a plain file's folder
    groups: tuple[str, ...] = ()  # to open its device
    netlink: bool = False  # libusb watches for hot-plugged devices over netlink
    note: str | None = None


def device_group(device: str, default: str) -> str:
    """The group that owns `device` here (its unit gets it as a supplementary group), else `default`."""
    try:
        name = grp.getgrgid(Path(device).stat().st_gid).gr_name
    except (OSError, KeyError):
        return default
    return name if name != "root" and USER_NAME.fullmatch(name) else default


def printer_needs(settings: Settings) -> Printer:
    url = settings.printer
    printer = parse_printer_url(url)
    if printer.scheme == "preview":
        return Printer(writable=real("printer_url", printer.target))
    if printer.scheme == "file":
        target = check_path("printer_url", printer.target)
        if target.startswith("/dev/"):
            return Printer(groups=(device_group(target, "lp"),))
        return Printer(writable=real("printer_url", target).parent)
    if printer.scheme == "serial":
        return Printer(groups=(device_group(check_path("printer_url", printer.target), "dialout"),))
    if printer.scheme == "usb":
        rule = (
            f'SUBSYSTEM=="usb", ATTR{{idVendor}}=="{printer.vendor:04x}", '
            f'ATTR{{idProduct}}=="{printer.product:04x}", GROUP="lp", MODE="0660"'
        )
        return Printer(
            groups=("lp",),
            netlink=True,
            note=(
                "The USB printer's device belongs to root: let the group lp use it with this line in "
                f"/etc/udev/rules.d/60-kiosk-printer.rules, then replug it: {rule}"
            ),
        )
    return Printer()  # tcp: the network
