"""The systemd unit files of `kiosk setup systemd`: built from the centre's settings, checked, and
written atomically. Nothing here starts, enables or reloads a unit, and nothing imports Textual."""

from kiosk.units.base import Request, Setup, SetupRefused, Unit
from kiosk.units.build import build_units
from kiosk.units.checks import check_terminals
from kiosk.units.write import next_commands, write_units

__all__ = [
    "Request",
    "Setup",
    "SetupRefused",
    "Unit",
    "build_units",
    "check_terminals",
    "next_commands",
    "write_units",
]
