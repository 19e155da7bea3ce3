"""The command `python -m bench.planner`: build (or reuse) each size's database, check it, measure, report."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time as clock
from datetime import date, datetime

import bench.planner
from bench.planner.checks import check_database
from bench.planner.clinic import BUILDER_VERSION, DEFAULT_SIZES, TZ, window_days
from bench.planner.database import Databases, check_target, insert, read_marker, write_marker
from bench.planner.generate import plan_all
from bench.planner.measure import measure
from bench.planner.report import _empty, _q, machine, report, say


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    if any(s < 100 for s in sizes):
        raise argparse.ArgumentTypeError("sizes start at 100 sessions")
    return sizes


def parse_counts(text: str) -> tuple[int, ...]:
    counts = tuple(int(part) for part in text.split(","))
    if any(not 1 <= c <= 20 for c in counts):  # the API's own bounds
        raise argparse.ArgumentTypeError("counts lie from 1 to 20")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.planner", description=(bench.planner.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="stored InfusionSession rows per database, e.g. 1000,10000,100000 or 1k,10k,100k")
    parser.add_argument("--calls", type=int, default=200, help="measured calls of each selector per size")
    parser.add_argument("--warmup", type=int, default=20, help="calls of each before measuring")
    parser.add_argument("--nofit-calls", type=int, default=50,
                        help="measured calls of a proposal that cannot fit (the slowest path), per size")
    parser.add_argument("--options-calls", type=int, default=200,
                        help="upcoming booked or confirmed sessions of the clinic whose options are asked for, per size")
    parser.add_argument("--options-counts", type=parse_counts, default=(5, 20),
                        help="the options' count asked for (the API's `count`, 1-20), e.g. 5 or 5,20")
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
        if not args.rebuild and dbs.exists(name):
            dbs.use(name)
            dbs.migrate()
            marker = read_marker()
            if not (marker and marker["size"] == size and marker["builder_version"] == BUILDER_VERSION
                    and marker["seed"] == args.seed and marker["built_on"] == today):
                marker = None
        if marker:
            say(f"  reusing the data built today (built in {marker['build_seconds']:.1f} s); --rebuild to build again")
        else:
            started = clock.perf_counter()
            dbs.fresh(name)
            ready = clock.perf_counter()
            plans = plan_all(size, args.seed, today)
            generated = clock.perf_counter()
            ids = insert(plans, today)
            inserted = clock.perf_counter()
            marker = {
                "clinic": ids["clinic"], "patients": ids["patients"], "cycles": ids["cycles"],
                "clinics": len(plans), "dropped_by_nurse_rules": sum(p.dropped for p in plans),
                "database_seconds": ready - started, "generate_seconds": generated - ready,
                "insert_seconds": inserted - generated, "build_seconds": inserted - started,
            }
            write_marker(size, args.seed, today, marker)
            say(f"  built in {marker['build_seconds']:.1f} s (database {marker['database_seconds']:.1f} s, generate "
                 f"{marker['generate_seconds']:.1f} s, bulk_create + ANALYZE {marker['insert_seconds']:.1f} s): "
                 f"{len(plans)} clinic(s), benchmark clinic {ids['patients']:,} patients, {ids['cycles']:,} courses")
        started = clock.perf_counter()
        checked = check_database(size, marker["clinic"], today)
        say(f"  checked in {clock.perf_counter() - started:.1f} s: {checked['stored']:,} stored, window "
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
                       "results": results},
                      f, indent=2, default=str)
    return 1 if any(r["problems"] for r in results) else 0


def first_last(today: date) -> str:
    first, last = window_days(today)
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
