"""Writes of outcome measures: answers recorded (a correction is a new version), urgent flags raised and
acknowledged, a course review's decision. Each is atomic and audited; nothing here sends an email."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import records as audit
from bookings.models import MISSED_STATUSES, InfusionSession, SessionStatus, TreatmentCycle
from bookings.services.locks import lock_cycle, lock_session
from common.errors import ApplicationError, integrity_as_conflict
from outcomes import error_codes as codes
from outcomes import scoring, selectors
from outcomes.models import CourseReview, Decision, Measure, Source, UrgentFlag

MEASURE_AUDIT_FIELDS = ("session", "instrument", "instrument_code", "version", "answers", "total", "band", "source")
FLAG_AUDIT_FIELDS = ("measure", "session", "item", "raised_at")


def _refuse(code: str, message: str, **details) -> ApplicationError:
    return ApplicationError(code, message, details=details, status=codes.http_status(code))


def measure_record(
    *, session: InfusionSession, instrument_code: str, answers, source: str = Source.CLINICIAN, by=None
) -> selectors.MeasureRead:
    """Score and store a session's answers to one instrument; raise urgent flags at once.

    The instrument must be one the session's protocol asks for. Answers already given are kept: the new ones are
    the next version and the current one. Refused (409 `session_not_open`) for a cancelled or missed session, and
    for answers from the patient once the session has started.
    """
    instrument = selectors.instrument_get(code=instrument_code)
    definition = instrument.definition()
    try:
        scored = scoring.score(definition, answers)
    except scoring.AnswersInvalid as invalid:
        raise _refuse(invalid.code, invalid.message, **invalid.details) from None
    now = timezone.now()
    with transaction.atomic():
        cycle, current = lock_session(session)
        asked = selectors.protocol_instrument_codes(cycle.protocol)
        if instrument.code not in asked:
            raise _refuse(codes.INSTRUMENT_NOT_ASKED, f"This session's course does not ask for {instrument.name}.",
                          asked=asked)
        if current.status in MISSED_STATUSES or (
            source == Source.PATIENT and current.status not in (SessionStatus.BOOKED, SessionStatus.CONFIRMED, SessionStatus.CHECKED_IN)
        ):
            raise _refuse(codes.SESSION_NOT_OPEN, "Answers can no longer be given for this session.",
                          session=current.pk, status=current.status)
        previous = (
            Measure.objects.select_for_update().filter(session=current, instrument_code=instrument.code, is_current=True).first()
        )
        entries = []
        if previous is not None:
            Measure.objects.filter(pk=previous.pk).update(is_current=False, superseded_at=now)
            entries.append(audit.entry(previous, audit.UPDATE, changes={"is_current": [True, False]},
                                       patient_id=current.patient_id, clinic_id=current.clinic_id, actor=by))
        with integrity_as_conflict():
            measure = Measure.objects.create(
                session=current, cycle=cycle, patient_id=current.patient_id, clinic_id=current.clinic_id,
                instrument=instrument, instrument_code=instrument.code, version=(previous.version + 1) if previous else 1,
                answers=list(answers), total=scored.total, band=scored.band, source=source,
                entered_by=by if source == Source.CLINICIAN else None, created_at=now,
            )
        entries.append(audit.entry(measure, audit.CREATE, changes=audit.created(measure, MEASURE_AUDIT_FIELDS),
                                   patient_id=current.patient_id, clinic_id=current.clinic_id, actor=by))
        flags = [
            UrgentFlag.objects.create(measure=measure, session=current, patient_id=current.patient_id,
                                      clinic_id=current.clinic_id, item=item, raised_at=now)
            for item in scored.urgent_items
        ]
        entries += [audit.entry(flag, audit.CREATE, changes=audit.created(flag, FLAG_AUDIT_FIELDS),
                                patient_id=current.patient_id, clinic_id=current.clinic_id, actor=by) for flag in flags]
        audit.record_many(entries)
        baseline = selectors.baseline_of(cycle_id=cycle.pk, instrument_code=instrument.code)
    measure.instrument = instrument
    return selectors.measure_read(measure, baseline=baseline.total if baseline else None, flags=flags)


def flag_acknowledge(*, flag: UrgentFlag, by, note: str = "") -> UrgentFlag:
    """A clinician has seen the urgent answer: who and when are kept (compare-and-swap: once only)."""
    now = timezone.now()
    note = (note or "").strip()[:500]
    with transaction.atomic():
        done = UrgentFlag.objects.filter(pk=flag.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by, note=note
        )
        if not done:
            raise _refuse(codes.FLAG_ALREADY_ACKNOWLEDGED, "This urgent flag has been acknowledged already.", flag=flag.pk)
        audit.record(flag, audit.UPDATE, changes={"acknowledged_at": [None, now], "acknowledged_by": [None, getattr(by, "pk", None)],
                                                  "note": ["", note]},
                     patient_id=flag.patient_id, clinic_id=flag.clinic_id, actor=by)
    flag.refresh_from_db()
    return flag


def cycle_review_decide(*, cycle: TreatmentCycle, decision: str, note: str = "", by) -> CourseReview:
    """A clinician's decision on a course flagged for review (continue, adjust, stop): recorded, and the course's
    review flag cleared. Stopping the course itself is the desk's cancel (bookings), not done here."""
    if decision not in Decision.values:
        raise _refuse(codes.DECISION_INVALID, "The decision is one of: continue, adjust, stop.", choices=list(Decision.values))
    now = timezone.now()
    with transaction.atomic():
        current = lock_cycle(cycle.pk)
        if not current.needs_review:
            raise _refuse(codes.REVIEW_NOT_DUE, "This course is not flagged for review.", cycle=current.pk)
        review = CourseReview.objects.create(cycle=current, clinic_id=current.clinic_id, decision=decision,
                                             note=(note or "").strip()[:500], decided_at=now, decided_by=by)
        TreatmentCycle.objects.filter(pk=current.pk).update(needs_review=False, review_reason="", version=F("version") + 1)
        audit.record_many([
            audit.entry(review, audit.CREATE, changes=audit.created(review, ("cycle", "decision", "note", "decided_at")),
                        patient_id=current.patient_id, clinic_id=current.clinic_id, actor=by),
            audit.entry(current, audit.UPDATE, changes={"needs_review": [True, False],
                                                        "review_reason": [current.review_reason, ""]},
                        patient_id=current.patient_id, clinic_id=current.clinic_id, actor=by),
        ])
    return review

