"""The monthly report as one printable A4 page (`data/report/report.html`, Jinja with autoescape): the
centre, the month, its headline figures, four charts as inline SVG (`kiosk.presentation.charts`) and
the per-department table, in the centre's main language. No script, nothing fetched from outside."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kiosk.config import Settings
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.monthly import Month, Row
from kiosk.paths import bundled_data
from kiosk.presentation import charts
from kiosk.presentation.i18n import N_, translations

TEXTS = {
    "title": N_("Monthly report"),
    "visitors": N_("Visitors"),
    "within": N_("Seen within {minutes} min"),
    "within_target": N_("Seen within the target"),
    "rating": N_("Average rating (1 to 5)"),
    "rating_short": N_("Average rating"),
    "no_show_rate": N_("No-show rate"),
    "visitors_per_day": N_("Visitors per day"),
    "walk_in": N_("Walk-in"),
    "booked": N_("Booked"),
    "wait_per_day": N_("Wait per day, minutes"),
    "median": N_("Median"),
    "p90": N_("90th percentile"),
    "target": N_("Target: {minutes} min"),
    "within_per_department": N_("Seen within the target, per department"),
    "rating_per_department": N_("Average rating per department (1 to 5)"),
    "department": N_("Department"),
    "all": N_("All departments"),
    "median_wait": N_("Median wait, min"),
    "p90_wait": N_("90th percentile wait, min"),
    "ratings": N_("Ratings"),
    "empty": N_("No visitors were recorded in this month."),
    "note": N_(
        "Seen within the target: the waits that ended with a call within the department's target "
        "({minutes} min unless the department has its own), out of the waits that ended with a call "
        "and those still going on past the target."
    ),
    "made": N_("Made on {date} from the kiosk's records; days with visitors: {days}."),
}


def report_page(month: Month, settings: Settings, catalogue: Catalogue, today: date) -> str:
    """The page as HTML text; outside text (the centre's and departments' names) is escaped."""
    lang = settings.main_language
    gettext = translations(lang).gettext
    t = {key: gettext(message) for key, message in TEXTS.items()}
    names = {d.code: d.name(lang) for d in catalogue.department}
    total = month.total
    target = (total.target_seconds or settings.sla_minutes * 60) // 60
    within_label = t["within"].format(minutes=target) if total.target_seconds else t["within_target"]
    named = month.totals[:-1]
    env = Environment(
        loader=FileSystemLoader(bundled_data() / "report"), autoescape=True, undefined=StrictUndefined
    )
    return env.get_template("report.html").render(
        lang=lang,
        t=t,
        centre=settings.centre_name,
        month_name=_month_name(month.first, lang),
        note=t["note"].format(minutes=settings.sla_minutes),
        made=t["made"].format(date=today.isoformat(), days=len(month.visited_days)),
        empty=month.empty,
        headline=[
            (str(total.visitors), t["visitors"]),
            (_share(total.within_share), within_label),
            (_number(total.rating_mean), t["rating"]),
            (_share(total.no_show_rate), t["no_show_rate"]),
        ],
        charts=[]
        if month.empty
        else _charts(month, t, [names.get(r.department, r.department) for r in named], target),
        rows=[(names.get(r.department, r.department), _cells(r)) for r in named],
        total=(t["all"], _cells(total)),
    )


def _charts(month: Month, t: dict[str, str], names: list[str], target: int) -> list[tuple[str, Markup]]:
    days = month.day_totals()
    labels = [str(day.day) for day in days]
    named = month.totals[:-1]

    def per_day(get: Callable[[Row], Any]) -> list[Any]:
        return [get(row) for row in days.values()]

    drawn = [
        charts.stacked_bars(
            t["visitors_per_day"],
            labels,
            [(t["walk_in"], per_day(lambda r: r.walk_ins)), (t["booked"], per_day(lambda r: r.booked))],
        ),
        charts.lines(
            t["wait_per_day"],
            labels,
            [
                (t["median"], per_day(lambda r: _minutes(r.wait.median))),
                (t["p90"], per_day(lambda r: _minutes(r.wait.p90))),
            ],
            guide=(t["target"].format(minutes=target), float(target)),
        ),
        charts.bars(
            t["within_per_department"],
            names,
            [None if r.within_share is None else r.within_share * 100 for r in named],
            100,
            lambda v: f"{v:.0f}%",
        ),
        charts.bars(
            t["rating_per_department"], names, [r.rating_mean for r in named], 5, lambda v: f"{v:.1f}"
        ),
    ]
    captions = ["visitors_per_day", "wait_per_day", "within_per_department", "rating_per_department"]
    return [(t[key], Markup(svg)) for key, svg in zip(captions, drawn, strict=True)]


def _cells(r: Row) -> list[str]:
    return [
        str(r.visitors),
        str(r.booked),
        _number(_minutes(r.wait.median)),
        _number(_minutes(r.wait.p90)),
        _share(r.within_share),
        _share(r.no_show_rate),
        str(r.ratings),
        _number(r.rating_mean),
    ]


def _month_name(first: date, lang: str) -> str:
    """ "Листопад 2026": the month's own name in `lang` (Babel's stand-alone form), then the year."""
    text = format_date(first, "LLLL y", locale=lang)
    return text[:1].upper() + text[1:]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
