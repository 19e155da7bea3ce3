"""The day board's layout: chairs × 5-minute columns, and each nurse's load hour by hour. No queries.

Pump visits (issue 16: fittings, reviews in a chair, removals) sit in their chairs beside the sessions, and every
pump visit with a nurse counts in that nurse's load, as the booking rules count them.

Everything is in the clinic's wall-clock time of the day shown: a session's place is its local start and
end, in minutes since local midnight. On today's board the free stretches are cut at the current 5-minute
column, so the now-line is drawn by a CSS class on the cells that begin there (the CSP allows no inline
style to place it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from bookings.models import OCCUPYING_STATUSES, UPCOMING_STATUSES, InfusionSession, SessionStatus
from common.clock import format_clock
from frontdesk.selectors import DayBoardData
from pumps.models import VISIT_HOLDING_STATUSES, EpisodeVisit

#: Minutes per grid column: fine enough that sessions booked off the planner's 15-minute grid still line up.
STEP = 5
_DEFAULT_HOURS = (8 * 60, 18 * 60)

#: Colour (a CSS class) and a one-word text of each status: colour is never the only cue.
STATUS_STYLE: dict[str, str] = {
    SessionStatus.BOOKED: "booked",
    SessionStatus.CONFIRMED: "confirmed",
    SessionStatus.CHECKED_IN: "checked-in",
    SessionStatus.IN_CHAIR: "in-chair",
    SessionStatus.COMPLETED: "completed",
    SessionStatus.CANCELLED: "cancelled",
    SessionStatus.LATE_CANCELLED: "cancelled",
    SessionStatus.NO_SHOW: "no-show",
}


@dataclass
class Cell:
    kind: str  # "session", "pump" (a pump visit), "open", "closed"
    span: int
    session: InfusionSession | None = None
    visit: EpisodeVisit | None = None
    label: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    #: The now-line runs along this cell's left edge (a free cell beginning at the current column).
    now_start: bool = False
    #: The now-line falls inside this session: it is under way.
    under_way: bool = False

    @property
    def css(self) -> str:
        return STATUS_STYLE.get(self.session.status, "") if self.session else ""

    @property
    def requested(self) -> bool:
        """The patient asked (by an email link) to move this session."""
        return bool(self.session and self.session.reschedule_requested_at)

    @property
    def needs_moving(self) -> bool:
        """A saved change (a closure, a nurse away …) left this session where it can no longer happen."""
        return bool(self.session and self.session.needs_moving_since and self.session.status in UPCOMING_STATUSES)

    @property
    def email_failed(self) -> bool:
        """An email about this session could not be sent (annotated by the selector)."""
        return bool(self.session and getattr(self.session, "email_failed", False))


@dataclass
class ChairRow:
    name: str
    active: bool
    cells: list[Cell]


@dataclass
class HourLoad:
    hour: int
    load: int
    capacity: int
    on_shift: bool

    @property
    def level(self) -> str:
        if not self.on_shift:
            return "off"
        if self.load >= self.capacity:
            return "full"
        return "busy" if self.load else "idle"


@dataclass
class NurseRow:
    name: str
    hours: list[HourLoad]
    on_shift_text: str


@dataclass
class Board:
    first_minute: int
    last_minute: int
    columns: int
    hours: list[tuple[int, int]]  # (hour, columns it spans)
    rows: list[ChairRow]
    nurse_rows: list[NurseRow]
    open_text: str
    closure_notes: list[str]
    #: Set when the clinic is closed for all of the day's opening hours: "Closed all day: Burst pipe" (no "Open …").
    closed_text: str = ""
    off_board: list[InfusionSession] = field(default_factory=list)
    session_count: int = 0
    #: The current 5-minute column on today's board (None on other days, or outside the board's hours).
    now_column: int | None = None
    now_text: str = ""
    #: Minutes since local midnight now, on today's board only (board.js redraws when the column changes).
    now_minute: int | None = None

    @property
    def column_range(self) -> range:
        return range(self.columns)

    @property
    def hour_range(self) -> list[int]:
        return [h for h, _ in self.hours]


def _minute(instant: dt.datetime, tz, day: dt.date) -> int:
    """Minutes from the start of `day` (local wall clock), clamped to the day."""
    local = instant.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _fmt(minute: int, clock_format: str) -> str:
    """A minute of the day (0–1439) as the clinic's clock reads it: "14:30" or "2:30 PM"."""
    return format_clock(dt.time(*divmod(minute % (24 * 60), 60)), clock_format)


def _when(local: dt.datetime, clock_format: str) -> str:
    """"Mon 07 Dec 14:30" (or "… 2:30 PM"): a closure's bound."""
    return f"{local:%a %d %b} {format_clock(local, clock_format)}"


def build(data: DayBoardData, *, now: dt.datetime | None = None, pump_visits: list[EpisodeVisit] | None = None) -> Board:
    """The board of `data`'s day; `now` (an aware instant) draws the now-line when it falls on that day.

    `pump_visits` (the day's, frontdesk.selectors.pump_visits_for_day): those holding a chair are placed in it, and
    those with a nurse count in the nurse's load.
    """
    tz = data.clinic.tz
    day = data.day
    open_spans = [(t.hour * 60 + t.minute, c.hour * 60 + c.minute) for t, c in data.opening_hours]
    clinic_closures = [c for c in data.closures if c.chair_id is None]
    closure_spans = [
        (_minute(c.starts_at, tz, day), _minute(c.ends_at, tz, day), c.reason) for c in clinic_closures
    ]
    chair_spans: dict[int, list[tuple[int, int, str]]] = {}
    for c in data.closures:
        if c.chair_id is not None:
            chair_spans.setdefault(c.chair_id, []).append((_minute(c.starts_at, tz, day), _minute(c.ends_at, tz, day), c.reason))
    on_board = [s for s in data.sessions if s.status in OCCUPYING_STATUSES]
    off_board = [s for s in data.sessions if s.status not in OCCUPYING_STATUSES]
    placed = [(s, _minute(s.starts_at, tz, day), _minute(s.ends_at, tz, day)) for s in on_board]
    holding = [v for v in pump_visits or () if v.status in VISIT_HOLDING_STATUSES]
    visits_placed = [(v, _minute(v.starts_at, tz, day), _minute(v.ends_at, tz, day)) for v in holding]

    first, last = (min(a for a, _ in open_spans), max(b for _, b in open_spans)) if open_spans else _DEFAULT_HOURS
    in_chairs: list[tuple[InfusionSession | EpisodeVisit, int, int]] = [
        *placed, *(item for item in visits_placed if item[0].chair_id is not None)
    ]
    if in_chairs:
        first = min(first, min(a for _, a, _ in in_chairs))
        last = max(last, max(b for _, _, b in in_chairs))
    first = first // 60 * 60
    last = min(24 * 60, math.ceil(last / 60) * 60)
    columns = (last - first) // STEP
    now_column = now_minute = None
    now_text = ""
    if now is not None and now.astimezone(tz).date() == day:
        local_now = now.astimezone(tz)
        now_minute = local_now.hour * 60 + local_now.minute
        if first <= now_minute < last:
            now_column = (now_minute - first) // STEP
            now_text = _fmt(now_minute, data.clinic.clock_format)

    def is_open(minute: int) -> tuple[bool, str]:
        for a, b, reason in closure_spans:
            if a <= minute < b:
                return False, f"Closed: {reason}"
        if any(a <= minute < b for a, b in open_spans):
            return True, ""
        return False, "Closed"

    by_chair: dict[int, list] = {}
    for item in in_chairs:
        chair_id = item[0].chair_id
        assert chair_id is not None  # sessions always hold a chair; visits without one are left out above
        by_chair.setdefault(chair_id, []).append(item)

    rows = []
    for chair in data.chairs:
        chair_sessions = sorted(by_chair.get(chair.pk, []), key=lambda item: item[1])
        if not chair.is_active and not chair_sessions:
            continue
        rows.append(ChairRow(chair.name, chair.is_active, _cells(
            chair_sessions, first, columns, _chair_open(is_open, chair_spans.get(chair.pk, [])), tz, now_column,
        )))

    hours = [(h, 60 // STEP) for h in range(first // 60, last // 60)]
    fmt = data.clinic.clock_format
    open_text = ", ".join(f"{_fmt(a, fmt)}–{_fmt(b, fmt)}" for a, b in open_spans) if open_spans else ""
    chair_names = {c.pk: c.name for c in data.chairs}
    closure_notes = [
        f"{_closure_what(c, chair_names)}: {c.reason} "
        f"({_when(c.starts_at.astimezone(tz), fmt)} – {_when(c.ends_at.astimezone(tz), fmt)})"
        for c in data.closures
    ]
    closed_text = ""
    whole_day = [(a, b, r) for a, b, r in closure_spans if open_spans and a <= min(o for o, _ in open_spans)
                 and b >= max(c for _, c in open_spans)]
    if whole_day:
        # Never "Open 08:00–18:00" beside a closure that takes the whole day.
        open_text, closed_text = "", "Closed all day: " + "; ".join(r for _, _, r in whole_day)
    return Board(
        first_minute=first, last_minute=last, columns=columns, hours=hours, rows=rows,
        nurse_rows=_nurse_rows(data, [*placed, *visits_placed], first, last), open_text=open_text, closure_notes=closure_notes,
        closed_text=closed_text,
        off_board=off_board, session_count=len(on_board), now_column=now_column, now_text=now_text,
        now_minute=now_minute,
    )


def _closure_what(closure, chair_names: dict[int, str]) -> str:
    """"Closed", or "Chair 3 out of service" for a closure of one chair."""
    if closure.chair_id is None:
        return "Closed"
    return f"{chair_names.get(closure.chair_id, 'A chair')} out of service"


def _chair_open(is_open, spans: list[tuple[int, int, str]]):
    """The clinic's open/closed state at a minute, with one chair's out-of-service spans on top."""
    if not spans:
        return is_open

    def chair_is_open(minute: int) -> tuple[bool, str]:
        state = is_open(minute)
        if state[0]:
            for a, b, reason in spans:
                if a <= minute < b:
                    return False, f"Out of service: {reason}"
        return state

    return chair_is_open


def _cells(chair_sessions, first: int, columns: int, is_open, tz, now_column: int | None = None) -> list[Cell]:
    cells: list[Cell] = []
    cursor = 0
    queue = list(chair_sessions)
    while cursor < columns:
        if queue:
            session, a, b = queue[0]
            start_col = max(cursor, (a - first) // STEP)
            if start_col == cursor:
                queue.pop(0)
                end_col = min(columns, max(start_col + 1, math.ceil((b - first) / STEP)))
                visit = session if isinstance(session, EpisodeVisit) else None
                cells.append(Cell(
                    "pump" if visit else "session", end_col - start_col, session=None if visit else session,
                    visit=visit, start=session.starts_at.astimezone(tz), end=session.ends_at.astimezone(tz),
                    under_way=now_column is not None and start_col <= now_column < end_col,
                ))
                cursor = end_col
                continue
            limit = start_col
        else:
            limit = columns
        # A stretch without a session: one cell per run of the same state, cut at each hour line.
        minute = first + cursor * STEP
        state = is_open(minute)
        span = 1
        while cursor + span < limit:
            next_minute = minute + span * STEP
            if next_minute % 60 == 0 or is_open(next_minute) != state or cursor + span == now_column:
                break
            span += 1
        cells.append(Cell("open" if state[0] else "closed", span, label=state[1], now_start=cursor == now_column))
        cursor += span
    return cells


def _nurse_rows(data: DayBoardData, placed, first: int, last: int) -> list[NurseRow]:
    tz = data.clinic.tz
    day = data.day
    capacity = data.clinic.nurse_max_concurrent
    shifts: dict[int, list[tuple[int, int]]] = {}
    for s in data.shifts:
        shifts.setdefault(s.staff_id, []).append((s.starts.hour * 60 + s.starts.minute, s.ends.hour * 60 + s.ends.minute))
    away: dict[int, list[tuple[int, int]]] = {}
    for t in data.time_off:
        away.setdefault(t.staff_id, []).append((_minute(t.starts_at, tz, day), _minute(t.ends_at, tz, day)))
    mine: dict[int, list[tuple[int, int]]] = {}
    for session, a, b in placed:
        if session.nurse_id is not None:  # a phone review on a closed day is the on-call clinician's
            mine.setdefault(session.nurse_id, []).append((a, b))

    rows = []
    for nurse in data.nurses:
        spans = shifts.get(nurse.pk, [])
        if not nurse.is_active and nurse.pk not in mine:
            continue
        if not spans and nurse.pk not in mine:
            continue
        hours = []
        for hour in range(first // 60, last // 60):
            h0, h1 = hour * 60, hour * 60 + 60
            on_shift = any(a < h1 and h0 < b for a, b in spans) and not any(
                a <= h0 and h1 <= b for a, b in away.get(nurse.pk, [])
            )
            hours.append(HourLoad(hour, _peak(mine.get(nurse.pk, []), h0, h1), capacity, on_shift))
        fmt = data.clinic.clock_format
        shift_text = ", ".join(f"{_fmt(a, fmt)}–{_fmt(b, fmt)}" for a, b in sorted(spans)) or "no shift"
        if away.get(nurse.pk):
            shift_text += " (time off today)"
        rows.append(NurseRow(f"{nurse.first_name} {nurse.last_name}", hours, shift_text))
    return rows


def _peak(spans: list[tuple[int, int]], h0: int, h1: int) -> int:
    """The most sessions running at once within [h0, h1)."""
    edges = []
    for a, b in spans:
        a, b = max(a, h0), min(b, h1)
        if a < b:
            edges += [(a, 1), (b, -1)]
    peak = current = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):
        current += step
        peak = max(peak, current)
    return peak
