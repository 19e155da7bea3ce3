"""The episode outbox: the patient emails a pump episode owes, and when each is due, written in the caller's transaction.

The booking and life services call these inside their transaction (an episode and its emails commit or roll back
together); the overdue sweep (pumps.tasks) calls `episode_overdue_emails`. Sending is pumps.delivery's: it claims due
rows and re-reads the episode and the visit before each send, so a row written here that became moot (the review
done, the episode cancelled, the device returned) is settled there without an email.

When each is due, in the patient's zone (bookings.outbox.timing: elapsed-time arithmetic in UTC, quiet hours on the
patient's wall clock):
- the confirmation: at once (it carries the preparation for the fitting and the calendar file of every visit);
- the first visit (the fitting): the day before at the same wall-clock time, with the preparation again;
- a check-in reminder on each review day: `CHECKIN_HOURS` before the review; inside quiet hours it goes at their end
  that morning when that is still `CHECKIN_MIN_LEAD` before the review, else earlier, as the clinic's reminders do;
- the last visit (the removal): the day before at the same wall-clock time, quiet hours applied as for reminders;
- the return reminder: once the device is overdue (removal end + `PumpSettings.return_grace_hours`), written by
  the sweep, not before the end of quiet hours.
Reviews are at one wall-clock time across a daylight-saving change, and so are their reminders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bookings.models import EmailStatus
from bookings.outbox import timing
from pumps.models import (
    DEFAULT_RETURN_GRACE_HOURS,
    Episode,
    EpisodeEmail,
    EpisodeEmailKind,
    EpisodeStatus,
    EpisodeVisit,
    PumpSettings,
    VisitKind,
    VisitStatus,
)
from pumps.selectors.worklist import settings_for

#: A check-in reminder goes this many hours before the review …
CHECKIN_HOURS = 2
#: … and, moved out of quiet hours to their end, only if that is still this long before the review.
CHECKIN_MIN_LEAD = timedelta(minutes=30)
#: An episode overdue for longer than this when the sweep first sees it (a deployment, a long outage) gets no
#: reminder: the clinic has long been calling the patient.
RETURN_REMINDER_WITHIN = timedelta(days=7)

Kind = EpisodeEmailKind

# --- When (pure) ---------------------------------------------------------------------------------------------


def checkin_due(starts_at: datetime, tz: tzinfo, quiet_start: time, quiet_end: time,
                hours: int = CHECKIN_HOURS) -> datetime:
    """When the check-in reminder of a review starting at `starts_at` goes (UTC)."""
    due = starts_at.astimezone(UTC) - timedelta(hours=hours)
    if not timing.in_quiet_hours(due.astimezone(tz).time(), quiet_start, quiet_end):
        return due
    # A morning review: the reminder at the end of the night's quiet hours, not the evening before.
    end = timing.quiet_deferred(due, tz, quiet_start, quiet_end)
    if end <= starts_at.astimezone(UTC) - CHECKIN_MIN_LEAD:
        return end
    return timing.quiet_adjusted(due, tz, quiet_start, quiet_end)


def day_before_due(starts_at: datetime, tz: tzinfo, quiet_start: time, quiet_end: time) -> datetime:
    """The day before `starts_at` at the same wall-clock time (23 or 25 hours across a change), quiet hours applied."""
    return timing.days_later_due(starts_at, -1, tz, quiet_start, quiet_end)


# --- Rows ----------------------------------------------------------------------------------------------------


def _row(episode: Episode, kind: str, due_at: datetime, *, visit: EpisodeVisit | None = None,
         skip_reason: str = "") -> EpisodeEmail:
    return EpisodeEmail(
        clinic_id=episode.clinic_id, patient_id=episode.patient_id, episode=episode, visit=visit, kind=kind,
        episode_version=episode.version, visit_starts_at=visit.starts_at if visit else None,
        due_at=due_at, send_after=due_at, status=EmailStatus.SKIPPED if skip_reason else EmailStatus.PENDING,
        status_reason=skip_reason,
    )


def _insert(rows: Iterable[EpisodeEmail]) -> None:
    # A row already written for (episode, kind, visit) is kept: writing twice is harmless.
    EpisodeEmail.objects.bulk_create(list(rows), ignore_conflicts=True)


def _cancel_open(query: Q, reason: str) -> int:
    """Cancel rows not yet claimed. A row being sent right now is left to its task, which re-reads the episode."""
    return EpisodeEmail.objects.filter(query, status=EmailStatus.PENDING).update(
        status=EmailStatus.CANCELLED, status_reason=reason, updated_at=timezone.now()
    )


def episode_booked_emails(*, episode: Episode, now: datetime | None = None) -> list[EpisodeEmail]:
    """An episode was booked (its visits written): the confirmation now, the reminders of the fitting and of the
    removal the day before, and a check-in reminder for each review. A reminder already due when booked is skipped,
    not sent late."""
    now = now or timezone.now()
    clinic, patient = episode.clinic, episode.patient
    tz, quiet = patient.tz, (clinic.quiet_hours_start, clinic.quiet_hours_end)
    rows = [_row(episode, Kind.CONFIRMATION, now)]
    for visit in episode.visits.filter(status=VisitStatus.PLANNED).order_by("starts_at", "pk"):
        if visit.kind == VisitKind.REVIEW:
            due, kind = checkin_due(visit.starts_at, tz, *quiet), Kind.REVIEW_REMINDER
        elif visit.kind == VisitKind.REMOVAL:
            due, kind = day_before_due(visit.starts_at, tz, *quiet), Kind.REMOVAL_REMINDER
        else:
            due, kind = day_before_due(visit.starts_at, tz, *quiet), Kind.FITTING_REMINDER
        rows.append(_row(episode, kind, due, visit=visit, skip_reason="due before it was booked" if due <= now else ""))
    _insert(rows)
    return rows


def episode_cancelled_emails(*, episode: Episode, now: datetime | None = None) -> None:
    """An episode was cancelled (its row and visits already updated): nothing more for it goes but the notice.

    Cancelled before its confirmation went out, the patient was never told of it: no notice either (a confirmation
    being sent right now still gets one).
    """
    now = now or timezone.now()
    never_told = _cancel_open(Q(episode_id=episode.pk, kind=Kind.CONFIRMATION),
                              "the episode was cancelled before it went out")
    _cancel_open(Q(episode_id=episode.pk), "the episode was cancelled")
    if not never_told:
        _insert([_row(episode, Kind.CANCELLED, now)])


def episode_removed_emails(*, episode: Episode, now: datetime | None = None) -> None:
    """The device was taken off (the episode's row already updated): the reminders still pending are moot; an early
    removal also tells the patient that the visits left are off (with the calendar file that removes them)."""
    now = now or timezone.now()
    _cancel_open(Q(episode_id=episode.pk, kind__in=[Kind.FITTING_REMINDER, Kind.REVIEW_REMINDER, Kind.REMOVAL_REMINDER]),
                 "the device was taken off")
    # Read from the row: the caller's object may predate the removal it just wrote.
    early = Episode.objects.filter(pk=episode.pk).values_list("early_removal_reason", flat=True).first()
    if early:
        _insert([_row(episode, Kind.REMOVED_EARLY, now)])


def episode_returned_emails(*, episode: Episode) -> None:
    """The device is back: a return reminder not yet sent is moot."""
    _cancel_open(Q(episode_id=episode.pk, kind=Kind.RETURN_REMINDER), "the device was returned")


def return_grace(clinic_id: int) -> timedelta:
    """How long after its removal visit ends a device is overdue at this clinic."""
    return timedelta(hours=settings_for(clinic_id=clinic_id).return_grace_hours)


def episode_overdue_emails(*, now: datetime | None = None) -> int:
    """The sweep: a return reminder for each device overdue now (not returned by its removal end plus the clinic's
    grace) that has none yet. Returns how many were written."""
    now = now or timezone.now()
    graces = dict(PumpSettings.objects.values_list("clinic_id", "return_grace_hours"))
    has_one = EpisodeEmail.objects.filter(episode_id=OuterRef("pk"), kind=Kind.RETURN_REMINDER)
    candidates = (
        Episode.objects.filter(status__in=[EpisodeStatus.FITTED, EpisodeStatus.REMOVED],
                               ends_at__lte=now, ends_at__gt=now - RETURN_REMINDER_WITHIN)
        .filter(~Exists(has_one))
        .select_related("clinic", "patient")
    )
    rows = []
    for episode in candidates:
        grace = timedelta(hours=graces.get(episode.clinic_id, DEFAULT_RETURN_GRACE_HOURS))
        if episode.ends_at + grace > now:
            continue
        clinic = episode.clinic
        due = timing.quiet_deferred(now, episode.patient.tz, clinic.quiet_hours_start, clinic.quiet_hours_end)
        rows.append(_row(episode, Kind.RETURN_REMINDER, due))
    _insert(rows)
    return len(rows)
