"""Benchmark of reminder delivery: delivered reminders per second with 1, 2 and 4 Celery worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench_rem .venv/bin/python -m bench.reminders \
        [--reminders 10000] [--workers 1,2,4] [--redis redis://127.0.0.1:6379/13] [--json PATH]

It creates (drops first) and migrates its own database, refusing a name that lacks "bench"; writes N due
reminder rows (one per upcoming session, bulk_create); runs a local SMTP sink (aiosmtpd, in this process,
counting messages); then for each worker count starts that many `celery -A config worker --pool=prefork
--concurrency=1` processes on a queue of its own, waits until they answer a ping, runs the sweep (claim
every due row with SKIP LOCKED, queue one `reminders_send(ids)` task per OUTBOX_BATCH_SIZE rows, as the beat
task does) and times from the sweep's start to the last message the sink received. Each run checks that every row is
`sent` and that every Message-ID arrived exactly once, then the rows are put back to pending for the next.
Figures and what they mean: docs/PERFORMANCE.md, "Reminder delivery" and "issue 17: reminders in batches".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from bench.planner import Databases, check_target
from bench.planner import machine as planner_machine

DEFAULT_REMINDERS = 10_000
DEFAULT_WORKERS = (1, 2, 4)


def _say(message: str) -> None:
    print(message, flush=True)


def parse_counts(text: str) -> list[int]:
    counts = [int(x) for x in text.split(",") if x.strip()]
    if not counts or any(c < 1 or c > 16 for c in counts):
        raise argparse.ArgumentTypeError("worker counts between 1 and 16, e.g. 1,2,4")
    return counts


def reset_rows() -> None:
    """Every row due again, as if never sent (same ids, so the same Message-IDs)."""
    from django.db.models import F

    from bookings.models import EmailStatus, PatientEmail

    PatientEmail.objects.update(
        status=EmailStatus.PENDING, attempts=0, claimed_at=None, sent_at=None, message_id="", last_error="",
        send_after=F("due_at"),
    )


def run(workers: int, *, n: int, ids: set[int], sink, broker_url: str, database_url: str, log_dir: Path) -> dict:
    from bookings.models import EmailStatus, PatientEmail
    from notifications import services
    from tests.notifications.delivery import CeleryWorkers, enqueue, forget_queue, wait_while_progressing

    reset_rows()
    sink.clear()
    queue = f"bench-reminders-{uuid.uuid4().hex[:8]}"
    pool = CeleryWorkers(queue=queue, broker_url=broker_url, email_url=sink.url, database_url=database_url,
                         log_dir=log_dir)
    try:
        pool.start(workers)
        started = time.monotonic()
        claimed = 0
        while True:  # the beat claims at most REMINDER_SWEEP_LIMIT per run; the bench sweeps until done
            batch = services.emails_claim_due(limit=n)
            if not batch:
                break
            claimed += len(batch)
            enqueue(batch, queue=queue, broker_url=broker_url)
        swept = time.monotonic()
        received = sink.wait_for(n)
        last = max(m.at for m in received)
        wait_while_progressing(lambda: not PatientEmail.objects.filter(status=EmailStatus.SENDING).exists(),
                               what="every row recorded")
        time.sleep(1)  # a duplicate would arrive now
    finally:
        pool.stop_all()
        forget_queue(broker_url, queue)
    received = sink.snapshot()
    by_id = Counter(m.message_id for m in received)
    statuses = Counter(PatientEmail.objects.values_list("status", flat=True))
    recorded = dict(PatientEmail.objects.values_list("pk", "message_id"))
    elapsed = last - started
    return {
        "workers": workers,
        "reminders": n,
        "claimed": claimed,
        "sweep_seconds": round(swept - started, 2),
        "seconds": round(elapsed, 2),
        "per_second": round(n / elapsed, 1),
        "messages": len(received),
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "duplicate_message_ids": sum(c - 1 for c in by_id.values() if c > 1),
        "statuses": dict(statuses),
        "exactly_once": (
            len(received) == n and len(by_id) == n and statuses == {EmailStatus.SENT: n}
            and {m.reminder_id for m in received} == ids
            and all(recorded[m.reminder_id] == m.message_id for m in received)
        ),
    }


def machine() -> dict:
    """The planner benchmark's description of the machine, with the load average at the start."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {**planner_machine(), "loadavg_at_start": [round(x, 2) for x in load] if load else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=DEFAULT_REMINDERS, help="due reminder rows")
    parser.add_argument("--workers", type=parse_counts, default=list(DEFAULT_WORKERS),
                        help="worker process counts to measure, e.g. 1,2,4")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13",
                        help="the broker (each run uses a queue of its own on it)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)

    base = check_target(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query log kept in memory
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["REDIS_URL"] = args.redis
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"Refusing to run on {connection.vendor}: the benchmark runs on PostgreSQL only.")

    from tests.notifications.delivery import SmtpSink, bulk_due_reminders, database_url

    dbs = Databases(base)
    _say(f"Creating database {base} afresh and migrating it")
    dbs.drop(base)
    dbs.create(base)
    dbs.use(base)
    dbs.migrate()
    started = time.monotonic()
    ids = set(bulk_due_reminders(args.reminders, patients=max(1, args.reminders // 500)))
    _say(f"  {len(ids):,} due reminders written in {time.monotonic() - started:.1f} s")
    info = machine()
    _say(f"  machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, Django {info['django']}, "
         f"PostgreSQL {info['postgresql']}, load average {info['loadavg_at_start']}")

    results = []
    with SmtpSink(keep_content=False) as sink, tempfile.TemporaryDirectory(prefix="bench-reminders-") as logs:
        for workers in args.workers:
            _say(f"== {workers} worker process(es)")
            result = run(workers, n=args.reminders, ids=ids, sink=sink, broker_url=args.redis,
                         database_url=database_url(connection.settings_dict), log_dir=Path(logs))
            results.append(result)
            _say(f"  {result['per_second']:.0f} reminders/s: {result['messages']:,} messages in {result['seconds']:.1f} s "
                 f"(sweep {result['sweep_seconds']:.1f} s); every row sent exactly once: "
                 f"{'yes' if result['exactly_once'] else 'NO'} (duplicates {result['duplicate_message_ids']}, "
                 f"statuses {result['statuses']}); load average after {result['loadavg_after']}")
    connection.close()

    _say("\n| worker processes | reminders | seconds | reminders/s | exactly once |")
    _say("|---|---|---|---|---|")
    for r in results:
        _say(f"| {r['workers']} | {r['reminders']:,} | {r['seconds']:.1f} | {r['per_second']:.0f} | "
             f"{'yes' if r['exactly_once'] else 'NO'} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "results": results}, f, indent=2)
    return 0 if all(r["exactly_once"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
