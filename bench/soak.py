"""A simulated day on PostgreSQL (4 kiosks, 12 windows, 1 display) and on SQLite (fewer processes),
compressed into minutes; prints the figures and whether every check held.

    python bench/soak.py [--seconds 120] [--visitors N] [--pg postgresql://postgres@127.0.0.1:5432/test]

By default the windows are busy about 80 % of the day (see kiosk.cli.soak.day_plan); --visitors
overloads them on purpose, for a stress run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

from kiosk.cli.soak import day_plan, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--visitors", type=int, help="tickets in the day (default: a realistic day)")
    args = parser.parse_args()
    more = {"visitors": args.visitors} if args.visitors else {}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = {
            "data_dir": tmp,
            "database_url": f"sqlite:///{Path(tmp) / 's.sqlite3'}",
            "open_around_the_clock": True,
        }
        report = run(sqlite, day_plan(args.seconds, 2, ["1", "3", "6", "9"], printer_faults=True, **more))
        print("sqlite (2 kiosks, 4 windows, 1 display):", json.dumps(report, indent=1))
        ok &= bool(report["ok"])
    if args.pg and args.pg != "none":
        import psycopg

        name = f"kiosk_soak_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = args.pg.rsplit("/", 1)[0] + f"/{name}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                windows = [str(w) for w in range(1, 13)]
                report = run(
                    {"data_dir": tmp, "database_url": url, "open_around_the_clock": True},
                    day_plan(args.seconds, 4, windows, printer_faults=True, **more),
                )
                print("postgresql (4 kiosks, 12 windows, 1 display):", json.dumps(report, indent=1))
                ok &= bool(report["ok"])
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
