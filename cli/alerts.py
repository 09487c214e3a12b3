"""`kiosk alerts`: the front desk's live list from the shell (waits past the warning or the target,
lines that will pass it), for a script or a monitoring system."""

from __future__ import annotations

from cli import render
from cli.context import Context
from cli.options import Command, Parser
from kiosk.domain.languages import LANGUAGES
from kiosk.errors import KioskError, quoted
from kiosk.presentation.alert_words import alert_action, alert_reason
from kiosk.presentation.i18n import translations


def alerts_arguments(p: Parser) -> None:
    p.add_argument("--lang", default="en", help="language of the words (default en)")


def cmd_alerts(ctx: Context) -> None:
    if ctx.args.lang not in LANGUAGES:
        raise KioskError(f"language {quoted(ctx.args.lang)} is not one of {', '.join(LANGUAGES)}")
    service = ctx.service
    gettext = translations(ctx.args.lang).gettext
    found = service.alerts()
    rows = []
    for alert in found:
        name = service.catalogue.dept(alert.department).name(ctx.args.lang)
        rows.append(
            {
                "kind": str(alert.kind),
                "number": alert.number,
                "department": alert.department,
                "waited_minutes": alert.waited_minutes,
                "target_minutes": alert.target_minutes,
                "reason": alert_reason(alert, gettext, name),
                "action": alert_action(alert, gettext) or None,
            }
        )
    if ctx.json:
        render.emit_json({"alerts": rows})
        return
    if not rows:
        warning = ctx.settings.sla_warning_minutes
        print(f"no alerts: nobody has waited {warning} minutes, and no line will pass its target")
        return
    for row in rows:
        action = f"  -> {row['action']}" if row["action"] else ""
        print(f"{row['kind']:9} {row['reason']}{action}")


COMMANDS = {"alerts": Command(cmd_alerts, alerts_arguments)}
