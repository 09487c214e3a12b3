"""Read a TOML file into a pydantic model; every error names the file, the key and what was expected."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kiosk.errors import ConfigError, quoted

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 1024 * 1024  # a centre's settings or catalogue are a few kB


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning a missing, unreadable, oversized, too deeply nested or malformed
    file into a ConfigError. At most MAX_BYTES are read, so even /dev/zero is refused at once."""
    try:
        with path.open("rb") as handle:
            blob = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except IsADirectoryError:
        raise ConfigError(path, ["is a folder, expected a TOML file"]) from None
    except PermissionError:
        raise ConfigError(path, ["cannot be read (permission denied)"]) from None
    except OSError as exc:  # a symlink loop, a name too long, a device that fails
        raise ConfigError(path, [f"cannot be read ({exc.strerror or exc})"]) from None
    if len(blob) > MAX_BYTES:
        raise ConfigError(path, [f"is larger than {MAX_BYTES // 1024} KiB: not a settings or catalogue file"])
    try:
        return tomllib.loads(blob.decode())
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"is not UTF-8 text ({exc.reason})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ConfigError(path, ["not valid TOML: nested too deeply"]) from None


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
            detail = f" (found {quoted(found)})"
        lines.append(f"{key_path(loc)}: {message}{detail}")
    return lines


def validate(model: type[M], data: dict[str, Any], path: Path | str) -> M:
    """Validate `data` as `model`, reporting every problem at once against `path`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, problems_of(exc)) from None
