"""The visitors' ratings beside the day's figures (`kiosk.domain.ratings`), defined once: the CSV's
rating columns (`kiosk stats --csv`, the export's summary), the JSON's `rating` of each department
row and the total (`kiosk stats --json`, the API), and the rows of the ratings' tables (`kiosk stats`
and the front desk) per department, window and staff member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.ratings import REASONS, RatingStats, RatingSummary
from kiosk.domain.stats import DayStats
from kiosk.presentation.figures import STATS_COLUMNS, stats_rows
from kiosk.presentation.i18n import N_


@dataclass(frozen=True)
class RatingFigure:
    key: str  # the CSV header
    get: Callable[[RatingSummary], Any]
    label: str | None = None  # its header on the tables (marked for translation)
    unit: str = "count"  # "count", "mean" (one decimal) or "share" (in %)

    def cell(self, r: RatingSummary) -> str:
        """As shown, in the CSV and on the tables; nothing when there is none."""
        value = self.get(r)
        if value is None:
            return ""
        if self.unit == "share":
            return f"{value * 100:.0f}%"
        return f"{value:.1f}" if self.unit == "mean" else str(value)


def _reason(code: str) -> Callable[[RatingSummary], int]:
    return lambda r: r.reasons.get(code, 0)


RATING_FIGURES = [
    RatingFigure("rating_count", lambda r: r.count, N_("Ratings")),
    RatingFigure("rating_mean", lambda r: r.mean, N_("Mean rating"), "mean"),
    RatingFigure("rating_share_4_5", lambda r: r.share_4_5, N_("Rated 4 or 5"), "share"),
    *(RatingFigure(f"rating_reason_{code}", _reason(code)) for code in REASONS),
]
RATING_COLUMNS = [f.key for f in RATING_FIGURES]
SUMMARY_COLUMNS = [*STATS_COLUMNS, *RATING_COLUMNS]  # the summary CSV: the day's figures, then ratings
TABLE = [f for f in RATING_FIGURES if f.label]  # the tables' figures; the reasons follow as one text


def summary_rows(stats: DayStats, ratings: RatingStats) -> list[list[str]]:
    """The day's figures and its ratings under SUMMARY_COLUMNS, one row per department and the total."""
    return [
        [*row, *(f.cell(ratings.department(row[0])) for f in RATING_FIGURES)] for row in stats_rows(stats)
    ]


def with_ratings(data: dict[str, Any], ratings: RatingStats) -> dict[str, Any]:
    """The day's JSON (`kiosk.presentation.figures.stats_json`) with each department row's and the
    total's `rating`: count, mean, share_4_5 and every reason's count."""
    for row in data["departments"]:
        row["rating"] = ratings.department(row["department"]).json()
    data["total"]["rating"] = ratings.total.json()
    return data


def reasons_text(r: RatingSummary, label: Callable[[str], str]) -> str:
    """The reasons named, most named first: "Waited too long: 3; Quick service: 1" (`label` words each)."""
    named = sorted((n, -REASONS.index(code), code) for code, n in r.reasons.items() if n)
    return "; ".join(f"{label(code)}: {n}" for n, _, code in reversed(named))


def rating_groups(ratings: RatingStats) -> list[tuple[str, str, RatingSummary]]:
    """The tables' rows in order, each as (its group, its key, its figures): the departments rated
    ("department", code), the windows ("window", window), the members who served ("staff", name),
    then the total ("all", "all")."""
    return [
        *(("department", code, r) for code, r in ratings.departments.items() if r.count),
        *(("window", window, r) for window, r in ratings.windows.items()),
        *(("staff", name, r) for name, r in ratings.staff.items()),
        ("all", "all", ratings.total),
    ]


def rating_rows(ratings: RatingStats, label: Callable[[str], str]) -> list[list[str]]:
    """The ratings' table for `kiosk stats`: group, name, the TABLE figures and the reasons named."""
    return [
        [group, key, *(f.cell(r) for f in TABLE), reasons_text(r, label)]
        for group, key, r in rating_groups(ratings)
    ]
