"""The front desk driven as an administrator would: sign in, the live table (changes from another
process arrive row by row), every action on a ticket, statistics and export, staff and the day."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static

from harness import loadgen
from kiosk.domain.tickets import State
from kiosk.service import QueueService
from screens.admin.app import AdminApp, AdminScreen, create_app
from screens.admin.dialogs import SendDialog
from screens.admin.queue import Cell, QueueTable
from screens.admin.stats import StatsPane
from screens.common.live import FOLLOW_SECONDS
from screens.common.signin import SignInScreen
from tests.screens.conftest import ADMIN_PIN, Centre, tap, workers_done
from tests.screens.test_display import kiosk_cli
from tests.screens.test_lobby import SIZE, shown, until


def admin(centre: Centre, lang: str = "en") -> AdminApp:
    return create_app(
        centre.settings, centre.service, lang=lang, printer_url=f"preview://{centre.tmp / 'tickets'}"
    )


async def sign_in(pilot: Pilot[None]) -> QueueTable:
    await shown(pilot, SignInScreen, ".member")
    names = [m.name for m in pilot.app.screen.members]  # type: ignore[attr-defined]
    assert names == ["Olena"], "only administrators may sign in here"
    await tap(pilot, "#member-0")
    await until(pilot, lambda: bool(pilot.app.screen.query("#pin-input")))
    await pilot.press(*ADMIN_PIN, "enter")
    await until(pilot, lambda: not pilot.app.screen.query("#pin-input"), seconds=60)
    await shown(pilot, AdminScreen, "#tickets")
    return pilot.app.screen.query_one(QueueTable)


def table(queue: QueueTable) -> DataTable[Any]:
    return queue.table


def cell(queue: QueueTable, ticket_id: int, column: str) -> str:
    value = table(queue).get_cell(str(ticket_id), column)
    assert isinstance(value, Cell)
    return value.plain


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#admin-status", Label).content)


async def test_live_table_follows_other_terminals(centre: Centre) -> None:
    first = centre.service.issue("pension-new").ticket
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        await until(pilot, lambda: table(queue).row_count == 1)
        kiosk_cli(centre, "issue", "job-register", "--lang", "tr", "--no-print")  # the kiosk, another process
        kiosk_cli(centre, "call", "--window", "6")  # a counter, another process
        await until(pilot, lambda: table(queue).row_count == 2, seconds=3)
        await until(pilot, lambda: cell(queue, first.id, "state") == "called", seconds=3)
        assert cell(queue, first.id, "window") == "6"
        second = next(t for t in centre.service.day_view() if t.code == "E-001")
        assert cell(queue, second.id, "language") == "tr"


async def test_the_desk_shows_its_own_day_and_turns_to_the_next_at_midnight(centre: Centre) -> None:
    service, clock = centre.service, centre.clock
    left = [service.issue("pension-new").ticket.id for _ in range(2)]  # the terminals were off at closing
    clock.advance(days=1)  # the morning after
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        # the desk's start closes what the day before left open at once, not a half minute later
        await until(pilot, lambda: all(service.ticket(i).state == State.CLOSED for i in left), seconds=3)
        fresh = service.issue("job-register").ticket
        await until(pilot, lambda: str(fresh.id) in table(queue).rows, seconds=3)
        assert table(queue).row_count == 1
        clock.advance(days=1)  # midnight passes with the desk open
        queue.tick()
        await until(pilot, lambda: table(queue).row_count == 0, seconds=3)
        app.housekeeping()  # as any terminal's chores may, while this desk follows the events
        await until(pilot, lambda: service.ticket(fresh.id).state == State.CLOSED, seconds=3)
        await pilot.pause(3 * FOLLOW_SECONDS)
        await workers_done(pilot)
        assert table(queue).row_count == 0, "a past day's ticket, closed by the rollover, stays off the day"
        today = service.issue("housing-subsidy").ticket
        await until(pilot, lambda: list(table(queue).rows) == [str(today.id)], seconds=3)


async def test_a_ticket_from_a_kiosk_whose_clock_runs_ahead_has_waited_no_time(centre: Centre) -> None:
    centre.clock.advance(minutes=2)
    ahead = centre.service.issue("pension-new").ticket  # the kiosk's clock two minutes ahead
    centre.clock.advance(minutes=-2)
    async with admin(centre).run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        await until(pilot, lambda: table(queue).row_count == 1)
        assert cell(queue, ahead.id, "waited") == "0 min"


async def test_every_action_on_a_ticket(centre: Centre) -> None:
    service = centre.service
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)

        async def finish_with(expect: str) -> None:
            await until(pilot, lambda: expect in status(pilot), seconds=5)

        # issue by hand: service, language, priority, interpreter
        await pilot.press("f2")
        await until(pilot, lambda: bool(app.screen.query("#service")))
        dialog = app.screen
        dialog.query_one("#service", Select).value = "pension-new"
        dialog.query_one("#language", Select).value = "vi"
        dialog.query_one("#priority", Select).value = "aged-80"
        dialog.query_one("#interpreter", Checkbox).value = True
        await tap(pilot, "#confirm")
        await finish_with("P-001")
        ticket = service.ticket("P-001")
        assert (ticket.language, ticket.priority, ticket.interpreter) == ("vi", "aged-80", True)
        await until(pilot, lambda: table(queue).row_count == 1, seconds=3)

        # change priority with a reason
        await pilot.press("f4")
        await until(pilot, lambda: bool(app.screen.query("#reason")))
        app.screen.query_one("#priority", Select).value = Select.NULL
        app.screen.query_one("#reason", Input).value = "no document"
        await tap(pilot, "#confirm")
        await until(pilot, lambda: service.ticket(ticket.id).priority is None, seconds=5)
        assert service.history(ticket.id)[-1].data["reason"] == "no document"

        # transfer (keeps the number)
        await pilot.press("f3")
        await until(pilot, lambda: bool(app.screen.query("#department")))
        app.screen.query_one("#department", Select).value = "employment"
        await pilot.pause(0.1)
        await tap(pilot, "#confirm")
        await until(pilot, lambda: service.ticket(ticket.id).department == "employment", seconds=5)
        assert service.ticket(ticket.id).code == "P-001"

        # reprint
        await pilot.press("f6")
        await until(pilot, lambda: service.history(ticket.id)[-1].kind == "reprinted", seconds=5)

        # cancel with a reason
        await pilot.press("f5")
        await until(pilot, lambda: bool(app.screen.query("#reason")))
        app.screen.query_one("#reason", Input).value = "left the centre"
        await tap(pilot, "#confirm")
        await until(pilot, lambda: service.ticket(ticket.id).state == "cancelled", seconds=5)
        await until(pilot, lambda: cell(queue, ticket.id, "state") == "cancelled", seconds=3)

        # quick answer at the desk: recorded as served
        await pilot.press("f7")
        await until(pilot, lambda: bool(app.screen.query("#service")))
        app.screen.query_one("#service", Select).value = "info-general"
        await tap(pilot, "#confirm")
        await until(pilot, lambda: any(t.service == "info-general" for t in service.day_view()), seconds=5)
    quick = next(t for t in service.day_view() if t.service == "info-general")
    assert quick.state == "done"
    staff = {e.staff for t in service.day_view() for e in service.history(t.id) if e.kind != "issued"}
    assert staff == {"Olena"}, "every action carries the administrator's name"


async def test_send_a_ticket_to_a_window_outside_its_department(centre: Centre) -> None:
    service = centre.service
    ticket = service.issue("pension-new").ticket  # pensions: windows 6, 7, 8
    app = admin(centre, lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        await until(pilot, lambda: table(queue).row_count == 1)
        await pilot.press("f8")
        await shown(pilot, SendDialog, "#window")
        assert "Направити P-001 до вікна" in str(app.screen.query_one(".dialog-title", Label).content)
        await tap(pilot, "#confirm")
        await until(
            pilot, lambda: "Виберіть вікно" in str(app.screen.query_one("#dialog-error", Label).content)
        )
        app.screen.query_one("#window", Select).value = "9"
        reason = app.screen.query_one("#reason", Input)
        reason.focus()
        await pilot.press("enter")  # Enter in the last field confirms
        await until(
            pilot, lambda: "Вкажіть причину" in str(app.screen.query_one("#dialog-error", Label).content)
        )
        assert service.ticket(ticket.id).state == "waiting", "nothing is sent without a reason"
        await pilot.press(*"interpreter", "enter")
        await until(pilot, lambda: service.ticket(ticket.id).window == "9", seconds=5)
        await until(pilot, lambda: cell(queue, ticket.id, "window") == "9", seconds=3)
    last = service.history(ticket.id)[-1]
    assert (last.kind, last.staff, last.data["override"]) == ("called", "Olena", "interpreter")


async def test_filters_search_and_marks(centre: Centre) -> None:
    service = centre.service
    late = service.issue("pension-new").ticket
    service.issue("job-register")
    faulty = service.issue("housing-subsidy").ticket
    service.record_notice("print_failed", faulty.id, {"reason": "paper_out"})
    centre.clock.advance(minutes=16)  # past the 15-minute SLA target
    fresh = service.issue("pension-recalc").ticket
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        await until(pilot, lambda: table(queue).row_count == 4)
        waited = table(queue).get_cell(str(late.id), "waited")
        assert "on #b00020" in str(waited.style), "late tickets are marked"
        assert table(queue).get_cell(str(fresh.id), "waited").style is None
        assert cell(queue, faulty.id, "note") == "printer fault"
        queue.query_one("#filter-department", Select).value = "pensions"
        await until(pilot, lambda: table(queue).row_count == 2)
        queue.query_one("#search", Input).value = "p 2"
        await until(pilot, lambda: table(queue).row_count == 1)
        assert str(fresh.id) in table(queue).rows


@pytest.mark.slow
async def test_five_thousand_tickets_change_row_by_row(centre: Centre) -> None:
    service = centre.service
    loadgen.add_waiting(service, "pension-new", 5000)
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        queue = await sign_in(pilot)
        await until(pilot, lambda: table(queue).row_count == 5000, seconds=30)
        clears: list[int] = []
        original = table(queue).clear
        table(queue).clear = lambda *a, **k: clears.append(1) or original(*a, **k)  # type: ignore[method-assign]
        keys_before = list(table(queue).rows)
        called = service.call_next("6")
        await until(pilot, lambda: cell(queue, called.id, "state") == "called", seconds=3)
        queue.tick()
        assert clears == [], "a change updates its row; the table is never cleared and reloaded"
        assert list(table(queue).rows) == keys_before


async def test_stats_export_staff_and_day(centre: Centre, tmp_path: Path) -> None:
    service = centre.service
    ticket = service.issue("pension-new").ticket
    centre.clock.advance(minutes=3)
    service.call_next("6")
    centre.clock.advance(minutes=1)
    service.start(ticket.id)
    centre.clock.advance(minutes=5)
    service.finish(ticket.id)
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-stats")  # the tabs, as a person switches them
        await until(pilot, lambda: bool(app.screen.query(StatsPane)))  # built when first chosen
        pane = app.screen.query_one(StatsPane)
        await until(pilot, lambda: pane.shown is not None, seconds=5)
        assert pane.shown is not None
        pensions = next(d for d in pane.shown.departments if d.department == "pensions")
        assert (pensions.served, pensions.wait.max, pensions.service.max) == (1, 180.0, 300.0)
        rich_table = app.screen.query_one("#stats-table", Static).content
        assert "Pensions" in [str(c) for c in rich_table.columns[0].cells]  # type: ignore[union-attr]
        await pilot.wait_for_scheduled_animations()  # the tab switch slides; click once it has settled
        await tap(pilot, "#stats-export")
        await until(pilot, lambda: "Saved" in status(pilot), seconds=5)
        assert len(list((centre.settings.data_dir / "exports").glob("*.csv"))) == 2

        await tap(pilot, "#--content-tab-tab-day")
        await pilot.wait_for_scheduled_animations()
        day = app.screen.query_one("#day-table", DataTable)
        day.move_cursor(row=day.get_row_index("pensions"))
        await until(pilot, lambda: app.screen.query_one("#day-toggle").region.area > 0)  # laid out
        await tap(pilot, "#day-toggle")
        await until(pilot, lambda: "pensions" in service.closed_today(), seconds=3)
        assert not service.opening("pensions").open

        await tap(pilot, "#--content-tab-tab-staff")
        await pilot.wait_for_scheduled_animations()
        await until(pilot, lambda: app.screen.query_one("#staff-add").region.area > 0)
        await tap(pilot, "#staff-add")
        await until(pilot, lambda: bool(app.screen.query("#pin")))
        app.screen.query_one("#name", Input).value = "Maria"
        app.screen.query_one("#pin", Input).value = "246810"
        await tap(pilot, "#confirm")
        await until(pilot, lambda: any(m.name == "Maria" for m in app.staff.members()), seconds=3)
        assert app.staff.sign_in("Maria", "246810").role == "staff"
    kinds = [e.kind for e in service.audit()]
    assert {"department_closed", "staff_added"} <= set(kinds)


def booked_and_walk_in_day(centre: Centre) -> None:
    """Pensions: at 10:00 two bookings are made, for 10:20 and 10:40. A walk-in comes at 10:15; the
    10:20 visitor checks in at 10:18 and is called first, at 10:23 (a booked wait of 3 minutes: coming
    early is not waiting); the walk-in at 10:29 (14 minutes). Nobody comes for 10:40: the end of the
    day closes it as a no-show."""
    service = centre.service
    ten = centre.clock.now().astimezone(centre.settings.zone).replace(tzinfo=None)
    booked = service.book("pension-new", ten.replace(minute=20), "uk")
    service.book("pension-new", ten.replace(minute=40), "en")
    centre.clock.advance(minutes=15)
    walk_in = service.issue("pension-new").ticket
    centre.clock.advance(minutes=3)
    ticket = service.check_in(booked.code).ticket
    for served, after in ((ticket, 5), (walk_in, 1)):
        centre.clock.advance(minutes=after)
        assert service.call_next("6").id == served.id
        service.start(served.id)
        centre.clock.advance(minutes=5)
        service.finish(served.id)
    service.close_day()


async def test_statistics_show_booked_visits_apart(centre: Centre) -> None:
    """The desk's booked-visits table: bookings, check-ins, the no-show rate, walk-in and booked waits
    apart, and the share of booked visitors seen within 5 minutes, as `kiosk stats` counts them."""
    booked_and_walk_in_day(centre)
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-stats")
        await until(pilot, lambda: bool(app.screen.query(StatsPane)))  # built when first chosen
        pane = app.screen.query_one(StatsPane)
        await until(pilot, lambda: pane.shown is not None, seconds=5)
        rich_table = app.screen.query_one("#stats-booked", Static).content
        rows = {  # the department's name, then its figures, column by column
            str(name): [list(column.cells)[index] for column in rich_table.columns[1:]]  # type: ignore[union-attr]
            for index, name in enumerate(rich_table.columns[0].cells)  # type: ignore[union-attr]
        }
        # bookings, checked in, no-shows, rate, walk-in mean, booked mean, booked p90, within 5 min
        assert rows["Pensions"] == ["2", "1", "1", "50%", "14", "3", "3", "100%"]
        assert rows["All"] == rows["Pensions"]
        # the departments whose services take appointments, and not those of walk-ins only
        assert {"Social benefits and subsidies", "Employment centre"} <= set(rows)
        assert "Help for homeless people" not in rows
        assert app.screen.query_one("#stats-booked-title").display


async def test_the_day_last_ticket_time_and_windows(centre: Centre) -> None:
    service = centre.service
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-day")
        await pilot.wait_for_scheduled_animations()
        day = app.screen.query_one("#day-table", DataTable)
        await until(pilot, lambda: app.screen.query_one("#day-last-ticket").region.area > 0)
        day.move_cursor(row=day.get_row_index("pensions"))

        async def last_ticket(text: str, confirm: str = "click") -> None:
            await tap(pilot, "#day-last-ticket")
            await until(pilot, lambda: bool(app.screen.query("#last-ticket")))
            field = app.screen.query_one("#last-ticket", Input)
            assert field.value == f"{service.opening('pensions').cutoff:%H:%M}"  # today's, to edit
            field.value = ""
            await tap(pilot, "#last-ticket")
            await pilot.press(*text)
            if confirm == "click":
                await tap(pilot, "#confirm")
            else:
                await pilot.press("enter")

        await last_ticket("21:00")  # after closing time: the dialog says so and stays
        await until(
            pilot, lambda: "within the hours" in str(app.screen.query_one("#dialog-error", Label).content)
        )
        await tap(pilot, "#cancel")
        await until(pilot, lambda: not app.screen.query("#last-ticket"))
        assert service.opening("pensions").cutoff == time(19, 30)

        await last_ticket("11:00", confirm="enter")
        await until(pilot, lambda: service.opening("pensions").cutoff == time(11, 0), seconds=3)
        # the table is drawn again when the write's answer is back on the UI thread: a moment later
        await until(pilot, lambda: str(day.get_row("pensions")[2]) == "11:00 (usually 19:30)", seconds=3)

        await last_ticket("")  # empty: the usual time again
        await until(pilot, lambda: service.opening("pensions").cutoff == time(19, 30), seconds=3)
        await until(pilot, lambda: str(day.get_row("pensions")[2]) == "19:30", seconds=3)

        windows = app.screen.query_one("#window-table", DataTable)
        windows.move_cursor(row=windows.get_row_index("6"))
        await tap(pilot, "#window-toggle")
        await tap(pilot, "#reason-paperwork")  # a break asks why (tests/screens/test_staff_breaks.py)
        await until(pilot, lambda: service.window_paused("6"), seconds=3)
        await until(pilot, lambda: str(windows.get_row("6")[2]) == "paused", seconds=3)
        kiosk_cli(centre, "window", "7", "--pause", "--reason", "lunch")  # a counter, in another process
        await until(pilot, lambda: str(windows.get_row("7")[2]) == "paused", seconds=3)
    moves = [(e.kind, e.staff) for e in service.audit() if e.kind in ("last_ticket_set", "window_paused")]
    assert moves == [("window_paused", "Ivan"), ("window_paused", "Olena"), ("last_ticket_set", "Olena"),
                     ("last_ticket_set", "Olena")]  # fmt: skip


async def test_the_audit_adds_the_events_it_is_handed(
    centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit tab reads the day once, when first shown; then each batch of events from the
    follower becomes rows, with no second read of the audit."""
    service = centre.service
    service.issue("pension-new")
    reads: list[int] = []
    audit = QueueService.audit

    def counted(self: QueueService, *args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return audit(self, *args, **kwargs)

    monkeypatch.setattr(QueueService, "audit", counted)
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-audit")
        rows = app.screen.query_one("#audit-table", DataTable)
        await until(pilot, lambda: rows.row_count > 0)
        before = rows.row_count
        called = service.call_next("6")  # another terminal calls: the follower hands the event over
        await until(pilot, lambda: rows.row_count == before + 1, seconds=3)
        assert [str(cell) for cell in rows.get_row_at(0)[2:4]] == ["called", called.code]
    assert reads == [1]
