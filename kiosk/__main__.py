"""`python -m kiosk` runs the CLI, like the `kiosk` script."""

import sys

from kiosk.cli import main

sys.exit(main())
