"""The appointments part of the HTTP API: free slots, booking, reading and cancelling a booking, for an
outside booking system or the centre's website (`/api/v1/appointments`).

Times: `at` in a request is ISO 8601, either the centre's local time without an offset
(`2026-11-24T10:20`, as `kiosk book --at` takes it) or with an offset (`2026-11-24T08:20Z`,
`2026-11-24T10:20+02:00`), which is converted to the centre's zone. Answers always give the slot's
start in the centre's local time with its offset. A name or phone may be sent with a booking (kept for
the day only, like the desk's); the API never answers with them, so a read token sees no personal data.
Refusals are JSON with a `reason` (SlotUnavailable's or BookingRefused's): 409, or 404 for an unknown
code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.domain.tickets import BookingView
from kiosk.presentation import json_views
from kiosk.security.tokens import TokenInfo
from web.errors import ApiError, body_of
from web.views import iso

if TYPE_CHECKING:
    from web.app import Api

SOURCE = "api"
AT_EXAMPLE = "2026-11-24T10:20 (the centre's local time) or 2026-11-24T10:20+02:00"


class NewBooking(BaseModel):
    """The body of `POST /api/v1/appointments`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    service: str
    at: str
    language: str | None = None
    name: str | None = None
    phone: str | None = None


def booking_json(b: BookingView, zone: Any) -> dict[str, Any]:
    """A booking as `kiosk bookings --json` shows it, without its name or phone."""
    data = json_views.booking_json(b, zone)
    del data["name"], data["phone"]
    return data


def parse_at(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(400, f"at must be a time like {AT_EXAMPLE}") from None


class Appointments:
    """The endpoints, over the API's queue service, tokens and rate limit."""

    def __init__(self, api: Api) -> None:
        self.api = api

    @property
    def zone(self) -> Any:
        return self.api.service.settings.zone

    async def slots(self, request: Request, token: TokenInfo) -> Response:
        api = self.api
        service = request.query_params.get("service", "").strip()
        if not service:
            raise ApiError(400, "service is needed: /api/v1/appointments/slots?service=CODE&day=YYYY-MM-DD")
        text = request.query_params.get("day")
        try:
            day = date.fromisoformat(text) if text else await api.call(api.service.today)
        except ValueError:
            raise ApiError(400, "day must be a date like 2026-11-24") from None
        slots = await api.call(api.service.free_slots, service, day)
        svc, dept = api.service.catalogue.service(service)
        assert svc.appointments is not None  # free_slots refused a walk-in-only service
        return JSONResponse(
            {
                "service": svc.code,
                "department": dept.code,
                "day": day.isoformat(),
                "slot_minutes": svc.appointments.slot_minutes,
                "slots": [
                    {"at": iso(s.at, self.zone), "capacity": s.capacity, "free": s.free} for s in slots
                ],
            }
        )

    async def book(self, request: Request, token: TokenInfo) -> Response:
        api = self.api
        key = api.request_key(request)
        body = body_of(NewBooking, await request.body(), "booking request")
        booking = await api.call(
            api.service.book,
            body.service,
            parse_at(body.at),
            body.language or api.service.settings.main_language,
            name=body.name,
            phone=body.phone,
            source=SOURCE,
            token=token.name,
            request_key=key,
        )
        return JSONResponse(booking_json(booking, self.zone), status_code=201)

    async def get(self, request: Request, token: TokenInfo) -> Response:
        api = self.api
        api.limit_lookups(token)
        booking = await api.call(api.service.booking, request.path_params["code"])
        return JSONResponse(booking_json(booking, self.zone))

    async def cancel(self, request: Request, token: TokenInfo) -> Response:
        api = self.api
        api.limit_lookups(token)
        booking = await api.call(
            api.service.cancel_booking, request.path_params["code"], source=SOURCE, token=token.name
        )
        return JSONResponse(booking_json(booking, self.zone))


def routes(api: Api) -> list[Route]:
    endpoints = Appointments(api)
    return [
        Route(
            "/api/v1/appointments/slots", api.scoped("read", endpoints.slots), methods=["GET"]
        ),  # before {code}
        Route("/api/v1/appointments", api.scoped("issue", endpoints.book), methods=["POST"]),
        Route("/api/v1/appointments/{code}", api.scoped("read", endpoints.get), methods=["GET"]),
        Route("/api/v1/appointments/{code}", api.scoped("issue", endpoints.cancel), methods=["DELETE"]),
    ]
