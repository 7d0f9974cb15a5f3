"""`python -m bot` runs the same command line as `servicebot`."""

import sys

from bot.cli import main

sys.exit(main())
