"""Terminals that never stop, for the kill -9 tests: each issues tickets and serves them at a window
until it is killed. Run as `python -m tests.churn SETTINGS_JSON`: a fork server that imports the
kiosk once, then for each line "go" on stdin forks a terminal, prints "ready PID" once it works,
and "dead" once it has been killed and reaped. Each terminal is a real process with its own
database connections; forking spares the second of imports that a new interpreter costs each kill."""

from __future__ import annotations

import json
import os
import random
import sys

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.runtime import open_service


def terminal(settings: Settings) -> None:
    """Work until killed: issue, call, start and sometimes finish, at one window."""
    random.seed()  # a fork inherits the server's generator: each terminal draws its own
    service = open_service(settings)
    codes = ["pension-new", "job-register", "housing-subsidy"]
    window = random.choice(["6", "9", "3"])
    print(f"ready {os.getpid()}", flush=True)
    while True:
        service.issue(random.choice(codes), language=random.choice(["uk", "en", "ro"]))
        try:
            service.call_next(window)
            service.start(window=window)
            if random.random() < 0.5:
                service.finish(window=window)
        except KioskError:
            pass


def main() -> None:
    settings = Settings(**json.loads(sys.argv[1]))
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                terminal(settings)
            finally:
                os._exit(1)  # never back into the server's loop
        os.waitpid(pid, 0)
        print("dead", flush=True)


if __name__ == "__main__":
    main()
