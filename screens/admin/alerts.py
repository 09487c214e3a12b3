"""The front desk's live alerts (the 15-minute rule): a tab listing every wait past the warning or
the target and every line that will pass it, with what would help. The desk checks them every few
seconds whichever tab is open, chimes on a new one, and drops one once it is resolved."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.domain.alerts import Alert, AlertKind
from kiosk.presentation.alert_words import alert_action, alert_reason
from kiosk.presentation.i18n import N_
from screens.admin.panes import Pane

KINDS = {
    AlertKind.OVER: N_("Past the target"),
    AlertKind.WAITING: N_("Warning"),
    AlertKind.LINE: N_("Forecast"),
    AlertKind.NO_WINDOW: N_("No window open"),
}
STYLES = {AlertKind.OVER: "bold red", AlertKind.NO_WINDOW: "bold red"}  # else gold: a warning
ALERTS_TITLE = N_("Alerts")
NONE = N_("No alerts: nobody has waited {minutes} min, and no line will pass its target")


class AlertsPane(Pane):
    """The alerts as a list that wraps (what is wrong, then what would help), longest waits first."""

    rows: list[tuple[str, str, str]] = []  # noqa: RUF012 (replaced whole): kind, what, what would help

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="alerts-scroll"):
            yield Static("", id="alerts-list")

    def load(self) -> None:
        self.show(self.terminal.alerts)

    def show(self, alerts: list[Alert]) -> None:
        if not self.opened:
            return
        desk = self.terminal
        self.rows = []
        text = Text()
        for alert in alerts:
            name = desk.service.catalogue.dept(alert.department).name(desk.lang)
            reason, action = alert_reason(alert, desk.gettext, name), alert_action(alert, desk.gettext)
            row = (self.gettext(KINDS[alert.kind]), reason, action)
            self.rows.append(row)
            text.append(f"{row[0]}: ", style=STYLES.get(alert.kind, "bold #ffd700"))
            text.append(row[1])  # names and numbers from outside: Text keeps them text
            if row[2]:
                text.append(f"\n  → {row[2]}", style="italic")
            text.append("\n")
        if not alerts:
            none = self.gettext(
                "No alerts: nobody has waited {minutes} min, and no line will pass its target"
            )
            text.append(none.format(minutes=desk.settings.sla_warning_minutes))
        self.query_one("#alerts-list", Static).update(text)


def alerts_label(gettext: Callable[[str], str], count: int) -> str:
    """The tab's title: its count while there are alerts."""
    text = gettext(ALERTS_TITLE)
    return f"{text} ({count})" if count else text
