"""The pump worklists (issue 16): a missed review is on the clinicians' worklist at once, until the pump is back;
a pump not back by the removal's end plus the clinic's return grace is overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from pumps.models import EpisodeStatus, EpisodeVisit, PumpSettings, VisitKind
from pumps.selectors.worklist import missed_reviews, pumps_overdue, settings_for, visits_stranded
from pumps.services.lifecycle import episode_fit, episode_remove, episode_return, visit_record
from tests.conftest import local
from tests.factories import ClinicFactory
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-03-01 14:00Z")]


def episode(clinic, day=1, *, status=EpisodeStatus.BOOKED):
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=3)
    course = PumpCourseFactory(clinic=clinic, protocol=protocol)
    return episode_with_visits(course=course, pump=PumpFactory(clinic=clinic),
                               fitting_at=local(clinic, 2027, 3, day, 10, 0), status=status)


def test_a_missed_review_is_on_the_worklist_at_once_until_the_pump_is_back(clinic, frozen):
    ep = episode(clinic)
    frozen.move_to(local(clinic, 2027, 3, 1, 10, 0))
    episode_fit(episode=ep, by=None)
    review = EpisodeVisit.objects.get(episode=ep, kind=VisitKind.REVIEW, day=1)
    assert not missed_reviews(clinic_ids=[clinic.pk]).exists()

    frozen.move_to(local(clinic, 2027, 3, 2, 16, 0))
    visit_record(visit=review, done=False, by=None)
    assert list(missed_reviews(clinic_ids=[clinic.pk])) == [review]
    assert not missed_reviews(clinic_ids=[ClinicFactory().pk]).exists()  # another clinic's worklist

    frozen.move_to(local(clinic, 2027, 3, 4, 10, 0))
    episode_remove(episode=ep, by=None)
    assert list(missed_reviews(clinic_ids=[clinic.pk])) == [review]  # off the patient, not yet back
    episode_return(episode=ep, by=None)
    assert not missed_reviews(clinic_ids=[clinic.pk]).exists()


def test_a_done_review_is_not_on_the_worklist(clinic, frozen):
    ep = episode(clinic)
    frozen.move_to(local(clinic, 2027, 3, 1, 10, 0))
    episode_fit(episode=ep, by=None)
    frozen.move_to(local(clinic, 2027, 3, 2, 10, 0))
    visit_record(visit=EpisodeVisit.objects.get(episode=ep, kind=VisitKind.REVIEW, day=1), done=True, by=None)
    assert not missed_reviews(clinic_ids=[clinic.pk]).exists()


@pytest.mark.parametrize(("grace", "minutes_after_end", "overdue"), [
    (None, 119, False), (None, 121, True),  # the default grace: 2 hours
    (0, 1, True), (0, -1, False), (5, 299, False), (5, 301, True),
])
def test_overdue_after_the_removal_end_plus_the_clinics_grace(clinic, grace, minutes_after_end, overdue):
    if grace is not None:
        PumpSettings.objects.create(clinic=clinic, return_grace_hours=grace)
    fitted = episode(clinic, status=EpisodeStatus.FITTED)
    now = fitted.ends_at + dt.timedelta(minutes=minutes_after_end)

    rows = list(pumps_overdue(clinic_ids=[clinic.pk], now=now))

    assert rows == ([fitted] if overdue else [])
    if overdue:
        assert rows[0].overdue_at == fitted.ends_at + dt.timedelta(hours=2 if grace is None else grace)


def test_only_pumps_still_out_are_overdue(clinic):
    out = [episode(clinic, day=1, status=status) for status in (EpisodeStatus.FITTED, EpisodeStatus.REMOVED)]
    for status in (EpisodeStatus.BOOKED, EpisodeStatus.RETURNED, EpisodeStatus.CANCELLED):
        episode(clinic, day=1, status=status)
    late = local(clinic, 2027, 3, 10, 10, 0)
    assert set(pumps_overdue(clinic_ids=[clinic.pk], now=late)) == set(out)
    assert not pumps_overdue(clinic_ids=[ClinicFactory().pk], now=late).exists()


def test_overdue_and_missed_queries_do_not_grow_with_rows(clinic, django_assert_num_queries):
    for _ in range(5):
        episode(clinic, status=EpisodeStatus.FITTED)
    late = local(clinic, 2027, 3, 10, 10, 0)
    with django_assert_num_queries(1):
        rows = [(e.pump.label, e.patient.pk, e.clinic.timezone) for e in pumps_overdue(clinic_ids=[clinic.pk], now=late)]
    assert len(rows) == 5
    EpisodeVisit.objects.filter(kind=VisitKind.REVIEW, day=1).update(status="missed")
    with django_assert_num_queries(1):
        seen = [(v.episode.pump.label, v.patient.pk) for v in missed_reviews(clinic_ids=[clinic.pk])]
    assert len(seen) == 5


def test_settings_default_without_a_row(clinic):
    assert (settings_for(clinic_id=clinic.pk).turnaround_hours, settings_for(clinic_id=clinic.pk).return_grace_hours) == (4, 2)


def stranded_episode(clinic):
    """A booked 3-day episode from Tuesday 10:00 (Tue fitting, Wed and Thu reviews, Fri removal) in a chair with a
    nurse on shift every weekday."""
    from tests.factories import ChairFactory, NurseFactory

    protocol = PumpProtocolFactory(clinic=clinic, episode_days=3)
    course = PumpCourseFactory(clinic=clinic, protocol=protocol)
    return episode_with_visits(course=course, pump=PumpFactory(clinic=clinic), chair=ChairFactory(clinic=clinic),
                               nurse=NurseFactory(clinic=clinic), fitting_at=local(clinic, 2027, 3, 2, 10, 0))


def test_a_closure_over_a_visit_puts_it_on_the_worklist_at_once(clinic):
    from scheduler.models import Closure

    ep = stranded_episode(clinic)
    now = local(clinic, 2027, 3, 1, 9, 0)
    assert visits_stranded(clinic=clinic, now=now) == []
    Closure.objects.create(clinic=clinic, starts_at=local(clinic, 2027, 3, 5, 0, 0),
                           ends_at=local(clinic, 2027, 3, 6, 0, 0), reason="Burst pipe")
    found = visits_stranded(clinic=clinic, now=now)
    assert [(i.visit.episode_id, i.visit.kind) for i in found] == [(ep.pk, VisitKind.REMOVAL)]
    assert [r.code for r in found[0].reasons] == ["clinic_closed"]


def test_a_chair_out_of_service_or_the_nurse_away_strands_its_visits(clinic):
    from scheduler.models import Closure, TimeOff

    ep = stranded_episode(clinic)
    fitting = ep.visits.get(kind=VisitKind.FITTING)
    Closure.objects.create(clinic=clinic, chair=fitting.chair, starts_at=local(clinic, 2027, 3, 2, 0, 0),
                           ends_at=local(clinic, 2027, 3, 3, 0, 0), reason="Repair")
    TimeOff.objects.create(staff=fitting.nurse, starts_at=local(clinic, 2027, 3, 3, 0, 0),
                           ends_at=local(clinic, 2027, 3, 4, 0, 0))
    found = {i.visit.day: [r.code for r in i.reasons] for i in visits_stranded(clinic=clinic, now=local(clinic, 2027, 3, 1, 9, 0))}
    assert found == {0: ["chair_out_of_service"], 1: ["nurse_absent"]}


def test_a_cancelled_episode_or_a_past_visit_is_not_listed(clinic):
    from scheduler.models import Closure

    ep = stranded_episode(clinic)
    Closure.objects.create(clinic=clinic, starts_at=local(clinic, 2027, 3, 2, 0, 0),
                           ends_at=local(clinic, 2027, 3, 6, 0, 0), reason="Flood")
    assert len(visits_stranded(clinic=clinic, now=local(clinic, 2027, 3, 1, 9, 0))) == 4
    assert len(visits_stranded(clinic=clinic, now=local(clinic, 2027, 3, 3, 12, 0))) == 2  # Thursday and Friday left
    ep.status = EpisodeStatus.CANCELLED
    ep.save(update_fields=["status"])
    assert visits_stranded(clinic=clinic, now=local(clinic, 2027, 3, 1, 9, 0)) == []
