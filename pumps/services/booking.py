"""Booking an episode: all its visits or nothing, checked under the same per-day locks as infusion bookings.

One transaction: the course row (when given), then the advisory locks of every clinic-local day the episode
touches (bookings.services.locks.lock_days: infusion bookings and episode bookings of those days serialise), then
the episode check (scheduler.planning.pumps.episode_check) against what is stored, then the rows and their audit
entries. A race the locks do not cover (a patient booked at two clinics at once) is caught by the exclusion
constraints and answered as a 409, never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audit import records as audit
from bookings.models import Patient
from bookings.services.locks import lock_days
from common.metrics import booking_counted, conflicts_counted
from pumps import error_codes as codes
from pumps import outbox
from pumps.errors import PumpError
from pumps.models import (
    Episode,
    EpisodeVisit,
    Pump,
    PumpCourse,
    PumpCourseStatus,
    PumpProtocol,
)
from pumps.selectors.planning import course_booked, course_gap, course_next_number, planning_load, turnaround_of
from scheduler import error_codes as rule_codes
from scheduler import planning
from scheduler.models import Chair, Clinic, StaffMember
from scheduler.planning import pumps as planned

COURSE_AUDIT_FIELDS = ("clinic", "patient", "protocol", "status")
EPISODE_AUDIT_FIELDS = ("course", "clinic", "patient", "pump", "number", "status", "starts_at", "ends_at", "pump_until")
VISIT_AUDIT_FIELDS = ("episode", "kind", "mode", "day", "starts_at", "ends_at", "chair", "nurse", "status")

# The constraints behind the checks, and what losing to one means.
_CONSTRAINT_CODES = {
    "episode_no_pump_overlap": (codes.PUMP_UNAVAILABLE, "That pump was booked for another episode a moment ago."),
    "episode_no_patient_overlap": (codes.PATIENT_IN_EPISODE, "The patient was booked into another episode a moment ago."),
    "pump_visit_no_chair_overlap": (rule_codes.CHAIR_CONFLICT, "That chair was taken by another booking a moment ago."),
    "episode_one_per_number": (codes.BUSY, "That episode of the course was booked a moment ago; please try again."),
}


def _race_error(exc: IntegrityError) -> PumpError:
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if name is None:  # SQLite names no constraint; its writers are serialised, so only a unique number is left
        text = str(exc)
        name = next((n for n in _CONSTRAINT_CODES if n in text), None)
    if name not in _CONSTRAINT_CODES:
        raise exc
    code, message = _CONSTRAINT_CODES[name]
    return PumpError(code, message, details={"constraint": name})


def _busy_error(exc: OperationalError) -> PumpError:
    sqlstate = getattr(getattr(exc.__cause__, "diag", None), "sqlstate", None)
    if sqlstate in ("40P01", "40001", "55P03") or "database is locked" in str(exc):
        return PumpError(codes.BUSY, "Another booking was being saved at the same moment; please try again.")
    raise exc


def _refuse(violation: planning.Violation) -> PumpError:
    return PumpError(violation.code, violation.message, details=dict(violation.details))


def _static_checks(*, clinic: Clinic, patient: Patient, protocol: PumpProtocol, pump: Pump | None,
                   course: PumpCourse | None, choices) -> None:
    """What needs no lock: the clinic takes bookings, the protocol is offered there, the pump and course fit."""
    if not clinic.is_active:
        raise PumpError(codes.CLINIC_INACTIVE, "This clinic is not taking bookings.")
    if not protocol.is_active or protocol.clinic_id not in (None, clinic.pk):
        raise PumpError(codes.PROTOCOL_UNAVAILABLE, "That pump protocol is not offered at this clinic.",
                        details={"protocol": protocol.pk})
    if pump is not None and pump.clinic_id != clinic.pk:
        raise PumpError(codes.WRONG_CLINIC, "That pump belongs to another clinic.", details={"pump": pump.pk})
    if course is not None and (course.patient_id != patient.pk or course.protocol_id != protocol.pk
                               or course.clinic_id != clinic.pk):
        raise PumpError(codes.WRONG_COURSE, "That course is another patient's, protocol's or clinic's.",
                        details={"course": course.pk})
    chair_ids = {c for c, _ in (choices or {}).values() if c is not None}
    nurse_ids = {n for _, n in (choices or {}).values() if n is not None}
    if chair_ids and Chair.objects.filter(pk__in=chair_ids, clinic=clinic).count() != len(chair_ids):
        raise PumpError(codes.WRONG_CLINIC, "A chair asked for belongs to another clinic.", details={"chairs": sorted(chair_ids)})
    if nurse_ids and StaffMember.objects.filter(pk__in=nurse_ids, clinic=clinic).count() != len(nurse_ids):
        raise PumpError(codes.WRONG_CLINIC, "A nurse asked for works at another clinic.", details={"nurses": sorted(nurse_ids)})


def _days_touched(start: dt.datetime, until: dt.datetime, tz) -> list[dt.datetime]:
    """An instant on every clinic-local day from `start` to `until` (lock_days takes instants)."""
    instants = [start, until]
    at = start
    while at < until:
        at += dt.timedelta(hours=12)
        instants.append(min(at, until))
    return instants


@conflicts_counted()
def episode_book(
    *,
    clinic: Clinic,
    patient: Patient,
    protocol: PumpProtocol,
    fitting_start: dt.datetime,
    pump: Pump | None = None,
    choices: Mapping[int, tuple[int | None, int | None]] | None = None,
    course: PumpCourse | None = None,
    by,
) -> Episode:
    """Book one episode (the fitting at `fitting_start`, a review a day, the removal) on `pump` (None: the first
    pump free for it), in `course` (None: a new course) as its next episode. `choices` maps a visit's day to its
    (chair id, nurse id), None for "the rules choose". All or nothing; refusals are PumpErrors."""
    _static_checks(clinic=clinic, patient=patient, protocol=protocol, pump=pump, course=course, choices=choices)
    start = planning.localize(fitting_start, clinic.tz).astimezone(dt.UTC)  # a naive time: clinic time
    now = timezone.now()
    try:
        with transaction.atomic():
            if course is not None:
                course = PumpCourse.objects.select_for_update().get(pk=course.pk)
                if course.status in (PumpCourseStatus.CANCELLED, PumpCourseStatus.COMPLETED):
                    raise PumpError(codes.COURSE_ENDED, "This course has ended.", details={"course": course.pk})
                if course_booked(course) >= protocol.episodes_per_course:
                    raise PumpError(codes.COURSE_FULL,
                                    f"Every episode of this course ({protocol.episodes_per_course}) is booked.",
                                    details={"course": course.pk, "episodes_per_course": protocol.episodes_per_course})
            episode = _book_locked(clinic=clinic, patient=patient, protocol=protocol, start=start, pump=pump,
                                   choices=choices, course=course, by=by, now=now)
            # What the patient is told, written in this transaction (pumps.outbox): sent after the commit.
            outbox.episode_booked_emails(episode=episode, now=now)
            booking_counted(kind="pump_episode", sessions=0)  # its visits are pump visits, not infusion sessions
    except IntegrityError as exc:
        raise _race_error(exc) from None
    except OperationalError as exc:
        raise _busy_error(exc) from None
    return episode


def _book_locked(*, clinic: Clinic, patient: Patient, protocol: PumpProtocol, start: dt.datetime, pump: Pump | None,
                 choices, course: PumpCourse | None, by, now: dt.datetime) -> Episode:
    day = start.astimezone(clinic.tz).date()
    # The days the episode touches: from the fitting to the pump's return (what the day locks serialise).
    until = start + dt.timedelta(days=protocol.episode_days + 1) + turnaround_of(clinic)
    lock_days(clinic, _days_touched(start, until, clinic.tz))
    # Read under the locks: what another booking committed while this one waited counts.
    loaded = planning_load(clinic=clinic, patient_id=patient.pk, protocol=protocol, first=day, last=day, now=now,
                           pump_ids=[pump.pk] if pump is not None else None)
    gap = course_gap(course, protocol)
    first_refusal: planning.Violation | None = None
    chosen: planned.EpisodeCheck | None = None
    chosen_pump: planned.Pump | None = None
    for candidate in loaded.pumps:
        check = planned.episode_check(
            spec=loaded.spec, clinic=loaded.clinic, pump=candidate, patient_id=patient.pk, fitting_start=start,
            choices=choices, now=now, gap=gap,
        )
        if check.ok:
            chosen, chosen_pump = check, candidate
            break
        violation = check.violations[0]
        about_pump = violation.code in (codes.PUMP_UNAVAILABLE, codes.PUMP_IN_MAINTENANCE, codes.PUMP_RETIRED)
        if first_refusal is None or (not about_pump and first_refusal.code in (
                codes.PUMP_UNAVAILABLE, codes.PUMP_IN_MAINTENANCE, codes.PUMP_RETIRED)):
            first_refusal = violation
        if not about_pump:
            break  # not about the pump: another pump fares no better
    if chosen is None or chosen_pump is None:
        if first_refusal is None:
            raise PumpError(codes.NO_PUMP, "The clinic has no pump in service.")
        if pump is None and first_refusal.code in (codes.PUMP_UNAVAILABLE, codes.PUMP_IN_MAINTENANCE):
            raise PumpError(codes.PUMP_UNAVAILABLE, "No pump is free for this episode.",
                            details={"pumps": [p.id for p in loaded.pumps]})
        raise _refuse(first_refusal)
    planned_episode = chosen.planned(chosen_pump.id)

    new_course = course is None
    if course is None:
        course = PumpCourse.objects.create(clinic=clinic, patient=patient, protocol=protocol, created_by=by)
    number = course_next_number(course)
    episode = Episode.objects.create(
        course=course, clinic=clinic, patient=patient, pump_id=chosen_pump.id, number=number,
        starts_at=planned_episode.start, ends_at=planned_episode.end, pump_until=planned_episode.pump_until,
        booked_by=by,
    )
    visits = EpisodeVisit.objects.bulk_create(
        EpisodeVisit(
            episode=episode, clinic=clinic, patient=patient, kind=v.kind, mode=v.mode, day=v.day,
            starts_at=v.start, ends_at=v.end, chair_id=v.chair_id, nurse_id=v.nurse_id,
        )
        for v in planned_episode.visits
    )
    def entry(row, fields):
        return audit.entry(row, audit.CREATE, changes=audit.created(row, fields), patient_id=patient.pk,
                           clinic_id=clinic.pk, actor=by)

    audit.record_many(
        ([entry(course, COURSE_AUDIT_FIELDS)] if new_course else [])
        + [entry(episode, EPISODE_AUDIT_FIELDS)]
        + [entry(v, VISIT_AUDIT_FIELDS) for v in visits]
    )
    return episode
