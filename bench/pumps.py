"""Pump episodes (issue 16): how long the desk waits for an episode proposal and a booking as a clinic's pump
history grows, and how many queries each takes (which must not grow with the rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python -m bench.pumps --episodes 100,1000,5000

For each size it makes a fresh database `<base>_pumps_<size>` from the planner bench's migrated template (the same
guard: a database whose name holds "bench"), loads one clinic (Mon–Fri 08:00–18:00, 12 chairs, 6 nurses, the given
pumps) whose pumps carry `size` episodes back to back (returned in the past, booked ahead: the pumps are out for the
next weeks), a 5-day protocol, and measures, with a new patient each call: `episode_proposals` from today (the
search must walk past the booked weeks), the same from a day past the bookings, and `episode_book` of the first
proposal (rolled back after each call, so every call meets the same data). Prints p50/p95 in ms, the SQL's share and
the queries per call; `--json` writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, date, datetime, time, timedelta


def _build(size: int, pumps: int, today: date) -> dict:
    """The clinic and its pump history, in bulk (no rule checked: episodes laid end to end per pump)."""
    from zoneinfo import ZoneInfo

    from bookings.models import Patient
    from pumps.models import Episode, EpisodeStatus, EpisodeVisit, Pump, PumpCourse, PumpProtocol, VisitKind
    from scheduler.models import Chair, Clinic, OpeningHours, Shift, StaffMember, StaffRole

    tz = ZoneInfo("America/New_York")
    clinic = Clinic.objects.create(name="Bench pumps", slug="bench-pumps", timezone=tz.key, start_stagger_minutes=15)
    OpeningHours.objects.bulk_create(OpeningHours(clinic=clinic, weekday=d, opens=time(8), closes=time(18)) for d in range(5))
    chairs = Chair.objects.bulk_create(Chair(clinic=clinic, name=f"Chair {i}") for i in range(1, 13))
    nurses = [StaffMember.objects.create(clinic=clinic, first_name=f"N{i}", last_name="Nurse", role=StaffRole.NURSE)
              for i in range(6)]
    Shift.objects.bulk_create(Shift(staff=n, weekday=d, starts=time(8), ends=time(18)) for n in nurses for d in range(5))
    protocol = PumpProtocol.objects.create(clinic=clinic, name="Bench pump", slug="bench-pump", episode_days=5,
                                           review_mode="phone")
    pump_rows = Pump.objects.bulk_create(Pump(clinic=clinic, label=f"Pump {i}", serial_number=f"B-{i}")
                                         for i in range(1, pumps + 1))
    per_pump = max(1, size // pumps)  # every pump as busy: all out until the same week (size rounded down)
    size = per_pump * pumps
    # Each pump: an episode every 7 days (Monday 09:00 to Saturday 10:00, the turnaround after), ending 3 weeks ahead.
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=per_pump - 3)
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, first_name=f"P{i}", last_name="Bench", date_of_birth=date(1970, 1, 1), timezone=tz.key)
        for i in range(size))
    courses = PumpCourse.objects.bulk_create(PumpCourse(clinic=clinic, patient=p, protocol=protocol) for p in patients)
    episodes, n, chair_of = [], 0, {}
    for p, pump in enumerate(pump_rows):
        chair_of[pump.pk] = chairs[p % len(chairs)]  # each pump's visits in its own chair: none collide
        for week in range(per_pump):
            fit = datetime.combine(first + timedelta(weeks=week), time(9), tz)
            removal = datetime.combine(first + timedelta(weeks=week, days=5), time(9), tz)
            past = removal < datetime.now(UTC)
            episodes.append(Episode(
                course=courses[n], clinic=clinic, patient=patients[n], pump=pump, number=1,
                status=EpisodeStatus.RETURNED if past else EpisodeStatus.BOOKED, starts_at=fit,
                ends_at=removal + timedelta(hours=1), pump_until=removal + timedelta(hours=5),
            ))
            n += 1
    episodes = Episode.objects.bulk_create(episodes)
    visits = []
    for i, e in enumerate(episodes):
        local = e.starts_at.astimezone(tz)
        for day in range(6):
            at = datetime.combine(local.date() + timedelta(days=day), time(9), tz)
            kind = VisitKind.FITTING if day == 0 else VisitKind.REMOVAL if day == 5 else VisitKind.REVIEW
            visits.append(EpisodeVisit(
                episode=e, clinic=clinic, patient=e.patient, kind=kind, day=day,
                mode="visit" if kind != VisitKind.REVIEW else "phone", starts_at=at, ends_at=at + timedelta(hours=1),
                chair=chair_of[e.pump_id] if kind != VisitKind.REVIEW else None, nurse=nurses[i % 6],
                status="done" if e.status == EpisodeStatus.RETURNED else "planned",
            ))
    EpisodeVisit.objects.bulk_create(visits, batch_size=5000)
    return {"clinic": clinic, "protocol": protocol, "tz": tz, "free_from": monday + timedelta(weeks=3), "stored": size}


def _measure(world: dict, calls: int) -> dict:
    from django.db import connection, transaction

    from bench.planner.measure import QueryCounter, Series, _timed
    from bookings.models import Patient
    from pumps.selectors.proposals import episode_proposals
    from pumps.services.booking import episode_book

    clinic, protocol = world["clinic"], world["protocol"]
    series = {"proposal from today": Series(), "proposal from a free week": Series(), "booking": Series()}
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for i in range(calls + 3):
            patient = Patient.objects.create(clinic=clinic, first_name=f"New{i}", last_name="Bench",
                                             date_of_birth=date(1980, 1, 1), timezone=clinic.timezone)
            warm = i < 3
            found, error = _timed(counter, None if warm else series["proposal from today"],
                                  lambda p=patient: episode_proposals(clinic=clinic, patient=p, protocol=protocol))
            _timed(counter, None if warm else series["proposal from a free week"],
                   lambda p=patient: episode_proposals(clinic=clinic, patient=p, protocol=protocol,
                                                       earliest=world["free_from"]))
            if error is None and found.episodes:
                first = found.episodes[0]
                if not warm:
                    series["proposal from today"].outcomes[f"{(first.starts_at.date() - date.today()).days // 7} weeks out"] += 1

                def book(p=patient, e=first):
                    with transaction.atomic():
                        episode_book(clinic=clinic, patient=p, protocol=protocol, fitting_start=e.starts_at, by=None)
                        transaction.set_rollback(True)

                _, failed = _timed(counter, None if warm else series["booking"], book)
                if failed is not None and not warm:
                    series["booking"].outcomes[type(failed).__name__] += 1
    return {name: s.summary() for name, s in series.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pumps", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--episodes", default="100,1000,5000", help="stored episodes per database, e.g. 100,1000,5000")
    parser.add_argument("--pumps", type=int, default=6)
    parser.add_argument("--calls", type=int, default=40, help="measured calls of each, per size")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.episodes.split(",")]

    from bench.planner.database import check_target

    base = check_target(os.environ.get("DATABASE_URL"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from bench.planner.database import Databases
    from bench.planner.report import code_state, machine

    databases = Databases(base)
    databases.prepare_base()
    results = []
    for size in sizes:
        name = f"{base}_pumps_{size}"
        databases.fresh(name)
        world = _build(size, args.pumps, date.today())
        figures = _measure(world, args.calls)
        databases.use(base)
        databases.drop(name)
        size = world["stored"]
        results.append({"episodes": size, "pumps": args.pumps, **figures})
        for what, f in figures.items():
            print(f"{size:>6} episodes  {what:<26} p50 {f['p50_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms  "
                  f"SQL p95 {f['sql_p95_ms']:6.1f} ms  queries {f['queries_min']}-{f['queries_max']}  "
                  f"{f['outcomes'] or ''}", flush=True)
    info = {**machine(), "code": code_state()}
    print(f"machine: {info.get('nproc')} cores, Python {info.get('python')}, PostgreSQL {info.get('postgresql')}; "
          f"code: {info['code']}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"info": info, "results": results}, out, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
