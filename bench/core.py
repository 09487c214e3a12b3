"""Core speed figures (issue, call-next, concurrency, cold start): the same as `kiosk bench`.

Usage: python bench/core.py [--quick] [--json] [--pg URL|none]
"""

import sys

from kiosk.cli import main

if __name__ == "__main__":  # worker processes are spawned and import this file again
    sys.exit(main(["bench", *sys.argv[1:]]))
