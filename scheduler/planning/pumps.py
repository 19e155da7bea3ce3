"""Pump episodes (issue 16), as pure functions: an episode's visit times from its fitting, whether it fits
(`episode_check`), and the earliest one that does (`episode_search`), with alternatives or the reason none does.

An episode holds one pump from its fitting (day 0, wall-clock time T in the clinic's zone) to its removal (day
`episode_days`, at T) plus the turnaround; a review each day between, at T as well, whatever DST change lies between
(a 23- or 25-hour day). The fitting and the removal are sessions like any other: place_session's rules (hours,
closures, chair, nurse on shift, capacity, stagger). A review is a visit (nurse, a chair when the protocol says so)
or a phone review (a nurse on shift, counted in capacity); when the clinic is closed at its time, it is the on-call
clinician's phone review (no nurse, no chair) where the protocol allows it, else the episode is refused.

The patient's whole span, fitting to removal, must be free (no other episode, no infusion session: the busy
providers give another episode's span as the patient's busy time). The pump must be in service, out of maintenance
and free of other episodes from the fitting to the turnaround's end.

The search walks the clinic's start grid (SeriesPlanner.grid) day by day; a start no pump can take moves on, pump by
pump, to the first instant some pump is free again, so months of booked pumps cost a few steps, not a step a minute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler import error_codes as rule_codes
from scheduler.planning.localtime import LocalTimeError, localize
from scheduler.planning.occupancy import Occupancy
from scheduler.planning.planner import SeriesPlanner
from scheduler.planning.rules import (
    Placement,
    check_nurse_capacity,
    check_nurse_on_shift,
    choose_nurse,
    no_nurse_violation,
    nurse_violations,
    place_session,
    site_violations,
)
from scheduler.planning.values import ClinicRules, Nurse, Violation, _utc

# --- Codes (pumps.error_codes repeats them: planning may not import the apps above it) ---------------------------

#: A review falls when the clinic is closed, and the protocol allows no phone review then.
REVIEW_ON_CLOSED_DAY = "review_on_closed_day"
#: The pump is held by another episode (or its turnaround), or is overdue.
PUMP_UNAVAILABLE = "pump_unavailable"
#: The pump is in a maintenance span, or its status is "in maintenance".
PUMP_IN_MAINTENANCE = "pump_in_maintenance"
#: The pump is retired.
PUMP_RETIRED = "pump_retired"
#: No pump is free for an episode within the search's horizon.
NO_PUMP_FREE = "no_pump_free"
#: The clinic has no pump in service at all.
NO_PUMP = "no_pump"
#: The patient is in another episode (or has an infusion session) during the episode's span.
PATIENT_IN_EPISODE = "patient_in_episode"
#: The fitting would start in the past.
EPISODE_IN_PAST = "episode_in_past"
#: The course's spacing between episodes (days from the previous removal to this fitting).
EPISODE_TOO_SOON = "episode_too_soon"
EPISODE_TOO_LATE = "episode_too_late"
#: The fitting or removal day is closed, or the visit is outside the opening hours.
VISIT_OUTSIDE_HOURS = "visit_outside_hours"
#: Nothing fits within the horizon, for a reason not about pumps (the most frequent one is in the details).
NO_EPISODE_FITS = "no_episode_fits"

FITTING, REVIEW, REMOVAL = "fitting", "review", "removal"
VISIT, PHONE = "visit", "phone"

_KIND_TEXT = {FITTING: "fitting", REVIEW: "review", REMOVAL: "removal"}


@dataclass(frozen=True, slots=True)
class EpisodeSpec:
    """How an episode runs (a pump protocol and the clinic's turnaround)."""

    episode_days: int
    fitting_minutes: int
    review_minutes: int
    removal_minutes: int
    review_mode: str = VISIT
    review_needs_chair: bool = True
    phone_review_when_closed: bool = True
    turnaround: timedelta = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class PumpHold:
    """A span the pump is held by another episode: [start, end) with end None for "until it is returned"."""

    start: datetime
    end: datetime | None
    episode_id: int | None = None
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class Pump:
    """A pump as the planner sees it: in service or not, its maintenance spans and the episodes holding it."""

    id: int
    label: str
    status: str = "in_service"  # in_service | maintenance | retired
    maintenance: tuple[tuple[datetime, datetime], ...] = ()
    holds: tuple[PumpHold, ...] = ()


@dataclass(frozen=True, slots=True)
class CourseGap:
    """The course's spacing: the previous episode's removal, and the days from it to this fitting."""

    previous_removal: datetime
    min_days: int
    max_days: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    kind: str
    day: int
    mode: str
    start: datetime  # UTC
    end: datetime
    chair_id: int | None
    nurse_id: int | None


@dataclass(frozen=True, slots=True)
class PlannedEpisode:
    pump_id: int
    start: datetime  # UTC: the fitting's start
    end: datetime  # the removal's end
    pump_until: datetime
    visits: tuple[PlannedVisit, ...]


@dataclass
class EpisodeCheck:
    """What episode_check found: the visits as placed (chairs and nurses chosen) and what is wrong."""

    violations: list[Violation] = field(default_factory=list)
    visits: list[PlannedVisit] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    pump_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    def planned(self, pump_id: int) -> PlannedEpisode:
        if not self.ok or self.start is None or self.end is None or self.pump_until is None:
            raise RuntimeError("The episode does not fit; refuse its violations first.")
        return PlannedEpisode(pump_id, self.start, self.end, self.pump_until, tuple(self.visits))


@dataclass(frozen=True, slots=True)
class EpisodeSearch:
    """The earliest episode and alternatives, or why none fits (code, message, details)."""

    episodes: tuple[PlannedEpisode, ...]
    code: str | None = None
    message: str | None = None
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Clinic:
    """What the checks need of the clinic: its rules, chairs and nurses, and what is booked."""

    rules: ClinicRules
    chair_ids: tuple[int, ...]
    nurses: tuple[Nurse, ...]
    occupancy: Occupancy


# --- One episode -------------------------------------------------------------------------------------------------


def visit_times(fitting_start: datetime, spec: EpisodeSpec, tz: ZoneInfo) -> list[tuple[str, int, datetime, datetime]]:
    """(kind, day, start, end) of every visit, UTC, each at the fitting's wall-clock time on its day.

    Raises LocalTimeError when that wall-clock time does not exist on some day (the clocks skip it).
    """
    wall = fitting_start.astimezone(tz).replace(tzinfo=None)
    found = []
    for day in range(spec.episode_days + 1):
        kind = FITTING if day == 0 else REMOVAL if day == spec.episode_days else REVIEW
        minutes = {FITTING: spec.fitting_minutes, REVIEW: spec.review_minutes, REMOVAL: spec.removal_minutes}[kind]
        start = localize(wall + timedelta(days=day), tz).astimezone(UTC)
        found.append((kind, day, start, start + timedelta(minutes=minutes)))
    return found


def _on(start: datetime, tz: ZoneInfo) -> str:
    return f"{start.astimezone(tz):%a %Y-%m-%d}"


def _label(kind: str, day: int, start: datetime, tz: ZoneInfo) -> str:
    return f"The {_KIND_TEXT[kind]} on {_on(start, tz)} (day {day})"


def _about(violation: Violation, kind: str, day: int, start: datetime, tz: ZoneInfo) -> Violation:
    """A visit's violation, saying which visit."""
    return Violation(
        violation.code, f"{_label(kind, day, start, tz)}: {violation.message}",
        {**violation.details, "kind": kind, "day": day},
    )


def pump_violations(pump: Pump, start: datetime, until: datetime, tz: ZoneInfo) -> list[Violation]:
    """Whether the pump may be held over [start, until): status, maintenance, other episodes."""
    if pump.status == "retired":
        return [Violation(PUMP_RETIRED, f"{pump.label} is retired.", {"pump": pump.id})]
    if pump.status != "in_service":
        return [Violation(PUMP_IN_MAINTENANCE, f"{pump.label} is in maintenance.", {"pump": pump.id})]
    s, u = _utc(start), _utc(until)
    for m_start, m_end in pump.maintenance:
        if _utc(m_start) < u and s < _utc(m_end):
            return [Violation(
                PUMP_IN_MAINTENANCE,
                f"{pump.label} is in maintenance from {_on(m_start, tz)} to {_on(m_end, tz)}.",
                {"pump": pump.id, "from": m_start.isoformat(), "until": m_end.isoformat()},
            )]
    for hold in pump.holds:
        if _utc(hold.start) < u and (hold.end is None or s < _utc(hold.end)):
            if hold.overdue:
                message = f"{pump.label} is overdue: it has not been returned."
            else:
                assert hold.end is not None
                message = f"{pump.label} is out with another patient until {_on(hold.end, tz)}."
            return [Violation(PUMP_UNAVAILABLE, message, {
                "pump": pump.id, "episode": hold.episode_id,
                "until": hold.end.isoformat() if hold.end is not None else None,
            })]
    return []


def _phone_nurse(start: datetime, end: datetime, clinic: Clinic, nurse_id: int | None) -> tuple[int | None, list[Violation]]:
    """A nurse on shift with room for a phone review (the given one, or the least loaded)."""
    rules = clinic.rules
    candidates = [n for n in clinic.nurses if nurse_id is None or n.id == nurse_id]
    if nurse_id is not None and not candidates:
        return None, [Violation(rule_codes.NURSE_UNAVAILABLE, "That nurse is not scheduled at this clinic.", {"nurse": nurse_id})]
    seen: list[Violation] = []
    for nurse in candidates:
        found = [v for v in (
            check_nurse_on_shift(start, end, nurse, rules.tz),
            check_nurse_capacity(start, end, nurse.id, clinic.occupancy, rules.nurse_max_concurrent),
        ) if v]
        if not found:
            return nurse.id, []
        seen.extend(found)
    if nurse_id is not None:
        return None, seen[:1]
    capacity = next((v for v in seen if v.code == rule_codes.NURSE_CAPACITY), None)
    if capacity is not None:
        return None, [Violation(rule_codes.NURSE_CAPACITY, "Every nurse on shift is watching as many patients as allowed.",
                                {"nurse": None})]
    return None, [Violation(rule_codes.NURSE_UNAVAILABLE, "No nurse is on shift for the phone review.", {"nurse": None})]


def _closed_at(start: datetime, end: datetime, rules: ClinicRules) -> bool:
    return bool(site_violations(start, end, rules))


def _visit(
    kind: str, day: int, start: datetime, end: datetime, *, spec: EpisodeSpec, clinic: Clinic, patient_id: int,
    choice: tuple[int | None, int | None],
) -> tuple[PlannedVisit | None, list[Violation]]:
    """One visit placed by the rules (chair and nurse chosen where `choice` leaves them None)."""
    rules, tz = clinic.rules, clinic.rules.tz
    chair_id, nurse_id = choice
    if kind == REVIEW and _closed_at(start, end, rules):
        if not spec.phone_review_when_closed:
            return None, [Violation(
                REVIEW_ON_CLOSED_DAY,
                f"{_label(kind, day, start, tz)} falls when the clinic is closed, and this protocol allows no phone "
                "review then.",
                {"kind": kind, "day": day, "date": start.astimezone(tz).date().isoformat()},
            )]
        return PlannedVisit(kind, day, PHONE, start, end, None, None), []
    if kind == REVIEW and spec.review_mode == PHONE:
        nurse, found = _phone_nurse(start, end, clinic, nurse_id)
        return PlannedVisit(kind, day, PHONE, start, end, None, nurse), [_about(v, kind, day, start, tz) for v in found]
    if kind == REVIEW and not spec.review_needs_chair:
        found = site_violations(start, end, rules)
        if not found:
            # A visit without a chair: the nurse's rules as for a session (shift, capacity, stagger).
            by_id = {n.id: n for n in clinic.nurses}
            if nurse_id is None:
                nurse_id = choose_nurse(start, end, clinic.nurses, rules, clinic.occupancy)
                if nurse_id is None:
                    found.append(no_nurse_violation(start, end, clinic.nurses, rules, clinic.occupancy, frozenset()))
            elif nurse_id not in by_id:
                found.append(Violation(rule_codes.NURSE_UNAVAILABLE, "That nurse is not scheduled at this clinic.",
                                       {"nurse": nurse_id}))
            else:
                found += nurse_violations(start, end, by_id[nurse_id], rules, clinic.occupancy)
        return (PlannedVisit(kind, day, VISIT, start, end, None, nurse_id),
                [_about(_outside(v), kind, day, start, tz) for v in found])
    placed = place_session(
        Placement(start, end, patient_id, chair_id, nurse_id), rules=rules, chair_ids=clinic.chair_ids,
        nurses=clinic.nurses, occupancy=clinic.occupancy,
    )
    found = [_about(_outside(v), kind, day, start, tz) for v in placed.violations]
    return PlannedVisit(kind, day, VISIT, start, end, placed.chair_id, placed.nurse_id), found


def _outside(violation: Violation) -> Violation:
    """A fitting or removal when the clinic is closed: the episode's own code for it."""
    if violation.code in (rule_codes.OUTSIDE_HOURS, rule_codes.CLINIC_CLOSED):
        return Violation(VISIT_OUTSIDE_HOURS, violation.message, {**violation.details, "rule": violation.code})
    return violation


def episode_check(
    *,
    spec: EpisodeSpec,
    clinic: Clinic,
    pump: Pump,
    patient_id: int,
    fitting_start: datetime,
    choices: Mapping[int, tuple[int | None, int | None]] | None = None,
    now: datetime | None = None,
    gap: CourseGap | None = None,
    first_only: bool = False,
) -> EpisodeCheck:
    """Every rule of one episode: its times, the pump, the patient's span, the course's spacing and each visit.

    `choices` maps a visit's day to (chair_id, nurse_id), None for "let the rules choose". With `first_only` the
    check stops at the first violation (the search's use).
    """
    tz = clinic.rules.tz
    check = EpisodeCheck()
    try:
        times = visit_times(fitting_start, spec, tz)
    except LocalTimeError as exc:
        check.violations.append(exc.violation)
        return check
    start, end = times[0][2], times[-1][3]
    check.start, check.end, check.pump_until = start, end, end + spec.turnaround
    if now is not None and start <= _utc(now):
        check.violations.append(Violation(EPISODE_IN_PAST, "The fitting cannot be in the past.",
                                          {"starts_at": start.isoformat()}))
        if first_only:
            return check
    if gap is not None:
        days = (start.astimezone(tz).date() - gap.previous_removal.astimezone(tz).date()).days
        if days < gap.min_days:
            first = gap.previous_removal.astimezone(tz).date() + timedelta(days=gap.min_days)
            check.violations.append(Violation(
                EPISODE_TOO_SOON,
                f"This episode's fitting must be at least {gap.min_days} days after the previous removal: on "
                f"{first:%a %Y-%m-%d} or later.", {"days": days, "min_days": gap.min_days, "earliest": first.isoformat()},
            ))
        elif gap.max_days is not None and days > gap.max_days:
            last = gap.previous_removal.astimezone(tz).date() + timedelta(days=gap.max_days)
            check.violations.append(Violation(
                EPISODE_TOO_LATE,
                f"This episode's fitting must be at most {gap.max_days} days after the previous removal: on "
                f"{last:%a %Y-%m-%d} or earlier.", {"days": days, "max_days": gap.max_days, "latest": last.isoformat()},
            ))
        if first_only and check.violations:
            return check
    check.violations += pump_violations(pump, start, check.pump_until, tz)
    if first_only and check.violations:
        return check
    if not clinic.occupancy.is_free("patient", patient_id, start, end):
        check.violations.append(Violation(
            PATIENT_IN_EPISODE,
            "The patient has another episode or a session between this fitting and its removal.",
            {"patient": patient_id},
        ))
        if first_only:
            return check
    choices = choices or {}
    for kind, day, v_start, v_end in times:
        visit, found = _visit(kind, day, v_start, v_end, spec=spec, clinic=clinic, patient_id=patient_id,
                              choice=choices.get(day, (None, None)))
        if visit is not None:
            check.visits.append(visit)
        # Every visit lies inside the span, whose patient check came first.
        check.violations += [v for v in found if v.code != rule_codes.PATIENT_CONFLICT]
        if first_only and check.violations:
            return check
    return check


# --- The search ------------------------------------------------------------------------------------------------


def _pump_free_from(pump: Pump, start: datetime, length: timedelta) -> datetime | None:
    """The earliest instant at or after `start` from which the pump is free for `length`, None: never (status,
    or held until returned). Only holds and maintenance spans are looked at."""
    if pump.status != "in_service":
        return None
    spans: list[tuple[datetime, datetime | None]] = [(_utc(a), _utc(b)) for a, b in pump.maintenance]
    spans += [(_utc(h.start), _utc(h.end) if h.end is not None else None) for h in pump.holds]
    spans.sort(key=lambda s: s[0])
    at = _utc(start)
    moved = True
    while moved:
        moved = False
        for s, e in spans:
            if s < at + length and (e is None or at < e):
                if e is None:
                    return None
                at, moved = e, True
    return at


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    try:
        return localize(datetime.combine(day, time.min), tz).astimezone(UTC)
    except LocalTimeError:  # a zone that skips midnight
        return localize(datetime.combine(day, time(1)), tz).astimezone(UTC)


def _date_text(day: date, since: date) -> str:
    return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != since.year else "")


_REASON_TEXT = {
    rule_codes.CHAIR_CONFLICT: "no chair is free for every visit",
    rule_codes.CHAIR_OUT_OF_SERVICE: "no chair is free for every visit",
    rule_codes.NURSE_CAPACITY: "the nurses are watching as many patients as allowed at the visits' times",
    rule_codes.STAGGER: "the nurses are starting other infusions at the visits' times",
    rule_codes.NURSE_UNAVAILABLE: "no nurse is on shift for every visit",
    rule_codes.PATIENT_CONFLICT: "the patient has other sessions then",
    PATIENT_IN_EPISODE: "the patient has another episode or sessions then",
    REVIEW_ON_CLOSED_DAY: "a review would fall on a day the clinic is closed, and this protocol allows no phone review",
    VISIT_OUTSIDE_HOURS: "the fitting or removal would fall when the clinic is closed",
    EPISODE_TOO_SOON: "the course's spacing between episodes",
    EPISODE_TOO_LATE: "the course's spacing between episodes",
    rule_codes.NONEXISTENT_LOCAL_TIME: "the clocks change",
}


class EpisodePlanner:
    """Searches the earliest episode for one patient over the clinic's start grid (one per request)."""

    #: How far past `earliest` the fitting may be.
    HORIZON_DAYS = 42
    #: How far past the first proposal alternatives are looked for.
    ALTERNATIVE_DAYS = 14

    def __init__(
        self,
        *,
        spec: EpisodeSpec,
        clinic: Clinic,
        pumps: Sequence[Pump],
        patient_id: int,
        now: datetime,
        gap: CourseGap | None = None,
        step: timedelta = timedelta(minutes=15),
    ) -> None:
        self.spec = spec
        self.clinic = clinic
        self.tz = clinic.rules.tz
        self.pumps = tuple(pumps)
        self.patient_id = patient_id
        self.now = _utc(now)
        self.gap = gap
        self._grid = SeriesPlanner(
            rules=clinic.rules, chair_ids=clinic.chair_ids, nurses=clinic.nurses, occupancy=clinic.occupancy,
            patient_id=patient_id, step=step,
        )
        self.refused: Counter[str] = Counter()
        self.refused_dates: dict[str, date] = {}
        self.pump_blocked = 0

    def _min_length(self) -> timedelta:
        """A lower bound of the pump's hold, whatever DST change lies inside it."""
        sp = self.spec
        return timedelta(days=sp.episode_days, minutes=sp.removal_minutes) + sp.turnaround - timedelta(hours=2)

    def grid(self, day: date) -> list[datetime]:
        return [start for start, _ in self._grid.grid(day, self.spec.fitting_minutes)]

    def first_from(self, earliest: date, last: date, *, not_pump: int | None = None,
                   after: datetime | None = None) -> PlannedEpisode | None:
        """The earliest episode whose fitting is on earliest..last (and after `after`), on any pump but `not_pump`."""
        pumps = [p for p in self.pumps if p.status == "in_service" and p.id != not_pump]
        if not pumps:
            return None
        lower = max(self.now, _utc(after)) if after is not None else self.now
        if self.gap is not None:
            soonest = self.gap.previous_removal.astimezone(self.tz).date() + timedelta(days=self.gap.min_days)
            earliest = max(earliest, soonest)
            if self.gap.max_days is not None:
                last = min(last, self.gap.previous_removal.astimezone(self.tz).date() + timedelta(days=self.gap.max_days))
        day = earliest
        while day <= last:
            for start in self.grid(day):
                if start <= lower:
                    continue
                free_from = [_pump_free_from(p, start, self._min_length()) for p in pumps]
                known = [f for f in free_from if f is not None]
                if not known:
                    self.pump_blocked += 1
                    return None  # every pump out until returned (or in maintenance): no start helps
                jump = min(known)
                if jump > start:
                    self.pump_blocked += 1
                    lower = max(lower, jump - timedelta(microseconds=1))
                    if jump >= _day_start(day + timedelta(days=1), self.tz):
                        break
                    continue
                for pump, f in zip(pumps, free_from, strict=True):
                    if f is None or f > start:
                        continue
                    check = episode_check(
                        spec=self.spec, clinic=self.clinic, pump=pump, patient_id=self.patient_id,
                        fitting_start=start, now=self.now, gap=self.gap, first_only=True,
                    )
                    if check.ok:
                        return check.planned(pump.id)
                    code = check.violations[0].code
                    if code in (PUMP_UNAVAILABLE, PUMP_IN_MAINTENANCE):
                        continue  # the jump's lower bound was not enough for this pump: another may do
                    self.refused[code] += 1
                    self.refused_dates.setdefault(code, day)
                    break  # not about the pump: another pump fares no better
            if lower >= _day_start(day + timedelta(days=1), self.tz):
                day = max(day + timedelta(days=1), lower.astimezone(self.tz).date())
            else:
                day += timedelta(days=1)
        return None

    def search(self, earliest: date, *, alternatives: int = 3, horizon_days: int | None = None) -> EpisodeSearch:
        last = earliest + timedelta(days=horizon_days if horizon_days is not None else self.HORIZON_DAYS)
        first = self.first_from(earliest, last)
        if first is None:
            return self.explain(earliest, last)
        found = [first]
        # Another pump at the same time first (the desk may prefer it), then the next days'.
        other = self.first_from(_local_day(first.start, self.tz), _local_day(first.start, self.tz),
                                not_pump=first.pump_id, after=first.start - timedelta(microseconds=1))
        if other is not None and other.start == first.start and len(found) <= alternatives:
            found.append(other)
        day = _local_day(first.start, self.tz) + timedelta(days=1)
        stop = day + timedelta(days=self.ALTERNATIVE_DAYS)
        while len(found) < alternatives + 1 and day <= stop:
            nxt = self.first_from(day, stop)
            if nxt is None:
                break
            found.append(nxt)
            day = _local_day(nxt.start, self.tz) + timedelta(days=1)
        return EpisodeSearch(tuple(found))

    def explain(self, earliest: date, last: date) -> EpisodeSearch:
        """Why no episode fits from `earliest` to `last`: the pumps when they were what stopped every start."""
        usable = [p for p in self.pumps if p.status != "retired"]
        if not any(p.status == "in_service" for p in usable):
            return EpisodeSearch((), NO_PUMP, "The clinic has no pump in service.", {})
        if not self.refused and not self.pump_blocked:
            return EpisodeSearch(
                (), NO_EPISODE_FITS, f"No fitting fits inside the clinic's opening hours by {last:%a %Y-%m-%d}.",
                {"reason": VISIT_OUTSIDE_HOURS, "last_date": last.isoformat()},
            )
        if self.refused:
            code = self.refused.most_common(1)[0][0]
            return EpisodeSearch(
                (), code,
                f"No episode fits by {last:%a %Y-%m-%d}: {_REASON_TEXT.get(code, code)}.",
                {"reason": code, "first_date": self.refused_dates[code].isoformat(), "last_date": last.isoformat()},
            )
        horizon_end = _day_start(last + timedelta(days=1), self.tz)
        frees = [(p, _pump_free_from(p, max(self.now, horizon_end), self._min_length())) for p in usable]
        dated = [(f, p) for p, f in frees if f is not None]
        overdue = [p.label for p in usable if any(h.overdue for h in p.holds)]
        note = f" ({', '.join(overdue)} {'is' if len(overdue) == 1 else 'are'} overdue.)" if overdue else ""
        everyone = "The pump is" if len(usable) == 1 else f"All {len(usable)} pumps are"
        if dated:
            free_at, pump = min(dated, key=lambda t: t[0])
            free_day = free_at.astimezone(self.tz).date()
            return EpisodeSearch((), NO_PUMP_FREE, f"{everyone} out until {_date_text(free_day, earliest)}.{note}",
                                 {"free_from": free_at.isoformat(), "pump": pump.id})
        return EpisodeSearch((), NO_PUMP_FREE, f"{everyone} out until further notice.{note}", {"free_from": None})


def _local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def episode_search(
    *,
    spec: EpisodeSpec,
    clinic: Clinic,
    pumps: Sequence[Pump],
    patient_id: int,
    earliest: date,
    now: datetime,
    gap: CourseGap | None = None,
    alternatives: int = 3,
    horizon_days: int | None = None,
    step: timedelta = timedelta(minutes=15),
) -> EpisodeSearch:
    """The earliest feasible episode from `earliest` (its fitting on the clinic's start grid, on any pump in service
    free over [fitting, pump_until)), up to `alternatives` more (another pump at that time, then later days), or
    the reason none fits within the horizon."""
    planner = EpisodePlanner(spec=spec, clinic=clinic, pumps=pumps, patient_id=patient_id, now=now, gap=gap, step=step)
    return planner.search(earliest, alternatives=alternatives, horizon_days=horizon_days)
