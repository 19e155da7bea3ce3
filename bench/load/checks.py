"""After a stage: nothing double-booked (checked by query, beside the database's own exclusion constraints), the
nurse rules kept, and no 5xx or worker crash in gunicorn's log."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bench.planner.checks import SQL_CHECKS

#: The checks of bench.planner that a race could break: overlaps on a chair or for a patient (what the exclusion
#: constraints forbid), a nurse over capacity, starts closer than the stagger (what the booking locks guard).
CHECKS = ("chair_overlaps", "patient_overlaps", "nurse_over_capacity", "stagger_breaches")
ACCESS_STATUS = re.compile(r'" (\d{3}) ')
#: gunicorn.conf.py's access line ends with %(L)s, the seconds the worker spent on the request: no queue in it.
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) .* (?P<seconds>\d+\.\d+)$')
#: (method, path) -> the locustfile's request name; the log has paths without their query strings.
ENDPOINTS = [
    ("GET", r"/", "page: day board"),
    ("GET", r"/patients/", "page: patient search"),
    ("GET", r"/patients/\d+/", "page: patient"),
    ("GET", r"/sessions/\d+/", "page: session panel"),
    ("GET", r"/sessions/\d+/options/", "page: slot grid"),
    ("POST", r"/sessions/\d+/move/", "page: move (POST)"),
    ("GET", r"/api/v1/sessions/", "api: sessions of a day"),
    ("GET", r"/api/v1/patients/", "api: patient search"),
    ("GET", r"/api/v1/cycles/", "api: courses"),
    ("POST", r"/api/v1/cycles/proposals/", "api: proposal"),
    ("POST", r"/api/v1/cycles/", "api: book a course"),
    ("GET", r"/api/v1/sessions/\d+/options/", "api: session options"),
    ("POST", r"/api/v1/sessions/\d+/reschedule/", "api: move"),
    ("POST", r"/api/v1/sessions/\d+/cancel/", "api: cancel"),
]
_ENDPOINTS = [(method, re.compile(f"{pattern}$"), name) for method, pattern, name in ENDPOINTS]


def endpoint(method: str, path: str) -> str:
    return next((name for m, pattern, name in _ENDPOINTS if m == method and pattern.match(path)), "other")


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def server_times(lines: list[str]) -> dict:
    """Per request name: how long the worker spent on it (p50, p95, p99 in ms), from the access log's lines."""
    seconds: dict[str, list[float]] = {}
    for line in lines:
        found = ACCESS_LINE.search(line)
        if found:
            seconds.setdefault(endpoint(found["method"], found["path"]), []).append(float(found["seconds"]))
    return {name: {"requests": len(values), **{f"p{p}": round(1000 * (percentile(values, p) or 0), 1) for p in (50, 95, 99)}}
            for name, values in sorted(seconds.items())}
WORKER_TROUBLE = re.compile(r"Traceback|WORKER TIMEOUT|\[ERROR\]|Worker .* was sent|deadlock", re.IGNORECASE)


def double_bookings() -> dict:
    """The overlaps found by query, and the exclusion constraints the table has, with the statuses they cover."""
    from django.db import connection

    from bookings.models import OCCUPYING_STATUSES

    occupying = sorted(OCCUPYING_STATUSES)
    out: dict = {}
    with connection.cursor() as cursor:
        for name in CHECKS:
            cursor.execute(SQL_CHECKS[name], {"occ": occupying})
            out[name] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'bookings_infusionsession'::regclass AND contype = 'x' ORDER BY conname"
        )
        constraints = {name: sorted(set(re.findall(r"'([a-z_]+)'::", definition))) for name, definition in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM bookings_infusionsession WHERE status = ANY(%s)", [occupying])
        out["occupying_sessions"] = cursor.fetchone()[0]
    out["exclusion_constraints"] = constraints
    # The query counts with the statuses the constraints cover: the two must agree, or one of them checks the wrong rows.
    out["constraint_statuses_match"] = bool(constraints) and all(v == occupying for v in constraints.values())
    out["double_booked"] = out["chair_overlaps"] + out["patient_overlaps"]
    return out


def server_log(path: Path, start: int = 0) -> tuple[dict, int]:
    """Statuses in the access log from byte `start` on, and the lines of worker trouble; with the new end."""
    statuses: Counter[str] = Counter()
    trouble: list[str] = []
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read()
    lines = data.decode(errors="replace").splitlines()
    for line in lines:
        found = ACCESS_STATUS.search(line)
        if found and " HTTP/" in line:
            statuses[found.group(1)] += 1
        elif WORKER_TROUBLE.search(line):
            trouble.append(line[:300])
    five = sum(n for s, n in statuses.items() if s.startswith("5"))
    return {"statuses": dict(sorted(statuses.items())), "5xx": five, "worker_ms": server_times(lines), "trouble": trouble[:20],
            "trouble_lines": len(trouble)}, start + len(data)
