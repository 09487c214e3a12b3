"""The 15-minute rule, live: a visitor past the warning or the target, a booked visitor past theirs,
a department whose line will take its last visitor past the target (with a window to resume or a
free one), one with every window on a break; and the service's view of a real line, which lets go
of an alert once the visitor is called."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli import main
from kiosk.clock import FixedClock
from kiosk.domain.alerts import AlertKind, Rule, Waiting, find_alerts
from kiosk.service import QueueService
from tests.conftest import KYIV

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=KYIV)
PENSIONS = Rule("pensions", target=15, warning=10, booked_target=5, per_person=12, windows=("6", "7", "8"))
INFO = Rule("info", target=15, warning=10, booked_target=5, per_person=4, windows=("1", "2"))
RULES = {"pensions": PENSIONS, "info": INFO}


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def test_visitors_past_the_warning_and_the_target_longest_first() -> None:
    line = [Waiting(1, "P-001", ago(16)), Waiting(2, "P-002", ago(10)), Waiting(3, "P-003", ago(9.9))]
    line += [Waiting(4, "P-004", ago(3)), Waiting(5, "P-005", ago(6), booked=True)]
    alerts = find_alerts(NOW, {"pensions": line}, RULES, paused=set(), busy={"6", "7", "8"})
    visitors = [(a.kind, a.number, a.waited_minutes, a.target_minutes) for a in alerts if a.number]
    assert visitors == [
        (AlertKind.OVER, "P-001", 16, 15),
        (AlertKind.WAITING, "P-002", 10, 15),
        (AlertKind.OVER, "P-005", 6, 5),  # booked: a target of 5, warned from 3
    ]
    assert find_alerts(NOW, {"pensions": [Waiting(9, "P-009", ago(3), booked=True)]}, RULES, set(), set())[
        0
    ].kind == (AlertKind.WAITING)


def test_a_line_that_will_pass_the_target_says_what_would_help() -> None:
    line = [Waiting(n, f"P-00{n}", ago(1)) for n in range(1, 5)]  # 4 waiting, 12 minutes each
    alerts = find_alerts(NOW, {"pensions": line}, RULES, paused={"8"}, busy={"6", "7", "1"})
    [alert] = alerts
    # the fourth waits 1 + ceil(3 * 12 / 2 windows) = 19 minutes: over 15
    assert (alert.kind, alert.waited_minutes, alert.waiting, alert.open_windows) == (AlertKind.LINE, 19, 4, 2)
    assert (alert.resume, alert.free) == ("8", "2")  # window 8 back from its break; window 2 is idle
    assert alert.key == "line:pensions"
    assert find_alerts(NOW, {"pensions": line[:2]}, RULES, paused={"8"}, busy=set()) == []  # 1 + 6 = 7


def test_every_window_on_a_break() -> None:
    line = [Waiting(1, "I-001", ago(2))]
    [alert] = find_alerts(NOW, {"info": line}, RULES, paused={"1", "2"}, busy=set())
    assert (alert.kind, alert.resume, alert.free, alert.waiting) == (AlertKind.NO_WINDOW, "1", "6", 1)


def test_the_services_alerts_follow_the_real_line(service: QueueService, clock: FixedClock) -> None:
    first = service.issue("pension-new").ticket
    clock.advance(minutes=5)
    service.issue("pension-new")
    assert service.alerts() == []
    clock.advance(minutes=6)  # the first has waited 11 minutes
    [alert] = service.alerts()
    assert (alert.kind, alert.number, alert.waited_minutes) == (AlertKind.WAITING, first.code, 11)
    clock.advance(minutes=5)
    assert [a.kind for a in service.alerts()] == [AlertKind.OVER, AlertKind.WAITING]
    assert service.alerts(departments={"info"}) == []
    service.call_next("6")
    assert [a.number for a in service.alerts()] == ["P-002"], "the first is called: its alert is gone"
    for window in ("6", "7", "8"):
        service.pause_window(window, True, reason="break")
    kinds = {a.kind for a in service.alerts()}
    assert kinds == {AlertKind.WAITING, AlertKind.NO_WINDOW}


def test_kiosk_alerts_prints_the_same_list(
    centre_toml: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = centre_toml
    monkeypatch.setenv("KIOSK_NOW", "2026-11-23T10:00:00+02:00")
    assert main(["--config", str(config), "issue", "pension-new", "--no-print"]) == 0
    monkeypatch.setenv("KIOSK_NOW", "2026-11-23T10:17:00+02:00")
    capsys.readouterr()
    assert main(["--config", str(config), "--json", "alerts"]) == 0
    [alert] = json.loads(capsys.readouterr().out)["alerts"]
    assert {k: alert[k] for k in ("number", "department", "waited_minutes", "kind")} == {
        "number": "P-001", "department": "pensions", "waited_minutes": 17, "kind": "over",
    }  # fmt: skip
    assert main(["--config", str(config), "alerts"]) == 0
    assert "P-001" in capsys.readouterr().out
