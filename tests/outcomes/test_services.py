"""The measure services: answers stored and scored against the course's baseline, corrections as versions,
urgent flags, the start gate, acknowledgement, the review decision; each write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from bookings import services as booking
from bookings.models import InfusionSession, SessionStatus, TreatmentCycle
from bookings.services import BookingError
from common.api import CLINICIAN
from common.errors import ApplicationError
from outcomes import selectors, services
from outcomes.models import Measure, Source, UrgentFlag
from tests.factories import book_course, shared_protocol
from tests.helpers import staff_user
from tests.outcomes.conftest import T0
from tests.safety.helpers import checks_pass, recovery_pass

pytestmark = pytest.mark.frozen(T0)

PHQ = "phq9"


def phq(total: int, item9: int = 0) -> list[int]:
    answers, left = [], total - item9
    for _ in range(8):
        answers.append(min(3, left))
        left -= answers[-1]
    return [*answers, item9]


def test_the_data_migration_loads_four_instruments_and_the_protocol_defaults(db):
    assert sorted(selectors.instruments_current().values_list("code", flat=True)) == ["gad7", "pain", "pcl5", "phq9"]
    asked = {slug: selectors.protocol_instrument_codes(shared_protocol(slug)) for slug in
             ["depression-iv", "booster-iv", "anxiety-sc", "ptsd-iv", "chronic-pain-iv", "esketamine-nasal"]}
    assert asked == {"depression-iv": ["phq9"], "booster-iv": ["phq9"], "anxiety-sc": ["gad7"], "ptsd-iv": ["pcl5"],
                     "chronic-pain-iv": ["pain"], "esketamine-nasal": ["phq9"]}


def test_scores_read_against_the_first_session(course):
    s1, s2, s3 = (course.sessions.get(sequence=k) for k in (1, 2, 3))
    first = services.measure_record(session=s1, instrument_code=PHQ, answers=phq(20))
    assert (first.total, first.band, first.change_from_baseline, first.response, first.remission) == (20, "severe", 0, False, False)
    second = services.measure_record(session=s2, instrument_code=PHQ, answers=phq(11))
    assert (second.change_from_baseline, second.response) == (-9, False)
    third = services.measure_record(session=s3, instrument_code=PHQ, answers=phq(4))
    assert (third.band, third.change_from_baseline, third.response, third.remission) == ("minimal", -16, True, True)
    series = selectors.cycle_measures(cycle=course)
    assert [(r.total, r.response) for r in series[0].reads] == [(20, False), (11, False), (4, True)]
    assert series[0].response_line == 10


def test_a_correction_is_a_new_version_the_old_kept(course):
    s1 = course.sessions.get(sequence=1)
    services.measure_record(session=s1, instrument_code=PHQ, answers=phq(12))
    corrected = services.measure_record(session=s1, instrument_code=PHQ, answers=phq(14))
    rows = list(Measure.objects.filter(session=s1).order_by("version").values_list("version", "total", "is_current"))
    assert rows == [(1, 12, False), (2, 14, True)]
    assert corrected.measure.version == 2 and corrected.baseline == 14


def test_an_instrument_the_course_does_not_ask_for_is_refused(course):
    with pytest.raises(ApplicationError) as caught:
        services.measure_record(session=course.sessions.first(), instrument_code="gad7", answers=[0] * 7)
    assert (caught.value.code, caught.value.status, caught.value.details) == ("instrument_not_asked", 400, {"asked": ["phq9"]})


def test_no_answers_for_a_cancelled_session_and_none_from_the_patient_once_started(course, checked_in):
    booking.session_start(session=checked_in)
    with pytest.raises(ApplicationError) as caught:
        services.measure_record(session=checked_in, instrument_code=PHQ, answers=phq(3), source=Source.PATIENT)
    assert (caught.value.code, caught.value.status) == ("session_not_open", 409)
    # A clinician may still enter them in the chair.
    assert services.measure_record(session=checked_in, instrument_code=PHQ, answers=phq(3)).total == 3
    later = course.sessions.get(sequence=4)
    booking.session_cancel(session=later, by_party="clinic", reason="test")
    with pytest.raises(ApplicationError) as caught:
        services.measure_record(session=later, instrument_code=PHQ, answers=phq(3))
    assert caught.value.code == "session_not_open"


def test_item_9_blocks_the_start_until_a_clinician_acknowledges(checked_in, clinic, frozen):
    nurse_user = staff_user(CLINICIAN, clinic)
    read = services.measure_record(session=checked_in, instrument_code=PHQ, answers=phq(10, item9=1), source=Source.PATIENT)
    [flag] = read.flags
    assert (flag.item, flag.acknowledged_at) == (9, None)
    with pytest.raises(BookingError) as caught:
        booking.session_start(session=checked_in)
    assert (caught.value.code, caught.value.status, caught.value.details) == (
        "urgent_flag_unacknowledged", 409, {"session": checked_in.pk, "flags": [flag.pk]})
    assert InfusionSession.objects.get(pk=checked_in.pk).status == SessionStatus.CHECKED_IN
    frozen.shift(dt.timedelta(minutes=5))
    done = services.flag_acknowledge(flag=flag, by=nurse_user, note="Spoke with the patient")
    assert (done.acknowledged_by, done.acknowledged_at) == (nurse_user, T0 + dt.timedelta(minutes=5) + (checked_in.starts_at - T0))
    entry = LogEntry.objects.filter(object_pk=str(flag.pk), content_type__model="urgentflag", action=LogEntry.Action.UPDATE).get()
    assert entry.actor == nurse_user and entry.timestamp == done.acknowledged_at
    assert booking.session_start(session=checked_in).status == SessionStatus.IN_CHAIR
    with pytest.raises(ApplicationError) as caught:
        services.flag_acknowledge(flag=flag, by=nurse_user)
    assert (caught.value.code, caught.value.status) == ("flag_already_acknowledged", 409)


def test_a_correction_without_item_9_leaves_the_flag_to_a_clinician(checked_in):
    services.measure_record(session=checked_in, instrument_code=PHQ, answers=phq(10, item9=2))
    services.measure_record(session=checked_in, instrument_code=PHQ, answers=phq(10))
    assert UrgentFlag.objects.filter(session=checked_in, acknowledged_at__isnull=True).count() == 1
    with pytest.raises(BookingError):
        booking.session_start(session=checked_in)


def test_every_write_is_audited_with_who(course, clinic):
    user = staff_user(CLINICIAN, clinic)
    s1 = course.sessions.get(sequence=1)
    read = services.measure_record(session=s1, instrument_code=PHQ, answers=phq(9, item9=1), by=user)
    services.measure_record(session=s1, instrument_code=PHQ, answers=phq(8), by=user)
    entries = LogEntry.objects.filter(content_type__app_label="outcomes").order_by("pk")
    assert [(e.content_type.model, e.action, e.actor_id) for e in entries] == [
        ("measure", LogEntry.Action.CREATE, user.pk), ("urgentflag", LogEntry.Action.CREATE, user.pk),
        ("measure", LogEntry.Action.UPDATE, user.pk), ("measure", LogEntry.Action.CREATE, user.pk),
    ]
    assert entries[0].object_pk == str(read.measure.pk)
    assert entries[0].additional_data == {"patient": course.patient_id, "clinic": clinic.pk}


def test_the_review_decision_is_recorded_and_clears_the_flag(course, clinic):
    user = staff_user(CLINICIAN, clinic)
    with pytest.raises(ApplicationError) as caught:
        services.cycle_review_decide(cycle=course, decision="continue", by=user)
    assert caught.value.code == "review_not_due"
    TreatmentCycle.objects.filter(pk=course.pk).update(needs_review=True, review_reason="after_session")
    review = services.cycle_review_decide(cycle=course, decision="adjust", note="Longer spacing", by=user)
    course.refresh_from_db()
    assert (review.decision, review.decided_by, course.needs_review, course.review_reason) == ("adjust", user, False, "")
    with pytest.raises(ApplicationError) as caught:
        services.cycle_review_decide(cycle=course, decision="maybe", by=user)
    assert caught.value.code == "decision_invalid"


def test_forms_done_or_missing(course, clinic, chairs, nurse):
    s1, s2 = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    services.measure_record(session=s1, instrument_code=PHQ, answers=phq(3))
    assert [(f.instrument_code, f.done) for f in selectors.session_forms(session=s1)] == [("phq9", True)]
    assert selectors.forms_done_for([s1, s2]) == {s1.pk: True, s2.pk: False}
    pain = book_course(patient=course.patient, clinic=clinic, protocol="chronic-pain-iv",
                       starts=[dt.datetime(2027, 5, 3 + k, 9) for k in range(5)]).cycle
    assert [f.instrument_code for f in selectors.session_forms(session=pain.sessions.first())] == ["pain"]


def _complete_through(course, frozen, last: int) -> None:
    """Run the course's sessions 1..last through check-in, the chair and completion, each at its own time."""
    for k in range(1, last + 1):
        session = course.sessions.get(sequence=k)
        frozen.move_to(session.starts_at)
        checks_pass(booking.session_check_in(session=session))
        started = booking.session_start(session=session)
        recovery_pass(started)
        frozen.move_to(session.ends_at)
        booking.session_complete(session=InfusionSession.objects.get(pk=session.pk))


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ([20, 15, 9], False),  # a drop of 11 from 20 (55 %): a response, no review
        ([20, 15, 10], False),  # exactly 50 %: a response
        ([20, 15, 11], True),  # 45 %: no response, reviewed
        (None, True),  # nothing recorded: not known, reviewed as always
    ],
)
def test_after_session_3_only_a_course_without_a_response_is_flagged_for_review(course, frozen, scores, flagged):
    if scores:
        for k, total in enumerate(scores, start=1):
            services.measure_record(session=course.sessions.get(sequence=k), instrument_code=PHQ, answers=phq(total))
    _complete_through(course, frozen, 3)
    assert TreatmentCycle.objects.get(pk=course.pk).needs_review is flagged
