"""The wait a visitor is quoted is kept with the ticket (its `issued` event), and the day's
statistics say how good the quotes were: the mean absolute error and the share called within
5 minutes of the quote, per department."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cli import main
from kiosk.clock import FixedClock
from kiosk.service import QueueService


def test_each_ticket_keeps_its_quote_and_the_day_says_how_good_they_were(
    service: QueueService, clock: FixedClock
) -> None:
    svc, dept = service.catalogue.service("pension-new")
    per = svc.typical_minutes or dept.typical_minutes
    windows = len(dept.windows)
    issued = [service.issue("pension-new") for _ in range(3)]
    quotes = [0, math.ceil(per / windows), math.ceil(2 * per / windows)]
    assert [i.wait_minutes for i in issued] == quotes
    kept = {e.ticket_id: e.data.get("quoted") for e in service.events_since(0) if e.kind == "issued"}
    assert [kept[i.ticket.id] for i in issued] == quotes

    clock.advance(minutes=1)
    service.call_next("6")  # waited 1, quoted 0: 1 off
    clock.advance(minutes=3)
    service.call_next("7")  # waited 4
    clock.advance(minutes=20)
    service.call_next("8")  # waited 24
    errors = [abs(1 - quotes[0]), abs(4 - quotes[1]), abs(24 - quotes[2])]
    stats = service.stats()
    pensions = next(row for row in stats.departments if row.department == "pensions")
    for row in (pensions, stats.total):
        assert row.quoted == 3
        assert row.quote_error == pytest.approx(sum(errors) / 3)
        assert row.quoted_within == sum(e <= 5 for e in errors)
    assert next(row for row in stats.departments if row.department == "info").quoted == 0


def test_kiosk_issue_json_says_the_quoted_wait(centre_toml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):
        assert main(["--config", str(centre_toml), "--json", "issue", "pension-new", "--no-print"]) == 0
    capsys.readouterr()
    assert main(["--config", str(centre_toml), "--json", "issue", "pension-new", "--no-print"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["ahead"] == 2
    assert answer["quoted_wait_minutes"] == answer["wait_minutes"] > 0
