"""Runs the load test: `python -m bench.load --help`."""

import sys

from bench.load.cli import main

sys.exit(main())
