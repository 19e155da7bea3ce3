"""GET /api/v1/sessions/{id}/options/ as an integrator meets it: options wherever the course's window lies.

The promise checked here, table-driven over protocols, courses near today, mid-course and far ahead (past
four and past eight weeks), and sessions whose own day was closed after booking: whenever a brute-force
search over the day availability finds a time the session could take (and the reschedule service takes
it), the options are not empty and start no later; and every option offered is one the reschedule
service books, chair and nurse as offered. Then `from`, `count`, the 92-day bound and the refusals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from bookings import selectors, services
from bookings.models import OCCUPYING_STATUSES, InfusionSession
from common.api import CLINICIAN
from scheduler import planning
from scheduler.models import Chair, Clinic, StaffMember
from scheduler.selectors import protocol_spacing
from tests.factories import ClinicFactory, NurseFactory, PatientFactory, book_course, shared_protocol
from tests.helpers import assert_error, client_for, staff_user

NY = ZoneInfo("America/New_York")
T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
TODAY = dt.date(2027, 3, 1)
#: How far the brute force looks: past the furthest course below (ten weeks ahead) and its window.
ORACLE_DAYS = 130

pytestmark = pytest.mark.frozen(T0)


def url(session: InfusionSession) -> str:
    return f"/api/v1/sessions/{session.pk}/options/"


def instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def close_day(clinic: Clinic, day: dt.date) -> None:
    """A closure of the whole clinic date, added after the booking (a burst pipe): the session stays booked there."""
    midnight = dt.datetime.combine(day, dt.time.min, NY)
    clinic.closures.create(starts_at=midnight, ends_at=midnight + dt.timedelta(days=1), reason="Burst pipe")


def book_proposed(patient, clinic, slug: str, earliest: dt.date) -> list[InfusionSession]:
    """The course the planner proposes from `earliest`, booked as proposed; its sessions in order."""
    protocol = shared_protocol(slug)
    proposal = selectors.cycle_proposal(patient=patient, protocol=protocol, clinic=clinic, earliest_date=earliest)
    chairs = {c.pk: c for c in Chair.objects.filter(clinic=clinic)}
    nurses = {n.pk: n for n in StaffMember.objects.filter(clinic=clinic)}
    booked = book_course(
        patient=patient, clinic=clinic, protocol=protocol,
        starts=[services.SessionRequest(s.start, chair=chairs[s.chair_id], nurse=nurses[s.nurse_id]) for s in proposal.sessions],
    )
    return sorted(booked.sessions, key=lambda s: s.sequence)


def reschedules(session: InfusionSession, start: dt.datetime, chair_id: int | None = None, nurse_id: int | None = None) -> bool:
    """Would the reschedule service move the session there (with that chair and nurse)? Rolled back either way."""
    with transaction.atomic():
        try:
            moved = services.session_reschedule(
                session=InfusionSession.objects.select_related("clinic", "cycle").get(pk=session.pk), starts_at=start,
                chair=Chair.objects.get(pk=chair_id) if chair_id else None,
                nurse=StaffMember.objects.get(pk=nurse_id) if nurse_id else None,
            )
            ok = moved[0].starts_at == start and (chair_id is None or moved[0].chair_id == chair_id) and (
                nurse_id is None or moved[0].nurse_id == nurse_id
            )
        except services.BookingError:
            ok = False
        transaction.set_rollback(True)
    return ok


def first_free_by_brute_force(session: InfusionSession, earliest: dt.date) -> dt.datetime | None:
    """The earliest start, day by day from `earliest`, that the day's availability shows free (for this
    patient, with the session's block) and that keeps the course's spacing. Its own present time does not
    count (availability sees it as the patient's), so this may come later than the options, never earlier."""
    protocol = session.cycle.protocol
    minutes = protocol.chair_minutes_for(session.sequence)
    others = [
        planning.Slot(s.sequence, s.starts_at, s.ends_at)
        for s in InfusionSession.objects.filter(cycle=session.cycle, status__in=OCCUPYING_STATUSES).exclude(pk=session.pk)
    ]
    for n in range(ORACLE_DAYS):
        day = earliest + dt.timedelta(days=n)
        for slot in selectors.day_availability(
            clinic=session.clinic, protocol=protocol, day=day, patient=session.patient, first_visit=session.sequence == 1
        ):
            placed = planning.Slot(session.sequence, slot.start, slot.start + dt.timedelta(minutes=minutes))
            if not planning.check_spacing([*others, placed], protocol_spacing(protocol), NY)[0]:
                return slot.start
    return None


@pytest.fixture
def one_chair_clinic(db) -> Clinic:
    """Mon–Fri 08:00–18:00 in New York, one chair and one nurse: a closed day leaves no other chair to fall back on."""
    return ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)


@dataclass(frozen=True)
class Case:
    protocol: str
    #: The course as proposed from this many days after today.
    starts_in_days: int
    #: The session asked about.
    sequence: int
    #: Its own day closed after booking: it must go elsewhere in its window, if anywhere.
    close_its_day: bool = False
    #: The clock moved on this many days after booking (mid-course: the earlier sessions are past).
    later_days: int = 0
    #: Whether any time is to be found (a check on the table, not on the code).
    movable: bool = True


CASES = [
    pytest.param(Case("depression-iv", 0, 3), id="near-today-depression-middle"),
    pytest.param(Case("depression-iv", 0, 3, close_its_day=True, movable=False),
                 id="near-today-depression-middle-its-only-open-day-closed"),
    pytest.param(Case("depression-iv", 0, 6, close_its_day=True), id="near-today-depression-last-closed-open-after"),
    pytest.param(Case("depression-iv", 0, 4, later_days=5), id="mid-course-depression-fourth-after-the-third"),
    pytest.param(Case("ptsd-iv", 0, 6, later_days=9), id="mid-course-ptsd-last"),
    pytest.param(Case("anxiety-sc", 0, 3, close_its_day=True, later_days=10), id="mid-course-anxiety-third-closed"),
    pytest.param(Case("ptsd-iv", 35, 1), id="past-4-weeks-ptsd-first-window-starts-past-4-weeks"),
    pytest.param(Case("ptsd-iv", 35, 4, close_its_day=True, movable=False), id="past-4-weeks-ptsd-middle-closed"),
    pytest.param(Case("depression-iv", 35, 6, close_its_day=True), id="past-4-weeks-depression-last-closed"),
    pytest.param(Case("chronic-pain-iv", 35, 3, close_its_day=True, movable=False),
                 id="past-4-weeks-pain-middle-its-one-weekday-closed"),
    pytest.param(Case("anxiety-sc", 35, 4, close_its_day=True), id="past-4-weeks-anxiety-last-closed"),
    pytest.param(Case("ptsd-iv", 63, 6), id="past-8-weeks-ptsd-last"),
    pytest.param(Case("anxiety-sc", 63, 2, close_its_day=True), id="past-8-weeks-anxiety-second-closed"),
    pytest.param(Case("esketamine-nasal", 63, 8, close_its_day=True), id="past-8-weeks-esketamine-last-closed"),
    pytest.param(Case("depression-iv", 63, 1, close_its_day=True), id="past-8-weeks-depression-first-open-before"),
    pytest.param(Case("booster-iv", 70, 1, close_its_day=True), id="past-8-weeks-booster-open-both-ways"),
]


@pytest.mark.parametrize("case", CASES)
def test_options_are_found_whenever_the_session_can_move_and_each_is_booked_by_the_reschedule(
    case: Case, one_chair_clinic, frozen
):
    clinic = one_chair_clinic
    patient = PatientFactory(clinic=clinic)
    course = book_proposed(patient, clinic, case.protocol, TODAY + dt.timedelta(days=case.starts_in_days))
    session = course[case.sequence - 1]
    if case.close_its_day:
        close_day(clinic, session.starts_at.astimezone(NY).date())
    if case.later_days:
        frozen.move_to(T0 + dt.timedelta(days=case.later_days))
        assert session.starts_at > T0 + dt.timedelta(days=case.later_days)  # still ahead
    today = planning.local_date(T0 + dt.timedelta(days=case.later_days), NY)
    desk = client_for(staff_user("front_desk", clinic))

    response = desk.get(url(session), {"count": 20})
    assert response.status_code == 200, response.content
    options = response.json()
    found = first_free_by_brute_force(session, today)

    assert (found is not None) == case.movable, found
    if found is not None:
        assert reschedules(session, found), found  # the brute force's answer is one the service takes
        assert options, f"the reschedule takes {found:%Y-%m-%d %H:%M}, yet no option was offered"
        assert instant(options[0]["starts_at"]) <= found
    if not case.close_its_day:
        # Its own time keeps the course valid: it is offered among the first twenty, or all twenty come earlier.
        starts = [instant(o["starts_at"]) for o in options]
        assert session.starts_at in starts or (len(starts) == 20 and starts[-1] < session.starts_at)
    for option in options:
        assert option["sequence"] == session.sequence
        assert reschedules(session, instant(option["starts_at"]), option["chair"], option["nurse"]), option
    if not case.movable:
        assert options == []


# --- from, count, the bound --------------------------------------------------------------------


@pytest.fixture
def far_course(clinic, chairs, nurse, patient) -> list[InfusionSession]:
    """A PTSD course booked from Monday 10 May (ten weeks ahead) in the desk's clinic."""
    return book_proposed(patient, clinic, "ptsd-iv", dt.date(2027, 5, 10))


def _days(options) -> list[dt.date]:
    return sorted({instant(o["starts_at"]).astimezone(NY).date() for o in options})


def test_a_session_ten_weeks_ahead_gets_its_window_as_options(far_course, desk):
    """The fourth session (Monday 17 May) may fall between Friday's +40 h and Wednesday's -40 h: Monday only."""
    fourth = far_course[3]
    options = desk.get(url(fourth)).json()
    assert len(options) == 5 and _days(options) == [dt.date(2027, 5, 17)]
    assert fourth.starts_at in [instant(o["starts_at"]) for o in options]
    assert all(o["starts_local"].startswith("2027-05-17T") and o["starts_local"].endswith("-04:00") for o in options)


def test_from_starts_the_search_later_inside_the_window(far_course, desk):
    last = far_course[5]  # Friday 21 May; the course may end by Sunday 23 May (14 days from Monday 10)
    assert _days(desk.get(url(last), {"count": 20}).json()) == [dt.date(2027, 5, 21)]
    # From a day before today, or today: as if left out.
    assert desk.get(url(last), {"from": "2027-02-20"}).json() == desk.get(url(last)).json()
    assert desk.get(url(last), {"from": "2027-03-01"}).json() == desk.get(url(last)).json()
    # From the window's last day, a Sunday the clinic is closed, and past it: nothing, and that is no error.
    assert desk.get(url(last), {"from": "2027-05-23"}).json() == []
    assert desk.get(url(last), {"from": "2027-06-01"}).json() == []


def test_from_picks_the_later_days_of_an_open_window(clinic, chairs, nurse, patient, desk):
    """The last depression session has no hard window: `from` moves the search to any later date."""
    last = book_proposed(patient, clinic, "depression-iv", TODAY)[5]
    options = desk.get(url(last), {"from": "2027-04-14", "count": 3}).json()
    assert [o["starts_local"] for o in options] == [
        "2027-04-14T08:00:00-04:00", "2027-04-14T08:15:00-04:00", "2027-04-14T08:30:00-04:00"
    ]
    for option in options:
        assert reschedules(last, instant(option["starts_at"]), option["chair"], option["nurse"])


def test_the_search_covers_92_days_from_its_first_and_from_looks_further(clinic, chairs, nurse, patient, desk):
    """A booster with the clinic closed for fourteen weeks after it was booked: nothing in the 92 days from today,
    the first free morning once `from` reaches past them."""
    booster = book_course(patient=patient, clinic=clinic, protocol="booster-iv", days=[(3, 2)]).sessions[0]
    clinic.closures.create(
        starts_at=dt.datetime(2027, 3, 1, tzinfo=NY), ends_at=dt.datetime(2027, 6, 7, tzinfo=NY), reason="Rebuilding"
    )
    assert desk.get(url(booster)).json() == []  # 1 March .. 31 May, all closed
    options = desk.get(url(booster), {"from": "2027-05-31", "count": 1}).json()
    assert [o["starts_local"] for o in options] == ["2027-06-07T08:00:00-04:00"]
    assert reschedules(booster, instant(options[0]["starts_at"]))


def test_count_bounds_the_answer(far_course, desk):
    assert len(desk.get(url(far_course[3]), {"count": 1}).json()) == 1
    assert len(desk.get(url(far_course[3]), {"count": 20}).json()) == 20


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "next week"}, "from"),
        ({"from": "2027-02-30"}, "from"),
        ({"from": "2027-03-01T09:00"}, "from"),
        ({"from": ""}, "from"),
        ({"from": "2028-03-02"}, "from"),  # more than a year ahead
        ({"from": "2026-02-27"}, "from"),  # more than a year ago
        ({"from": "0001-01-01"}, "from"),
        ({"from": "9999-12-31"}, "from"),
        ({"count": 0}, "count"),
        ({"count": 21}, "count"),
        ({"count": "five"}, "count"),
        ({"count": ""}, "count"),
    ],
)
def test_bad_parameters_are_a_validation_error(far_course, desk, params, field):
    assert_error(desk.get(url(far_course[3]), params), 400, "validation_error", field)


def test_a_session_that_cannot_move_is_a_conflict(far_course, desk):
    cancelled = services.session_cancel(session=far_course[2], by_party="clinic", reason="Unwell")
    body = assert_error(desk.get(url(cancelled)), 409, "invalid_transition")
    assert body["details"] == {"session": cancelled.pk, "status": "cancelled", "action": "move"}
    # The reschedule answers the same.
    assert_error(desk.post(f"/api/v1/sessions/{cancelled.pk}/reschedule/", {"starts_at": "2027-05-18T09:00"}, format="json"),
                 409, "invalid_transition")


def test_roles_and_other_clinics(far_course, clinic):
    assert_error(client_for(staff_user(CLINICIAN, clinic)).get(url(far_course[3])), 403, "permission_denied")
    assert_error(client_for().get(url(far_course[3])), 401, "not_authenticated")
    elsewhere = ClinicFactory(start_stagger_minutes=0, chairs=1)
    NurseFactory(clinic=elsewhere)
    assert_error(client_for(staff_user("front_desk", elsewhere)).get(url(far_course[3])), 404, "not_found")
