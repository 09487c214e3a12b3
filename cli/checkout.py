"""Commands that run only from a checkout of the source: the benchmarks live in bench/, outside the
wheel, so an installed kiosk says where to run them instead of failing on an import."""

from __future__ import annotations

import argparse
import os

from cli.options import Command, Parser
from kiosk.errors import KioskError

BENCH_NEEDS_CHECKOUT = "`kiosk bench` runs from a checkout of the source: python -m bench.core"


class NeedsCheckout(KioskError):
    """The command's code is not in the wheel: a usage error, not a failure."""

    exit_code = 2


def bench_arguments(p: Parser) -> None:
    p.add_argument("--quick", action="store_true", help="smaller runs (for a smoke check)")
    p.add_argument(
        "--phones",
        type=int,
        metavar="N",
        help="instead: N phones following their tickets through `kiosk web` (bench.phones)",
    )
    p.add_argument("--calls", type=int, default=60, metavar="N", help="with --phones: the counters' calls")
    p.add_argument(
        "--compare", metavar="OLD.json", help="print each figure beside a saved run (--json), with its change"
    )
    p.add_argument("--markdown", action="store_true", help="print the figures as the README's Markdown table")
    p.add_argument(
        "--from", dest="saved", metavar="RUN.json", help="take a saved run instead of measuring again"
    )
    p.add_argument(
        "--pg",
        metavar="URL",
        default=os.environ.get("KIOSK_BENCH_PG_URL"),
        help="PostgreSQL server to measure on (a scratch database is made and dropped)",
    )


def cmd_bench(args: argparse.Namespace) -> None:
    """The core benchmark (bench.core), or with `--phones N` the phones' one (bench.phones)."""
    try:
        from bench.core import cmd_bench as run_bench
        from bench.phones import main as run_phones
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", "bench.core", "bench.phones", "harness"):
            raise
        raise NeedsCheckout(BENCH_NEEDS_CHECKOUT) from None
    if args.phones is not None:
        if args.phones < 1 or args.calls < 1:
            raise KioskError("--phones and --calls take a number of at least 1")
        run_phones(
            ["--phones", str(args.phones), "--calls", str(args.calls), *(["--json"] if args.json else [])]
        )
        return
    run_bench(args)


COMMANDS = {"bench": Command(cmd_bench, bench_arguments)}
