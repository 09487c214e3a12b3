"""The visitors' ratings where staff and reports read them: `kiosk rate` (a paper rating, recorded by a
signed-in member), `kiosk stats --json` (a `rating` per department row and for all), `--csv` and the
export's summary (the rating columns), and the text table per department, window and staff member."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli import build_parser
from kiosk.clock import FixedClock
from kiosk.config import load_settings
from kiosk.domain.ratings import REASONS, RatingStats
from kiosk.domain.tickets import TicketView
from kiosk.presentation.export import export_day
from kiosk.presentation.figures import STATS_COLUMNS
from kiosk.presentation.rating_figures import (
    RATING_COLUMNS,
    SUMMARY_COLUMNS,
    rating_rows,
    reasons_text,
    summary_rows,
    with_ratings,
)
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.service import QueueService
from tests.conftest import MONDAY_10
from tests.test_cli import ADMIN, clean_env, fail, run, run_json, write_config
from tests.test_ratings import served

EXPECTED_COLUMNS = [
    "rating_count", "rating_mean", "rating_share_4_5", "rating_reason_staff_helpful",
    "rating_reason_clear_explanation", "rating_reason_quick_service", "rating_reason_waited_too_long",
    "rating_reason_could_not_find_window", "rating_reason_problem_not_solved",
    "rating_reason_too_many_documents", "rating_reason_hall_crowded",
]  # fmt: skip


@pytest.fixture
def ready(tmp_path: Path) -> dict[str, str]:
    """A centre set up in this process (cheaper than `kiosk init` and `kiosk staff add` each time),
    and the environment of its commands, the administrator Olena signed in."""
    config = write_config(tmp_path)
    initialise(load_settings(config, environ={}), FixedClock(MONDAY_10))
    return clean_env(tmp_path, KIOSK_CONFIG=str(config), **ADMIN)


@pytest.fixture
def centre(ready: dict[str, str]) -> Iterator[tuple[QueueService, list[TicketView], TicketView]]:
    """Three tickets served in pensions (two at window 6 by Olena, one at 7 by Ivan), one waiting."""
    service = open_service(load_settings(Path(ready["KIOSK_CONFIG"]), environ={}), FixedClock(MONDAY_10))
    open_staff(service).add("Olena", "admin", ADMIN["KIOSK_PIN"])
    tickets = [
        served(service, "pension-new", w, who) for w, who in (("6", "Olena"), ("6", "Olena"), ("7", "Ivan"))
    ]
    waiting = service.issue("pension-new").ticket
    yield service, tickets, waiting
    service.db.dispose()


def test_kiosk_rate_records_a_paper_rating_for_a_signed_in_member(ready: dict[str, str], centre: Any) -> None:
    service, (a, b, c), waiting = centre
    out = run(
        "rate", a.code, "--score", "5", "--reason", "staff_helpful", "--reason", "quick_service", env=ready
    )
    assert out.stdout == f"{a.code} rated 5 (very good): Helpful and polite staff; Quick service\n"
    data = run_json("rate", str(b.id), "--score", "2", "--reason", "waited_too_long", env=ready)
    assert (data["number"], data["state"]) == (b.code, "done")
    assert data["rating"] == {"score": 2, "reasons": ["waited_too_long"], "source": "cli"}
    (event,) = [e for e in service.history(b.id) if e.kind == "rated"]
    assert (event.staff, event.window, event.data["served_by"]) == ("Olena", "6", "Olena")

    assert "rated already" in fail("rate", a.code, "--score", "4", env=ready, code=1)
    wrong = {**ready, "KIOSK_PIN": "000000"}
    assert "PIN" in fail("rate", c.code, "--score", "4", env=wrong, code=1), "a staff command"
    assert service.ratings().total.count == 2 and waiting.state == "waiting"


def test_kiosk_rate_takes_a_score_1_to_5_and_names_every_reason(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["rate", "P-001", "--score", "3", "--reason", "hall_crowded", "--reason", "quick_service"]
    )
    assert (args.command, args.needs, args.score, args.reason) == (
        "rate", "staff", "3", ["hall_crowded", "quick_service"],
    )  # fmt: skip
    for wrong in ("0", "6", "3.5", "٣", ""):
        with pytest.raises(SystemExit) as usage:
            parser.parse_args(["rate", "P-001", "--score", wrong])
        assert usage.value.code == 2
        assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["rate", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(code in help_text for code in REASONS), "the help names every reason"


def test_stats_json_csv_and_text_carry_the_ratings(ready: dict[str, str], centre: Any) -> None:
    service, (a, b, c), _ = centre
    service.rate(a.id, 5, ["staff_helpful", "quick_service"], source="phone")
    service.rate(b.id, 2, ["waited_too_long"], source="phone")
    service.rate(c.id, 4, ["staff_helpful"], source="phone")

    stats = run_json("stats", env=ready)
    rows = {row["department"]: row for row in stats["departments"]}
    pensions = rows["pensions"]["rating"]
    assert (pensions["count"], pensions["share_4_5"]) == (3, pytest.approx(2 / 3))
    assert pensions["mean"] == pytest.approx(11 / 3)
    assert pensions["reasons"] == {**dict.fromkeys(REASONS, 0), "staff_helpful": 2, "quick_service": 1,
                                   "waited_too_long": 1}  # fmt: skip
    assert rows["info"]["rating"] == {"count": 0, "mean": None, "share_4_5": None,
                                      "reasons": dict.fromkeys(REASONS, 0)}  # fmt: skip
    assert stats["total"]["rating"]["count"] == 3
    assert rows["pensions"]["served"] == 3, "the day's figures as before"

    table = list(csv.reader(io.StringIO(run("stats", "--csv", env=ready).stdout)))
    assert table[0] == [*STATS_COLUMNS, *EXPECTED_COLUMNS] == SUMMARY_COLUMNS
    by_code = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert [by_code["pensions"][k] for k in EXPECTED_COLUMNS] == [
        "3",
        "3.7",
        "67%",
        "2",
        "0",
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
    ]
    assert [by_code["all"][k] for k in EXPECTED_COLUMNS[:3]] == ["3", "3.7", "67%"]
    assert [by_code["info"][k] for k in EXPECTED_COLUMNS[:4]] == ["0", "", "", "0"]

    text = run("stats", env=ready).stdout
    part = text[text.index("Visitors' ratings") :].splitlines()
    assert part[1].split() == [
        "group",
        "name",
        "Ratings",
        "Mean",
        "rating",
        "Rated",
        "4",
        "or",
        "5",
        "reasons",
        "named",
    ]
    lines = [" ".join(line.split()) for line in part[2:]]
    assert lines == [
        "department pensions 3 3.7 67% Helpful and polite staff: 2; Quick service: 1; Waited too long: 1",
        "window 6 2 3.5 50% Helpful and polite staff: 1; Quick service: 1; Waited too long: 1",
        "window 7 1 4.0 100% Helpful and polite staff: 1",
        "staff Ivan 1 4.0 100% Helpful and polite staff: 1",
        "staff Olena 2 3.5 50% Helpful and polite staff: 1; Quick service: 1; Waited too long: 1",
        "all all 3 3.7 67% Helpful and polite staff: 2; Quick service: 1; Waited too long: 1",
    ]


def test_the_export_summary_has_the_rating_columns(centre: Any, tmp_path: Path) -> None:
    service, (_, _, c), _ = centre
    service.rate(c.id, 4, ["clear_explanation", "hall_crowded"], source="phone")
    _, summary = export_day(service, None, tmp_path / "exports")
    rows = list(csv.DictReader(summary.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == SUMMARY_COLUMNS and RATING_COLUMNS == EXPECTED_COLUMNS
    pensions = next(r for r in rows if r["department"] == "pensions")
    assert {k: pensions[k] for k in EXPECTED_COLUMNS if pensions[k] not in ("", "0")} == {
        "rating_count": "1", "rating_mean": "4.0", "rating_share_4_5": "100%",
        "rating_reason_clear_explanation": "1", "rating_reason_hall_crowded": "1",
    }  # fmt: skip
    assert rows == [
        dict(zip(SUMMARY_COLUMNS, r, strict=True)) for r in summary_rows(service.stats(), service.ratings())
    ]


def test_no_ratings_yet_give_empty_figures(centre: Any) -> None:
    service, _, _ = centre
    ratings: RatingStats = service.ratings()
    data = with_ratings({"departments": [{"department": "pensions"}], "total": {}}, ratings)
    assert data["departments"][0]["rating"]["count"] == 0 and data["total"]["rating"]["mean"] is None
    assert rating_rows(ratings, str) == [["all", "all", "0", "", "", ""]]
    assert reasons_text(ratings.total, str) == ""
    assert json.dumps(data)  # plain JSON
