"""The command `python -m bench.planner`: build (or reuse) each size's database, check it, measure, report."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time as clock
from collections.abc import Iterable
from datetime import UTC, date, datetime

import bench.planner
from bench.planner.checks import check_database
from bench.planner.clinic import (
    BUILDER_VERSION,
    DEFAULT_SIZES,
    SPREAD_CLINICS,
    SPREAD_FROM,
    TZ,
    default_clinics,
    window_days,
)
from bench.planner.database import Databases, check_target, clinic_tables_all, read_marker, store, write_marker
from bench.planner.measure import measure
from bench.planner.report import _empty, _q, machine, report, say, size_growth

UNITS = {"k": 1_000, "m": 1_000_000}


def parse_sizes(text: str) -> list[int]:
    """Stored sessions per database: 10000, 10_000, 10k, 1m or 1.5m."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        try:
            sizes.append(round(float(part[:-1]) * UNITS[part[-1]]) if part[-1:] in UNITS else int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r} (e.g. 10000, 10k, 1m)") from None
    if any(s < 100 for s in sizes):
        raise argparse.ArgumentTypeError("sizes start at 100 sessions")
    return sizes


def parse_clinics(text: str) -> int | None:
    """None: the default of each size (`default_clinics`)."""
    if text == "auto":
        return None
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("clinics: 'auto' or a whole number from 1")
    return int(text)


def parse_counts(text: str) -> tuple[int, ...]:
    counts = tuple(int(part) for part in text.split(","))
    if any(not 1 <= c <= 20 for c in counts):  # the API's own bounds
        raise argparse.ArgumentTypeError("counts lie from 1 to 20")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.planner", description=(bench.planner.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="stored InfusionSession rows per database, e.g. 1000,10000,100000 or 1k,10k,100k,1m")
    parser.add_argument("--calls", type=int, default=200, help="measured calls of each selector per size")
    parser.add_argument("--warmup", type=int, default=20, help="calls of each before measuring")
    parser.add_argument("--nofit-calls", type=int, default=50,
                        help="measured calls of a proposal that cannot fit (the slowest path), per size")
    parser.add_argument("--options-calls", type=int, default=200,
                        help="upcoming booked or confirmed sessions of the clinic whose options are asked for, per size")
    parser.add_argument("--options-counts", type=parse_counts, default=(5, 20),
                        help="the options' count asked for (the API's `count`, 1-20), e.g. 5 or 5,20")
    parser.add_argument("--clinics", type=parse_clinics, default=None, metavar="N|auto",
                        help="clinics the stored sessions are spread over, evenly (the measured clinic is the first); "
                             f"auto: {SPREAD_CLINICS} from {SPREAD_FROM:,} sessions on, below it 1 (three years of "
                             "history at most, the rest in further clinics)")
    parser.add_argument("--processes", type=int, default=2,
                        help="processes generating clinics while the build stores those already generated")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true", help="build the databases again even if up to date")
    parser.add_argument("--build-only", action="store_true", help="build and check the data, measure nothing")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)

    base = check_target(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query log kept in memory
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"Refusing to run on {connection.vendor}: the benchmark runs on PostgreSQL only.")

    today = datetime.now(TZ).date()
    dbs = Databases(base)
    dbs.prepare_base()
    results = []
    info = None
    for size in args.sizes:
        name = f"{base}_{size}"
        say(f"== {size:,} stored sessions: database {name}")
        marker = None
        clinics = args.clinics or default_clinics(size)
        if not args.rebuild and dbs.exists(name):
            dbs.use(name)
            dbs.migrate()
            marker = read_marker()
            if not (marker and marker["size"] == size and marker["builder_version"] == BUILDER_VERSION
                    and marker["seed"] == args.seed and marker["built_on"] == today
                    and marker.get("spread_over") == clinics):
                marker = None
        if marker:
            say(f"  reusing the data built today (built in {marker['build_seconds']:.1f} s); --rebuild to build again")
        else:
            started = clock.perf_counter()
            dbs.fresh(name)
            ready = clock.perf_counter()
            generating = Stopwatch(clinic_tables_all(size, args.seed, today, datetime.now(UTC), clinics, args.processes))
            stored = store(generating)
            built = clock.perf_counter()
            marker = {
                **stored, "spread_over": clinics, "clinics": len(stored["clinic_rows"]),
                "database_seconds": ready - started, "waiting_for_generation_seconds": generating.seconds,
                "copy_seconds": built - ready - generating.seconds - stored["index_seconds"] - stored["analyze_seconds"],
                "build_seconds": built - started,
            }
            write_marker(size, args.seed, today, marker)
            say(f"  built in {marker['build_seconds']:.1f} s (database {marker['database_seconds']:.1f} s, waiting for "
                f"generation {marker['waiting_for_generation_seconds']:.1f} s, COPY {marker['copy_seconds']:.1f} s, "
                f"indexes and constraints {marker['index_seconds']:.1f} s, ANALYZE {marker['analyze_seconds']:.1f} s): {marker['clinics']} clinic(s), benchmark clinic "
                f"{stored['clinic_rows']['bench']:,} sessions, {stored['patients']:,} patients, {stored['cycles']:,} courses")
        started = clock.perf_counter()
        checked = check_database(size, marker["clinic"], today, marker["clinic_rows"])
        say(f"  checked in {clock.perf_counter() - started:.1f} s: {checked['stored']:,} stored in "
             f"{checked['clinics']} clinic(s) ({checked['clinic_rows_min']:,}-{checked['clinic_rows_max']:,} each), window "
             f"{first_last(today)}: {checked['window_occupying']:,} occupying sessions on {checked['window_open_days']} "
             f"open days = {checked['chair_use'] * 100:.1f} % chair use; chair overlaps {checked['chair_overlaps']}, "
             f"patient overlaps {checked['patient_overlaps']}, nurse over capacity {checked['nurse_over_capacity']}, "
             f"stagger breaches {checked['stagger_breaches']}, planning-rule violations {checked['rule_violations'] or 0}")
        if checked["problems"]:
            say(f"  PROBLEMS: {checked['problems']}")
        measured = {}
        if not args.build_only:
            measured = measure(marker["clinic"], today, args.calls, args.warmup, args.seed, args.nofit_calls,
                               args.options_calls, args.options_counts)
            if measured.get("missing"):
                say(f"  not measured: bookings.selectors has no {', '.join(measured['missing'])} yet")
            else:
                p, a = measured["proposal"], measured["availability"]
                say(f"  proposal p50 {p['p50_ms']:.1f} ms p95 {p['p95_ms']:.1f} ms ({_q(p)} queries); "
                     f"availability p50 {a['p50_ms']:.1f} ms p95 {a['p95_ms']:.1f} ms ({_q(a)} queries)")
            if measured.get("options_missing"):
                say("  options not measured: bookings.selectors has no session_options")
            for o in measured.get("options", []):
                say(f"  options (count {o['count']}) p50 {o['p50_ms']:.1f} ms p95 {o['p95_ms']:.1f} ms ({_q(o)} queries), "
                     f"{_empty(o)} empty")
        info = info or machine()
        results.append({"size": size, **checked, "build": marker, "measured": measured})
        dbs.connection.close()
    assert info is not None  # --sizes names at least one size
    report(results, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "today": today.isoformat(), "calls": args.calls,
                       "options_calls": args.options_calls, "options_counts": list(args.options_counts),
                       "results": results, "growth": size_growth(results)},
                      f, indent=2, default=str)
    return 1 if any(r["problems"] for r in results) else 0


class Stopwatch:
    """An iterator's items, with the time spent waiting for them (`seconds`)."""

    def __init__(self, items: Iterable):
        self.items = iter(items)
        self.seconds = 0.0

    def __iter__(self):
        return self

    def __next__(self):
        started = clock.perf_counter()
        try:
            return next(self.items)
        finally:
            self.seconds += clock.perf_counter() - started


def first_last(today: date) -> str:
    first, last = window_days(today)
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
