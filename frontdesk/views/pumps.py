"""The desk's pump pages (issue 16): the pump board (pumps × days, two weeks from a Monday) and an episode's page.

Both read only: booking an episode and its actions (fit, review, remove, return, cancel) come with the booking and
lifecycle services. Any staff role of the clinic sees them; another clinic's episode is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from frontdesk import selectors
from frontdesk.access import ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES, can, staff_page
from frontdesk.views.common import audit_shown, clinic_choice, local_today, no_clinic, render_in
from pumps.models import Episode, EpisodeStatus, PumpStatus, VisitKind
from pumps.selectors.availability import EPISODE, FREE, MAINTENANCE, RETIRED, TURNAROUND, pump_availability
from scheduler import planning

#: Days the board shows: two weeks from a Monday; previous and next move one week.
BOARD_DAYS = 14
STEP_DAYS = 7

STATE_TEXT = {FREE: "Free", EPISODE: "Episode", TURNAROUND: "Turnaround", MAINTENANCE: "Maintenance", RETIRED: "Retired"}


@dataclass
class BoardCell:
    state: str
    span: int  # days
    first: dt.date
    last: dt.date
    episode: Episode | None = None
    overdue: bool = False

    @property
    def text(self) -> str:
        return STATE_TEXT[self.state]

    @property
    def initials(self) -> str:
        patient = self.episode.patient if self.episode else None
        return f"{patient.first_name[:1]}{patient.last_name[:1]}".upper() if patient else ""


@dataclass
class BoardRow:
    pump_id: int
    label: str
    status: str
    cells: list[BoardCell]

    @property
    def status_text(self) -> str:
        return PumpStatus(self.status).label


def _cells(days, episodes: dict[int, Episode]) -> list[BoardCell]:
    """A pump's days as cells, a run of days in one state (and one episode) as one cell."""
    cells: list[BoardCell] = []
    for d in days:
        last = cells[-1] if cells else None
        key = (d.state, d.episode_id, d.overdue)
        if last is not None and (last.state, last.episode.pk if last.episode else None, last.overdue) == key:
            last.span += 1
            last.last = d.day
            continue
        cells.append(BoardCell(d.state, 1, d.day, d.day, episodes.get(d.episode_id) if d.episode_id else None, d.overdue))
    return cells


def _week_start(day: dt.date) -> dt.date:
    monday = day - dt.timedelta(days=day.weekday())
    return max(monday, planning.FIRST_DAY)


def _parse_start(text: str | None, today: dt.date) -> tuple[dt.date, str]:
    """(the Monday of the week of `text`, else of today; why `text` was not taken, "" when it was or was empty)."""
    if not text:
        return _week_start(today), ""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return _week_start(today), "That is not a date (YYYY-MM-DD); showing this week."
    last_start = planning.LAST_DAY - dt.timedelta(days=BOARD_DAYS - 1)
    if not planning.FIRST_DAY <= day <= last_start:
        return _week_start(today), (
            f"Choose a date between {planning.FIRST_DAY:%Y-%m-%d} and {last_start:%Y-%m-%d}; showing this week."
        )
    return _week_start(day), ""


@staff_page(ALL_ROLES)
def pump_board(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    today = local_today(clinic)
    start, bad_date = _parse_start(request.GET.get("start"), today)
    availability = pump_availability(clinic=clinic, start=start, days=BOARD_DAYS)
    ids = {d.episode_id for row in availability for d in row.days if d.episode_id}
    episodes = selectors.pump_episodes_by_id(clinic=clinic, ids=ids)
    audit_shown(request, episodes.values())
    rows = [BoardRow(r.pump_id, r.label, r.status, _cells(r.days, episodes)) for r in availability]
    days = [start + dt.timedelta(days=i) for i in range(BOARD_DAYS)]
    prev_start = start - dt.timedelta(days=STEP_DAYS)
    next_start = start + dt.timedelta(days=STEP_DAYS)
    context = {
        "clinics": clinics,
        "clinic": clinic,
        "today": today,
        "start": start,
        "end": days[-1],
        "days": days,
        "rows": rows,
        "overdue": [(row.label, c) for row in rows for c in row.cells if c.overdue and c.episode],
        "prev_start": prev_start if prev_start >= planning.FIRST_DAY else None,
        "next_start": next_start if next_start + dt.timedelta(days=BOARD_DAYS - 1) <= planning.LAST_DAY else None,
        "this_week": _week_start(today),
        "bad_date": bad_date,
        "can_book": can(request.user, BOOKING_ROLES),
    }
    # A date the board cannot show is the request's fault: said on the page, answered as a 400.
    return render_in(request, "frontdesk/pumps/board.html", context, clinic=clinic, status=400 if bad_date else 200)


@staff_page(ALL_ROLES)
def episode_detail(request, pk: int):
    try:
        episode = selectors.episode_get(user=request.user, episode_id=pk)
    except Episode.DoesNotExist:
        raise Http404("No such episode.") from None
    visits = list(episode.visits.all())
    audit_shown(request, [episode, *visits])
    protocol = episode.course.protocol
    context = {
        "episode": episode,
        "patient": episode.patient,
        "protocol": protocol,
        "visits": visits,
        "episode_count": protocol.episodes_per_course,
        "can_clinical": can(request.user, INFUSION_ROLES),
        "can_book": can(request.user, BOOKING_ROLES),
        # Removing before the removal visit's start is early: the form asks why (the service requires it).
        "removal_is_early": any(v.kind == VisitKind.REMOVAL and timezone.now() < v.starts_at for v in visits),
        "review_actions": episode.status == EpisodeStatus.FITTED and can(request.user, INFUSION_ROLES),
    }
    return render_in(request, "frontdesk/pumps/episode.html", context, clinic=episode.clinic)
