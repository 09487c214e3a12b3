"""The collector held off while the `kiosk` command starts (kiosk.collector): on again, with the
startup's objects frozen, once a command's work begins or a terminal's first frame is drawn (a ticket
command's process ends first: held to its end); and a process that only calls `main` (the tests)
keeps its own collector as it was. The front desk holds it again while its day of rows loads, and
lets it go without freezing them."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cli import main
from kiosk import collector
from screens.admin.queue import QueueTable
from tests.screens.conftest import Centre
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_lobby import SIZE, until

WATCH = """
import gc, importlib, sys
from cli.options import Command
module, name = importlib.import_module("cli." + sys.argv[1]), sys.argv[2]
def watched(ctx):
    print(gc.isenabled(), gc.get_freeze_count() > 0)
module.COMMANDS[name] = Command(watched, module.COMMANDS[name].arguments)
from cli import script
print(gc.isenabled())
del sys.argv[1]
sys.exit(script())
"""


def watch(*command: str) -> list[str]:
    """What the collector is at the start and in the command's work: on, and frozen."""
    done = subprocess.run(
        [sys.executable, "-c", WATCH, *command], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.split()


def test_the_kiosk_command_collects_again_once_its_work_begins() -> None:
    assert watch("centre", "catalogue") == ["True", "True", "True"]  # on at first; on, frozen, in the work


def test_a_brief_command_keeps_it_held_to_its_end() -> None:
    """One ticket's move (cli/tickets.py, `BRIEF`): its process ends right after, so the collections
    among the rows it reads would be work for nothing (about 10 ms of `kiosk issue`)."""
    assert watch("tickets", "show", "P-001") == ["True", "False", "False"]


def test_main_leaves_the_callers_collector_alone(centre_toml: Path) -> None:
    frozen = gc.get_freeze_count()
    assert main(["--config", str(centre_toml), "catalogue"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_the_desk_holds_the_collector_while_its_day_loads(
    centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bool, int]] = []
    original = QueueTable._loaded

    def loaded(self: QueueTable, *read: Any) -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        original(self, *read)

    monkeypatch.setattr(QueueTable, "_loaded", loaded)
    centre.service.issue("pension-new")
    with collector.as_command():  # this process's collector handled as the `kiosk desk` process's
        app = admin(centre)
        async with app.run_test(size=SIZE) as pilot:
            queue = await sign_in(pilot)
            await until(pilot, lambda: queue.table.row_count == 1)
            await until(pilot, gc.isenabled)
            assert seen and not seen[0][0], "held while the rows were made"
            assert gc.get_freeze_count() <= seen[0][1], "the rows are not frozen: a later load lets them go"
    assert gc.isenabled() and gc.get_freeze_count() == 0
