"""Rendering of an episode's patient emails: subject, plain text, HTML and calendar file for each kind of row.

As notifications.emails for sessions, whose helpers it uses: the minimum necessary, times in the patient's zone with
the zone named, the clinic by its name for patients. The pump is "your device"; no protocol, drug, route or reason
is read here (tests/pumps/test_emails*.py check every surface against common.treatment_words). The emails carry no
session links (an episode is changed by calling the clinic), and stopping them is asked of the clinic.

The caller (pumps.delivery) has locked the row and decided the email should go; this renders the rows as they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.text import capfirst

from bookings.outbox import timing
from common import clock
from notifications import ics as session_ics
from notifications.emails import (
    ClinicView,
    calendar_part,
    format_clock,
    format_day,
    format_until,
    format_when,
    preparation_rules,
    relative_day,
    sender,
)
from pumps import ics
from pumps.models import EpisodeEmailKind, ReviewMode, VisitKind, VisitStatus

_TEMPLATE_DIR = "pumps/email"
Kind = EpisodeEmailKind


@dataclass(frozen=True)
class VisitView:
    """One visit as the patient reads it."""

    title: str  # "Appointment at …", "Check-in at …", "Phone check-in with …"
    when: str  # in the patient's zone, zone named
    day: str
    clock: str
    clinic_when: str  # in the clinic's zone when the patient's differs; else ""
    until: str
    phone: bool
    first: bool = False
    last: bool = False


@dataclass
class Rendered:
    subject: str
    template: str
    context: dict = field(default_factory=dict)
    calendar: tuple[str, list] | None = None  # (REQUEST or CANCEL, visits)


def _visit_view(visit, *, patient, clinic) -> VisitView:
    tz, fmt = patient.tz, clinic.clock_format
    return VisitView(
        title=ics.visit_title(visit, clinic_name=clinic.name_for_patients),
        when=format_when(visit.starts_at, tz, fmt),
        day=format_day(visit.starts_at, tz),
        clock=format_clock(visit.starts_at, tz, fmt),
        clinic_when=format_clock(visit.starts_at, clinic.tz, fmt) if patient.timezone != clinic.timezone else "",
        until=format_until(visit.starts_at, visit.ends_at, tz, fmt),
        phone=visit.mode == ReviewMode.PHONE,
        first=visit.kind == VisitKind.FITTING,
        last=visit.kind == VisitKind.REMOVAL,
    )


def _clinic_view(clinic) -> ClinicView:
    lines = [line.strip() for line in (clinic.address or "").splitlines() if line.strip()]
    return ClinicView(name=clinic.name_for_patients, address_lines=lines, phone=clinic.phone, email=clinic.email)


def _visits(episode, statuses) -> list:
    return sorted((v for v in episode.visits.all() if v.status in statuses), key=lambda v: (v.starts_at, v.pk))


def _short_clock(visit, patient, clinic) -> str:
    return clock.format_clock(visit.starts_at.astimezone(patient.tz), clinic.clock_format)


# --- One function per kind ---------------------------------------------------------------------------------


def _confirmation(row, *, episode, patient, clinic, now) -> Rendered:
    visits = _visits(episode, (VisitStatus.PLANNED,))
    views = [_visit_view(v, patient=patient, clinic=clinic) for v in visits]
    last = next((v for v in views if v.last), None)
    return Rendered(
        subject=f"Your appointments at {clinic.name_for_patients}",
        template="confirmation",
        context={"visits": views, "first": views[0] if views else None, "last": last,
                 "rules": preparation_rules(clinic)},
        calendar=(session_ics.REQUEST, visits) if visits else None,
    )


def _fitting_reminder(row, *, episode, patient, clinic, now) -> Rendered:
    visit = row.visit
    view = _visit_view(visit, patient=patient, clinic=clinic)
    day = relative_day(visit.starts_at, patient.tz, now=now)
    at = f"{day[0].upper()}{day[1:]} at {_short_clock(visit, patient, clinic)}"
    removal = next((v for v in _visits(episode, (VisitStatus.PLANNED,)) if v.kind == VisitKind.REMOVAL), None)
    return Rendered(
        subject=f"{at}: your first visit at {clinic.name_for_patients}",
        template="fitting_reminder",
        context={"visit": view, "day": day, "rules": preparation_rules(clinic),
                 "last": _visit_view(removal, patient=patient, clinic=clinic) if removal else None},
    )


def _review_reminder(row, *, episode, patient, clinic, now) -> Rendered:
    visit = row.visit
    view = _visit_view(visit, patient=patient, clinic=clinic)
    day = relative_day(visit.starts_at, patient.tz, now=now)
    at = f"{day[0].upper()}{day[1:]} at {_short_clock(visit, patient, clinic)}"
    subject = (f"{at}: {clinic.name_for_patients} will call you" if view.phone
               else f"{at}: your check-in at {clinic.name_for_patients}")
    return Rendered(subject=subject, template="review_reminder", context={"visit": view, "day": day})


def _removal_reminder(row, *, episode, patient, clinic, now) -> Rendered:
    visit = row.visit
    view = _visit_view(visit, patient=patient, clinic=clinic)
    day = relative_day(visit.starts_at, patient.tz, now=now)
    at = f"{day[0].upper()}{day[1:]} at {_short_clock(visit, patient, clinic)}"
    return Rendered(subject=f"{at}: your last visit at {clinic.name_for_patients}", template="removal_reminder",
                    context={"visit": view, "day": day})


def _return_reminder(row, *, episode, patient, clinic, now) -> Rendered:
    return Rendered(
        subject=f"Please bring your device back to {clinic.name_for_patients}",
        template="return_reminder",
        context={"due": format_when(episode.ends_at, patient.tz, clinic.clock_format)},
    )


def _cancelled(row, *, episode, patient, clinic, now) -> Rendered:
    # The visits this cancellation ended: cancelled, not yet begun when the episode was cancelled.
    visits = [v for v in _visits(episode, (VisitStatus.CANCELLED,)) if v.starts_at > row.due_at]
    return Rendered(
        subject=f"Your appointments at {clinic.name_for_patients} are cancelled",
        template="cancelled",
        context={"visits": [_visit_view(v, patient=patient, clinic=clinic) for v in visits]},
        calendar=(session_ics.CANCEL, visits) if visits else None,
    )


def _removal_as_booked(episode, clinic):
    """The removal visit at the time it was booked for: an early removal moves the visit's row to the moment the
    device came off, but the patient's calendar holds the booked time (the fitting's wall clock, `day` days on)."""
    visits = {v.kind: v for v in episode.visits.all() if v.kind in (VisitKind.FITTING, VisitKind.REMOVAL)}
    fitting, removal = visits.get(VisitKind.FITTING), visits.get(VisitKind.REMOVAL)
    if fitting is None or removal is None:
        return None
    local = fitting.starts_at.astimezone(clinic.tz)
    starts_at = timing.wall_clock_instant(local.date() + timedelta(days=removal.day),
                                           local.time().replace(tzinfo=None), clinic.tz)
    return SimpleNamespace(pk=removal.pk, kind=removal.kind, mode=removal.mode, starts_at=starts_at,
                           ends_at=starts_at + (removal.ends_at - removal.starts_at))


def _removed_early(row, *, episode, patient, clinic, now) -> Rendered:
    removed_at = episode.removed_at or row.due_at
    visits = [v for v in _visits(episode, (VisitStatus.PLANNED, VisitStatus.CANCELLED)) if v.starts_at > removed_at]
    removal = _removal_as_booked(episode, clinic)
    if removal is not None and removal.starts_at > removed_at and all(v.pk != removal.pk for v in visits):
        visits.append(removal)  # its calendar entry is off too (same UID, cancelled)
    return Rendered(
        subject=f"Your next visits at {clinic.name_for_patients} are cancelled",
        template="removed_early",
        context={"visits": [_visit_view(v, patient=patient, clinic=clinic) for v in visits],
                 "removed_day": format_day(removed_at, patient.tz)},
        calendar=(session_ics.CANCEL, visits) if visits else None,
    )


_KINDS = {
    Kind.CONFIRMATION: _confirmation,
    Kind.FITTING_REMINDER: _fitting_reminder,
    Kind.REVIEW_REMINDER: _review_reminder,
    Kind.REMOVAL_REMINDER: _removal_reminder,
    Kind.RETURN_REMINDER: _return_reminder,
    Kind.CANCELLED: _cancelled,
    Kind.REMOVED_EARLY: _removed_early,
}


# --- The message -------------------------------------------------------------------------------------------


def _tidy_text(text: str) -> str:
    """Templates leave blank lines where tags stood: at most one blank line in a row, no trailing spaces."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str
    calendar: bytes | None = None
    calendar_method: str | None = None


def render(row, *, episode, patient, clinic, now: datetime, templates: Callable[[str], Any] | None = None) -> EmailContent:
    """Everything one row's email says, rendered now from the rows as they stand (`templates`: as
    notifications.emails.render)."""
    get_template = templates or loader.get_template
    try:
        renderer = _KINDS[Kind(row.kind)]
    except ValueError:
        raise ValueError(f"no email for episode email kind {row.kind!r}") from None
    rendered = renderer(row, episode=episode, patient=patient, clinic=clinic, now=now)
    context = {
        "first_name": patient.first_name,
        "clinic": _clinic_view(clinic),
        "patient_zone": patient.timezone,
        "subject": rendered.subject,
        "has_calendar": rendered.calendar is not None,
        **rendered.context,
    }
    calendar = method = None
    if rendered.calendar is not None:
        method, visits = rendered.calendar
        calendar = ics.calendar_bytes(visits, method=method, clinic=clinic, patient=patient, now=now,
                                      organizer=sender(clinic))
    return EmailContent(
        subject=rendered.subject,
        text=_tidy_text(get_template(f"{_TEMPLATE_DIR}/{rendered.template}.txt").render(context)),
        html=get_template(f"{_TEMPLATE_DIR}/{rendered.template}.html").render(context),
        calendar=calendar,
        calendar_method=method,
    )


def message_id_for(row) -> str:
    return f"<pump-email.{row.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def build_message(row, *, episode, patient, clinic, now: datetime,
                  templates: Callable[[str], Any] | None = None) -> EmailMultiAlternatives:
    """The email for one row: plain text, an HTML alternative, and a calendar file where one applies."""
    content = render(row, episode=episode, patient=patient, clinic=clinic, now=now, templates=templates)
    reply_to = [formataddr((capfirst(clinic.name_for_patients), clinic.email))] if clinic.email else None
    message = EmailMultiAlternatives(
        subject=content.subject, body=content.text, from_email=formataddr(sender(clinic)), to=[patient.email],
        reply_to=reply_to, headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id_for(row)},
    )
    message.attach_alternative(content.html, "text/html")
    if content.calendar is not None:
        assert content.calendar_method is not None  # set together with the calendar
        message.attach(calendar_part(content.calendar, content.calendar_method))
    return message
