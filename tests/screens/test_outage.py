"""The database unreachable for 30 s while all four kinds of terminal run (a network cut between them
and PostgreSQL): the display keeps its picture with a quiet mark, the counter and the front desk say
calmly that the database is away and refuse actions without a traceback, the kiosk refuses to issue
(it never shows an unsaved number), nothing crashes, and all carry on by themselves afterwards."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from kiosk.clock import FixedClock
from kiosk.runtime import initialise, open_service, open_staff
from screens.admin.app import create_app as create_admin
from screens.counter.app import create_app as create_counter
from screens.display.app import Call
from screens.display.app import create_app as create_display
from screens.lobby.app import create_app as create_lobby
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.ticket import TicketScreen
from tests.conftest import MONDAY_10, make_settings
from tests.net_proxy import Proxy
from tests.screens import test_admin, test_counter
from tests.screens.conftest import tap, workers_done
from tests.screens.test_lobby import SIZE, shown, until

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

OUTAGE_SECONDS = 30
AWAY = "The database is away"


def label(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).content)


@pytest.mark.slow
@pytest.mark.postgres
async def test_all_terminals_ride_out_a_30_second_network_cut(pg_url: str, tmp_path: Path) -> None:
    parts = urlsplit(pg_url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    url = pg_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    settings = make_settings(tmp_path, url, speech=False)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    open_staff(service).add("Olena", "admin", "482913")
    open_staff(service).add("Ivan", "staff", "5555")
    service.issue("pension-new")
    display = create_display(settings, open_service(settings, clock), lang="en")
    lobby = create_lobby(settings, open_service(settings, clock), printer_url=f"preview://{tmp_path / 't'}")
    counter = create_counter(settings, "6", open_service(settings, clock), lang="en")
    admin = create_admin(
        settings, open_service(settings, clock), lang="en", printer_url=f"preview://{tmp_path / 'a'}"
    )
    apps = (display, lobby, counter, admin)
    try:
        async with (
            display.run_test(size=SIZE) as on_display,
            lobby.run_test(size=SIZE) as pilot,
            counter.run_test(size=SIZE) as at_window,
            admin.run_test(size=SIZE) as at_desk,
        ):
            await until(on_display, lambda: display.follower is not None)
            await test_counter.sign_in(at_window)
            queue = await test_admin.sign_in(at_desk)
            await until(at_desk, lambda: test_admin.table(queue).row_count == 1)
            await shown(pilot, LanguageScreen, "#lang-en")
            await tap(pilot, "#lang-en")
            await shown(pilot, NeedScreen, "#menu-pension")
            await tap(pilot, "#menu-pension")
            await shown(pilot, ServiceScreen, "#service-pension-new")

            proxy.cut()
            cut_at = time.monotonic()
            mark = display.query_one("#connection", Label)
            await until(on_display, lambda: "Reconnecting" in str(mark.content), seconds=15)
            await until(at_window, lambda: AWAY in label(at_window, "#status"), seconds=15)
            await until(at_desk, lambda: AWAY in label(at_desk, "#admin-status"), seconds=15)
            await at_window.press("f1")  # call next: refused calmly, in the staff's words
            await at_window.pause(0.5)
            await workers_done(at_window)
            assert AWAY in label(at_window, "#status") and "Traceback" not in label(at_window, "#status")
            await tap(pilot, "#service-pension-new")
            await until(pilot, lambda: bool(pilot.app.screen.query("#notice")), seconds=15)
            assert "front desk" in label(pilot, "#notice")
            while time.monotonic() - cut_at < OUTAGE_SECONDS:  # the cut lasts; every terminal lives
                await on_display.pause(1.0)
                assert all(app.is_running for app in apps)
            assert "Reconnecting" in str(mark.content), "the display still says it is away"

            proxy.restore()
            await until(on_display, lambda: str(mark.content) == "", seconds=15)
            await until(at_window, lambda: "Connected again" in label(at_window, "#status"), seconds=15)
            await until(at_desk, lambda: label(at_desk, "#admin-status") == "", seconds=15)
            await at_window.press("f1")
            await test_counter.settle(at_window, "Called P-001")
            await until(on_display, lambda: Call("P-001", "6") in display.calls, seconds=15)
            await tap(pilot, "#ok")
            await shown(pilot, ServiceScreen, "#service-pension-new")
            await tap(pilot, "#service-pension-new")
            await until(pilot, lambda: isinstance(pilot.app.screen, TicketScreen), seconds=15)
            await until(at_desk, lambda: test_admin.table(queue).row_count == 2, seconds=15)
            assert all(app.is_running for app in apps)
    finally:
        proxy.cut()
        service.db.dispose()
    direct = open_service(settings.model_copy(update={"database_url": pg_url}), clock)
    codes = [t.code for t in direct.day_view()]
    direct.db.dispose()
    assert codes == ["P-001", "P-002"], "nothing half-saved during the cut; one ticket after it"
