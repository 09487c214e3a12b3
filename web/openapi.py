"""The API's OpenAPI 3.1 description, served at `/api/v1/openapi.json`. Written out here rather than
generated (Starlette's SchemaGenerator reads YAML from docstrings); a test keeps its paths and methods
equal to the app's routes."""

from __future__ import annotations

from typing import Any

from kiosk.languages import LANGUAGES

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
            "transferred_from": {"oneOf": [name, {"type": "null"}]},
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
            "schemas": {"Ticket": ticket},
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
            "/api/v1/openapi.json": {
                "get": {"summary": "this description", "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
        },
    }
