"""Book a course: the planner proposes the series, the desk adjusts any session, then books all at once.

1. GET  patients/<id>/book/?protocol=…        the form, and the proposal with its alternatives (nothing stored)
2. GET  patients/<id>/book/check/             htmx: the edited series re-checked by bookings.selectors.cycle_check;
                                              the page swaps in every cell but the date and time controls
                                              (frontdesk/static/frontdesk/booking.js says when to ask)
   GET  patients/<id>/book/slots/?row=…        htmx: "Change" on a row: the slot grid for that row, computed against the
                                              other rows as they stand (nothing stored); booking.js puts a chosen
                                              time into the row and asks for its check
3. POST patients/<id>/book/confirm/           bookings.services.cycle_book, all or nothing; a conflict
                                              (someone took the chair a moment ago) shows a fresh proposal
4. GET  courses/<id>/booked/                  what was booked and what the patient will receive

Each session is a date (day[]) and a start time on the clinic's 15-minute grid (time[]), with the chair and
nurse the last check chose (chair[], nurse[]; the page empties them when the person changes that row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bookings import error_codes as codes
from bookings import selectors as booking_selectors
from bookings import services
from bookings.models import Patient, TreatmentCycle
from common.clock import format_clock
from common.errors import ApplicationError
from frontdesk import selectors
from frontdesk.access import BOOKING_ROLES, staff_page
from frontdesk.forms import TIME_OUT_OF_RANGE, ProposalForm, parse_wall, time_choices, time_grid
from frontdesk.views.common import local_today, no_clinic, render_in
from frontdesk.views.slot_grids import grid_context
from scheduler import error_codes as rule_codes
from scheduler import planning
from scheduler.models import Clinic, Protocol


@dataclass
class Row:
    """One session of the series as the desk sees it, in its input order (ids stay stable across re-checks)."""

    index: int
    day: str  # the wall-clock date as typed or proposed, YYYY-MM-DD
    time: str  # the wall-clock start time chosen or proposed, HH:MM
    sequence: int | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    chair_id: int | None = None
    nurse_id: int | None = None
    chair: str = ""
    nurse: str = ""
    problems: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # what its time control offers


@dataclass
class Series:
    rows: list[Row]
    general: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.general and not any(r.problems for r in self.rows)

    @property
    def count(self) -> int:
        return len(self.rows)


def _patient(request, pk: int) -> Patient:
    try:
        return selectors.patient_get(user=request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


def _clinic_for(request, patient: Patient, clinics: list[Clinic]) -> Clinic | None:
    asked = request.GET.get("clinic") or request.POST.get("clinic")
    return selectors.clinic_choose(clinics=clinics, clinic_id=asked or patient.clinic_id)


def _names(series: Series, clinic: Clinic, protocol: Protocol) -> Series:
    """Chair and nurse names, and each row's choice of start times (the clinic's grid, with the row's own time)."""
    chairs, nurses = selectors.staff_names(clinic=clinic)
    span = selectors.clinic_open_span(clinic=clinic) or (dt.time(0, 0), dt.time(23, 59))
    grid = time_grid(opens=span[0], closes=span[1], block_minutes=protocol.chair_minutes)
    for row in series.rows:
        row.chair = chairs.get(row.chair_id, "") if row.chair_id else ""
        row.nurse = nurses.get(row.nurse_id, "") if row.nurse_id else ""
        row.times = time_choices(grid, row.time)
    return series


def _from_plan(plan: planning.Proposal, clinic: Clinic, protocol: Protocol) -> Series:
    tz = clinic.tz
    rows = []
    for i, s in enumerate(plan.sessions):
        start, end = s.start.astimezone(tz), s.end.astimezone(tz)
        rows.append(Row(i, f"{start:%Y-%m-%d}", f"{start:%H:%M}", s.sequence, start, end, s.chair_id, s.nurse_id))
    return _names(Series(rows, warnings=[w.message for w in plan.warnings]), clinic, protocol)


#: The largest id a row can have (PostgreSQL's bigint): a larger number names no row, it is not an error.
_MAX_ID = 2**63 - 1


def _int_or_none(value) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or abs(number) <= _MAX_ID else None


def _rows_from_input(data) -> list[Row]:
    """The series as posted: day[], time[], chair[], nurse[] in row order (a list cut short reads as empty)."""
    days, times, chairs, nurses = (data.getlist(name) for name in ("day", "time", "chair", "nurse"))

    def at(values: list[str], i: int) -> str:
        return values[i].strip() if i < len(values) else ""

    return [
        Row(i, at(days, i), at(times, i), chair_id=_int_or_none(at(chairs, i)), nurse_id=_int_or_none(at(nurses, i)))
        for i in range(max(len(days), len(times)))
    ]


#: The desk's own words for a refusal, where they differ from the booking service's.
_DESK_WORDS = {codes.IN_PAST: "This time has passed.", rule_codes.TIME_OUT_OF_RANGE: TIME_OUT_OF_RANGE}


def _check(rows: list[Row], *, patient: Patient, protocol: Protocol, clinic: Clinic) -> Series:
    """Re-check the series with the booking check: each row gets its number (by time), times and problems."""
    tz = clinic.tz
    chairs, nurses = selectors.chairs_and_nurses(
        clinic=clinic, chair_ids={r.chair_id for r in rows if r.chair_id}, nurse_ids={r.nurse_id for r in rows if r.nurse_id}
    )
    requests: list[services.SessionRequest | None] = []
    for row in rows:
        wall, missing = parse_wall(row.day, row.time)
        if wall is None:
            row.problems.append(missing)
            requests.append(None)
        else:
            chair = chairs.get(row.chair_id) if row.chair_id else None
            nurse = nurses.get(row.nurse_id) if row.nurse_id else None
            requests.append(services.SessionRequest(wall, chair=chair, nurse=nurse))
    check = booking_selectors.cycle_check(patient=patient, protocol=protocol, clinic=clinic, sessions=requests)
    series = Series(rows)
    for row, checked in zip(rows, check.sessions, strict=True):
        row.sequence = checked.sequence
        if checked.start is not None and checked.end is not None:
            row.start, row.end = checked.start.astimezone(tz), checked.end.astimezone(tz)
        if check.rules_checked:
            row.chair_id, row.nurse_id = checked.chair_id, checked.nurse_id
    for problem in check.problems:
        message = _DESK_WORDS.get(problem.violation.code, problem.violation.message)
        if problem.row is None:
            series.general.append(message)
        else:
            rows[problem.row].problems.append(message)
    series.warnings = [w.message for w in check.warnings]
    return _names(series, clinic, protocol)


def _proposal(form: ProposalForm, *, patient: Patient, protocol: Protocol, clinic: Clinic):
    """(the proposal, an error message): bookings.selectors.cycle_proposal with the form's wishes."""
    data = form.cleaned_data
    try:
        proposal = booking_selectors.cycle_proposal(
            patient=patient, protocol=protocol, clinic=clinic, earliest_date=data["earliest_date"],
            weekdays=frozenset(data["weekdays"]) if data.get("weekdays") else None,
            time_from=data.get("time_from"), time_to=data.get("time_to"),
        )
    except ApplicationError as exc:
        return None, exc.message
    return proposal, ""


def _form(request, data, *, clinic: Clinic, clinics: list[Clinic]) -> tuple[ProposalForm, list[Protocol]]:
    protocols = selectors.protocols_for_booking(clinic=clinic)
    initial = {"clinic": clinic.pk, "earliest_date": local_today(clinic)}
    form = ProposalForm(data, initial=initial, clinics=clinics, protocols=protocols)
    return form, protocols


def _protocol_of(form: ProposalForm, protocols: list[Protocol]) -> Protocol | None:
    return next((p for p in protocols if p.pk == form.cleaned_data["protocol"]), None)


def _page(request, *, patient, clinic, form, series=None, proposal=None, alt=0, error="", conflict=""):
    prefs = _prefs(form) if form.is_bound and form.is_valid() else []
    context = {
        "patient": patient,
        "clinic": clinic,
        "form": form,
        "series": series,
        "proposal": proposal,
        "alternatives": _alternatives(proposal, clinic) if proposal else [],
        "alt": alt,
        "error": error,
        "conflict": conflict,
        "prefs": prefs,
        "prefs_query": urlencode(prefs),
    }
    return render_in(request, "frontdesk/book.html", context, clinic=clinic)


def _alternatives(proposal, clinic: Clinic) -> list[dict]:
    """The primary series and each alternative, described in a line, to switch between them."""
    tz = clinic.tz
    options = [proposal, *proposal.alternatives]
    described = []
    for i, option in enumerate(options):
        first, last = option.sessions[0].start.astimezone(tz), option.sessions[-1].start.astimezone(tz)
        span = (last.date() - first.date()).days + 1
        days = f"{span} day" if span == 1 else f"{span} days"
        dates = _day(first) if span == 1 else f"{_day(first)} – {_day(last)}"
        described.append({
            "index": i,
            "label": "Earliest" if i == 0 else f"Alternative {i}",
            "summary": f"{dates} ({days}), from {format_clock(first, clinic.clock_format)}",
        })
    return described


def _day(when: dt.date) -> str:
    """A date as the desk reads it: "Mon 7 Dec"."""
    return f"{when:%a} {when.day} {when:%b}"


def _prefs(form: ProposalForm) -> list[tuple[str, str]]:
    """The wishes the series was planned with, as hidden fields: a conflict re-plans with the same ones."""
    data = form.cleaned_data
    pairs = [("clinic", str(data["clinic"])), ("protocol", str(data["protocol"])), ("earliest_date", data["earliest_date"].isoformat())]
    pairs += [("weekdays", str(d)) for d in data.get("weekdays") or []]
    for name in ("time_from", "time_to"):
        if data.get(name):
            pairs.append((name, data[name].strftime("%H:%M")))
    return pairs


@staff_page(BOOKING_ROLES)
def book(request, pk: int):
    patient = _patient(request, pk)
    clinics = selectors.clinic_list_for_user(user=request.user)
    clinic = _clinic_for(request, patient, clinics)
    if clinic is None:
        return no_clinic(request)
    bound = "protocol" in request.GET
    form, protocols = _form(request, request.GET if bound else None, clinic=clinic, clinics=clinics)
    if not bound or not form.is_valid():
        return _page(request, patient=patient, clinic=clinic, form=form)
    protocol = _protocol_of(form, protocols)
    assert protocol is not None  # the form's choices are these protocols
    proposal, error = _proposal(form, patient=patient, protocol=protocol, clinic=clinic)
    if proposal is None:
        return _page(request, patient=patient, clinic=clinic, form=form, error=error)
    alt = _int_or_none(request.GET.get("alt")) or 0
    options = [proposal, *proposal.alternatives]
    alt = alt if 0 <= alt < len(options) else 0
    series = _from_plan(options[alt], clinic, protocol)
    return _page(request, patient=patient, clinic=clinic, form=form, series=series, proposal=proposal, alt=alt)


def _bound_form(request, data, patient):
    clinics = selectors.clinic_list_for_user(user=request.user)
    clinic = _clinic_for(request, patient, clinics)
    if clinic is None:
        return None, None, None, None
    form, protocols = _form(request, data, clinic=clinic, clinics=clinics)
    protocol = _protocol_of(form, protocols) if form.is_valid() else None
    return clinics, clinic, form, protocol


@staff_page(BOOKING_ROLES)
def book_check(request, pk: int):
    """htmx: the series re-checked after the desk changed a date or a time.

    The answer is the series as the page renders it, with every piece but the date and time controls marked to
    be swapped in where it stands (hx-swap-oob): the control a person is working in is never replaced, so focus,
    caret and a half-typed value stay theirs.
    """
    patient = _patient(request, pk)
    _, clinic, form, protocol = _bound_form(request, request.GET, patient)
    if protocol is None:
        return render_in(request, "frontdesk/partials/message.html", {"error": "Choose a protocol first."})
    series = _check(_rows_from_input(request.GET), patient=patient, protocol=protocol, clinic=clinic)
    context = {"series": series, "clinic": clinic, "patient": patient, "oob": True}
    return render_in(request, "frontdesk/partials/series.html", context, clinic=clinic)


#: The slot grid's filter names on the booking page (grid-day, grid-part, grid-from): day[] is the rows' dates.
GRID_PREFIX = "grid"


@staff_page(BOOKING_ROLES)
def book_slots(request, pk: int):
    """htmx: the slot grid of one proposed row ("change this session"), its free times keeping the course's
    spacing with the other rows as they stand; the same grid and selector as moving a stored session.

    Refused with 400 (and the reason) when the protocol is missing, `row` is not one of the rows, or a filter
    is not one the grid offers: the page never sends those.
    """
    patient = _patient(request, pk)
    _, clinic, form, protocol = _bound_form(request, request.GET, patient)
    if clinic is None:
        return no_clinic(request)
    if protocol is None:
        return render_in(request, "frontdesk/partials/message.html", {"error": "Choose a protocol first."}, status=400)
    rows = _rows_from_input(request.GET)
    rows_asked = request.GET.getlist("row")
    index = _int_or_none(rows_asked[0]) if len(rows_asked) == 1 else None
    if index is None or not 0 <= index < len(rows) or len(rows) > protocol.session_count:
        return render_in(request, "frontdesk/partials/message.html",
                         {"error": "That session is not one of the proposal's: propose the dates again."}, status=400)
    walls = [parse_wall(r.day, r.time)[0] for r in rows]
    tz = clinic.tz

    def lookup(filters):
        return booking_selectors.proposal_slot_grid(
            patient=patient, protocol=protocol, clinic=clinic, walls=walls, row=index, filters=filters
        )

    context = grid_context(request.GET, lookup=lookup, prefix=GRID_PREFIX, auto_id=f"slots-row-{index}-%s")
    status = 400 if context["form"].errors else 200
    return render_in(request, "frontdesk/partials/slot_grid.html", _row_grid(context, patient, clinic, index, walls),
                     tz=tz, status=status)


def _row_grid(context: dict, patient: Patient, clinic: Clinic, index: int, walls: list[dt.datetime | None]) -> dict:
    """The booking page's part of the grid's context: the row's current time, and where chosen times go."""
    wall = walls[index]
    try:
        current = planning.localize(wall, clinic.tz) if wall is not None else None
    except planning.LocalTimeError:
        current = None
    return {
        **context,
        "grid_id": f"row-{index}",
        "title": f"Free times for row {index + 1}" + (f" (now {_day(wall)}, {wall:%H:%M})" if wall else ""),
        "current": current,
        "tz_name": clinic.timezone,
        "pick_row": index,
        "include": "#book-form",
        "base_query": urlencode({"row": index}),
        "grid_url": reverse("frontdesk:book-slots", args=[patient.pk]),
    }


@require_POST
@staff_page(BOOKING_ROLES)
def book_confirm(request, pk: int):
    patient = _patient(request, pk)
    _, clinic, form, protocol = _bound_form(request, request.POST, patient)
    if clinic is None:
        return no_clinic(request)
    if protocol is None:
        return _page(request, patient=patient, clinic=clinic, form=form, error="Choose a protocol and plan the course first.")
    rows = _rows_from_input(request.POST)
    parsed = [parse_wall(r.day, r.time)[0] for r in rows]
    if any(p is None for p in parsed) or not rows:
        series: Series | None = _check(rows, patient=patient, protocol=protocol, clinic=clinic)
        return _page(request, patient=patient, clinic=clinic, form=form, series=series,
                     error="Nothing was booked: give every session a date and time.")
    chairs, nurses = selectors.chairs_and_nurses(
        clinic=clinic, chair_ids={r.chair_id for r in rows if r.chair_id}, nurse_ids={r.nurse_id for r in rows if r.nurse_id}
    )
    requests = [
        services.SessionRequest(
            wall,
            chair=chairs.get(r.chair_id) if r.chair_id is not None else None,
            nurse=nurses.get(r.nurse_id) if r.nurse_id is not None else None,
        )
        for r, wall in zip(rows, parsed, strict=True)
        if wall is not None  # all of them: checked above
    ]
    try:
        booked = services.cycle_book(patient=patient, protocol=protocol, clinic=clinic, sessions=requests, by=request.user)
    except ApplicationError as exc:
        if exc.status == 409:
            # Someone else took a chair, a nurse's capacity or the patient's time a moment ago: plan afresh.
            proposal, error = _proposal(form, patient=patient, protocol=protocol, clinic=clinic)
            series = _from_plan(proposal, clinic, protocol) if proposal else None
            return _page(
                request, patient=patient, clinic=clinic, form=form, series=series, proposal=proposal, error=error,
                conflict=f"Nothing was booked: {exc.message} Here is a fresh proposal.",
            )
        series = _check(rows, patient=patient, protocol=protocol, clinic=clinic)
        return _page(request, patient=patient, clinic=clinic, form=form, series=series, error=f"Nothing was booked: {exc.message}")
    for warning in booked.warnings:
        messages.warning(request, warning.message)
    return redirect("frontdesk:cycle-booked", pk=booked.cycle.pk)


@staff_page(BOOKING_ROLES)
def cycle_booked(request, pk: int):
    try:
        cycle = selectors.cycle_get(user=request.user, cycle_id=pk)
    except TreatmentCycle.DoesNotExist:
        raise Http404("No such course.") from None
    patient = cycle.patient
    emails = bool(patient.email and patient.email_consent and not getattr(patient, "email_consent_withdrawn_at", None))
    context = {
        "cycle": cycle,
        "patient": patient,
        "sessions": list(cycle.sessions.all()),
        "emails": emails,
        "reminder_hours": sorted(cycle.clinic.reminder_offsets_hours or [], reverse=True),
        "preparation": [line for line in cycle.clinic.preparation_rules.splitlines() if line.strip()],
    }
    return render_in(request, "frontdesk/booked.html", context, clinic=cycle.clinic)
