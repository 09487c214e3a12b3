"""The API's OpenAPI 3.1 description, served at `/api/v1/openapi.json`. Written out here rather than
generated (Starlette's SchemaGenerator reads YAML from docstrings); a test keeps its paths and methods
equal to the app's routes."""

from __future__ import annotations

from typing import Any

from kiosk.domain.languages import LANGUAGES
from web import ratings

ERROR = {"$ref": "#/components/responses/Error"}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "the ticket's signed token: the last part of its QR URL (K1:...)"}  # fmt: skip
LANG = {"name": "lang", "in": "query", "required": False,
        "schema": {"type": "string", "enum": list(LANGUAGES)},
        "description": "language of the names (default: the ticket's)"}  # fmt: skip
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _ticket_answer(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}}  # fmt: skip


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): ERROR for code in codes}


def _booking_answer(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Booking"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BOOKING = {
    "type": "object",
    "description": "a booked visit; never its name or phone",
    "properties": {
        "code": {"type": "string", "example": "KMT74X", "description": "6 characters, no look-alikes"},
        "number_code": {"type": "string", "example": "041 913 545",
                        "description": "the code as 9 digits, for a keypad; taken wherever a code is"},
        "service": {"type": "string"},
        "department": {"type": "string"},
        "at": {"type": "string", "format": "date-time",
               "description": "the slot's start, the centre's local time with its offset"},
        "language": {"type": "string"},
        "state": {"type": "string", "enum": ["booked", "checked_in", "cancelled", "no_show"]},
        "ticket": {"type": ["string", "null"], "description": "the number its check-in gave"},
        "source": {"type": "string", "description": "who made it: api, desk, cli, import, kiosk"},
    },
}  # fmt: skip
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "the booking code (case and spaces do not matter)"}  # fmt: skip


def _appointments() -> dict[str, Any]:
    day = {"name": "day", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
           "description": "default: today"}  # fmt: skip
    service = {"name": "service", "in": "query", "required": True, "schema": {"type": "string"}}
    slot = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"},
            "capacity": {"type": "integer"}, "free": {"type": "integer"}}}  # fmt: skip
    slots = {
        "type": "object",
        "properties": {
            "service": {"type": "string"}, "department": {"type": "string"},
            "day": {"type": "string", "format": "date"}, "slot_minutes": {"type": "integer"},
            "slots": {"type": "array", "items": slot},
        },
    }  # fmt: skip
    body = {
        "type": "object",
        "required": ["service", "at"],
        "additionalProperties": False,
        "properties": {
            "service": {"type": "string"},
            "at": {"type": "string", "example": "2026-11-24T10:20",
                   "description": "the slot's start: ISO 8601, the centre's local time without an offset, "
                   "or any time with an offset (converted to the centre's zone)"},
            "language": {"type": "string", "enum": list(LANGUAGES)},
            "name": {"type": ["string", "null"], "description": "optional, kept for the day only"},
            "phone": {"type": ["string", "null"], "description": "optional, kept for the day only"},
        },
    }  # fmt: skip
    refused = ("409: refused, with `reason` in the answer: full, past, not_a_slot, closed, too_far, "
               "no_appointments (booking); used, cancelled, no_show (cancelling)")  # fmt: skip
    return {
        "/api/v1/appointments/slots": {
            "get": {
                "summary": "a service's slots on a day that have not begun, with free seats (scope read)",
                "security": BEARER,
                "parameters": [service, day],
                "responses": {
                    "200": {"description": "the slots", "content": {"application/json": {"schema": slots}}},
                    **_errors(400, 401, 403, 404, 409, 429),
                },
            }
        },
        "/api/v1/appointments": {
            "post": {
                "summary": "book a slot (scope issue); the event names the token",
                "description": refused,
                "security": BEARER,
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "201": _booking_answer("the booking, with its code"),
                    **_errors(400, 401, 403, 404, 409, 429, 503),
                },
            }
        },
        "/api/v1/appointments/{code}": {
            "get": {
                "summary": "a booking (scope read)",
                "security": BEARER,
                "parameters": [CODE],
                "responses": {"200": _booking_answer("the booking"), **_errors(401, 403, 404, 429)},
            },
            "delete": {
                "summary": "cancel a booking still to check in (scope issue; source api, the token named)",
                "description": refused,
                "security": BEARER,
                "parameters": [CODE],
                "responses": {
                    "200": _booking_answer("the cancelled booking"),
                    **_errors(401, 403, 404, 409, 429, 503),
                },
            },
        },
    }


def openapi() -> dict[str, Any]:
    name = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    ticket = {
        "type": "object",
        "properties": {
            "number": {"type": "string", "example": "P-007"},
            "state": {"type": "string", "enum": ["waiting", "called", "serving", "on_hold", "done",
                                                 "no_show", "cancelled", "closed"]},
            "language": {"type": "string", "description": "the ticket's language"},
            "lang": {"type": "string", "description": "the language of the names in this answer"},
            "department": name,
            "service": name,
            "windows": {"type": "array", "items": {"type": "string"}},
            "ahead": {"type": "integer", "description": "people ahead in the line (0 unless waiting)"},
            "wait_minutes": {"type": "integer", "description": "estimated wait (0 unless waiting)"},
            "window": {"type": ["string", "null"], "description": "the calling window once called"},
            "called_at": {"type": ["string", "null"], "format": "date-time"},
            "recalls": {"type": "integer", "description": "recalls since the latest call"},
            "last_recall_at": {"type": ["string", "null"], "format": "date-time"},
            "on_my_way": {"type": "boolean"},
            "booked_at": {"type": ["string", "null"], "format": "date-time",
                          "description": "a booked visitor's slot"},
            "called_about": {"type": ["string", "null"], "format": "date-time",
                             "description": "checked in before the slot: called when it begins"},
            "transferred_from": {"oneOf": [name, {"type": "null"}]},
            "rating": {"type": "object", "description": "the visitor's rating: open once served, until rated",
                       "properties": {"open": {"type": "boolean"}, "score": {"type": ["integer", "null"]}}},
            "day": {"type": "string", "format": "date"},
            "qr": {"type": "string", "description": "only when issued: the QR's text"},
            "token": {"type": "string", "description": "only when issued: the ticket's token"},
        },
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lobby kiosk API", "version": "1"},
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "made by `kiosk token add NAME --scope read|issue`",
                }
            },
            "responses": {
                "Error": {
                    "description": "an error",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"error": {"type": "string"}},
                                "required": ["error"],
                            }
                        }
                    },
                }
            },
            "schemas": {"Ticket": ticket, "Booking": BOOKING},
        },
        "paths": {
            "/api/v1/tickets/{token}": {
                "get": {
                    "summary": "a ticket as its visitor follows it",
                    "parameters": [TOKEN, LANG],
                    "responses": {"200": _ticket_answer("the ticket"), **_errors(400, 404, 410, 429, 503)},
                }
            },
            "/api/v1/tickets/{token}/events": {
                "get": {
                    "summary": "server-sent events: the ticket's JSON at the start and on each change; "
                    "comment lines keep the connection alive",
                    "parameters": [TOKEN, LANG],
                    "responses": {
                        "200": {
                            "description": "an event stream",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}},
                        },
                        **_errors(400, 404, 410, 429),
                    },
                }
            },
            "/api/v1/tickets/{token}/on-my-way": {
                "post": {
                    "summary": "the called visitor is coming: shown at the calling counter",
                    "parameters": [TOKEN, LANG],
                    "responses": {"200": _ticket_answer("the ticket"), **_errors(404, 409, 410, 429)},
                }
            },
            "/api/v1/tickets/{token}/leave": {
                "post": {
                    "summary": "leave the queue: a waiting or called ticket is cancelled (source: phone)",
                    "parameters": [TOKEN, LANG],
                    "responses": {
                        "200": _ticket_answer("the cancelled ticket"),
                        **_errors(404, 409, 410, 429),
                    },
                }
            },
            "/api/v1/tickets": {
                "post": {
                    "summary": "issue a ticket as the kiosk would (scope issue)",
                    "security": BEARER,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["service"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "service": {"type": "string"},
                                        "language": {"type": "string", "enum": list(LANGUAGES)},
                                        "priority": {"type": ["string", "null"]},
                                        "interpreter": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _ticket_answer("the new ticket with its qr and token"),
                        **_errors(400, 401, 403, 404, 409, 429, 503),
                    },
                }
            },
            "/api/v1/queue": {
                "get": {
                    "summary": "waiting and called per department (scope read)",
                    "security": BEARER,
                    "parameters": [{**LANG, "description": "language of the names (default: the centre's)"}],
                    "responses": {
                        "200": {"description": "the queue", "content": {"application/json": {}}},
                        **_errors(400, 401, 403, 429),
                    },
                }
            },
            "/api/v1/stats": {
                "get": {
                    "summary": "the day's figures, as `kiosk stats --json` (scope read)",
                    "security": BEARER,
                    "parameters": [
                        {
                            "name": "day",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                        }
                    ],
                    "responses": {
                        "200": {"description": "the day's figures", "content": {"application/json": {}}},
                        **_errors(400, 401, 403, 429),
                    },
                }
            },
            **_appointments(),
            **ratings.openapi_paths(),
            "/api/v1/openapi.json": {
                "get": {"summary": "this description", "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
        },
    }
