"""The collector held off while the `kiosk` command starts (kiosk.collector): on again, with the
startup's objects frozen, once a command's work begins or a terminal's first frame is drawn; and a
process that only calls `main` (the tests) keeps its own collector as it was."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import main
from kiosk import collector
from screens.lobby.app import create_app
from tests.screens.conftest import Centre
from tests.screens.test_lobby import until

WATCH = """
import gc, sys
import cli.commands as commands
def watched(ctx):
    print(gc.isenabled(), gc.get_freeze_count() > 0)
commands.cmd_catalogue = watched
from cli import script
print(gc.isenabled())
sys.exit(script())
"""


def test_the_kiosk_command_collects_again_once_its_work_begins() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WATCH, "catalogue"], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "True", "True"]  # on at first; on, and frozen, in the command


def test_main_leaves_the_callers_collector_alone(centre_toml: Path) -> None:
    frozen = gc.get_freeze_count()
    assert main(["--config", str(centre_toml), "catalogue"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


@pytest.fixture
def held() -> Iterator[None]:
    """The collector held as the launcher holds it in the `kiosk` process; restored after."""
    collector._State.ours = True
    collector.hold()
    try:
        yield
    finally:
        collector._State.ours = collector._State.held = False
        gc.unfreeze()
        gc.enable()


async def test_a_terminal_collects_again_after_its_first_frame(centre: Centre, held: None) -> None:
    assert not gc.isenabled()
    app = create_app(centre.settings, centre.service)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, gc.isenabled)
        assert gc.get_freeze_count() > 0
