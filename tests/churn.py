"""A terminal that never stops: issues tickets and serves them at a window, until it is killed.
Run as `python -m tests.churn SETTINGS_JSON`; the kill -9 tests start and kill it over and over."""

from __future__ import annotations

import json
import random
import sys

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.runtime import open_service


def main() -> None:
    settings = Settings(**json.loads(sys.argv[1]))
    service = open_service(settings)
    codes = ["pension-new", "job-register", "housing-subsidy"]
    window = random.choice(["6", "9", "3"])
    print("ready", flush=True)
    while True:
        service.issue(random.choice(codes), language=random.choice(["uk", "en", "ro"]))
        try:
            service.call_next(window)
            service.start(window=window)
            if random.random() < 0.5:
                service.finish(window=window)
        except KioskError:
            pass


if __name__ == "__main__":
    main()
