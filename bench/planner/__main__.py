"""Runs the benchmark: `python -m bench.planner --help`."""

import sys

from bench.planner.cli import main

sys.exit(main())
