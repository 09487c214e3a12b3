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
    try:
        from bench.core import cmd_bench as run_bench
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", "bench.core", "harness"):
            raise
        raise NeedsCheckout(BENCH_NEEDS_CHECKOUT) from None
    run_bench(args)
