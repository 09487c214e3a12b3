"""The visitor's rating of a served ticket through the API: `POST /api/v1/tickets/{token}/rating` with
`{"score": 1-5, "reasons": [codes]}`. Public like on-my-way: the signed ticket token is the
credential, and the address's rate limit holds. 201 with the rating; 409 with a `reason`
("not_served", "rated") when the rules refuse it; 400 for a body that is not a rating; 404 or 410
for a token that names no ticket of today. Nothing is recorded unless the answer is 201."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.domain.ratings import REASONS, RatingRefused
from web.errors import body_of
from web.views import iso

if TYPE_CHECKING:
    from web.app import Api

SOURCE = "phone"


class NewRating(BaseModel):
    """The body of `POST /api/v1/tickets/{token}/rating`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    score: int = Field(ge=1, le=5)
    reasons: list[str] = Field(default_factory=list, max_length=len(REASONS))

    @field_validator("reasons")
    @classmethod
    def known_once(cls, reasons: list[str]) -> list[str]:
        unknown = [r for r in reasons if r not in REASONS]
        if unknown:
            raise ValueError(f"not a reason (the reasons are {', '.join(REASONS)})")
        if len(set(reasons)) != len(reasons):
            raise ValueError("a reason is named twice")
        return reasons


class Ratings:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def rate(self, request: Request) -> Response:
        api = self.api
        ticket_id = await api.ticket_id(request)  # 404 or 410 before the body is looked at
        body = body_of(NewRating, await request.body(), "rating")
        try:
            ticket, rating = await api.call(
                api.service.rate, ticket_id, body.score, body.reasons, source=SOURCE
            )
        except RatingRefused as exc:
            return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=409)
        data: dict[str, Any] = {
            "number": ticket.code,
            "score": rating.score,
            "reasons": list(rating.reasons),
            "at": iso(rating.at, api.service.settings.zone),
        }
        return JSONResponse(data, status_code=201)


def routes(api: Api) -> list[Route]:
    endpoints = Ratings(api)
    return [Route("/api/v1/tickets/{token}/rating", api.public(endpoints.rate), methods=["POST"])]


def openapi_paths() -> dict[str, Any]:
    """The endpoint's OpenAPI description (`web.openapi`)."""
    body = {
        "type": "object",
        "required": ["score"],
        "additionalProperties": False,
        "properties": {
            "score": {
                "type": "integer",
                "minimum": 1,
                "maximum": 5,
                "description": "1 very bad ... 5 very good",
            },
            "reasons": {
                "type": "array",
                "uniqueItems": True,
                "maxItems": len(REASONS),
                "items": {"type": "string", "enum": list(REASONS)},
            },
        },
    }
    rating = {
        "type": "object",
        "properties": {
            "number": {"type": "string", "example": "P-007"},
            "score": {"type": "integer"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "at": {"type": "string", "format": "date-time"},
        },
    }
    error = {"$ref": "#/components/responses/Error"}
    return {
        "/api/v1/tickets/{token}/rating": {
            "post": {
                "summary": "the visitor rates the served ticket, anonymously: once, on its day",
                "description": "409: refused, with `reason` in the answer: not_served (not finished yet), "
                "rated (rated already)",
                "parameters": [
                    {
                        "name": "token",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "the ticket's signed token: the last part of its QR URL (K1:...)",
                    },
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {
                    "201": {"description": "the rating", "content": {"application/json": {"schema": rating}}},
                    **{str(code): error for code in (400, 404, 409, 410, 413, 429, 503)},
                },
            }
        }
    }
