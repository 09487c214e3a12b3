"""The monthly report (`kiosk report`) on a scripted month, on SQLite and PostgreSQL: the CSV's figures
worked out by hand, the page well-formed, self-contained and escaped, private files, bad months."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from cli import main
from cli.report import month_of
from kiosk.clock import FixedClock
from kiosk.errors import KioskError
from kiosk.paths import bundled_data
from kiosk.presentation.report import csv_text, write_report
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from tests.conftest import KYIV, make_settings

NOVEMBER = date(2026, 11, 1)


def at(day: int, hh_mm: str) -> datetime:
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime(2026, 11, day, hours, minutes, tzinfo=KYIV)


def script_month(service: QueueService, clock: FixedClock) -> None:
    """Three days of November 2026; the report is read on 2 December, when all of them are past.

    Mon 23: A (pensions) waits 10 min, served, rated 5; B (pensions) waits 18, no-show; C (employment)
    waits 22, served, rated 2. Tue 24: D (pensions) waits 5, served, rated 4; F (employment) waits 6,
    served, rated 3; E checks in at 10:50 for a pensions booking of 11:00, called 11:02 (a wait of
    12), served, rated 5. Wed 25: G (pensions) is never called; the day is closed.
    """
    issue(service, clock, at(23, "10:00"), "pension-new")
    b = issue(service, clock, at(23, "10:02"), "pension-new")
    issue(service, clock, at(23, "10:04"), "job-register")
    booking = service.book("pension-new", datetime(2026, 11, 24, 11, 0))
    serve(service, clock, "6", at(23, "10:10"), at(23, "10:18"), 5)
    clock.set(at(23, "10:20"))
    service.call_next("6")
    clock.set(at(23, "10:25"))
    service.no_show(b)
    serve(service, clock, "9", at(23, "10:26"), at(23, "10:30"), 2)

    issue(service, clock, at(24, "10:00"), "pension-recalc")
    serve(service, clock, "7", at(24, "10:05"), at(24, "10:15"), 4)
    issue(service, clock, at(24, "10:30"), "job-register")
    serve(service, clock, "9", at(24, "10:36"), at(24, "10:45"), 3)
    clock.set(at(24, "10:50"))
    service.check_in(booking.code)
    serve(service, clock, "6", at(24, "11:02"), at(24, "11:10"), 5)

    issue(service, clock, at(25, "11:00"), "pension-new")
    clock.set(at(25, "19:00"))
    service.close_day()
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=KYIV))


def issue(service: QueueService, clock: FixedClock, moment: datetime, code: str) -> str:
    clock.set(moment)
    return service.issue(code).ticket.code


def serve(
    service: QueueService, clock: FixedClock, window: str, called: datetime, finished: datetime, score: int
) -> None:
    """The next ticket of `window` called, started at once, finished, and rated `score`."""
    clock.set(called)
    number = service.call_next(window).code
    service.start(number)
    clock.set(finished)
    service.finish(number)
    service.rate(number, score, source="cli")


def rows_of(text: str) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["day"], r["department"]): r for r in csv.DictReader(io.StringIO(text))}


def figures(row: dict[str, str], *keys: str) -> tuple[str, ...]:
    return tuple(row[key] for key in keys)


KEYS = (
    "visitors", "walk_ins", "booked", "served", "no_shows", "no_show_rate", "wait_median_min",
    "wait_p90_min", "waits_counted", "within_target", "within_target_share", "rating_count", "rating_mean",
)  # fmt: skip


# The CSV's figures under KEYS, worked out by hand from `script_month`
EXPECTED = {
    # Monday: pensions waits 10 and 18 (median 14, p90 the 2nd of 2); 1 of 2 within 15 min
    ("2026-11-23", "pensions"): "2 2 0 1 1 50% 14.0 18.0 2 1 50% 1 5.0",
    ("2026-11-23", "employment"): "1 1 0 1 0 0% 22.0 22.0 1 0 0% 1 2.0",
    ("2026-11-23", "all"): "3 3 0 2 1 33% 18.0 22.0 3 1 33% 2 3.5",
    # Tuesday: the booked visitor's wait runs from the check-in's ticket (10:50) to the call (11:02)
    ("2026-11-24", "pensions"): "2 1 1 2 0 0% 8.5 12.0 2 2 100% 2 4.5",
    ("2026-11-24", "all"): "3 2 1 3 0 0% 6.0 12.0 3 3 100% 3 4.0",
    # The month: the median of all its waits (pensions 5, 10, 12, 18: 11.0, not the days' 14 and
    # 8.5 averaged), counts added up, the mean of all its ratings (pensions 5, 4, 5)
    ("2026-11", "pensions"): "5 4 1 3 1 25% 11.0 18.0 4 3 75% 3 4.7",
    ("2026-11", "employment"): "2 2 0 2 0 0% 14.0 22.0 2 1 50% 2 2.5",
    # all: waits 5, 6, 10, 12, 18, 22; ratings 5, 2, 4, 3, 5
    ("2026-11", "all"): "7 6 1 5 1 17% 11.0 22.0 6 4 67% 5 3.8",
}


def test_the_csv_of_a_scripted_month(service: QueueService, clock: FixedClock) -> None:
    script_month(service, clock)
    month = write_report(service, NOVEMBER, service.settings.data_dir / "reports").month
    rows = rows_of(csv_text(month))
    # days without visitors leave no rows; a day with visitors has every department and "all"
    assert {day for day, _ in rows} == {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11"}
    assert len([key for key in rows if key[0] == "2026-11-23"]) == len(service.catalogue.department) + 1

    for key, expected in EXPECTED.items():
        assert figures(rows[key], *KEYS) == tuple(expected.split()), key
    # Wednesday: G was never called, so no wait is counted
    wednesday = rows["2026-11-25", "all"]
    assert figures(wednesday, "visitors", "waits_counted", "within_target_share") == ("1", "0", "")
    assert rows["2026-11", "all"]["target_min"] == "15"
    assert figures(rows["2026-11", "psychology"], "visitors", "wait_median_min") == ("0", "")


class Page(HTMLParser):
    """Checks that every element opened is closed in order; collects tags, attributes and text."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "br",
        "hr",
        "img",
        "input",
        "link",
        "col",
        "area",
        "base",
        "wbr",
        "source",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert page.open == []
    return page


def test_the_page_stands_alone_and_holds_the_headline(service: QueueService, clock: FixedClock) -> None:
    script_month(service, clock)
    written = write_report(service, NOVEMBER, service.settings.data_dir / "reports")
    assert (written.csv.name, written.html.name) == ("report-2026-11.csv", "report-2026-11.html")
    for path in (written.csv, written.html):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    page = parsed(written.html)
    names = [tag for tag, _ in page.tags]
    assert names.count("svg") == 4 and "script" not in names and "link" not in names
    for _, attrs in page.tags:
        for key, value in attrs.items():
            if key.split(":")[-1] in ("src", "href"):
                assert not (value or "").lower().startswith(("http:", "https:", "//")), (key, value)
    text = " ".join(" ".join(page.text).split())
    # in Ukrainian, the centre's main language: 7 visitors, 67% within 15 min, 3.8, 17% no-shows
    assert "Листопад 2026" in text and service.settings.centre_name in text
    for figure in ("7", "67%", "3.8", "17%"):
        assert f" {figure} " in f" {text} "


def hostile_catalogue(tmp_path: Path) -> Path:
    text = (bundled_data() / "catalogue.toml").read_text(encoding="utf-8")
    text = text.replace('uk = "Пенсії"', 'uk = "<img src=x onerror=alert(1)> Пенсії & \\"Co\\""')
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_outside_names_are_escaped(tmp_path: Path, db_url: str, clock: FixedClock) -> None:
    centre = '<script>alert("x")</script> & Центр'
    settings = make_settings(tmp_path, db_url, centre_name=centre, catalogue=hostile_catalogue(tmp_path))
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        service.issue("pension-new")
        clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=KYIV))
        html = write_report(service, NOVEMBER, tmp_path / "out").html
    finally:
        service.db.dispose()
    source = html.read_text(encoding="utf-8")
    assert "<script" not in source and "<img" not in source
    assert "&lt;script&gt;" in source and "&lt;img src=x onerror=alert(1)&gt; Пенсії" in source
    page = parsed(html)
    assert centre in "".join(page.text)
    assert not [tag for tag, _ in page.tags if tag in ("script", "img")]


def test_an_empty_month_says_so(service: QueueService, clock: FixedClock) -> None:
    written = write_report(service, date(2026, 10, 1), service.settings.data_dir / "reports")
    assert written.month.empty
    rows = rows_of(written.csv.read_text(encoding="utf-8"))
    assert {day for day, _ in rows} == {"2026-10"} and rows["2026-10", "all"]["visitors"] == "0"
    page = parsed(written.html)
    assert "Жовтень 2026" in " ".join(page.text)
    assert "No visitors were recorded in this month." in source_or_translation(page)
    assert "svg" not in [tag for tag, _ in page.tags]


def source_or_translation(page: Page) -> str:
    """The page's text with the English message ids put back (the .po may not have the message yet)."""
    from kiosk.presentation.i18n import translations
    from kiosk.presentation.report_html import TEXTS

    text = " ".join(page.text)
    message = TEXTS["empty"]
    return text.replace(translations("uk").gettext(message), message)


@pytest.mark.parametrize(
    "text", ["2026-13", "99999-01", "2026-00", "0000-01", "2026-1", "2026-11-01", "", "２０２６-11"]
)
def test_a_bad_month_is_refused(text: str) -> None:
    with pytest.raises(KioskError, match="expected a month like 2026-11"):
        month_of(text, date(2026, 11, 23))


def test_the_command(
    centre_toml: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_NOW", "2026-11-23T10:00:00+02:00")
    assert main(["--config", str(centre_toml), "issue", "pension-new", "--no-print"]) == 0
    capsys.readouterr()
    out = centre_toml.parent / "reports"
    assert (
        main(["--config", str(centre_toml), "report", "--month", "2026-11", "--out", str(out), "--json"]) == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["html"] == str(out / "report-2026-11.html") and shown["csv"] == str(
        out / "report-2026-11.csv"
    )
    assert (shown["visitors"], shown["empty"], shown["ratings"], shown["rating_mean"]) == (1, False, 0, None)
    assert stat.S_IMODE((out / "report-2026-11.html").stat().st_mode) == 0o600

    assert main(["--config", str(centre_toml), "report", "--month", "2026-12"]) == 1
    assert "has not begun" in capsys.readouterr().err
    assert main(["--config", str(centre_toml), "report", "--month", "2026-13"]) == 1
    assert "kiosk: --month '2026-13': expected a month like 2026-11" in capsys.readouterr().err
    default = centre_toml.parent / "data" / "reports" / "report-2026-10.csv"
    assert main(["--config", str(centre_toml), "report", "--month", "2026-10"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        str(default),
        str(default.with_suffix(".html")),
        "no visitors were recorded in 2026-10",
    ]
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o700
