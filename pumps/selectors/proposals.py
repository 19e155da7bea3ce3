"""The episode planner's proposal for a patient: the earliest episode (pump, dates, visit times) and alternatives,
or why none fits ("All 3 pumps are out until 14 March.")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from pumps import error_codes as codes
from pumps.models import PumpCourse, PumpCourseStatus, PumpProtocol
from pumps.selectors.planning import course_booked, course_gap, planning_load
from scheduler.models import Clinic
from scheduler.planning import pumps as planned


@dataclass(frozen=True)
class ProposedVisit:
    kind: str
    day: int
    mode: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    chair_id: int | None
    nurse_id: int | None


@dataclass(frozen=True)
class ProposedEpisode:
    pump_id: int
    pump_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    pump_until: dt.datetime
    visits: list[ProposedVisit]


@dataclass(frozen=True)
class EpisodeProposals:
    episodes: list[ProposedEpisode]
    code: str | None
    message: str | None


def _proposed(episode: planned.PlannedEpisode, labels: dict[int, str]) -> ProposedEpisode:
    return ProposedEpisode(
        pump_id=episode.pump_id, pump_label=labels[episode.pump_id], starts_at=episode.start, ends_at=episode.end,
        pump_until=episode.pump_until,
        visits=[ProposedVisit(v.kind, v.day, v.mode, v.start, v.end, v.chair_id, v.nurse_id) for v in episode.visits],
    )


def episode_proposals(*, clinic: Clinic, patient, protocol: PumpProtocol, earliest: dt.date | None = None,
                      course: PumpCourse | None = None, alternatives: int = 3) -> EpisodeProposals:
    """The earliest episode for the patient from `earliest` (default: today, clinic time), and up to
    `alternatives` others (another pump at that time, later days); none: `code` and `message` say why."""
    now = timezone.now()
    today = now.astimezone(clinic.tz).date()
    earliest = max(earliest or today, today)
    if course is not None:
        if course.status in (PumpCourseStatus.CANCELLED, PumpCourseStatus.COMPLETED):
            return EpisodeProposals([], codes.COURSE_ENDED, "This course has ended.")
        if course_booked(course) >= protocol.episodes_per_course:
            return EpisodeProposals(
                [], codes.COURSE_FULL, f"Every episode of this course ({protocol.episodes_per_course}) is booked.",
            )
    planner_horizon = planned.EpisodePlanner.HORIZON_DAYS + planned.EpisodePlanner.ALTERNATIVE_DAYS
    loaded = planning_load(clinic=clinic, patient_id=patient.pk, protocol=protocol, first=earliest,
                           last=earliest + dt.timedelta(days=planner_horizon), now=now)
    found = planned.episode_search(
        spec=loaded.spec, clinic=loaded.clinic, pumps=loaded.pumps, patient_id=patient.pk, earliest=earliest, now=now,
        gap=course_gap(course, protocol), alternatives=alternatives,
    )
    labels = {p.id: p.label for p in loaded.pumps}
    return EpisodeProposals([_proposed(e, labels) for e in found.episodes], found.code, found.message)
