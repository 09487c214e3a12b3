"""Python's cycle collector held off while a command or terminal starts: the imports, the catalogue
and the first frame make a few hundred thousand objects that live as long as the process, and
collecting among them again and again cost a lobby's first frame some 60 ms. `release` turns it back
on and freezes those objects out of every later collection (`gc.freeze`). A terminal also holds it
while it builds what it keeps for a while (the front desk's day of rows: `hold`, then
`release(freeze=False)`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _State:
    ours = False  # a process the `kiosk` command started: its collector is the command's to hold
    held = False


def start() -> None:
    """At the start of the `kiosk` command's process: held until `release`. (A test process that
    calls the command's `main` never calls this, and its collector is never touched.)"""
    _State.ours = True
    hold()


def hold() -> None:
    """Held off again (a terminal, until its first frame or until it has built what it keeps), in
    the `kiosk` command's process only."""
    if _State.ours and gc.isenabled():
        gc.disable()
        _State.held = True


def release(freeze: bool = True) -> None:
    """The collector on again, if it was held; else nothing. `freeze`: the objects made so far are
    frozen out of later collections (once, at the start: what a terminal builds later, such as the
    desk's rows, is let go again when it is replaced, and a frozen cycle would never be)."""
    if _State.held:
        _State.held = False
        if freeze:
            gc.freeze()
        gc.enable()


@contextmanager
def as_command() -> Iterator[None]:
    """This process's collector handled as the `kiosk` command's while a benchmark runs a terminal
    in it (held until the first frame, then frozen); afterwards on, and nothing frozen."""
    start()
    try:
        yield
    finally:
        _State.ours = _State.held = False
        gc.unfreeze()
        gc.enable()
