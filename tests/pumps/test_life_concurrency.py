"""An episode's transitions at once (issue 16): the row lock and the compare-and-swap let exactly one through; the
others are clear 409s, and the episode's version grows once."""

from __future__ import annotations

from functools import partial

import pytest

from pumps.models import Episode, EpisodeStatus, EpisodeVisit, VisitKind
from pumps.services.lifecycle import episode_cancel, episode_fit, episode_remove, visit_record
from tests.bookings.race import attempt_all
from tests.conftest import local
from tests.factories import ClinicFactory
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen("2027-03-01 15:30Z")]


@pytest.fixture
def booked():
    clinic = ClinicFactory()
    course = PumpCourseFactory(clinic=clinic, protocol=PumpProtocolFactory(clinic=clinic, episode_days=3))
    return episode_with_visits(course=course, pump=PumpFactory(clinic=clinic), fitting_at=local(clinic, 2027, 3, 1, 10, 0))


def test_six_fits_at_once_fit_it_once(booked):
    outcome = attempt_all([partial(episode_fit, episode=booked, by=None) for _ in range(6)])
    assert outcome == {"booked": 1, "invalid_transition": 5}
    episode = Episode.objects.get(pk=booked.pk)
    assert (episode.status, episode.version) == (EpisodeStatus.FITTED, 2)


def test_a_fit_and_a_cancel_at_once_one_wins(booked):
    outcome = attempt_all([partial(episode_fit, episode=booked, by=None),
                           partial(episode_cancel, episode=booked, by=None, reason="Unwell")])
    assert outcome == {"booked": 1, "invalid_transition": 1}
    episode = Episode.objects.get(pk=booked.pk)
    visits = set(EpisodeVisit.objects.filter(episode=episode).values_list("status", flat=True))
    expected = {EpisodeStatus.FITTED: {"done", "planned"}, EpisodeStatus.CANCELLED: {"cancelled"}}
    assert visits == expected[episode.status]


def test_a_review_and_an_early_removal_at_once(booked, frozen):
    episode_fit(episode=booked, by=None)
    frozen.move_to(local(booked.clinic, 2027, 3, 2, 11, 0))
    review = EpisodeVisit.objects.get(episode=booked, kind=VisitKind.REVIEW, day=1)
    outcome = attempt_all([partial(visit_record, visit=review, done=True, by=None),
                           partial(episode_remove, episode=booked, by=None, early_reason="Sore")])
    review.refresh_from_db()
    if outcome == {"booked": 2}:  # the review first, then the removal
        assert review.status == "done"
    else:  # the removal first: the review was cancelled with the others, and the pump is off
        assert outcome == {"booked": 1, "episode_not_fitted": 1} and review.status == "cancelled"
    assert Episode.objects.get(pk=booked.pk).status == EpisodeStatus.REMOVED
