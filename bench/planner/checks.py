"""Checking what was built: counts, chair use, and every rule the builder promised, on the stored rows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bench.planner.clinic import CHAIRS, DAY_MINUTES, OCCUPYING, WINDOW_DAYS, window_days
from bench.planner.database import _midnight

#: Each counts the rows that break a promise of the builder, over every clinic and all of history.
SQL_CHECKS = {
    "chair_overlaps": """
        SELECT count(*) FROM bookings_infusionsession a JOIN bookings_infusionsession b
          ON b.chair_id = a.chair_id AND b.id > a.id AND b.status = ANY(%(occ)s)
         AND b.starts_at > a.starts_at - interval '1 day' AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
        WHERE a.status = ANY(%(occ)s)""",
    "patient_overlaps": """
        SELECT count(*) FROM bookings_infusionsession a JOIN bookings_infusionsession b
          ON b.patient_id = a.patient_id AND b.id > a.id AND b.status = ANY(%(occ)s)
         AND b.starts_at > a.starts_at - interval '1 day' AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
        WHERE a.status = ANY(%(occ)s)""",
    # The most patients a nurse watches at once is reached at some session's start.
    "nurse_over_capacity": """
        SELECT count(*) FROM bookings_infusionsession a JOIN scheduler_clinic c ON c.id = a.clinic_id
        WHERE a.status = ANY(%(occ)s) AND (
            SELECT count(*) FROM bookings_infusionsession b
            WHERE b.nurse_id = a.nurse_id AND b.status = ANY(%(occ)s) AND b.starts_at <= a.starts_at
              AND b.starts_at > a.starts_at - interval '1 day' AND b.ends_at > a.starts_at
        ) > c.nurse_max_concurrent""",
    # Consecutive starts of one nurse closer than the stagger.
    "stagger_breaches": """
        SELECT count(*) FROM (
            SELECT s.starts_at - lag(s.starts_at) OVER (PARTITION BY s.nurse_id ORDER BY s.starts_at) AS gap,
                   c.start_stagger_minutes AS stagger
            FROM bookings_infusionsession s JOIN scheduler_clinic c ON c.id = s.clinic_id
            WHERE s.status = ANY(%(occ)s)
        ) starts WHERE gap < make_interval(mins => stagger)""",
    "sequence_duplicates": """
        SELECT count(*) FROM (SELECT cycle_id, sequence FROM bookings_infusionsession
        WHERE status = ANY(%(occ)s) GROUP BY 1, 2 HAVING count(*) > 1) d""",
}


def check_database(size: int, clinic_id: int, today: date, clinic_rows: dict[str, int]) -> dict:
    """Counts (in all, and per clinic against `clinic_rows`, the build's count per clinic slug), the window's chair
    use, and every rule the builder promised, checked on the stored rows."""
    from django.db import connection

    first, last = window_days(today)
    occupying = list(OCCUPYING)
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings_infusionsession")
        out["stored"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.slug, count(s.id) FROM scheduler_clinic c LEFT JOIN bookings_infusionsession s ON s.clinic_id = c.id"
            " WHERE c.slug LIKE 'bench%%' GROUP BY c.slug"
        )
        per_clinic = dict(cursor.fetchall())
        out.update(clinics=len(per_clinic), clinic_rows_min=min(per_clinic.values(), default=0),
                   clinic_rows_max=max(per_clinic.values(), default=0),
                   clinic_rows_differing=sum(1 for slug in per_clinic.keys() | clinic_rows.keys()
                                             if per_clinic.get(slug) != clinic_rows.get(slug)))
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'bookings_infusionsession'::regclass AND contype = 'x'"
        )
        out["exclusion_constraints"] = cursor.fetchone()[0]
        lo, hi = _midnight(first), _midnight(last + timedelta(days=1))
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = ANY(%s)),"
            " coalesce(sum(extract(epoch FROM ends_at - starts_at)) FILTER (WHERE status = ANY(%s)), 0) / 60"
            " FROM bookings_infusionsession WHERE clinic_id = %s AND starts_at >= %s AND starts_at < %s",
            [occupying, occupying, clinic_id, lo, hi],
        )
        window_rows, window_occupying, minutes = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM scheduler_closure WHERE clinic_id = %s AND starts_at < %s AND ends_at > %s",
            [clinic_id, hi, lo],
        )
        closed_days = cursor.fetchone()[0]
        open_days = sum(1 for i in range(WINDOW_DAYS) if (first + timedelta(i)).weekday() < 5) - closed_days
        out.update(window_rows=window_rows, window_occupying=window_occupying, window_open_days=open_days,
                   chair_use=float(minutes) / (CHAIRS * DAY_MINUTES * open_days))
        for name, sql in SQL_CHECKS.items():
            cursor.execute(sql, {"occ": occupying})
            out[name] = cursor.fetchone()[0]
    out["rule_violations"] = check_window_rules(clinic_id, first, last)
    problems = [k for k in ("chair_overlaps", "patient_overlaps", "nurse_over_capacity", "stagger_breaches",
                            "sequence_duplicates") if out[k]]
    if out["stored"] != size:
        problems.append(f"stored {out['stored']} != {size}")
    if out["clinic_rows_differing"]:
        problems.append(f"{out['clinic_rows_differing']} clinic(s) hold another count of sessions than was built")
    if out["exclusion_constraints"] < 2:
        problems.append("exclusion constraints missing")
    if isinstance(out["rule_violations"], dict) and out["rule_violations"]:
        problems.append("rule violations in the window")
    out["problems"] = problems
    return out


def check_window_rules(clinic_id: int, first: date, last: date) -> dict | str:
    """Every occupying session of the benchmark clinic's window, re-checked with scheduler.planning's rules
    (hours, closures, chair, patient, nurse shift and time off, capacity, stagger) against all the others."""
    try:
        from bookings.models import InfusionSession
        from bookings.selectors import occupancy_load
        from scheduler import planning
        from scheduler.models import Clinic
        from scheduler.selectors import clinic_calendar_load
    except ImportError as exc:  # the planning code is being worked on
        return f"not checked: {exc}"
    clinic = Clinic.objects.get(pk=clinic_id)
    lo, hi = _midnight(first - timedelta(days=1)), _midnight(last + timedelta(days=2))
    calendar = clinic_calendar_load(clinic=clinic, window_start=lo, window_end=hi)
    occupancy = occupancy_load(clinic_id=clinic_id, patient_id=None, window_start=lo, window_end=hi)
    found: Counter = Counter()
    rows = InfusionSession.objects.filter(clinic_id=clinic_id, status__in=OCCUPYING, starts_at__gte=_midnight(first),
                                          starts_at__lt=_midnight(last + timedelta(days=1)))
    for s in rows.values_list("pk", "starts_at", "ends_at", "patient_id", "chair_id", "nurse_id"):
        pk, start, end, patient, chair, nurse = s
        assignment = planning.place_session(
            planning.Placement(start, end, patient, chair_id=chair, nurse_id=nurse),
            rules=calendar.rules, chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy,
            exclude=frozenset({pk}),
        )
        for v in assignment.violations:
            found[v.code] += 1
    return dict(found)
