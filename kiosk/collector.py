"""Python's cycle collector held off while a command or terminal starts: the imports, the catalogue
and the first frame make a few hundred thousand objects that live as long as the process, and
collecting among them again and again cost a lobby's first frame some 60 ms. `release` turns it back
on and freezes those objects out of every later collection (`gc.freeze`)."""

from __future__ import annotations

import gc


class _State:
    ours = False  # a process the `kiosk` command started: its collector is the command's to hold
    held = False


def start() -> None:
    """At the start of the `kiosk` command's process: held until `release`. (A test process that
    calls the command's `main` never calls this, and its collector is never touched.)"""
    _State.ours = True
    hold()


def hold() -> None:
    """Held off again (a terminal, until its first frame), in the `kiosk` command's process only."""
    if _State.ours and gc.isenabled():
        gc.disable()
        _State.held = True


def release() -> None:
    """The collector on again, the objects made so far frozen, if it was held; else nothing."""
    if _State.held:
        _State.held = False
        gc.freeze()
        gc.enable()
