"""An episode's life after its booking: the pump fitted, each review done or missed, the pump removed (on time, or
early with a reason), the pump returned; or the booked episode cancelled.

Each service is atomic: it locks the course row, then the episode row (always in that order, as bookings locks a
cycle before its session), changes the status by compare-and-swap (UPDATE … WHERE status = the legal source), bumps
the episode's version and writes audit entries for every row it changes. The course's status follows its episodes:
active at the first fitting, completed when its last episode's pump is returned, cancelled when every episode is.

The pump's hold (`pump_until`) is decided here:
- a removal, on time or early, leaves `pump_until` as booked: the pump is off the patient but not yet back in the
  clinic's hands, and is held until it is returned (an early removal moves `ends_at`, the patient's span, to the
  removal; the pump is freed by its return);
- the return sets `pump_until` to the return plus the clinic's turnaround: earlier than booked frees the pump
  sooner, later (a late return) holds it longer. The hold never reaches into the pump's next booked episode (the
  turnaround is cut short there: that fitting keeps its pump) and never ends before the patient's span does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import records as audit
from pumps import error_codes as codes
from pumps import outbox
from pumps.errors import PumpError
from pumps.models import (
    HOLDING_STATUSES,
    Episode,
    EpisodeStatus,
    EpisodeVisit,
    PumpCourse,
    PumpCourseStatus,
    VisitKind,
    VisitStatus,
)
from pumps.selectors.worklist import settings_for
from scheduler import planning

EPISODE_AUDIT_FIELDS = (
    "status", "version", "ends_at", "pump_until", "fitted_at", "fitted_by", "removed_at", "removed_by",
    "early_removal_reason", "returned_at", "returned_by", "cancelled_at", "cancelled_by", "cancel_reason",
)
VISIT_AUDIT_FIELDS = ("status", "starts_at", "ends_at", "chair", "done_at", "done_by", "missed_at", "missed_by", "note")
COURSE_AUDIT_FIELDS = ("status", "cancelled_at", "cancel_reason")

#: What each action is called in a refusal ("An episode that is fitted cannot be cancelled.").
ACTION_LABELS = {
    "fit": "fitted", "remove": "removed", "return": "returned", "cancel": "cancelled", "record": "recorded",
}


def episode_transition_refusal(status_label: str, action: str) -> str:
    """The message of an invalid_transition refusal, for the services and the API's examples alike."""
    return f"An episode that is {status_label} cannot be {ACTION_LABELS[action]}."


def visit_transition_refusal(status_label: str) -> str:
    return f"A review that is {status_label} cannot be recorded again."


# --- Locks and audit -------------------------------------------------------------------------------------------


def _lock(episode_id: int) -> tuple[PumpCourse, Episode]:
    """The episode's course, then the episode itself, read afresh under their locks."""
    course_id = Episode.objects.values_list("course_id", flat=True).get(pk=episode_id)
    course = PumpCourse.objects.select_for_update(of=("self",)).select_related("protocol").get(pk=course_id)
    current = Episode.objects.select_for_update(of=("self",)).select_related("clinic").get(pk=episode_id)
    return course, current


def _entry(row, before: dict, fields, by):
    changes = audit.diff(before, audit.snapshot(row, fields))
    return audit.entry(row, audit.UPDATE, changes=changes, patient_id=row.patient_id, clinic_id=row.clinic_id,
                       actor=by)


def _refusal(episode: Episode, action: str) -> PumpError:
    """The episode is no longer in a state the action starts from (read afresh: it may have changed meanwhile)."""
    current = Episode.objects.filter(pk=episode.pk).values_list("status", flat=True).first()
    label = EpisodeStatus(current).label.lower() if current else "gone"
    return PumpError(codes.INVALID_TRANSITION, episode_transition_refusal(label, action),
                     details={"episode": episode.pk, "status": current, "action": action})


def _transition(episode: Episode, action: str, *, source: str, target: str, fields: dict, by, now: datetime,
                visits: Iterable[tuple[EpisodeVisit, dict]] = ()) -> Episode:
    """Compare-and-swap the episode from `source` to `target` with `fields`; update `visits` (each with its
    changes); one audit INSERT for all of them."""
    before = audit.snapshot(episode, EPISODE_AUDIT_FIELDS)
    updated = Episode.objects.filter(pk=episode.pk, status=source).update(
        status=target, version=F("version") + 1, updated_at=now, **fields
    )
    if updated != 1:
        raise _refusal(episode, action)
    episode.refresh_from_db()
    entries = [_entry(episode, before, EPISODE_AUDIT_FIELDS, by)]
    for visit, changes in visits:
        visit_before = audit.snapshot(visit, VISIT_AUDIT_FIELDS)
        EpisodeVisit.objects.filter(pk=visit.pk).update(**changes)
        for name, value in changes.items():
            setattr(visit, name, value)
        entries.append(_entry(visit, visit_before, VISIT_AUDIT_FIELDS, by))
    audit.record_many(entries)
    return episode


def _settle_course(course: PumpCourse, *, by, now: datetime, reason: str = "") -> str | None:
    """Derive the course's status from its episodes: active once one is fitted, completed when its last episode's
    pump is returned, cancelled when every episode is. Returns the new status, if it changed."""
    statuses = list(Episode.objects.filter(course=course).values_list("status", "number"))
    returned = [number for status, number in statuses if status == EpisodeStatus.RETURNED]
    pending = [s for s, _ in statuses if s in (EpisodeStatus.BOOKED, EpisodeStatus.FITTED, EpisodeStatus.REMOVED)]
    worn = [s for s, _ in statuses if s in (EpisodeStatus.FITTED, EpisodeStatus.REMOVED, EpisodeStatus.RETURNED)]
    last = course.protocol.episodes_per_course
    changes: dict = {}
    if course.status in (PumpCourseStatus.PLANNED, PumpCourseStatus.ACTIVE):
        if statuses and all(s == EpisodeStatus.CANCELLED for s, _ in statuses):
            changes = {"status": PumpCourseStatus.CANCELLED, "cancelled_at": now, "cancel_reason": reason[:300]}
        elif not pending and (len(returned) >= last or last in returned):
            changes = {"status": PumpCourseStatus.COMPLETED}
        elif worn and course.status == PumpCourseStatus.PLANNED:
            changes = {"status": PumpCourseStatus.ACTIVE}
    if changes:
        before = audit.snapshot(course, COURSE_AUDIT_FIELDS)
        PumpCourse.objects.filter(pk=course.pk).update(**changes)
        for name, value in changes.items():
            setattr(course, name, value)
        audit.record_many([_entry(course, before, COURSE_AUDIT_FIELDS, by)])
    return changes.get("status")


def _visit(episode: Episode, kind: str) -> EpisodeVisit:
    return EpisodeVisit.objects.select_for_update(of=("self",)).filter(episode=episode, kind=kind).order_by("day")[0]


def _local_day(instant: datetime, episode: Episode):
    return planning.local_date(instant, episode.clinic.tz)


# --- The transitions -------------------------------------------------------------------------------------------


@transaction.atomic
def episode_fit(*, episode: Episode, by) -> Episode:
    """The pump is on the patient: booked → fitted, on the fitting visit's day (clinic time); the fitting visit is
    done and the course active."""
    now = timezone.now()
    course, current = _lock(episode.pk)
    if current.status == EpisodeStatus.BOOKED and _local_day(now, current) != _local_day(current.starts_at, current):
        raise PumpError(codes.NOT_FITTING_DAY, "A pump is fitted on the day of its fitting visit.",
                        details={"episode": current.pk, "starts_at": current.starts_at.isoformat()})
    fitting = _visit(current, VisitKind.FITTING)
    current = _transition(
        current, "fit", source=EpisodeStatus.BOOKED, target=EpisodeStatus.FITTED, by=by, now=now,
        fields={"fitted_at": now, "fitted_by": by},
        visits=[(fitting, {"status": VisitStatus.DONE, "done_at": now, "done_by": by})],
    )
    _settle_course(course, by=by, now=now)
    return current


@transaction.atomic
def visit_record(*, visit: EpisodeVisit, done: bool, by, note: str = "") -> EpisodeVisit:
    """A review done, or missed (it goes on the clinicians' worklist at once: pumps.selectors.worklist): planned →
    done|missed, from the review's own day (clinic time), while the pump is on the patient."""
    now = timezone.now()
    note = (note or "").strip()[:500]
    course, episode = _lock(visit.episode_id)
    current = EpisodeVisit.objects.select_for_update(of=("self",)).get(pk=visit.pk)
    if current.kind != VisitKind.REVIEW:
        raise PumpError(codes.NOT_A_REVIEW, "The fitting and the removal are recorded by fitting and removing the "
                        "pump.", details={"visit": current.pk, "kind": current.kind})
    if episode.status != EpisodeStatus.FITTED:
        label = EpisodeStatus(episode.status).label.lower()
        raise PumpError(codes.EPISODE_NOT_FITTED, f"A review is recorded while the pump is fitted; this episode is "
                        f"{label}.", details={"episode": episode.pk, "status": episode.status, "visit": current.pk})
    if current.status == VisitStatus.PLANNED and _local_day(now, episode) < _local_day(current.starts_at, episode):
        raise PumpError(codes.VISIT_NOT_DUE, "A review is recorded from its own day.",
                        details={"visit": current.pk, "starts_at": current.starts_at.isoformat()})
    before = audit.snapshot(current, VISIT_AUDIT_FIELDS)
    changes: dict = {"note": note}
    if done:
        changes.update(status=VisitStatus.DONE, done_at=now, done_by=by)
    else:
        changes.update(status=VisitStatus.MISSED, missed_at=now, missed_by=by)
    if EpisodeVisit.objects.filter(pk=current.pk, status=VisitStatus.PLANNED).update(**changes) != 1:
        label = VisitStatus(current.status).label.lower()
        raise PumpError(codes.INVALID_TRANSITION, visit_transition_refusal(label),
                        details={"visit": current.pk, "status": current.status, "action": "record"})
    current.refresh_from_db()
    episode_before = audit.snapshot(episode, EPISODE_AUDIT_FIELDS)
    Episode.objects.filter(pk=episode.pk).update(version=F("version") + 1, updated_at=now)
    episode.refresh_from_db()
    audit.record_many([_entry(current, before, VISIT_AUDIT_FIELDS, by),
                       _entry(episode, episode_before, EPISODE_AUDIT_FIELDS, by)])
    return current


@transaction.atomic
def episode_remove(*, episode: Episode, by, early_reason: str = "") -> Episode:
    """The pump is off the patient: fitted → removed; the removal visit is done.

    Before the removal visit's start it is an early removal and needs `early_reason`: the patient's span ends now
    (`ends_at`, never before the fitting visit's end), the reviews still planned are cancelled (their chairs and
    nurses freed) and the removal visit is moved to the moment of the removal, without a chair. The pump stays held
    until it is returned (episode_return), on time or early alike.
    """
    now = timezone.now()
    early_reason = (early_reason or "").strip()
    course, current = _lock(episode.pk)
    removal = _visit(current, VisitKind.REMOVAL)
    fields: dict = {"removed_at": now, "removed_by": by}
    visits: list[tuple[EpisodeVisit, dict]] = []
    done = {"status": VisitStatus.DONE, "done_at": now, "done_by": by}
    if current.status == EpisodeStatus.FITTED and now < removal.starts_at:
        if not early_reason:
            raise PumpError(codes.EARLY_REMOVAL_REASON_REQUIRED,
                            "The removal visit has not started yet: say why the pump is removed early.",
                            details={"episode": current.pk, "removal_starts_at": removal.starts_at.isoformat()})
        fitting = _visit(current, VisitKind.FITTING)
        ends_at = max(now, fitting.ends_at)
        minutes = course.protocol.removal_minutes
        fields.update(ends_at=ends_at, early_removal_reason=early_reason[:300])
        reviews = EpisodeVisit.objects.select_for_update(of=("self",)).filter(
            episode=current, kind=VisitKind.REVIEW, status=VisitStatus.PLANNED)
        visits += [(review, {"status": VisitStatus.CANCELLED}) for review in reviews]
        visits.append((removal, {**done, "starts_at": ends_at - timedelta(minutes=minutes), "ends_at": ends_at,
                                 "chair": None}))
    else:
        visits.append((removal, done))
    current = _transition(current, "remove", source=EpisodeStatus.FITTED, target=EpisodeStatus.REMOVED, by=by,
                          now=now, fields=fields, visits=visits)
    outbox.episode_removed_emails(episode=current, now=now)
    _settle_course(course, by=by, now=now)
    return current


@transaction.atomic
def episode_return(*, episode: Episode, by) -> Episode:
    """The pump is back in the clinic's hands: removed → returned, and held for the turnaround from now (a late
    return too: it is recorded all the same). The course completes with its last episode's return."""
    now = timezone.now()
    course, current = _lock(episode.pk)
    turnaround = timedelta(hours=settings_for(clinic_id=current.clinic_id).turnaround_hours)
    until = now + turnaround
    following = (
        Episode.objects.filter(pump_id=current.pump_id, status__in=HOLDING_STATUSES, starts_at__gte=current.ends_at)
        .exclude(pk=current.pk).order_by("starts_at").values_list("starts_at", flat=True).first()
    )
    if following is not None:
        until = min(until, following)
    until = max(until, current.ends_at)
    current = _transition(current, "return", source=EpisodeStatus.REMOVED, target=EpisodeStatus.RETURNED, by=by,
                          now=now, fields={"returned_at": now, "returned_by": by, "pump_until": until})
    outbox.episode_returned_emails(episode=current)
    _settle_course(course, by=by, now=now)
    return current


@transaction.atomic
def episode_cancel(*, episode: Episode, by, reason: str) -> Episode:
    """A booked episode will not happen: booked → cancelled, its visits cancelled, its pump and patient freed (the
    exclusion constraints count holding episodes only). The course is cancelled when every episode is."""
    now = timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise PumpError(codes.REASON_REQUIRED, "Say why the episode is cancelled.")
    course, current = _lock(episode.pk)
    visits = EpisodeVisit.objects.select_for_update(of=("self",)).filter(episode=current).exclude(
        status=VisitStatus.CANCELLED)
    current = _transition(
        current, "cancel", source=EpisodeStatus.BOOKED, target=EpisodeStatus.CANCELLED, by=by, now=now,
        fields={"cancelled_at": now, "cancelled_by": by, "cancel_reason": reason[:300]},
        visits=[(visit, {"status": VisitStatus.CANCELLED}) for visit in visits],
    )
    outbox.episode_cancelled_emails(episode=current, now=now)
    _settle_course(course, by=by, now=now, reason=reason)
    return current
