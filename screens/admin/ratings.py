"""The visitors' ratings on the front desk's statistics tab: one table of plain text, the departments
rated, then the windows, then the staff members who served, then all, each with how many ratings,
their mean, the share of 4 and 5 and the reasons named (`kiosk.presentation.rating_figures`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.ratings import RatingStats
from kiosk.errors import KioskError
from kiosk.presentation.i18n import N_
from kiosk.presentation.rating_figures import TABLE, rating_groups, reasons_text
from kiosk.presentation.rating_words import REASON_LABELS
from screens.common.theme import colour

GROUPS = {"department": N_("Department"), "window": N_("Window"), "staff": N_("Staff member")}


@dataclass(frozen=True)
class Row:
    name: str  # shown as plain text: a staff member's name is outside text
    cells: list[str]
    style: str | None = None  # "bold" for the groups' titles and "All"


def rating_rows(
    ratings: RatingStats, catalogue: Catalogue, lang: str, gettext: Callable[[str], str]
) -> tuple[list[str], list[Row]]:
    """The table's headers and rows in the desk's language: a title row before each group."""
    headers = [
        gettext("Visitors' ratings"),
        *(gettext(str(f.label)) for f in TABLE),
        gettext("Reasons named"),
    ]
    rows: list[Row] = []
    shown = None
    for group, key, summary in rating_groups(ratings):
        if group != shown and group in GROUPS:
            rows.append(Row(gettext(GROUPS[group]), [""] * (len(headers) - 1), "bold"))
        shown = group
        cells = [f.cell(summary) for f in TABLE]
        cells.append(reasons_text(summary, lambda code: gettext(REASON_LABELS[code])))
        if group == "all":
            rows.append(Row(gettext("All"), cells, "bold"))
        elif group == "window":
            rows.append(Row(gettext("Window {window}").format(window=key), cells))
        elif group == "department":
            rows.append(Row(_department(catalogue, key, lang), cells))
        else:
            rows.append(Row(key, cells))
    return headers, rows


def rating_table(headers: list[str], rows: list[Row], widths: list[int]) -> Table:
    table = Table(header_style=f"bold {colour('gold')}")
    table.add_column(headers[0], width=widths[0])
    for n, (text, width) in enumerate(zip(headers[1:], widths[1:], strict=True), start=1):
        table.add_column(text, justify="left" if n == len(headers) - 1 else "right", width=width)
    for row in rows:
        table.add_row(Text(row.name), *(Text(cell) for cell in row.cells), style=row.style)
    return table


def _department(catalogue: Catalogue, code: str, lang: str) -> str:
    try:
        return catalogue.dept(code).name(lang)
    except KioskError:  # a department the catalogue no longer has: its code is all there is
        return code
