"""Headless core of the lobby kiosk: queue rules, storage, configuration and the `kiosk` CLI.

Nothing in this package imports Textual, the printer or the screens (import-linter checks it),
except the CLI, which wires them together inside the commands that need them.
"""

__version__ = "0.1.0"
