"""Benchmark of the series planner: proposal, day-availability and session-options latency and SQL queries per call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench .venv/bin/python -m bench.planner \
        [--sizes 1k,10k,100k,1m] [--clinics auto|N] [--calls 200] [--options-calls 200] [--options-counts 5,20]
        [--rebuild]

For each size N it builds (or reuses) a PostgreSQL database holding exactly N InfusionSession rows: a
busy clinic (12 chairs, 6 nurses, Mon–Fri 08:00–18:00) whose next 90 days are about 80 % booked, topped
up with past sessions (history) and, past three years of history, other clinics; from 1M on, the sessions are
spread over 100 such clinics of 10k each (--clinics), the first being the 10k database's clinic. Then it times
`bookings.selectors.cycle_proposal`, `bookings.selectors.day_availability` and
`bookings.selectors.session_options` against it. Rows are loaded with COPY (the sessions' indexes and
constraints made again after the load), not through the booking service, so the builder itself keeps every row valid: no chair or patient overlap (the database's
exclusion constraints check that), nurse capacity and stagger, opening hours, shifts, time off and closures (checked after the build with SQL and with
scheduler.planning's own rules). What is measured and the figures: docs/PERFORMANCE.md.

The package: `clinic` (the benchmark clinic's shape), `generate` (its sessions, in pure Python), `database`
(the bench databases and bulk loading), `checks` (the built data re-checked against the rules), `measure`
(timing the selectors), `report` (the machine and the table), `cli` (the command, run by `__main__`).
"""

from bench.planner.database import Databases, check_target
from bench.planner.report import machine

__all__ = ["Databases", "check_target", "machine"]
