"""The services write the patient's emails in their own transaction (issue 16): booking an episode writes the
confirmation and the reminders; a cancel, an early removal and a return change what is still to go."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from pumps.models import EpisodeEmail, EpisodeEmailKind, EpisodeStatus, VisitKind
from pumps.services import lifecycle
from tests.pumps.test_booking import book, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC))]


def kinds(episode) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind, status in EpisodeEmail.objects.filter(episode=episode).values_list("kind", "status"):
        found.setdefault(kind, set()).add(status)
    return found


def test_booking_writes_the_confirmation_and_a_reminder_per_visit(world):  # noqa: F811
    episode = book(world)
    rows = EpisodeEmail.objects.filter(episode=episode)
    assert rows.filter(kind=EpisodeEmailKind.CONFIRMATION).count() == 1
    assert rows.filter(kind=EpisodeEmailKind.FITTING_REMINDER).count() == 1
    assert rows.filter(kind=EpisodeEmailKind.REMOVAL_REMINDER).count() == 1
    reviews = episode.visits.filter(kind=VisitKind.REVIEW).count()
    assert reviews == 3 and rows.filter(kind=EpisodeEmailKind.REVIEW_REMINDER).count() == reviews


def test_a_cancel_stops_the_reminders(world):  # noqa: F811
    episode = book(world)
    lifecycle.episode_cancel(episode=episode, by=None, reason="Unwell")
    pending = EpisodeEmail.objects.filter(episode=episode, kind__in=[
        EpisodeEmailKind.FITTING_REMINDER, EpisodeEmailKind.REVIEW_REMINDER, EpisodeEmailKind.REMOVAL_REMINDER,
    ], status="pending")
    assert not pending.exists(), kinds(episode)


def test_an_early_removal_stops_the_later_reminders_and_tells_the_patient(world):  # noqa: F811
    episode = book(world)
    with time_machine.travel(episode.starts_at + dt.timedelta(minutes=5), tick=False):
        episode = lifecycle.episode_fit(episode=episode, by=None)
    with time_machine.travel(episode.starts_at + dt.timedelta(days=1, hours=3), tick=False):
        episode = lifecycle.episode_remove(episode=episode, by=None, early_reason="Skin irritation")
    assert episode.status == EpisodeStatus.REMOVED
    assert not EpisodeEmail.objects.filter(episode=episode, kind__in=[
        EpisodeEmailKind.REVIEW_REMINDER, EpisodeEmailKind.REMOVAL_REMINDER], status="pending").exists(), kinds(episode)
    assert EpisodeEmail.objects.filter(episode=episode, kind=EpisodeEmailKind.REMOVED_EARLY).exists(), kinds(episode)
