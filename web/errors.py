"""The API's own error: a status, a message for the JSON answer, and headers (Retry-After...); and the
reading of a JSON body into its pydantic model, every problem named in one 400."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

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
