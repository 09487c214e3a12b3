"""No log flood from `kiosk web`: a warning or error that repeats (the same logger and message, its
values aside) is logged at most once a second, and the next one that is logged says how many were
left out; a value longer than 300 characters (a client's 100 KB address in the access line) is
logged cut. A server out of file descriptors once wrote 108 MB of the same traceback in 30 s."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

LONGEST = 300  # characters of one value in a log line


class OncePerSecond(logging.Filter):
    """A handler filter; records below WARNING always pass."""

    def __init__(self, seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self.seen: dict[tuple[str, int, str], tuple[float, int]] = {}  # key: (last logged, left out)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_cut(a) for a in record.args)
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg)[:200])  # the template, not its values
        now = self.clock()
        last, left_out = self.seen.get(key, (float("-inf"), 0))
        if now - last < self.seconds:
            self.seen[key] = (last, left_out + 1)
            return False
        self.seen[key] = (now, 0)
        if left_out:
            record.msg = f"{record.msg} [{left_out} more like this were not logged]"
        return True


def _cut(value: object, most: int = LONGEST) -> object:
    if isinstance(value, str) and len(value) > most:
        return f"{value[:most]}...[{len(value) - most} more characters]"
    return value


def quieten(*loggers: str) -> OncePerSecond:
    """Put one `OncePerSecond` on every handler of `loggers` and of the root logger, which gets a
    standard-error handler if it has none (asyncio's errors reach it)."""
    quiet = OncePerSecond()
    root = logging.getLogger()
    if not root.handlers:
        stderr = logging.StreamHandler()
        stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(stderr)
    for name in ("", *loggers):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(quiet)
    return quiet
