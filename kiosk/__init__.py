"""Headless core of the lobby kiosk: the domain, the queue and bookings, storage, security, what is
shown, and the settings. Nothing in it imports Textual, the printer, the screens, the web server or
the command line (import-linter checks it): `cli/` wires them together above it.
"""

__version__ = "0.1.0"
