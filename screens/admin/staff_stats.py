"""The staff statistics on the front desk's Statistics tab, after the visitors' ratings: one row per
staff member who acted at a window that day (the name as plain text: it comes from outside) with
the figures of `kiosk.presentation.staff_figures`, drawn like the ratings' table."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.staff_time import NO_REASON, StaffTime
from kiosk.presentation.i18n import N_
from kiosk.presentation.staff_figures import TABLE, breaks_text
from screens.admin.ratings import Row

STAFF_TITLE = N_("Staff statistics")
STAFF_NOTE = N_(
    "Minutes. Idle: at the window between the member's first and last action there, with nobody "
    "called or served and no break, while visitors of its departments waited."
)
NOT_GIVEN = N_("not given")  # a break recorded before reasons were asked for


def staff_rows(
    rows: list[StaffTime], catalogue: Catalogue, lang: str, gettext: Callable[[str], str]
) -> tuple[list[str], list[Row]]:
    """The table's headers and rows in the desk's language."""
    headers = [gettext("Staff member"), *(gettext(f.label) for f in TABLE), gettext("Breaks by reason")]
    order = [r.code for r in catalogue.pause_reason]

    def name(code: str) -> str:
        return gettext(NOT_GIVEN) if code == NO_REASON else catalogue.pause_reason_name(code, lang)

    return headers, [Row(r.staff, [*(f.cell(r) for f in TABLE), breaks_text(r, order, name)]) for r in rows]
