"""The collector held off while the `kiosk` command starts (kiosk.collector): on again, with the
startup's objects frozen, once a command's work begins or a terminal's first frame is drawn; and a
process that only calls `main` (the tests) keeps its own collector as it was."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from cli import main

WATCH = """
import gc, sys
import cli.centre as centre
from cli.options import Command
def watched(ctx):
    print(gc.isenabled(), gc.get_freeze_count() > 0)
centre.COMMANDS["catalogue"] = Command(watched, centre.catalogue_arguments)
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
