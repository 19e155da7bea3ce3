"""The command `python -m bench.simulate`: one fresh bench database per (strategy, waitlist) run, then the table."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time as clock

import bench.simulate
from bench.planner import Databases, check_target, machine
from bench.planner.report import say

METRICS = ("chair_hours_used_pct", "median_wait_days", "p90_wait_days", "courses_completed_in_window_pct",
           "stranded_sessions_replanned_pct", "waitlist_offers_accepted")
STRATEGIES = ("compact", "first", "spread")


def parse_strategies(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(STRATEGIES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"strategies are {', '.join(STRATEGIES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=(bench.simulate.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=8, help="measured weeks")
    parser.add_argument("--warmup-weeks", type=int, default=4, help="weeks of demand played before the measured ones")
    parser.add_argument("--chairs", type=int, default=12)
    parser.add_argument("--nurses", type=int, default=6)
    parser.add_argument("--load", type=float, default=0.90, help="share of the chair-hours the requests ask for")
    parser.add_argument("--strategy", type=parse_strategies, default=["compact", "first", "spread"],
                        help="the planner's chair choice(s), comma-separated: compact (the default), first, spread")
    parser.add_argument("--waitlist", choices=("on", "off", "both"), default="both")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.weeks < 1 or args.warmup_weeks < 0 or args.chairs < 1 or args.nurses < 1:
        parser.error("weeks, chairs and nurses start at 1")

    base = check_target(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    import logging

    for noisy in ("celery.app.trace", "bookings.services.freed", "waitlist"):  # a line per task run inline
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.db import connection

    from bench.simulate.run import Config, simulate

    if connection.vendor != "postgresql":
        sys.exit(f"Refusing to run on {connection.vendor}: the simulation runs on PostgreSQL only.")
    dbs = Databases(base)
    dbs.prepare_base()
    waitlists = {"on": [True], "off": [False], "both": [False, True]}[args.waitlist]
    runs = []
    for strategy in args.strategy:
        for waitlist in waitlists:
            name = f"{base}_{strategy}_{'on' if waitlist else 'off'}"
            say(f"== chair strategy {strategy}, waitlist {'on' if waitlist else 'off'}: database {name}")
            dbs.fresh(name)
            config = Config(weeks=args.weeks, warmup_weeks=args.warmup_weeks, chairs=args.chairs, nurses=args.nurses,
                            strategy=strategy, waitlist=waitlist, seed=args.seed, load=args.load)
            started = clock.perf_counter()
            figures = simulate(config)
            figures["seconds"] = round(clock.perf_counter() - started, 1)
            say("  " + ", ".join(f"{k} {figures[k]}" for k in METRICS) + f" ({figures['seconds']} s)")
            say(f"  {figures['details']}")
            runs.append(figures)
            dbs.connection.close()
    report(runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "args": {k: v for k, v in vars(args).items() if k != "json"}, "runs": runs},
                      f, indent=2, default=str)
    return 0


def report(runs: list[dict]) -> None:
    say("")
    say("| strategy | waitlist | " + " | ".join(METRICS) + " | seconds |")
    say("|---" * (len(METRICS) + 3) + "|")
    for r in runs:
        say(f"| {r['strategy']} | {r['waitlist']} | " + " | ".join(str(r[k]) for k in METRICS) + f" | {r['seconds']} |")
