"""Fixtures for the screens: an initialised centre on a temporary SQLite file, a fixed clock, a
fixed QR secret (so snapshots are stable), and a settable monotonic clock for timeouts."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.service import QueueService
from screens.lobby.app import LobbyApp, create_app
from tests.conftest import MONDAY_10, make_settings

ADMIN_PIN = "482913"


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Centre:
    settings: Settings
    service: QueueService
    clock: FixedClock
    ticks: Ticks
    tmp: Path

    def lobby(self, printer_url: str | None = None, **overrides: Any) -> LobbyApp:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return create_app(
            settings,
            self.service,
            printer_url=printer_url,
            speech_output=self.tmp / "speech",
            monotonic=self.ticks,
            tick_seconds=0.05,
        )


@pytest.fixture
def centre(tmp_path: Path) -> Centre:
    settings = make_settings(
        tmp_path, f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", centre_name="Луцьк: центр «Прозорий офіс»",
        speech=False,
    )  # fmt: skip
    settings.secret_path.parent.mkdir(parents=True, exist_ok=True)
    settings.secret_path.write_text("0123456789abcdef0123456789abcdef-fixed-test-secret\n")
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    open_staff(service).add("Olena", "admin", ADMIN_PIN)
    open_staff(service).add("Ivan", "staff", "5555")
    return Centre(settings, service, clock, Ticks(), tmp_path)


async def workers_done(pilot: Pilot[None], seconds: float = 10.0) -> None:
    """Every worker finished, done or cancelled: `wait_for_complete` raises for one cancelled (an
    exclusive read replaced by a newer one, which a loaded machine makes likelier; CI failed on it)."""
    for _ in range(int(seconds / 0.05)):
        if all(w.is_finished for w in pilot.app.workers):
            return
        await pilot.pause(0.05)
    raise AssertionError("the terminal's workers did not finish in time")


async def tap(pilot: Pilot[None], selector: str) -> None:
    """A tap (a click) on `selector` once it is on screen: a widget just composed has no place yet,
    and a click then lands on whatever is at (0, 0). Clicks anyway after 5 s, for the test to judge."""
    for _ in range(100):
        found = pilot.app.screen.query(selector)
        if found and found.first().region.area > 0:
            break
        await pilot.pause(0.05)
    await pilot.click(selector)


Factory = Callable[..., LobbyApp]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


def _busy(screen: Screen[Any]) -> bool:
    """A button still shows its 0.2 s pressed effect, or a DataTable has rows it has not measured
    yet (Textual sizes auto-width columns when idle): a picture now would differ from one later."""
    if screen.query(".-active"):
        return True
    return any(
        getattr(table, "_require_update_dimensions", False) or getattr(table, "_updated_cells", None)
        for table in screen.query(DataTable)
    )


async def settled(pilot: Pilot[None]) -> str:
    """Wait until nothing in the screen stack is still in passing (see `_busy`) and two pictures
    taken 0.15 s apart are the same (a late worker, timer or animation would change the second).
    Returns the last picture."""
    for _ in range(40):
        if not any(_busy(screen) for screen in pilot.app.screen_stack):
            break
        await pilot.pause(0.05)
    last = ""
    for _ in range(20):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.15)
        picture = re.sub(
            r"\bterminal-\d+-([\w-]+)", r"terminal-\1", pilot.app.export_screenshot(simplify=True)
        )
        if picture == last:
            break
        last = picture
    return last


_TEXT = re.compile(
    r'<text class="([^"]+)" x="([\d.]+)"[^>]*clip-path="url\(#terminal-line-(\d+)\)">([^<]*)</text>'
)
_RECT = re.compile(r'<rect fill="([^"]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"')


def picture_lines(svg: str) -> list[str]:
    """The SVG's text, line by line, with each run's x and style class and each background's colour,
    so a mismatch can be read in the test's output (the HTML report stays on the CI machine)."""
    lines: dict[int, list[str]] = {}
    for style, x, line, text in _TEXT.findall(svg):
        lines.setdefault(int(line), []).append(f"{float(x):.0f}:{style}:{html.unescape(text)}")
    backgrounds: dict[str, list[str]] = {}
    for fill, x, y, width in _RECT.findall(svg):
        backgrounds.setdefault(y, []).append(f"{float(x):.0f}+{float(width):.0f}={fill}")
    rows = [" | ".join(lines[n]) for n in sorted(lines)]
    rows += [f"bg y={y}: " + " ".join(cells) for y, cells in backgrounds.items()]
    return rows


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool], request: pytest.FixtureRequest) -> Callable[..., bool]:
    """pytest-textual-snapshot's `snap_compare`, taking its picture only once the screen has settled;
    on a mismatch it prints the lines that differ from the stored picture."""

    def compare(app: App[Any], *args: Any, run_before: RunBefore | None = None, **kwargs: Any) -> bool:
        pictures: list[str] = []

        async def steps(pilot: Pilot[None]) -> None:
            if run_before is not None:
                await run_before(pilot)
            for field in pilot.app.screen.query(Input):  # a blinking cursor is caught on or off by chance
                field.cursor_blink = False
            pictures.append(await settled(pilot))

        same = snap_compare(app, *args, run_before=steps, **kwargs)
        stored = request.path.parent / "__snapshots__" / request.path.stem / f"{request.node.name}.svg"
        if not same and pictures and stored.exists():
            diff = difflib.unified_diff(
                picture_lines(stored.read_text()), picture_lines(pictures[0]), "stored", "now", n=0
            )
            text = f"\n{request.node.nodeid}: the picture differs from the stored one\n" + "\n".join(diff)
            capture = request.config.pluginmanager.get_plugin("capturemanager")
            if capture is None:
                print(text)
            else:  # past capture, to the run's output: a rerun that passes would otherwise hide it
                with capture.global_and_fixture_disabled():
                    print(text, flush=True)
        return same

    return compare
