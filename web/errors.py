"""The API's errors: its own (a status, a message for the JSON answer, and headers such as
Retry-After), the status of each refusal of the core, the answers of the app's exception handlers
(JSON `{"error": ...}`, never a traceback), and the reading of a JSON body into its pydantic model,
every problem named in one 400."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.errors import (
    BookingRefused,
    DepartmentClosed,
    InvalidTransition,
    KioskError,
    NotFound,
    PriorityRefused,
    ScanRefused,
    SlotUnavailable,
    StorageUnavailable,
)
from kiosk.presentation.refusals import REFUSALS

log = logging.getLogger("kiosk.web")

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


def body_of(model: type[M], raw: bytes, what: str) -> M:
    """`raw` read as `model`; ApiError 400 naming each problem ("the body is not a `what`: ...")."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise ApiError(400, f"the body is not a {what}: {problems}") from None


def status_of(exc: KioskError) -> int:
    if isinstance(exc, ScanRefused):
        return 410 if exc.reason == "other_day" else 404
    if isinstance(exc, BookingRefused):
        return REFUSALS[exc.reason].status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidTransition | DepartmentClosed | PriorityRefused | SlotUnavailable):
        return 409
    if isinstance(exc, StorageUnavailable):
        return 503
    return 400


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error(exc.status, exc.message, exc.headers)


async def _kiosk_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KioskError)
    if isinstance(exc, ScanRefused) and exc.reason in ("malformed", "forged", "unknown"):
        return error(404, "no such ticket: the link is wrong or damaged")  # nothing told about why
    if isinstance(exc, StorageUnavailable):  # where the database is and what its driver said: the log's
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return error(503, "temporarily unavailable: please try again in a minute", {"Retry-After": "30"})
    if isinstance(exc, SlotUnavailable | BookingRefused):  # a booking refused: say why, for a program
        return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=status_of(exc))
    return error(status_of(exc), str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error(500, "internal error: the server logged it")


HANDLERS: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    ApiError: _api_error,
    KioskError: _kiosk_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
