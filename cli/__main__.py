"""`python -m cli` runs the command line, like the `kiosk` script."""

import sys

from cli import script

sys.exit(script())
