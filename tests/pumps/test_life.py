"""An episode's life (issue 16): fitted, each review done or missed, removed on time or early, the pump returned,
or the booked episode cancelled; every refusal, the course's status, the pump's hold, the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from pumps.errors import PumpError
from pumps.models import (
    Episode,
    EpisodeStatus,
    EpisodeVisit,
    PumpCourseStatus,
    PumpSettings,
    VisitKind,
    VisitStatus,
)
from pumps.services.lifecycle import episode_cancel, episode_fit, episode_remove, episode_return, visit_record
from tests.conftest import local
from tests.factories import ChairFactory, NurseFactory, PatientFactory, UserFactory
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpProtocolFactory, episode_with_visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinic):
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=3)  # fitting Mon, reviews Tue and Wed, removal Thu
    course = PumpCourseFactory(clinic=clinic, protocol=protocol)
    pump = PumpFactory(clinic=clinic)
    episode = episode_with_visits(course=course, pump=pump, fitting_at=local(clinic, 2027, 3, 1, 10, 0),
                                  chair=ChairFactory(clinic=clinic), nurse=NurseFactory(clinic=clinic))
    return {"clinic": clinic, "course": course, "pump": pump, "episode": episode, "by": UserFactory()}


def visit(episode, kind, day=None) -> EpisodeVisit:
    rows = EpisodeVisit.objects.filter(episode=episode, kind=kind)
    return rows.get(day=day) if day is not None else rows.get()


def refused(code: str, status: int, call):
    with pytest.raises(PumpError) as caught:
        call()
    assert caught.value.code == code and caught.value.status == status, caught.value
    return caught.value


def entries_for(row) -> list[LogEntry]:
    ct = ContentType.objects.get_for_model(type(row))
    return list(LogEntry.objects.filter(content_type=ct, object_pk=str(row.pk)).order_by("pk"))


def fitted(world, frozen):
    frozen.move_to(local(world["clinic"], 2027, 3, 1, 10, 5))
    return episode_fit(episode=world["episode"], by=world["by"])


def removed(world, frozen):
    episode = fitted(world, frozen)
    frozen.move_to(local(world["clinic"], 2027, 3, 4, 10, 5))
    return episode_remove(episode=episode, by=world["by"])


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_fit_marks_the_fitting_done_activates_the_course_and_audits(world, frozen):
    episode = fitted(world, frozen)

    assert episode.status == EpisodeStatus.FITTED and episode.version == 2
    assert episode.fitted_at == local(world["clinic"], 2027, 3, 1, 10, 5) and episode.fitted_by == world["by"]
    fitting = visit(episode, VisitKind.FITTING)
    assert fitting.status == VisitStatus.DONE and fitting.done_by == world["by"]
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.ACTIVE
    (entry,) = entries_for(episode)
    assert entry.changes["status"] == ["booked", "fitted"] and entry.actor == world["by"]
    assert entry.additional_data == {"patient": episode.patient_id, "clinic": episode.clinic_id}
    assert entries_for(fitting)[0].changes["status"] == ["planned", "done"]
    assert entries_for(world["course"])[0].changes["status"] == ["planned", "active"]


@pytest.mark.frozen("2027-02-28 15:00Z")
def test_fit_only_on_the_fitting_day_and_only_once(world, frozen):
    refused("not_fitting_day", 409, lambda: episode_fit(episode=world["episode"], by=None))
    episode = fitted(world, frozen)
    error = refused("invalid_transition", 409, lambda: episode_fit(episode=episode, by=None))
    assert error.message == "An episode that is pump fitted cannot be fitted."
    assert error.details == {"episode": episode.pk, "status": "fitted", "action": "fit"}
    assert Episode.objects.get(pk=episode.pk).version == 2


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_a_review_done_and_a_review_missed(world, frozen):
    episode = fitted(world, frozen)
    tuesday, wednesday = visit(episode, VisitKind.REVIEW, 1), visit(episode, VisitKind.REVIEW, 2)

    refused("visit_not_due", 409, lambda: visit_record(visit=tuesday, done=True, by=None))
    frozen.move_to(local(world["clinic"], 2027, 3, 2, 10, 40))
    done = visit_record(visit=tuesday, done=True, by=world["by"], note="  Site clean  ")
    assert (done.status, done.done_by, done.note) == (VisitStatus.DONE, world["by"], "Site clean")
    frozen.move_to(local(world["clinic"], 2027, 3, 3, 17, 0))
    missed = visit_record(visit=wednesday, done=False, by=world["by"])
    assert missed.status == VisitStatus.MISSED and missed.missed_at == local(world["clinic"], 2027, 3, 3, 17, 0)

    assert Episode.objects.get(pk=episode.pk).version == 4  # fit, and each review
    assert entries_for(missed)[-1].changes["status"] == ["planned", "missed"]
    error = refused("invalid_transition", 409, lambda: visit_record(visit=tuesday, done=False, by=None))
    assert error.message == "A review that is done cannot be recorded again."
    assert EpisodeVisit.objects.get(pk=tuesday.pk).status == VisitStatus.DONE


@pytest.mark.frozen("2027-03-02 15:00Z")
def test_a_review_needs_a_fitted_episode_and_a_review(world, frozen):
    review = visit(world["episode"], VisitKind.REVIEW, 1)
    error = refused("episode_not_fitted", 409, lambda: visit_record(visit=review, done=True, by=None))
    assert error.details["status"] == "booked"
    refused("not_a_review", 409,
            lambda: visit_record(visit=visit(world["episode"], VisitKind.REMOVAL), done=True, by=None))
    assert EpisodeVisit.objects.get(pk=review.pk).status == VisitStatus.PLANNED


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_removal_on_time_keeps_the_span_and_holds_the_pump_until_returned(world, frozen):
    booked = Episode.objects.get(pk=world["episode"].pk)
    episode = removed(world, frozen)

    assert episode.status == EpisodeStatus.REMOVED and episode.early_removal_reason == ""
    assert (episode.ends_at, episode.pump_until) == (booked.ends_at, booked.pump_until)
    assert visit(episode, VisitKind.REMOVAL).status == VisitStatus.DONE
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.ACTIVE  # the pump is not back yet
    refused("invalid_transition", 409, lambda: episode_remove(episode=episode, by=None))


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_early_removal_needs_a_reason_ends_the_span_and_frees_the_reviews(world, frozen):
    episode = fitted(world, frozen)
    clinic = world["clinic"]
    frozen.move_to(local(clinic, 2027, 3, 2, 11, 0))
    visit_record(visit=visit(episode, VisitKind.REVIEW, 1), done=True, by=None)
    booked_until = Episode.objects.get(pk=episode.pk).pump_until

    error = refused("early_removal_reason_required", 400, lambda: episode_remove(episode=episode, by=None))
    assert "removal_starts_at" in error.details
    refused("early_removal_reason_required", 400, lambda: episode_remove(episode=episode, by=None, early_reason=" "))
    assert Episode.objects.get(pk=episode.pk).status == EpisodeStatus.FITTED

    episode = episode_remove(episode=episode, by=world["by"], early_reason="Skin reaction at the site")
    now = local(clinic, 2027, 3, 2, 11, 0)
    assert episode.status == EpisodeStatus.REMOVED and episode.ends_at == now
    assert episode.early_removal_reason == "Skin reaction at the site"
    assert episode.pump_until == booked_until  # held until it is returned
    statuses = dict(EpisodeVisit.objects.filter(episode=episode).values_list("day", "status"))
    assert statuses == {0: "done", 1: "done", 2: "cancelled", 3: "done"}
    removal = visit(episode, VisitKind.REMOVAL)
    assert (removal.ends_at, removal.chair_id, removal.done_at) == (now, None, now)
    assert entries_for(episode)[-1].changes["early_removal_reason"] == ["", "Skin reaction at the site"]

    # The patient is free from now: another episode can start tomorrow (on another pump).
    other = PumpCourseFactory(clinic=clinic, patient=episode.patient, protocol=world["course"].protocol)
    episode_with_visits(course=other, pump=PumpFactory(clinic=clinic), fitting_at=local(clinic, 2027, 3, 3, 10, 0))


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_early_return_frees_the_pump_after_the_turnaround(world, frozen):
    clinic = world["clinic"]
    PumpSettings.objects.create(clinic=clinic, turnaround_hours=6)
    episode = fitted(world, frozen)
    frozen.move_to(local(clinic, 2027, 3, 2, 11, 0))
    episode = episode_remove(episode=episode, by=None, early_reason="Patient asked")
    frozen.move_to(local(clinic, 2027, 3, 2, 11, 30))
    episode = episode_return(episode=episode, by=world["by"])

    assert episode.status == EpisodeStatus.RETURNED and episode.returned_by == world["by"]
    assert episode.pump_until == local(clinic, 2027, 3, 2, 17, 30)
    # The pump is free from then: a fitting at 17:30 fits, one at 17:00 does not.
    patient = PatientFactory(clinic=clinic)
    course = PumpCourseFactory(clinic=clinic, patient=patient, protocol=world["course"].protocol)
    with pytest.raises(IntegrityError, match="episode_no_pump_overlap"), transaction.atomic():
        episode_with_visits(course=course, pump=world["pump"], fitting_at=local(clinic, 2027, 3, 2, 17, 0))
    episode_with_visits(course=course, pump=world["pump"], fitting_at=local(clinic, 2027, 3, 2, 17, 30))


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_late_return_holds_the_pump_longer_and_completes_the_course(world, frozen):
    episode = removed(world, frozen)
    frozen.move_to(local(world["clinic"], 2027, 3, 6, 9, 0))  # two days late

    episode = episode_return(episode=episode, by=None)

    assert episode.pump_until == local(world["clinic"], 2027, 3, 6, 13, 0)  # default turnaround 4 h
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.COMPLETED
    refused("invalid_transition", 409, lambda: episode_return(episode=episode, by=None))


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_a_late_return_never_reaches_into_the_pumps_next_episode(world, frozen):
    clinic = world["clinic"]
    episode = removed(world, frozen)
    nxt = episode_with_visits(
        course=PumpCourseFactory(clinic=clinic, protocol=world["course"].protocol), pump=world["pump"],
        fitting_at=episode.pump_until,
    )
    frozen.move_to(episode.pump_until - dt.timedelta(hours=1))

    episode = episode_return(episode=episode, by=None)

    assert episode.pump_until == nxt.starts_at  # the turnaround cut short, the next fitting keeps its pump


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_return_only_after_removal(world, frozen):
    refused("invalid_transition", 409, lambda: episode_return(episode=world["episode"], by=None))
    episode = fitted(world, frozen)
    error = refused("invalid_transition", 409, lambda: episode_return(episode=episode, by=None))
    assert error.message == "An episode that is pump fitted cannot be returned."


@pytest.mark.frozen("2027-02-26 14:00Z")
def test_cancel_frees_pump_and_patient_and_cancels_the_course(world, frozen):
    episode = world["episode"]
    refused("reason_required", 400, lambda: episode_cancel(episode=episode, by=None, reason="  "))

    episode = episode_cancel(episode=episode, by=world["by"], reason="Patient unwell")

    assert episode.status == EpisodeStatus.CANCELLED and episode.cancel_reason == "Patient unwell"
    assert set(EpisodeVisit.objects.filter(episode=episode).values_list("status", flat=True)) == {"cancelled"}
    course = world["course"]
    course.refresh_from_db()
    assert course.status == PumpCourseStatus.CANCELLED and course.cancel_reason == "Patient unwell"
    assert len(entries_for(episode)) == 1 and len(entries_for(course)) == 1
    # The same pump and patient, the same days: free.
    again = PumpCourseFactory(clinic=world["clinic"], patient=episode.patient, protocol=course.protocol)
    episode_with_visits(course=again, pump=world["pump"], fitting_at=episode.starts_at)
    refused("invalid_transition", 409, lambda: episode_cancel(episode=episode, by=None, reason="again"))


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_a_fitted_episode_is_not_cancelled(world, frozen):
    episode = fitted(world, frozen)
    error = refused("invalid_transition", 409, lambda: episode_cancel(episode=episode, by=None, reason="x"))
    assert error.details["status"] == "fitted"
    assert EpisodeVisit.objects.filter(episode=episode, status="cancelled").count() == 0


@pytest.mark.frozen("2027-03-01 14:00Z")
def test_a_course_of_two_completes_with_its_second_return_and_is_not_cancelled_by_one(world, frozen):
    clinic = world["clinic"]
    protocol = world["course"].protocol
    protocol.episodes_per_course = 2
    protocol.save()
    second = episode_with_visits(course=world["course"], pump=world["pump"], number=2,
                                 fitting_at=local(clinic, 2027, 3, 15, 10, 0))
    episode = removed(world, frozen)
    episode_return(episode=episode, by=None)
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.ACTIVE

    frozen.move_to(local(clinic, 2027, 3, 15, 10, 0))
    episode_fit(episode=second, by=None)
    frozen.move_to(local(clinic, 2027, 3, 18, 10, 0))
    episode_return(episode=episode_remove(episode=second, by=None), by=None)
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.COMPLETED


@pytest.mark.frozen("2027-02-26 14:00Z")
def test_one_of_two_episodes_cancelled_leaves_the_course_planned(world, frozen):
    second = episode_with_visits(course=world["course"], pump=world["pump"], number=2,
                                 fitting_at=local(world["clinic"], 2027, 3, 15, 10, 0))
    episode_cancel(episode=second, by=None, reason="Travel")
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.PLANNED
    episode_cancel(episode=world["episode"], by=None, reason="Stopped")
    world["course"].refresh_from_db()
    assert world["course"].status == PumpCourseStatus.CANCELLED
