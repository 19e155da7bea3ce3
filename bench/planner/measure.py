"""Measuring the selectors: wall time, SQL time and queries per call of proposals, day availability and one
session's options."""

from __future__ import annotations

import math
import os
import random
import statistics
import time as clock
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.planner.clinic import COURSE_DAYS, TZ, WINDOW_DAYS, window_days


class QueryCounter:
    """connection.execute_wrapper: counts the queries of a call and the time spent in them."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.seconds = 0.0
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = clock.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = clock.perf_counter() - started
            self.count += 1
            self.seconds += took
            self.queries.append((sql, took))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Series:
    """What one kind of call measured: wall times (ms), SQL time (ms) and queries per call, outcomes."""

    ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    sql: dict = field(default_factory=lambda: defaultdict(list))  # statement start -> ms per execution
    extra: dict = field(default_factory=lambda: defaultdict(list))

    def summary(self) -> dict:
        if not self.ms:
            return {}
        return {
            "calls": len(self.ms),
            "p50_ms": statistics.median(self.ms), "p95_ms": percentile(self.ms, 95), "max_ms": max(self.ms),
            "mean_ms": statistics.fmean(self.ms),
            "sql_p50_ms": statistics.median(self.sql_ms), "sql_p95_ms": percentile(self.sql_ms, 95),
            "queries_min": min(self.queries), "queries_max": max(self.queries),
            "outcomes": dict(self.outcomes),
            "slowest_sql": sorted(
                ({"sql": k, "mean_ms": statistics.fmean(v), "max_ms": max(v), "runs": len(v)} for k, v in self.sql.items()),
                key=lambda d: -d["mean_ms"] * d["runs"],
            )[:3],
            **{k: statistics.fmean(v) for k, v in self.extra.items() if v},
        }


def _timed(counter: QueryCounter, series: Series | None, call):
    """Run `call`, recording its wall time, queries and SQL time into `series` (None: warm-up)."""
    counter.reset()
    started = clock.perf_counter()
    try:
        result, error = call(), None
    except Exception as exc:  # an ApplicationError is an answer too; anything else is counted and shown
        result, error = None, exc
    took = (clock.perf_counter() - started) * 1000
    if series is not None:
        series.ms.append(took)
        series.sql_ms.append(counter.seconds * 1000)
        series.queries.append(counter.count)
        for sql, seconds in counter.queries:
            series.sql[" ".join(sql.split())[:160]].append(seconds * 1000)
    return result, error


def measure(clinic_id: int, today: date, calls: int, warmup: int, seed: int, nofit_calls: int,
            options_calls: int = 0, options_counts: tuple[int, ...] = ()) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bookings import selectors
    from bookings.models import UPCOMING_STATUSES, InfusionSession, Patient
    from common.errors import ApplicationError
    from scheduler.models import Clinic, Closure, Protocol

    cycle_proposal = getattr(selectors, "cycle_proposal", None)
    day_availability = getattr(selectors, "day_availability", None)
    if cycle_proposal is None or day_availability is None:
        return {"missing": [n for n, f in (("cycle_proposal", cycle_proposal), ("day_availability", day_availability))
                            if f is None]}
    clinic = Clinic.objects.get(pk=clinic_id)
    protocol = Protocol.objects.get(clinic=None, slug="depression-iv")
    # Six PTSD sessions >= 40 h apart within 14 days cannot all fall on Mondays and Tuesdays: every such call
    # takes the slow road (search, explanation, the look three months further on) and must answer no_feasible_series.
    nofit_protocol = Protocol.objects.get(clinic=None, slug="ptsd-iv")
    patients = list(Patient.objects.filter(clinic=clinic).order_by("pk"))
    first, last = window_days(today)
    closed = {c.starts_at.astimezone(TZ).date() for c in Closure.objects.filter(clinic=clinic)}
    open_days = [d for d in (first + timedelta(i) for i in range(WINDOW_DAYS)) if d.weekday() < 5 and d not in closed]
    rng = random.Random(seed)
    proposal, availability, nofit = Series(), Series(), Series()
    session_options = getattr(selectors, "session_options", None)
    if session_options is None:  # older code measured back to back: proposals and availability still run
        options_counts = ()
    options = {count: Series() for count in options_counts}
    # The sessions whose options are asked for: drawn once (from their own generator, so the proposals' and
    # availability's draws stay those of earlier runs), each asked with every count.
    upcoming = list(InfusionSession.objects.filter(
        clinic=clinic, status__in=UPCOMING_STATUSES, starts_at__gt=timezone.now(),
    ).order_by("pk").values_list("pk", flat=True)) if options else []
    options_rng = random.Random(seed + 1)
    options_sessions = options_rng.sample(upcoming, min(options_calls, len(upcoming))) if upcoming else []
    counter = QueryCounter()

    def one_proposal(series: Series | None, nofit_case: bool = False):
        patient = rng.choice(patients)
        earliest = first + timedelta(days=rng.randrange(WINDOW_DAYS - COURSE_DAYS))
        if nofit_case:
            result, error = _timed(counter, series, lambda: cycle_proposal(
                patient=patient, protocol=nofit_protocol, clinic=clinic, earliest_date=earliest,
                weekdays=frozenset({0, 1})))
        else:
            result, error = _timed(counter, series, lambda: cycle_proposal(
                patient=patient, protocol=protocol, clinic=clinic, earliest_date=earliest))
        if series is None:
            return
        if error is None:
            series.outcomes["series"] += 1
            start = result.sessions[0].start.astimezone(TZ).date()
            series.extra["days_to_first"].append((start - earliest).days)
            span = (result.sessions[-1].start.astimezone(TZ).date() - start).days + 1
            series.extra["span_days"].append(span)
            series.extra["alternatives"].append(len(result.alternatives))
        elif isinstance(error, ApplicationError):
            series.outcomes[error.code] += 1
            if error.code == "no_feasible_series":
                series.outcomes[f"reason:{error.details.get('reason')}"] += 1
        else:
            series.outcomes[f"error:{type(error).__name__}: {error}"[:200]] += 1

    def one_availability(series: Series | None):
        day = rng.choice(open_days)
        result, error = _timed(counter, series, lambda: day_availability(clinic=clinic, protocol=protocol, day=day))
        if series is None:
            return
        if error is None:
            series.outcomes["answered"] += 1
            series.extra["slots"].append(len(result))
            series.extra["free_chairs_per_slot"].append(
                statistics.fmean(len(s.chair_ids) for s in result) if result else 0.0)
        elif isinstance(error, ApplicationError):
            series.outcomes[error.code] += 1
        else:
            series.outcomes[f"error:{type(error).__name__}: {error}"[:200]] += 1

    def one_options(series: Series | None, pk: int, count: int):
        # Read as the API view reads it (clinic and protocol joined), outside the timed call like the view's own
        # query: the selector's queries are what is counted.
        assert session_options is not None  # no options are asked for without it
        session = InfusionSession.objects.select_related("clinic", "cycle__protocol").get(pk=pk)
        result, error = _timed(counter, series, lambda: session_options(session=session, count=count))
        if series is None:
            return
        if error is None:
            series.outcomes["answered" if result else "empty"] += 1
            series.extra["options"].append(len(result))
        elif isinstance(error, ApplicationError):
            series.outcomes[error.code] += 1
        else:
            series.outcomes[f"error:{type(error).__name__}: {error}"[:200]] += 1

    load_before = os.getloadavg()[0]
    with connection.execute_wrapper(counter):
        for _ in range(warmup):
            one_proposal(None)
            one_availability(None)
            for count in options if options_sessions else ():
                one_options(None, options_rng.choice(upcoming), count)
        # Interleaved, so drift on the machine hits every kind alike.
        for i in range(max(calls, len(options_sessions))):
            if i < calls:
                one_proposal(proposal)
                one_availability(availability)
                if i < nofit_calls:
                    one_proposal(nofit, nofit_case=True)
            if i < len(options_sessions):
                for count, series in options.items():
                    one_options(series, options_sessions[i], count)
    # Other work on the machine shows here: on 2 cores a load above ~1 before the run means shared CPUs.
    return {"proposal": proposal.summary(), "availability": availability.summary(), "nofit": nofit.summary(),
            "options": [{"count": count, "upcoming": len(upcoming), **series.summary()}
                        for count, series in options.items() if series.ms],
            "options_missing": session_options is None,
            "load_before": load_before, "load_after": os.getloadavg()[0]}
