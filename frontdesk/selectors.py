"""Every SQL read of the staff pages: plain functions, each a fixed number of queries whatever the data.

Views pass in the user (for clinic scoping, frontdesk.access) and get back rows or small dataclasses;
planning reads (proposals, a session's next free times) stay in bookings.selectors and are called from
the views directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from bookings import selectors as booking_selectors
from bookings.models import (
    UPCOMING_STATUSES,
    CycleStatus,
    EmailStatus,
    InfusionSession,
    Patient,
    PatientEmail,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from bookings.selectors.occupancy import LONGEST_SESSION
from frontdesk.access import scoped
from pumps.models import Episode, EpisodeVisit, VisitStatus
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, StaffRole, TimeOff
from scheduler.selectors import protocols_for_clinic

# --- Clinics ---------------------------------------------------------------------------------------


def clinic_list_for_user(*, user) -> list[Clinic]:
    """The active clinics a user works at (a superuser: every active clinic), by name. One query."""
    return list(scoped(Clinic.objects.filter(is_active=True), user, field="pk").order_by("name", "pk"))


def clinic_choose(*, clinics: list[Clinic], clinic_id: str | int | None) -> Clinic | None:
    """The clinic asked for among `clinics`, else the first; None if the user has none. No query."""
    for clinic in clinics:
        if str(clinic.pk) == str(clinic_id):
            return clinic
    return clinics[0] if clinics else None


def local_day_bounds(clinic: Clinic, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which the clinic-local `day` begins and ends."""
    start = dt.datetime.combine(day, dt.time.min, clinic.tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, clinic.tz).astimezone(dt.UTC)
    return start, end


# --- The day board ---------------------------------------------------------------------------------


@dataclass
class DayBoardData:
    clinic: Clinic
    day: dt.date
    opening_hours: list[tuple[dt.time, dt.time]]
    closures: list[Closure]
    chairs: list[Chair]
    sessions: list[InfusionSession]
    nurses: list[StaffMember]
    shifts: list[Shift]
    time_off: list[TimeOff]


def _email_failed() -> Exists:
    """Whether an email about the session failed after its last attempt: a subquery, so the marks on the
    board cost no query of their own."""
    return Exists(PatientEmail.objects.filter(session=OuterRef("pk"), status=EmailStatus.FAILED))


def day_board_load(*, clinic: Clinic, day: dt.date) -> DayBoardData:
    """What the day board shows for one clinic-local day, in seven queries whatever the day holds.

    Sessions come with their patient, course (for "k of n") and nurse, and `email_failed` (a failed email
    about them, for the mark on the card); chairs and nurses are loaded once and matched by id, so nothing
    is read per session.
    """
    start, end = local_day_bounds(clinic, day)
    hours = list(
        OpeningHours.objects.filter(clinic=clinic, weekday=day.weekday()).order_by("opens").values_list("opens", "closes")
    )
    closures = list(Closure.objects.filter(clinic=clinic, starts_at__lt=end, ends_at__gt=start).order_by("starts_at"))
    chairs = list(Chair.objects.filter(clinic=clinic).order_by("name", "pk"))
    sessions: list[InfusionSession] = list(
        InfusionSession.objects.filter(
            clinic=clinic, starts_at__gt=start - LONGEST_SESSION, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("patient", "cycle", "nurse")
        .annotate(email_failed=_email_failed())
        .order_by("starts_at", "pk")
    )
    nurses = list(StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE).order_by("last_name", "first_name", "pk"))
    shifts = [
        s
        for s in Shift.objects.filter(staff__clinic=clinic, staff__role=StaffRole.NURSE, weekday=day.weekday()).order_by("starts")
        if (s.valid_from is None or s.valid_from <= day) and (s.valid_until is None or day <= s.valid_until)
    ]
    time_off = list(TimeOff.objects.filter(staff__clinic=clinic, starts_at__lt=end, ends_at__gt=start))
    return DayBoardData(clinic, day, hours, closures, chairs, sessions, nurses, shifts, time_off)


# --- Tomorrow: the unconfirmed list and the huddle sheet --------------------------------------------


def sessions_unconfirmed_for_day(*, clinic: Clinic, day: dt.date) -> list[InfusionSession]:
    """The clinic-local day's sessions still only booked (the patient has not confirmed), by start time.

    One query: each with its patient (the phone number), chair, nurse and who last called them.
    """
    start, end = local_day_bounds(clinic, day)
    return list(
        InfusionSession.objects.filter(clinic=clinic, status=SessionStatus.BOOKED, starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "cycle", "chair", "nurse", "called_by")
        .order_by("starts_at", "chair__name", "pk")
    )


def sessions_for_huddle(*, clinic: Clinic, day: dt.date) -> list[InfusionSession]:
    """The clinic-local day's sessions that will hold a chair, by start time then chair (one query)."""
    start, end = local_day_bounds(clinic, day)
    return list(
        InfusionSession.objects.filter(clinic=clinic, status__in=UPCOMING_STATUSES, starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "cycle", "chair", "nurse")
        .annotate(email_failed=_email_failed())
        .order_by("starts_at", "chair__name", "pk")
    )


def session_for_call(*, user, session_id: int) -> InfusionSession:
    """A session of the user's clinics as a row of the unconfirmed list shows it (one query).

    Raises InfusionSession.DoesNotExist for another clinic's session as for a missing one.
    """
    return (
        scoped(InfusionSession.objects.all(), user)
        .select_related("patient", "cycle", "clinic", "chair", "nurse", "called_by")
        .get(pk=session_id)
    )


# --- One session -------------------------------------------------------------------------------------


def session_get(*, user, session_id: int) -> InfusionSession:
    """One session of the user's clinics with what its panel shows: its history and its emails (three queries).

    Raises InfusionSession.DoesNotExist for another clinic's session as for a missing one.
    """
    events = Prefetch("events", queryset=SessionEvent.objects.select_related("by").order_by("at", "pk"))
    emails = Prefetch("emails", queryset=PatientEmail.objects.order_by("due_at", "pk"))
    queryset = scoped(InfusionSession.objects.all(), user).select_related(
        "patient", "cycle__protocol", "clinic", "chair", "nurse"
    )
    return queryset.prefetch_related(events, emails).get(pk=session_id)


def session_for_action(*, user, session_id: int) -> InfusionSession:
    """A session of the user's clinics, loaded as the booking services and session_options need it."""
    return scoped(InfusionSession.objects.all(), user).select_related("clinic", "cycle__protocol").get(pk=session_id)


def session_request_note(*, session: InfusionSession) -> str:
    """The note of the patient's latest reschedule request still open on this session ("" if none): one
    query, or none when no request is open."""
    if session.reschedule_requested_at is None:
        return ""
    data = (
        SessionEvent.objects.filter(session=session, kind="reschedule_requested")
        .order_by("-at", "-pk").values_list("data", flat=True).first()
    )
    return (data or {}).get("note", "")


def staff_names(*, clinic: Clinic) -> tuple[dict[int, str], dict[int, str]]:
    """Chair names and nurse names of a clinic by id (two queries), to label planned sessions."""
    chairs = dict(Chair.objects.filter(clinic=clinic).values_list("pk", "name"))
    nurses = {
        pk: f"{first} {last}"
        for pk, first, last in StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE).values_list(
            "pk", "first_name", "last_name"
        )
    }
    return chairs, nurses


def chairs_and_nurses(
    *, clinic: Clinic, chair_ids: set[int], nurse_ids: set[int]
) -> tuple[dict[int, Chair], dict[int, StaffMember]]:
    """The clinic's chairs and nurses with these ids (two queries); ids of another clinic are left out."""
    chairs = {c.pk: c for c in Chair.objects.filter(clinic=clinic, pk__in=chair_ids)}
    nurses = {n.pk: n for n in StaffMember.objects.filter(clinic=clinic, role=StaffRole.NURSE, pk__in=nurse_ids)}
    return chairs, nurses


# --- Patients --------------------------------------------------------------------------------------

#: At most this many patients in a search answer.
SEARCH_LIMIT = 25


def patient_search(*, user, term: str, limit: int = SEARCH_LIMIT) -> list[Patient]:
    """Patients of the user's clinics matching every word (name, email, phone, or a YYYY-MM-DD birth date).

    One query; an empty term gives nothing (the desk types first).
    """
    term = term.strip()
    if not term:
        return []
    queryset = booking_selectors.patient_search(scoped(booking_selectors.patient_list(), user), term=term)
    return list(queryset.select_related("clinic")[:limit])


def patient_get(*, user, patient_id: int) -> Patient:
    return scoped(Patient.objects.select_related("clinic"), user).get(pk=patient_id)


def patient_cycles(*, patient: Patient) -> list[TreatmentCycle]:
    """A patient's courses, newest first, each with its protocol, clinic and sessions in order (two queries)."""
    return list(
        TreatmentCycle.objects.filter(patient=patient)
        .select_related("protocol", "clinic")
        .prefetch_related(
            Prefetch("sessions", queryset=InfusionSession.objects.select_related("chair").order_by("sequence", "pk"))
        )
        .order_by("-created_at", "-pk")
    )


def cycle_get(*, user, cycle_id: int) -> TreatmentCycle:
    """One course of the user's clinics with its patient, protocol, clinic and sessions (two queries)."""
    return (
        scoped(TreatmentCycle.objects.all(), user)
        .select_related("patient", "protocol", "clinic")
        .prefetch_related(
            # The clinic with each session: whether cancelling it would be late reads its late-cancel hours.
            Prefetch("sessions", queryset=InfusionSession.objects.select_related("chair", "nurse", "clinic").order_by("sequence", "pk"))
        )
        .get(pk=cycle_id)
    )


# --- Booking a course --------------------------------------------------------------------------------


def protocols_for_booking(*, clinic: Clinic) -> list[Protocol]:
    return list(protocols_for_clinic(clinic=clinic).order_by("name", "pk"))


def protocol_for_booking(*, clinic: Clinic, protocol_id) -> Protocol | None:
    return protocols_for_clinic(clinic=clinic).filter(pk=protocol_id).first()


def clinic_open_span(*, clinic: Clinic) -> tuple[dt.time, dt.time] | None:
    """The earliest opening and the latest closing over the clinic's week (one query; None when it has no hours):
    the span of start times a booking row offers."""
    span = OpeningHours.objects.filter(clinic=clinic).aggregate(opens=Min("opens"), closes=Max("closes"))
    return (span["opens"], span["closes"]) if span["opens"] is not None else None


# --- Worklists ---------------------------------------------------------------------------------------

#: Rows a worklist shows at most.
WORKLIST_LIMIT = 100


def cycles_for_review(*, clinic: Clinic, limit: int = WORKLIST_LIMIT) -> list[TreatmentCycle]:
    """Courses flagged for a clinician's review, newest first, with their patient and progress (one query)."""
    return list(
        TreatmentCycle.objects.filter(clinic=clinic, needs_review=True)
        .select_related("patient", "protocol")
        .annotate(done=Count("sessions", filter=Q(sessions__status=SessionStatus.COMPLETED)))
        .order_by("-created_at", "-pk")[:limit]
    )


def reschedule_requests(*, clinic: Clinic, now: dt.datetime | None = None, limit: int = WORKLIST_LIMIT) -> list[InfusionSession]:
    """Upcoming sessions whose patient asked (by an email link) to move them, the oldest request first.

    One query: each row comes with its patient and course, and the patient's note as `request_note` (the
    latest "reschedule_requested" event's), read by a subquery so no query runs per row or only when rows exist.
    """
    now = now or timezone.now()
    note = SessionEvent.objects.filter(session=OuterRef("pk"), kind="reschedule_requested").order_by("-at", "-pk")
    return list(
        InfusionSession.objects.filter(
            clinic=clinic, reschedule_requested_at__isnull=False, status__in=UPCOMING_STATUSES, starts_at__gt=now
        )
        .select_related("patient", "cycle")
        .annotate(request_note=Subquery(note.values("data__note")[:1]))
        .order_by("reschedule_requested_at", "pk")[:limit]
    )


def failed_reminders(*, clinic: Clinic, limit: int = WORKLIST_LIMIT) -> list[PatientEmail]:
    """The clinic's emails that could not be sent after the last attempt, the latest due first, with the
    patient and the session they are about (one query)."""
    return list(
        PatientEmail.objects.filter(clinic=clinic, status=EmailStatus.FAILED)
        .select_related("patient", "session")
        .order_by("-due_at", "-pk")[:limit]
    )


def reminder_get(*, user, reminder_id: int) -> PatientEmail:
    """One email of the user's clinics (another clinic's raises PatientEmail.DoesNotExist, as a missing one)."""
    return scoped(PatientEmail.objects.select_related("clinic"), user).get(pk=reminder_id)


def boosters_due(*, clinic: Clinic, now: dt.datetime | None = None, limit: int = WORKLIST_LIMIT) -> list[TreatmentCycle]:
    """Completed courses whose last session ended at least the clinic's recall days ago, with no later course.

    A later course that was cancelled does not count: the patient still needs the call. One query; the
    oldest recall first. `last_ended_at` is annotated on each row.
    """
    if not clinic.booster_recall_days:
        return []
    now = now or timezone.now()
    later = TreatmentCycle.objects.filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        patient=OuterRef("patient"),
    ).exclude(status=CycleStatus.CANCELLED)
    return list(
        TreatmentCycle.objects.filter(clinic=clinic, status=CycleStatus.COMPLETED)
        .annotate(last_ended_at=Max("sessions__ends_at", filter=Q(sessions__status=SessionStatus.COMPLETED)))
        .filter(last_ended_at__lte=now - dt.timedelta(days=clinic.booster_recall_days))
        .exclude(Exists(later))
        .select_related("patient", "protocol")
        .order_by("last_ended_at", "pk")[:limit]
    )


def patient_email_ids_visible(*, user, ids: Collection[int]) -> frozenset[int]:
    """Of these patient emails (outbox rows), the ones of the user's clinics; one query (none for no ids)."""
    return frozenset(patient_email_zones(user=user, ids=ids))


def patient_email_zones(*, user, ids: Collection[int]) -> dict[int, str]:
    """Of these patient emails (outbox rows), the ones of the user's clinics, each with its clinic's time
    zone name (the outbox shows an email's time as its clinic's staff read it); one query (none for no ids)."""
    if not ids:
        return {}
    rows = scoped(PatientEmail.objects.filter(pk__in=ids), user).values_list("pk", "clinic__timezone")
    return dict(rows)


# --- Pump courses (issue 16) ----------------------------------------------------------------------------


def pump_episodes_by_id(*, clinic: Clinic, ids: Collection[int]) -> dict[int, Episode]:
    """The clinic's episodes with these ids, each with its patient and course's protocol (one query; none for no
    ids): what a pump board's cell names."""
    if not ids:
        return {}
    rows = Episode.objects.filter(clinic=clinic, pk__in=ids).select_related("patient", "course__protocol")
    return {e.pk: e for e in rows}


def episode_get(*, user, episode_id: int) -> Episode:
    """One episode of the user's clinics with its patient, pump, protocol and clinic, and its visits in order with
    their chair and nurse (two queries). Raises Episode.DoesNotExist for another clinic's episode as for a missing
    one."""
    visits = Prefetch("visits", queryset=EpisodeVisit.objects.select_related("chair", "nurse").order_by("starts_at", "day", "pk"))
    return (
        scoped(Episode.objects.all(), user)
        .select_related("patient", "pump", "course__protocol", "clinic")
        .prefetch_related(visits)
        .get(pk=episode_id)
    )


def pump_visits_for_day(*, clinic: Clinic, day: dt.date) -> list[EpisodeVisit]:
    """The clinic-local day's pump visits (fittings, reviews, removals; cancelled ones left out), by start, each with
    its patient, episode, chair and nurse (one query)."""
    start, end = local_day_bounds(clinic, day)
    return list(
        EpisodeVisit.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("patient", "episode__pump", "chair", "nurse")
        .order_by("starts_at", "pk")
    )
