"""The command `python -m bench.load`: build the database, start gunicorn, sign the desks in, run one locust stage
per desk count, check the database and the server's log after each, report."""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import bench.load
from bench.load.checks import double_bookings, server_log
from bench.load.seed import USERNAME, build, stage_plan, today_local
from bench.load.server import Server, sign_in_all
from bench.planner import Databases, check_target, machine
from bench.planner.report import say

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
#: The CSV's columns this report reads, by locust's names.
COLUMNS = {"requests": "Request Count", "failures": "Failure Count", "rps": "Requests/s",
           "p50": "50%", "p95": "95%", "p99": "99%", "max": "Max Response Time"}


def parse_desks(text: str) -> list[int]:
    desks = [int(part) for part in text.split(",")]
    if any(not 1 <= d <= 500 for d in desks):
        raise argparse.ArgumentTypeError("desk counts lie from 1 to 500")
    return desks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=(bench.load.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--desks", type=parse_desks, default=[10, 50, 100], help="simulated desks per stage, e.g. 10,50,100")
    parser.add_argument("--duration", type=int, default=60, help="seconds each stage runs")
    parser.add_argument("--clinics", type=int, default=4, help="clinics in the database; desks are spread over them")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (WEB_CONCURRENCY)")
    parser.add_argument("--think", default="1,3", help="a desk's pause between two actions: min,max seconds")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", help="folder for locust's CSV files, the plans and gunicorn's log (default: a temporary one)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    think_min, think_max = (float(x) for x in args.think.split(","))

    url = os.environ.get("DATABASE_URL")
    base = check_target(url)
    assert url is not None  # check_target exits without one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"Refusing to run on {connection.vendor}: the load test runs on PostgreSQL only.")

    out = Path(args.out or tempfile.mkdtemp(prefix="bench-load-"))
    out.mkdir(parents=True, exist_ok=True)
    name = f"{base}_load"
    dbs = Databases(base)
    dbs.prepare_base()
    started = time.perf_counter()
    dbs.fresh(name)
    today = today_local()
    password = secrets.token_urlsafe(16)
    built = build(clinics=args.clinics, desks=max(args.desks), password=password, seed=args.seed, today=today)
    say(f"Database {name}: {len(built['clinics'])} clinics, {built['patients']:,} patients, {built['sessions']:,} sessions, "
        f"{max(args.desks)} desk accounts (built in {time.perf_counter() - started:.1f} s)")
    info = machine()
    connection.close()

    server = Server(database_url=urlunparse(urlparse(url)._replace(path=f"/{name}")), workers=args.workers,
                    var_dir=out / "var", log=out / "gunicorn.log")
    stages = []
    try:
        server.wait_ready()
        say(f"gunicorn: {args.workers} workers on {server.url} (log: {server.log})")
        usernames = [USERNAME.format(i + 1) for i in range(max(args.desks))]
        signed, seconds = sign_in_all(server.url, usernames, password, parallel=args.workers)
        say(f"Signed in {len(signed)} desks (the form and an API token each) in {seconds:.1f} s")
        log_at = server_log(server.log)[1]
        for desks in args.desks:
            plan = stage_plan(desks=desks, clinic_ids=built["clinics"], protocols=built["protocols"], today=today)
            connection.close()
            for desk in plan:
                desk.update(signed[desk["username"]])
            cpu_before = server.cpu_seconds(), children_cpu()
            stage = run_stage(server.url, desks, plan, args.duration, think_min, think_max, out)
            served = stage["endpoints"].get("Aggregated", {}).get("requests") or 0
            stage["cpu"] = {"gunicorn_seconds": round(server.cpu_seconds() - cpu_before[0], 1),
                            "locust_seconds": round(children_cpu() - cpu_before[1], 1)}
            stage["cpu"]["gunicorn_ms_per_request"] = (round(1000 * stage["cpu"]["gunicorn_seconds"] / served, 1)
                                                       if served else None)
            log, log_at = server_log(server.log, log_at)
            stage["server"] = log
            stage["database"] = double_bookings()
            connection.close()
            stages.append(stage)
            say(summary(stage))
    finally:
        server.stop()
    result = {"machine": info, "command": "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]),
              "duration": args.duration, "workers": args.workers, "think_seconds": [think_min, think_max],
              "database": {k: v for k, v in built.items() if k != "protocols"} | {"name": name},
              "sign_in_seconds": seconds, "stages": stages}
    say(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
    return 0 if all(passed(s) for s in stages) else 1


def children_cpu() -> float:
    """CPU seconds of the finished child processes waited for (each stage's locust)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_stage(url: str, desks: int, plan: list[dict], duration: int, think_min: float, think_max: float, out: Path) -> dict:
    """One locust run, headless, `desks` users all started at once, for `duration` seconds; its figures."""
    prefix = out / f"desks{desks}"
    plan_file, tally_file = out / f"desks{desks}-plan.json", out / f"desks{desks}-tally.json"
    plan_file.write_text(json.dumps({"desks": plan}))
    env = dict(os.environ, LOAD_PLAN=str(plan_file), LOAD_TALLY=str(tally_file),
               LOAD_THINK_MIN=str(think_min), LOAD_THINK_MAX=str(think_max))
    load_before = os.getloadavg()[0]
    say(f"== {desks} desks, {duration} s (load average {load_before:.1f})")
    locust = Path(sys.executable).parent / "locust"
    finished = subprocess.run(
        [str(locust), "-f", str(LOCUSTFILE), "--headless", "-u", str(desks), "-r", str(desks), "--run-time", f"{duration}s",
         "--stop-timeout", "30", "--host", url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, capture_output=True, text=True, timeout=duration + 300,
    )
    (out / f"desks{desks}-locust.log").write_text(finished.stdout + finished.stderr)
    if not tally_file.exists():
        raise RuntimeError(f"locust wrote no tally (exit {finished.returncode}):\n{finished.stderr[-3000:]}")
    tally = json.loads(tally_file.read_text())
    endpoints = {}
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            figures = {key: float(row[column]) if row[column] not in ("", "N/A") else None for key, column in COLUMNS.items()}
            endpoints[row["Name"]] = figures | {"outcomes": tally.get(row["Name"], {})}
    outcomes = [e["outcomes"] for name, e in endpoints.items() if name != "Aggregated"]
    return {
        "desks": desks, "endpoints": endpoints,
        "conflicts": sum(n for o in outcomes for k, n in o.items() if k.startswith("conflict")),
        "no_fit": sum(o.get("no_fit", 0) for o in outcomes),
        "errors": sum(n for o in outcomes for k, n in o.items() if k.startswith("error")),
        "error_kinds": {f"{name} {k}": n for name, e in endpoints.items() for k, n in e["outcomes"].items() if k.startswith("error")},
        "locust_exit": finished.returncode,
        # Others' work on the machine shows here: the 1-minute load average before the stage and at its end.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def passed(stage: dict) -> bool:
    return (stage["errors"] == 0 and stage["server"]["5xx"] == 0 and stage["database"]["double_booked"] == 0
            and stage["database"]["constraint_statuses_match"])


def summary(stage: dict) -> str:
    total, db, server = stage["endpoints"].get("Aggregated", {}), stage["database"], stage["server"]
    return (f"  {total.get('requests', 0):,.0f} requests, {total.get('rps') or 0:.1f}/s; expected conflicts {stage['conflicts']}, "
            f"gunicorn CPU {stage['cpu']['gunicorn_seconds']} s ({stage['cpu']['gunicorn_ms_per_request']} ms a request), "
            f"locust CPU {stage['cpu']['locust_seconds']} s; no fit {stage['no_fit']}, errors {stage['errors']} {stage['error_kinds'] or ''}; 5xx {server['5xx']}, "
            f"worker trouble {server['trouble_lines']}; chair overlaps {db['chair_overlaps']}, patient overlaps "
            f"{db['patient_overlaps']}, nurse over capacity {db['nurse_over_capacity']}, stagger {db['stagger_breaches']}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def report(result: dict) -> str:
    """The markdown table of every stage: per endpoint, its rate and latencies, and what its requests came to."""
    m = result["machine"]
    lines = [
        "", f"Machine: {m['nproc']} cores ({m['cpu']}), Python {m['python']}, Django {m['django']}, PostgreSQL "
        f"{m['postgresql']}; gunicorn {result['workers']} sync workers and locust on the same cores; code {m['code']}",
        f"Database: {result['database']['clinics'] if isinstance(result['database']['clinics'], int) else len(result['database']['clinics'])} clinics, "
        f"{result['database']['patients']:,} patients, {result['database']['sessions']:,} sessions before the first stage; "
        f"a desk pauses {result['think_seconds'][0]:g}-{result['think_seconds'][1]:g} s between actions; "
        f"signing in every desk took {result['sign_in_seconds']:.1f} s (not in the stages)", "",
        "| desks | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | in the worker: p50, p95 ms | conflicts (409, expected) | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stage in result["stages"]:
        rows = sorted(stage["endpoints"].items(), key=lambda kv: (kv[0] == "Aggregated", kv[0]))
        for name, e in rows:
            o = e["outcomes"]
            conflicts = sum(n for k, n in o.items() if k.startswith("conflict"))
            errors = sum(n for k, n in o.items() if k.startswith("error"))
            label = "**all**" if name == "Aggregated" else name
            if name == "Aggregated":
                conflicts, errors = stage["conflicts"], stage["errors"]
            worker = stage["server"]["worker_ms"].get(name)
            inside = f"{_ms(worker['p50'])}, {_ms(worker['p95'])}" if worker else ""
            lines.append(f"| {stage['desks']} | {label} | {e['requests']:,.0f} | {e['rps'] or 0:.1f} | {_ms(e['p50'])} | "
                         f"{_ms(e['p95'])} | {_ms(e['p99'])} | {_ms(e['max'])} | {inside} | {conflicts or ''} | {errors} |")
    lines.append("")
    lines.append("| desks | load average before, after | gunicorn workers' CPU s (ms a request) | locust's CPU s | expected conflicts by code | proposals with no fit | 5xx in the access log | double-booked (chair + patient) | nurse over capacity | stagger breaches | exclusion constraints (statuses match the query) |")
    lines.append("|---:|---|---|---:|---|---:|---:|---:|---:|---:|---|")
    for stage in result["stages"]:
        codes: dict[str, int] = {}
        for e in stage["endpoints"].values():
            for k, n in e["outcomes"].items():
                if k.startswith("conflict"):
                    codes[k.split(":", 1)[1]] = codes.get(k.split(":", 1)[1], 0) + n
        db = stage["database"]
        lines.append(f"| {stage['desks']} | {stage['load_average'][0]}, {stage['load_average'][1]} | {stage['cpu']['gunicorn_seconds']} ({stage['cpu']['gunicorn_ms_per_request']}) | {stage['cpu']['locust_seconds']} | {', '.join(f'{k} {n}' for k, n in sorted(codes.items())) or '0'} | {stage['no_fit']} | "
                     f"{stage['server']['5xx']} | {db['double_booked']} | {db['nurse_over_capacity']} | {db['stagger_breaches']} | "
                     f"{', '.join(db['exclusion_constraints'])} ({'yes' if db['constraint_statuses_match'] else 'NO'}) |")
    return "\n".join(lines)
