"""What a printed ticket and a booking slip say, in the visitor's language: composed here, drawn by
`printer.layout`."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import Settings
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.codes import number_code
from kiosk.domain.tickets import BookingView, TicketView
from kiosk.presentation.i18n import translations


@dataclass(frozen=True)
class TicketContent:
    """Every line of a ticket, already translated; `qr` is the signed payload."""

    centre: str
    number: str
    department: str
    department_main: str | None  # the department in the centre's main language, when it differs
    windows: str
    service: str
    priority: str | None
    interpreter: str | None
    queue: str
    issued: str
    footer: str
    qr: str
    language: str
    reprint: str | None = None
    booked: str | None = None  # "Booked 10:30": a booked visitor's ticket, given at check-in


def ticket_content(
    ticket: TicketView,
    catalogue: Catalogue,
    settings: Settings,
    ahead: int,
    wait_minutes: int,
    qr: str,
    reprint: bool = False,
) -> TicketContent:
    lang = ticket.language
    t = translations(lang)
    dept = catalogue.dept(ticket.department)
    service, _owner = catalogue.service(ticket.service)
    windows = ", ".join(ticket.windows)
    window_text = t.ngettext("Window {windows}", "Windows {windows}", len(ticket.windows)).format(
        windows=windows
    )
    if ticket.booked_at is not None and ticket.booked_at > ticket.issued_at:  # checked in early
        at = ticket.booked_at.astimezone(settings.zone)
        queue = t.gettext("You will be called about {time}").format(time=f"{at:%H:%M}")
    elif ahead == 0:
        queue = t.gettext("You are next")
    else:
        queue = t.ngettext(
            "{count} person ahead of you, about {minutes} min",
            "{count} people ahead of you, about {minutes} min",
            ahead,
        ).format(count=ahead, minutes=wait_minutes)
    priority = None
    if ticket.priority:
        category = catalogue.priority_category(ticket.priority).name(lang)
        priority = t.gettext("Priority: {category}").format(category=category)
    booked = None
    if ticket.booked_at is not None:
        at = ticket.booked_at.astimezone(settings.zone)
        booked = t.gettext("Booked {time}").format(time=f"{at:%H:%M}")
    local = ticket.issued_at.astimezone(settings.zone)
    main = settings.main_language
    return TicketContent(
        centre=settings.centre_name,
        number=ticket.code,
        department=dept.name(lang),
        department_main=dept.name(main) if main != lang and dept.name(main) != dept.name(lang) else None,
        windows=window_text,
        service=service.name(lang),
        priority=priority,
        interpreter=t.gettext("Sign-language interpreter requested") if ticket.interpreter else None,
        queue=queue,
        issued=local.strftime("%d.%m.%Y %H:%M"),
        footer=t.gettext("Watch the screen: your number will be called"),
        qr=qr,
        language=lang,
        reprint=t.gettext("Reprint") if reprint else None,
        booked=booked,
    )


@dataclass(frozen=True)
class SlipContent:
    """Every line of a booking slip, in the booking's language; `qr` is the bare booking code (what
    the kiosk's scanner types at the check-in screen)."""

    centre: str
    title: str
    code_label: str
    code: str
    number_code: str  # the code as digits, for the kiosk's numeric keypad
    service: str
    department: str
    when: str
    footer: str
    qr: str
    language: str


def slip_content(booking: BookingView, catalogue: Catalogue, settings: Settings) -> SlipContent:
    lang = booking.language
    t = translations(lang)
    service, dept = catalogue.service(booking.service)
    local = booking.at.astimezone(settings.zone)
    return SlipContent(
        centre=settings.centre_name,
        title=t.gettext("Your appointment"),
        code_label=t.gettext("Booking code"),
        code=booking.code,
        number_code=t.gettext("Number code (for a keypad): {digits}").format(
            digits=number_code(booking.code)
        ),
        service=service.name(lang),
        department=dept.name(lang),
        when=f"{local:%d.%m.%Y}  {local:%H:%M}",
        footer=t.gettext(
            "At the kiosk, choose “I have an appointment”, then type this code or scan the QR code. "
            "You can check in from {minutes} min before your time."
        ).format(minutes=settings.checkin_early_minutes),
        qr=booking.code,
        language=lang,
    )
