"""Booking an episode (pumps.services.booking.episode_book) and proposing one (pumps.selectors.proposals): the rows
and audit entries written, every refusal, the course's numbering and spacing, and infusion bookings kept out of
what an episode holds (the busy provider)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from bookings import services as booking_services
from common.errors import ApplicationError
from pumps.busy import pump_busy
from pumps.errors import PumpError
from pumps.models import Episode, EpisodeStatus, EpisodeVisit, PumpCourse, PumpStatus
from pumps.selectors.proposals import episode_proposals
from pumps.services.booking import episode_book
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.pumps.factories import (
    PumpCourseFactory,
    PumpFactory,
    PumpMaintenanceFactory,
    PumpProtocolFactory,
    episode_with_visits,
)

NY = ZoneInfo("America/New_York")
pytestmark = [pytest.mark.django_db, pytest.mark.frozen(dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC))]


@pytest.fixture
def world():
    clinic = ClinicFactory(start_stagger_minutes=0, nurse_max_concurrent=3)
    return {
        "clinic": clinic, "chair": ChairFactory(clinic=clinic), "nurse": NurseFactory(clinic=clinic),
        "pump": PumpFactory(clinic=clinic, label="Pump 1"), "patient": PatientFactory(clinic=clinic),
        "protocol": PumpProtocolFactory(clinic=clinic, episode_days=4),
    }


def book(world, when=dt.datetime(2027, 3, 1, 9), **kwargs):
    args = {"clinic": world["clinic"], "patient": world["patient"], "protocol": world["protocol"],
            "fitting_start": when, "by": None, **kwargs}
    return episode_book(**args)


def refusal(world, **kwargs) -> PumpError:
    with pytest.raises(PumpError) as caught:
        book(world, **kwargs)
    return caught.value


def test_an_episode_is_booked_with_its_visits_course_and_audit(world):
    episode = book(world)
    assert (episode.number, episode.status, episode.pump_id) == (1, EpisodeStatus.BOOKED, world["pump"].pk)
    visits = list(episode.visits.order_by("day"))
    assert [(v.kind, v.day, v.mode) for v in visits] == [
        ("fitting", 0, "visit"), ("review", 1, "visit"), ("review", 2, "visit"), ("review", 3, "visit"),
        ("removal", 4, "visit"),
    ]
    assert {v.starts_at.astimezone(NY).time() for v in visits} == {dt.time(9)}
    assert {v.chair_id for v in visits} == {world["chair"].pk}
    assert episode.starts_at == visits[0].starts_at and episode.ends_at == visits[-1].ends_at
    assert episode.pump_until == episode.ends_at + dt.timedelta(hours=4)
    assert PumpCourse.objects.get().episodes.get() == episode
    audited = {e.content_type.model for e in LogEntry.objects.filter(additional_data__patient=world["patient"].pk)}
    assert audited - {"patient"} == {"pumpcourse", "episode", "episodevisit"}
    assert LogEntry.objects.filter(content_type__model="episodevisit").count() == 5


def test_a_weekend_review_is_a_phone_review_or_the_episode_is_refused(world):
    episode = book(world, dt.datetime(2027, 3, 4, 9))  # Thursday: Saturday and Sunday inside
    weekend = episode.visits.filter(day__in=(2, 3))
    assert {(v.mode, v.chair_id, v.nurse_id) for v in weekend} == {("phone", None, None)}
    world["protocol"].phone_review_when_closed = False
    world["protocol"].save()
    error = refusal(world, when=dt.datetime(2027, 3, 11, 9), patient=PatientFactory(clinic=world["clinic"]),
                    pump=PumpFactory(clinic=world["clinic"]))
    assert (error.code, error.status) == ("review_on_closed_day", 400)
    assert "Sat 2027-03-13" in error.message


def test_a_busy_pump_is_a_409_naming_it(world):
    book(world)
    error = refusal(world, patient=PatientFactory(clinic=world["clinic"]), pump=world["pump"],
                    when=dt.datetime(2027, 3, 4, 11))
    assert (error.code, error.status) == ("pump_unavailable", 409)
    assert "Pump 1" in error.message


def test_without_a_pump_given_the_first_free_one_is_taken(world):
    book(world)
    second = PumpFactory(clinic=world["clinic"], label="Pump 2")
    episode = book(world, patient=PatientFactory(clinic=world["clinic"]), when=dt.datetime(2027, 3, 1, 11))
    assert episode.pump_id == second.pk
    error = refusal(world, patient=PatientFactory(clinic=world["clinic"]), when=dt.datetime(2027, 3, 1, 13))
    assert error.code == "pump_unavailable"


@pytest.mark.parametrize(("change", "code", "status"), [
    ({"status": PumpStatus.MAINTENANCE}, "pump_in_maintenance", 409),
    ({"status": PumpStatus.RETIRED}, "pump_retired", 400),
])
def test_a_pump_out_of_service_is_refused(world, change, code, status):
    for name, value in change.items():
        setattr(world["pump"], name, value)
    world["pump"].save()
    error = refusal(world, pump=world["pump"])
    assert (error.code, error.status) == (code, status)


def test_a_maintenance_span_is_refused(world):
    PumpMaintenanceFactory(pump=world["pump"], starts_at=dt.datetime(2027, 3, 3, tzinfo=NY),
                           ends_at=dt.datetime(2027, 3, 4, tzinfo=NY))
    assert refusal(world, pump=world["pump"]).code == "pump_in_maintenance"


def test_an_overdue_pump_stays_out_until_returned(world):
    old = episode_with_visits(course=PumpCourseFactory(clinic=world["clinic"]), pump=world["pump"],
                              fitting_at=dt.datetime(2027, 2, 8, 9, tzinfo=NY), status=EpisodeStatus.FITTED)
    assert old.pump_until < dt.datetime(2027, 2, 20, tzinfo=dt.UTC)
    error = refusal(world, pump=world["pump"])
    assert error.code == "pump_unavailable" and "overdue" in error.message
    proposals = episode_proposals(clinic=world["clinic"], patient=world["patient"], protocol=world["protocol"])
    assert proposals.episodes == [] and proposals.code == "no_pump_free"
    assert proposals.message == "The pump is out until further notice. (Pump 1 is overdue.)"


def test_the_patient_in_another_episode_is_refused(world):
    book(world)
    error = refusal(world, pump=PumpFactory(clinic=world["clinic"]), when=dt.datetime(2027, 3, 3, 14))
    assert (error.code, error.status) == ("patient_in_episode", 409)


def test_a_fitting_in_the_past_is_refused(world):
    assert refusal(world, when=dt.datetime(2027, 2, 19, 9)).code == "episode_in_past"


def test_the_course_numbers_and_spaces_its_episodes(world):
    protocol = world["protocol"]
    protocol.episodes_per_course, protocol.min_days_between_episodes, protocol.max_days_between_episodes = 2, 7, 14
    protocol.save()
    first = book(world)  # removal Fri 5 March
    course = first.course
    too_soon = refusal(world, course=course, when=dt.datetime(2027, 3, 11, 9))
    assert too_soon.code == "episode_too_soon" and "Fri 2027-03-12" in too_soon.message
    assert refusal(world, course=course, when=dt.datetime(2027, 3, 22, 9)).code == "episode_too_late"
    second = book(world, course=course, when=dt.datetime(2027, 3, 15, 9))
    assert (second.course_id, second.number) == (course.pk, 2)
    assert refusal(world, course=course, when=dt.datetime(2027, 4, 5, 9)).code == "course_full"
    other = PumpCourseFactory(clinic=world["clinic"], protocol=protocol)
    assert refusal(world, course=other).code == "wrong_course"


def test_another_clinics_pump_chair_or_nurse_is_refused(world):
    elsewhere = ClinicFactory()
    assert refusal(world, pump=PumpFactory(clinic=elsewhere)).code == "wrong_clinic"
    assert refusal(world, choices={0: (ChairFactory(clinic=elsewhere).pk, None)}).code == "wrong_clinic"
    assert refusal(world, choices={0: (None, NurseFactory(clinic=elsewhere).pk)}).code == "wrong_clinic"


def test_chosen_chairs_and_nurses_are_kept(world):
    chair2 = ChairFactory(clinic=world["clinic"])
    episode = book(world, choices={0: (chair2.pk, world["nurse"].pk)})
    fitting = episode.visits.get(day=0)
    assert (fitting.chair_id, fitting.nurse_id) == (chair2.pk, world["nurse"].pk)


def test_an_infusion_session_cannot_take_a_chair_held_by_a_fitting_visit(world):
    book(world)  # the chair, Monday 1 March 09:00–10:00
    other = PatientFactory(clinic=world["clinic"])
    with pytest.raises(ApplicationError) as caught:
        book_course(patient=other, protocol="booster-iv", starts=[dt.datetime(2027, 3, 1, 9, 30)],
                    chair=world["chair"])
    assert caught.value.code == "chair_conflict"


def test_a_patient_in_an_episode_cannot_be_booked_or_moved_into_it(world):
    book(world)  # Monday 1 to Friday 5 March
    with pytest.raises(ApplicationError) as caught:
        book_course(patient=world["patient"], protocol="booster-iv", starts=[dt.datetime(2027, 3, 2, 14)],
                    chair=ChairFactory(clinic=world["clinic"]))
    assert caught.value.code == "patient_conflict"
    session = book_course(patient=world["patient"], protocol="booster-iv", starts=[dt.datetime(2027, 3, 8, 14)],
                          chair=ChairFactory(clinic=world["clinic"])).sessions[0]
    with pytest.raises(ApplicationError) as caught:
        booking_services.session_reschedule(session=session, starts_at=dt.datetime(2027, 3, 3, 14))
    assert caught.value.code == "patient_conflict"


def test_the_busy_provider_gives_visits_and_the_patients_span(world):
    episode = book(world)
    window = (dt.datetime(2027, 2, 28, tzinfo=dt.UTC), dt.datetime(2027, 3, 10, tzinfo=dt.UTC))
    clinic_rows = pump_busy(clinic_id=world["clinic"].pk, patient_ids=[], window_start=window[0], window_end=window[1])
    assert len(clinic_rows) == 5 and {b.chair_id for b in clinic_rows} == {world["chair"].pk}
    rows = pump_busy(clinic_id=ClinicFactory().pk, patient_ids=[world["patient"].pk], window_start=window[0],
                     window_end=window[1])
    spans = [b for b in rows if b.chair_id == -1]
    assert [(b.start, b.end, b.nurse_id) for b in spans] == [(episode.starts_at, episode.ends_at, -1)]
    assert len(rows) == 6


def test_the_proposal_is_the_earliest_episode_with_alternatives(world):
    PumpFactory(clinic=world["clinic"], label="Pump 2")
    found = episode_proposals(clinic=world["clinic"], patient=world["patient"], protocol=world["protocol"],
                              earliest=dt.date(2027, 3, 1))
    assert found.code is None
    first = found.episodes[0]
    assert first.starts_at.astimezone(NY) == dt.datetime(2027, 3, 1, 8, tzinfo=NY)
    assert (first.pump_label, len(first.visits)) == ("Pump 1", 5)
    assert found.episodes[1].pump_label == "Pump 2"
    # What is proposed books as proposed.
    episode = book(world, when=first.starts_at, pump=world["pump"],
                   choices={v.day: (v.chair_id, v.nurse_id) for v in first.visits})
    assert [(v.starts_at, v.chair_id) for v in episode.visits.order_by("day")] == [
        (v.starts_at, v.chair_id) for v in first.visits]


def test_all_pumps_out_is_explained_with_the_first_free_date(world):
    pumps = [world["pump"], PumpFactory(clinic=world["clinic"]), PumpFactory(clinic=world["clinic"])]
    for pump, day in zip(pumps, (20, 14, 28), strict=True):
        episode_with_visits(course=PumpCourseFactory(clinic=world["clinic"]), pump=pump,
                            fitting_at=dt.datetime(2027, 2, 22, 9, tzinfo=NY))
        Episode.objects.filter(pump=pump).update(pump_until=dt.datetime(2027, 4, day, 12, tzinfo=NY),
                                                 ends_at=dt.datetime(2027, 4, day, 8, tzinfo=NY))
    found = episode_proposals(clinic=world["clinic"], patient=world["patient"], protocol=world["protocol"],
                              earliest=dt.date(2027, 3, 1))
    assert found.episodes == []
    assert (found.code, found.message) == ("no_pump_free", "All 3 pumps are out until 14 April.")
    assert EpisodeVisit.objects.count() == 18  # three episodes of the factory's five-day protocol


def test_an_episode_across_the_dst_change_keeps_its_wall_clock_time():
    berlin = ZoneInfo("Europe/Berlin")
    clinic = ClinicFactory(timezone="Europe/Berlin", start_stagger_minutes=0,
                           hours={d: [("08:00", "18:00")] for d in range(7)})
    ChairFactory(clinic=clinic)
    NurseFactory(clinic=clinic)
    PumpFactory(clinic=clinic)
    episode = episode_book(clinic=clinic, patient=PatientFactory(clinic=clinic),
                           protocol=PumpProtocolFactory(clinic=clinic, episode_days=5),
                           fitting_start=dt.datetime(2027, 3, 26, 10), by=None)  # Friday; clocks change on Sunday
    visits = list(episode.visits.order_by("day"))
    assert {v.starts_at.astimezone(berlin).time() for v in visits} == {dt.time(10)}
    assert [v.starts_at.astimezone(berlin).date() for v in visits] == [
        dt.date(2027, 3, 26) + dt.timedelta(days=n) for n in range(6)]
    assert visits[2].starts_at - visits[1].starts_at == dt.timedelta(hours=23)  # Saturday to Sunday


def test_a_cancelled_episodes_number_is_taken_again_and_no_number_twice(world):
    protocol = world["protocol"]
    protocol.episodes_per_course, protocol.min_days_between_episodes = 3, 2
    protocol.save()
    first = book(world)
    second = book(world, course=first.course, when=dt.datetime(2027, 3, 8, 9))
    Episode.objects.filter(pk=first.pk).update(status=EpisodeStatus.CANCELLED)
    third = book(world, course=first.course, when=dt.datetime(2027, 3, 15, 9))
    assert (second.number, third.number) == (2, 3)


def test_a_race_the_check_missed_is_a_409_from_the_constraint(world, monkeypatch):
    """As if another booking committed between the check and the insert: the exclusion constraint answers."""
    import dataclasses

    from pumps.services import booking as booking_module

    book(world)
    real = booking_module.planning_load

    def blind(**kwargs):  # the pump's holds and the patient's span unseen, as a lost race would leave them
        loaded = real(**kwargs)
        return dataclasses.replace(loaded, pumps=tuple(dataclasses.replace(p, holds=()) for p in loaded.pumps))

    monkeypatch.setattr(booking_module, "planning_load", blind)
    error = refusal(world, patient=PatientFactory(clinic=world["clinic"]), pump=world["pump"],
                    when=dt.datetime(2027, 3, 4, 14))
    assert (error.code, error.status) == ("pump_unavailable", 409)
    assert error.details == {"constraint": "episode_no_pump_overlap"}
    assert Episode.objects.count() == 1
