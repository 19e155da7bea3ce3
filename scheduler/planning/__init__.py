"""The feasibility rules of a clinic, as pure functions: can a session be here, then, with this nurse?

No ORM and no clock: callers load the rows (scheduler.selectors, bookings.selectors) into the plain
values and pass "now" in when they need it. Each failure is a `Violation` named by one of the codes
in scheduler.error_codes. The series planner is built on these same functions.

Callers import the package (`from scheduler import planning; planning.X`); the modules hold:

- values: Interval, ChairClosure, Violation, WeeklyInterval, ClinicRules, Nurse, Booking, Spacing, Slot
- occupancy: Occupancy, what is booked, indexed for overlap look-ups
- localtime: localising and shifting wall-clock times across DST (LocalTimeError), weekly hours
- rules: the single-session rules and place_session
- spacing: check_spacing, the rules between a course's sessions
- series: check_series, a whole course checked at once
- planner: SeriesPlanner and what it proposes (a course, one session's options, a slot grid's days)
- window: session_window, the dates one session of a course may take; spread, a day's starts thinned;
  numbered_by_time and new_session_window, a new session (a make-up) joining a course by its time
"""

from scheduler.planning.localtime import (
    EARLIEST_LOCAL,
    FIRST_DAY,
    LAST_DAY,
    LATEST_LOCAL,
    LocalTimeError,
    local_date,
    localize,
    next_weekday,
    shift_wall_clock,
    wall_clock_delta,
)
from scheduler.planning.occupancy import Occupancy
from scheduler.planning.planner import (
    AvailableSlot,
    Infeasible,
    PlannedSession,
    Preferences,
    Proposal,
    SeriesPlanner,
    SeriesSpec,
)
from scheduler.planning.rules import (
    Assignment,
    Placement,
    check_chair,
    check_chair_closures,
    check_closures,
    check_nurse_capacity,
    check_nurse_on_shift,
    check_opening_hours,
    check_patient,
    check_stagger,
    choose_chair,
    choose_nurse,
    nurse_violations,
    peak_load,
    place_session,
    site_violations,
)
from scheduler.planning.series import SeriesCheck, SeriesRequest, check_series
from scheduler.planning.spacing import check_spacing
from scheduler.planning.values import (
    Booking,
    ChairClosure,
    ClinicRules,
    Interval,
    Nurse,
    Slot,
    Spacing,
    Violation,
    WeeklyInterval,
)
from scheduler.planning.window import SessionWindow, new_session_window, numbered_by_time, session_window, spread

__all__ = [
    "EARLIEST_LOCAL",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST_LOCAL",
    "Assignment",
    "AvailableSlot",
    "Booking",
    "ChairClosure",
    "ClinicRules",
    "Infeasible",
    "Interval",
    "LocalTimeError",
    "Nurse",
    "Occupancy",
    "Placement",
    "PlannedSession",
    "Preferences",
    "Proposal",
    "SeriesCheck",
    "SeriesPlanner",
    "SeriesRequest",
    "SeriesSpec",
    "SessionWindow",
    "Slot",
    "Spacing",
    "Violation",
    "WeeklyInterval",
    "check_chair",
    "check_chair_closures",
    "check_closures",
    "check_nurse_capacity",
    "check_nurse_on_shift",
    "check_opening_hours",
    "check_patient",
    "check_series",
    "check_spacing",
    "check_stagger",
    "choose_chair",
    "choose_nurse",
    "local_date",
    "localize",
    "next_weekday",
    "new_session_window",
    "numbered_by_time",
    "nurse_violations",
    "peak_load",
    "place_session",
    "session_window",
    "spread",
    "shift_wall_clock",
    "site_violations",
    "wall_clock_delta",
]
