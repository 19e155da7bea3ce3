"""The booking check: every rule a course's sessions must meet, answered as violations, never raised.

One home for the rules of booking and moving sessions. The booking service runs it under its locks and
raises the first violation; the desk's series table shows each violation on its row; nothing else
re-implements a step. Two stages, because the service takes its locks in between:

1. times (no query): the clinic takes bookings, the protocol is offered there, the session count, chairs
   and nurses of the right clinic and in service, wall-clock times localised (a time the clocks skip is
   refused), numbered by time, not in the past, and ended after the protocol's chair minutes;
2. rules (seven queries: the clinic's calendar and the busy intervals around the sessions): opening
   hours, closures, chairs, nurses on shift, their capacity and stagger, the patient's other sessions,
   and the spacing of the course.

`problems` come in the order the booking service raises them: the course as a whole, then each input
row, then each session by number, then the spacing of the course.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.utils import timezone

from bookings import error_codes as codes
from bookings.models import InfusionSession, Patient
from bookings.selectors.occupancy import occupancy_load
from scheduler import error_codes as rule_codes
from scheduler import planning
from scheduler.models import Chair, Clinic, Protocol, StaffMember
from scheduler.selectors import clinic_calendar_load, protocol_offered_violation, protocol_spacing


@dataclass(frozen=True)
class SessionRequest:
    """One session asked for. A naive `starts_at` is a wall-clock time in the clinic's time zone."""

    starts_at: datetime
    chair: Chair | None = None
    nurse: StaffMember | None = None


class Timed(NamedTuple):
    """A session's number and UTC times, once stage 1 has placed its time."""

    sequence: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlacedSession:
    """A session the booking check passed: every field set, as the booking services write it."""

    sequence: int
    start: datetime
    end: datetime
    chair_id: int
    nurse_id: int


@dataclass
class CheckedSession:
    """One session as checked: its input row, its number, its UTC times, and its chair and nurse."""

    row: int | None  # its index among the requests; None for a session moved along with another
    sequence: int | None = None  # k in "session k of n", once numbered
    start: datetime | None = None  # None: its time could not be placed (not given, or skipped by the clocks)
    end: datetime | None = None
    chair_id: int | None = None  # asked for, then as assigned by the rules (None: none free)
    nurse_id: int | None = None
    keep_chair_id: int | None = None  # a moved session's own chair and nurse, kept where still free
    keep_nurse_id: int | None = None

    def timed(self) -> Timed | None:
        """Its number and times; None while its time is not placed (stage 1 numbers and ends every session it
        gives a start, so the three are set together)."""
        if self.sequence is None or self.start is None or self.end is None:
            return None
        return Timed(self.sequence, self.start, self.end)


@dataclass(frozen=True)
class Problem:
    """A rule the booking breaks: the rule's own violation, and where it applies."""

    violation: planning.Violation
    row: int | None = None  # the input row it belongs to; None: the course as a whole
    sequence: int | None = None  # the numbered session it concerns, when the refusal names one

    def public(self) -> planning.Violation:
        """As the booking service answers it: a numbered session's refusal says which one."""
        v = self.violation
        if self.sequence is None:
            return v
        details = {**v.details, "sequence": self.sequence}
        if v.code == codes.IN_PAST:
            return planning.Violation(v.code, f"Session {self.sequence} would start in the past.", details)
        return planning.Violation(v.code, f"Session {self.sequence}: {v.message}", details)


@dataclass
class BookingCheck:
    sessions: list[CheckedSession]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[planning.Violation] = field(default_factory=list)
    #: Whether stage 2 ran (it runs only once every session has its time and the course as a whole is fine).
    rules_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.start is not None for s in self.sessions)

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    @property
    def general(self) -> list[planning.Violation]:
        """The problems of the course as a whole (no row of its own)."""
        return [p.violation for p in self.problems if p.row is None]

    def by_sequence(self) -> dict[int, CheckedSession]:
        return {s.sequence: s for s in self.sessions if s.sequence is not None}

    def placed(self) -> list[PlacedSession]:
        """The sessions in their order here, for the booking services once both stages raised no problem.

        Then every session has its number and times (stage 1) and a chair and nurse (stage 2 leaves one None
        only with a violation), so a session missing one is a bug in the check, not a refusal.
        """
        placed = []
        for s in self.sessions:
            timed = s.timed()
            if timed is None or s.chair_id is None or s.nurse_id is None:
                raise RuntimeError(f"The booking check has not placed session {s.sequence}; refuse its problems first.")
            placed.append(PlacedSession(*timed, chair_id=s.chair_id, nurse_id=s.nurse_id))
        return placed


# --- Stage 1: times -------------------------------------------------------------------------------


def _resource_violations(clinic: Clinic, chair: Chair | None, nurse: StaffMember | None) -> list[planning.Violation]:
    found = []
    if chair is not None and chair.clinic_id != clinic.pk:
        found.append(planning.Violation(codes.WRONG_CLINIC, "That chair belongs to another clinic.", {"chair": chair.pk}))
    if chair is not None and not chair.is_active:
        found.append(planning.Violation(
            rule_codes.CHAIR_CONFLICT, "That chair is out of service.", {"chair": chair.pk, "reason": "inactive"}
        ))
    if nurse is not None and nurse.clinic_id != clinic.pk:
        found.append(planning.Violation(codes.WRONG_CLINIC, "That nurse works at another clinic.", {"nurse": nurse.pk}))
    return found


def _past(start: datetime, now: datetime) -> planning.Violation | None:
    if start > now:
        return None
    return planning.Violation(codes.IN_PAST, "A session cannot start in the past.", {"starts_at": start.isoformat()})


def session_requests_check(
    *, clinic: Clinic, sessions: Sequence[SessionRequest | None], check: BookingCheck | None = None
) -> BookingCheck:
    """Chairs and nurses of the clinic and in service, then each wall-clock time localised (no query).

    A None request is a row whose time the caller could not read: it counts, but gets no time.
    """
    check = check or BookingCheck([])
    for row, request in enumerate(sessions):
        checked = CheckedSession(row)
        if request is not None:
            checked.chair_id = request.chair.pk if request.chair else None
            checked.nurse_id = request.nurse.pk if request.nurse else None
            check.problems += [Problem(v, row) for v in _resource_violations(clinic, request.chair, request.nurse)]
        check.sessions.append(checked)
    for checked, request in zip(check.sessions, sessions, strict=True):
        if request is None:
            continue
        try:
            # In UTC, so that adding a session's minutes is elapsed time even across a DST change.
            checked.start = planning.localize(request.starts_at, clinic.tz).astimezone(UTC)
        except planning.LocalTimeError as exc:
            check.problems.append(Problem(exc.violation, checked.row))
    return check


def cycle_check_times(
    *, clinic: Clinic, protocol: Protocol, sessions: Sequence[SessionRequest | None], now: datetime
) -> BookingCheck:
    """Stage 1 for a new course: everything that needs no query. Sessions are numbered by time."""
    check = BookingCheck([])
    if not clinic.is_active:
        check.problems.append(Problem(planning.Violation(codes.CLINIC_INACTIVE, "This clinic is not taking bookings.")))
    offered = protocol_offered_violation(protocol=protocol, clinic=clinic)
    if offered:
        check.problems.append(Problem(offered))
    if len(sessions) != protocol.session_count:
        check.problems.append(Problem(planning.Violation(
            codes.SESSION_COUNT_MISMATCH,
            f"This protocol has {protocol.session_count} sessions; {len(sessions)} were given.",
            {"expected": protocol.session_count, "given": len(sessions)},
        )))
    session_requests_check(clinic=clinic, sessions=sessions, check=check)
    timed = sorted(((s.start, s.row, s) for s in check.sessions if s.start is not None), key=lambda t: t[:2])
    for sequence, (start, _, checked) in enumerate(timed, start=1):
        checked.sequence = sequence
        _end_and_past(check, checked, start, sequence, protocol, now)
    return check


def _end_and_past(
    check: BookingCheck, checked: CheckedSession, start: datetime, sequence: int, protocol: Protocol, now: datetime
) -> None:
    """`checked` gets its `start` and number elsewhere; here its end, and a refusal if it starts in the past."""
    past = _past(start, now)
    if past:
        check.problems.append(Problem(past, checked.row, sequence))
    checked.end = start + timedelta(minutes=protocol.chair_minutes_for(sequence))


def sessions_move_check(
    *,
    clinic: Clinic,
    protocol: Protocol,
    moved: Sequence[InfusionSession],
    target: CheckedSession,
    target_id: int,
    now: datetime,
) -> BookingCheck:
    """Stage 1 for moving sessions of a course: the target to its new time (`target`, from
    session_requests_check), the others in `moved` by the same wall-clock offset. Numbers stay."""
    if target.start is None:
        # session_requests_check gives a time to a request or records why not, and the caller refuses that.
        raise RuntimeError("The target has no time; refuse session_requests_check's problems first.")
    target_start = target.start
    delta = planning.wall_clock_delta(next(s.starts_at for s in moved if s.pk == target_id), target_start, clinic.tz)
    check = BookingCheck([])
    for s in moved:
        explicit = s.pk == target_id
        checked = CheckedSession(
            target.row if explicit else None, s.sequence,
            chair_id=target.chair_id if explicit else None, nurse_id=target.nurse_id if explicit else None,
            keep_chair_id=s.chair_id, keep_nurse_id=s.nurse_id,
        )
        check.sessions.append(checked)
        if explicit:
            start = target_start
        else:
            try:
                start = planning.shift_wall_clock(s.starts_at, delta, clinic.tz).astimezone(UTC)
            except planning.LocalTimeError as exc:
                check.problems.append(Problem(exc.violation, None, s.sequence))
                continue
        checked.start = start
        _end_and_past(check, checked, start, s.sequence, protocol, now)
    return check


# --- Stage 2: rules -------------------------------------------------------------------------------


def sessions_rules_check(
    check: BookingCheck,
    *,
    clinic: Clinic,
    protocol: Protocol,
    patient_id: int,
    others: Sequence[planning.Slot] = (),
    exclude: frozenset[int] = frozenset(),
) -> BookingCheck:
    """Stage 2: the sessions against the clinic's calendar, what is booked, and each other (seven queries).

    `others` are the course's sessions that stay where they are (spacing counts them); `exclude` the stored
    sessions being moved (their present times count as free). Chairs and nurses left None are chosen.
    Runs only when every session has its time and the course as a whole is fine.
    """
    timed = [(s, t) for s in check.sessions if (t := s.timed()) is not None]
    if not timed or len(timed) < len(check.sessions) or check.general:
        return check
    instants = [t.start for _, t in timed] + [t.end for _, t in timed]
    window_start, window_end = min(instants) - timedelta(days=1), max(instants) + timedelta(days=1)
    calendar = clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
    occupancy = occupancy_load(
        clinic_id=clinic.pk, patient_id=patient_id, window_start=window_start, window_end=window_end,
    ).block_chairs(calendar.rules.chair_closures)
    nurses_by_id = {n.id: n for n in calendar.nurses}
    requests = []
    for s, t in timed:
        chair_id, nurse_id = s.chair_id, s.nurse_id
        if chair_id is None and s.keep_chair_id in calendar.chair_ids and not planning.check_chair(
            t.start, t.end, s.keep_chair_id, occupancy, exclude
        ):
            chair_id = s.keep_chair_id
        if nurse_id is None and s.keep_nurse_id in nurses_by_id and not planning.nurse_violations(
            t.start, t.end, nurses_by_id[s.keep_nurse_id], calendar.rules, occupancy, exclude
        ):
            nurse_id = s.keep_nurse_id
        requests.append(
            planning.SeriesRequest(t.sequence, planning.Placement(t.start, t.end, patient_id, chair_id, nurse_id))
        )
    result = planning.check_series(
        requests, others=others, spacing=protocol_spacing(protocol), rules=calendar.rules,
        chair_ids=calendar.chair_ids, nurses=calendar.nurses, occupancy=occupancy, exclude=exclude,
    )
    by_sequence = check.by_sequence()
    for sequence, assignment in result.assignments:
        checked = by_sequence[sequence]
        checked.chair_id, checked.nurse_id = assignment.chair_id, assignment.nurse_id
        check.problems += [Problem(v, checked.row, sequence) for v in assignment.violations]
    for violation in result.spacing_violations:
        # Shown on the later session of the pair the rule is about, when it is one of those checked.
        pair = violation.details.get("sequences")
        later = by_sequence.get(pair[-1]) if pair else None
        check.problems.append(Problem(violation, later.row if later else None))
    check.warnings = list(result.warnings)
    check.rules_checked = True
    return check


def cycle_check(
    *, patient: Patient, protocol: Protocol, clinic: Clinic, sessions: Sequence[SessionRequest | None],
    now: datetime | None = None,
) -> BookingCheck:
    """Would this course be booked as it stands? Both stages, without the booking service's locks.

    `sessions` in any order (they are numbered by time); chairs and nurses left None are chosen by the rules.
    """
    check = cycle_check_times(clinic=clinic, protocol=protocol, sessions=sessions, now=now or timezone.now())
    return sessions_rules_check(check, clinic=clinic, protocol=protocol, patient_id=patient.pk)

