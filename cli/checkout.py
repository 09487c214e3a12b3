"""Commands that run only from a checkout of the source: the benchmarks live in bench/, outside the
wheel, so an installed kiosk says where to run them instead of failing on an import."""

from __future__ import annotations

import argparse

from kiosk.errors import KioskError

BENCH_NEEDS_CHECKOUT = "`kiosk bench` runs from a checkout of the source: python -m bench.core"


class NeedsCheckout(KioskError):
    """The command's code is not in the wheel: a usage error, not a failure."""

    exit_code = 2


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
