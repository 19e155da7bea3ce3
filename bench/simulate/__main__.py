"""Runs the simulation: `python -m bench.simulate --help`."""

import sys

from bench.simulate.cli import main

sys.exit(main())
