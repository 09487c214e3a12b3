"""Read a TOML file into a pydantic model; every error names the file, the key and what was expected."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kiosk.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning a missing file or a syntax error into a ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except IsADirectoryError:
        raise ConfigError(path, ["is a folder, expected a TOML file"]) from None
    except PermissionError:
        raise ConfigError(path, ["cannot be read (permission denied)"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"is not UTF-8 text ({exc.reason})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None


def key_path(loc: tuple[int | str, ...]) -> str:
    """('department', 2, 'prefix') -> 'department[2].prefix' (1-based, as people count)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def problems_of(exc: ValidationError) -> list[str]:
    """One line per pydantic error: the key, then what was expected and what was found."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "value_error":
            message = message.removeprefix("Value error, ")  # our own validators' words, as written
        found = err.get("input")
        detail = ""
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(found, dict | list):
            detail = f" (found {found!r})"
        lines.append(f"{key_path(loc)}: {message}{detail}")
    return lines


def validate(model: type[M], data: dict[str, Any], path: Path | str) -> M:
    """Validate `data` as `model`, reporting every problem at once against `path`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, problems_of(exc)) from None
