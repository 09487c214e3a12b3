"""The live alerts in words, in the terminal's language: what is wrong and what would help."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.alerts import Alert, AlertKind
from kiosk.presentation.i18n import N_

REASONS = {
    AlertKind.WAITING: N_("{number} has waited {minutes} min (target {target} min)"),
    AlertKind.OVER: N_("{number} has waited {minutes} min: past the target of {target} min"),
    AlertKind.LINE: N_(
        "{department}: {count} waiting, {windows} windows open: the last would wait about {minutes} min"
        " (target {target} min)"
    ),
    AlertKind.NO_WINDOW: N_("{department}: {count} waiting and every window on a break"),
}
RESUME = N_("resume window {window}")
FREE = N_("window {window} is free: call from there")
CALL_FIRST = N_("call {number} next")
OVER_WARNING = N_("{count} waiting over {minutes} min")


def alert_reason(alert: Alert, gettext: Callable[[str], str], department: str) -> str:
    """What is wrong; `department`: the department's name in the same language."""
    return gettext(REASONS[alert.kind]).format(
        number=alert.number or "",
        minutes=alert.waited_minutes,
        target=alert.target_minutes,
        department=department,
        count=alert.waiting,
        windows=alert.open_windows,
    )


def alert_action(alert: Alert, gettext: Callable[[str], str]) -> str:
    """What would help: a window back from its break, a free one, or calling the visitor next."""
    actions = []
    if alert.resume:
        actions.append(gettext(RESUME).format(window=alert.resume))
    if alert.free:
        actions.append(gettext(FREE).format(window=alert.free))
    if alert.number and alert.kind == AlertKind.OVER:
        actions.append(gettext(CALL_FIRST).format(number=alert.number))
    return "; ".join(actions)
