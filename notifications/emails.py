"""Rendering of patient emails: subject, plain text, HTML and calendar file for each kind of outbox row.

What an email may say is the minimum necessary (shared/DOMAIN.md): the clinic's email name, address and
contact, the patient's first name, dates and times in the patient's time zone with the zone named, the
preparation rules and the patient links. Never a treatment, drug, dose, protocol, diagnosis or score: this
module reads no protocol and no clinical field, and tests/notifications/test_privacy.py checks the output.
The clinic is named by `Clinic.name_for_patients` (its email name, or "the clinic"), never by its own name,
which often says what it treats: in the subject, the sender and reply-to names, the text and the calendar file.

Every email offers to stop them: a link in its text to the page (/p/unsubscribe/<token>/), and the headers
mail apps turn into an "Unsubscribe" button, `List-Unsubscribe` (RFC 2369) with the one-click URL and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the app POSTs that body to the URL and the
patient is unsubscribed with no page (notifications.link_pages). Both carry the same signed token. The
calendar file's ORGANIZER is the From's name and address (`sender`).

The caller (`services.emails_send`, row by row) has locked the row and decided the email should go; this module only
renders what the rows say now, and sets no Message-ID (the caller owns it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.text import capfirst

from bookings.models import CANCELLED_STATUSES, UPCOMING_STATUSES, EmailKind
from common import clock
from notifications import ics, links
from outcomes import links as outcome_links
from outcomes import selectors as outcome_selectors

#: Reminders this close to the session are a short same-day note.
SAME_DAY_HOURS = 6
#: How long an unsubscribe link works (it is about the patient, not a session's time).
UNSUBSCRIBE_LINK_DAYS = 90

_TEMPLATE_DIR = "notifications/email"


# --- Dates and times -----------------------------------------------------------------------------------


def format_day(instant: datetime, tz: tzinfo) -> str:
    """'Tuesday 10 March 2026' in `tz` (English names whatever the locale)."""
    local = instant.astimezone(tz)
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def format_clock(instant: datetime, tz: tzinfo, clock_format: str = clock.DEFAULT) -> str:
    """'10:00 (America/New_York, EDT)', or '10:00 AM (…)' in 12-hour: the wall-clock time with the zone and its
    abbreviation then."""
    local = instant.astimezone(tz)
    return f"{clock.format_clock(local, clock_format)} ({_zone_name(tz)}, {local.tzname()})"


def format_when(instant: datetime, tz: tzinfo, clock_format: str = clock.DEFAULT) -> str:
    """'Tuesday 10 March 2026, 10:00 (America/New_York, EDT)'."""
    return f"{format_day(instant, tz)}, {format_clock(instant, tz, clock_format)}"


def format_duration(minutes: int) -> str:
    """'2 hours', '1 hour 30 minutes', '45 minutes'."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}" if hours else "", f"{rest} minute{'s' if rest != 1 else ''}" if rest else ""]
    return " ".join(part for part in parts if part) or "0 minutes"


def format_until(starts_at: datetime, ends_at: datetime, tz: tzinfo, clock_format: str = clock.DEFAULT) -> str:
    """'12:00, 2 hours in all' ('12:00 PM, …' in 12-hour): when the patient is free to go, for the ride home."""
    minutes = round((ends_at - starts_at).total_seconds() / 60)
    return f"{clock.format_clock(ends_at.astimezone(tz), clock_format)}, {format_duration(minutes)} in all"


def _zone_name(tz: tzinfo) -> str:
    return getattr(tz, "key", None) or str(tz)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


# --- What a template receives ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionLinks:
    confirm: str
    reschedule: str
    cancel: str


@dataclass(frozen=True)
class SessionView:
    """One appointment as the patient reads it."""

    when: str  # in the patient's zone, zone named
    day: str
    clock: str
    clinic_when: str  # in the clinic's zone, when the patient's zone differs; else ""
    until: str = ""  # the end in the patient's zone and the length: "12:00, 2 hours in all"
    links: SessionLinks | None = None


@dataclass(frozen=True)
class ClinicView:
    name: str  # the name for patients, as it stands inside a sentence ("the clinic" when it has none)
    address_lines: list[str]
    phone: str
    email: str

    @property
    def title(self) -> str:
        """The name as a heading or a signature: capitalised."""
        return capfirst(self.name)

    @property
    def contact(self) -> str:
        """'call +1 555 0100 or email front@clinic.org', with whichever the clinic has."""
        ways = [f"call {self.phone}" if self.phone else "", f"email {self.email}" if self.email else ""]
        return " or ".join(w for w in ways if w) or f"contact {self.name}"


@dataclass
class Rendered:
    subject: str
    template: str
    context: dict = field(default_factory=dict)
    calendar: tuple[str, list] | None = None  # (ics.REQUEST or ics.CANCEL, sessions)


def _expires_for(session) -> datetime:
    return session.starts_at + timedelta(hours=settings.PATIENT_LINK_HOURS_AFTER_START)


def session_links(session, *, now: datetime) -> SessionLinks | None:
    """Confirm / reschedule / cancel links for an upcoming session, bound to its version now; None if moot."""
    if session.status not in UPCOMING_STATUSES:
        return None
    expires_at = _expires_for(session)
    if expires_at <= now:
        return None

    def url(action: str) -> str:
        token = links.link_token(action=action, session_id=session.pk, version=session.version, expires_at=expires_at)
        return links.link_url(action=action, token=token)

    return SessionLinks(confirm=url(links.CONFIRM), reschedule=url(links.RESCHEDULE), cancel=url(links.CANCEL))


@dataclass(frozen=True)
class UnsubscribeLinks:
    page: str  # in the text: a page with a button
    one_click: str  # in List-Unsubscribe: a mail app's POST acts (RFC 8058)


def unsubscribe_links(session, *, now: datetime) -> UnsubscribeLinks:
    """The email's two ways to stop emails, one token between them."""
    expires_at = now + timedelta(days=UNSUBSCRIBE_LINK_DAYS)
    token = links.link_token(
        action=links.UNSUBSCRIBE, session_id=session.pk, version=session.version, expires_at=expires_at
    )
    return UnsubscribeLinks(
        page=links.link_url(action=links.UNSUBSCRIBE, token=token), one_click=links.one_click_url(token=token)
    )


def _session_view(session, *, patient, clinic, now: datetime, with_links: bool) -> SessionView:
    tz, fmt = patient.tz, clinic.clock_format
    clinic_when = format_clock(session.starts_at, clinic.tz, fmt) if patient.timezone != clinic.timezone else ""
    return SessionView(
        when=format_when(session.starts_at, tz, fmt),
        day=format_day(session.starts_at, tz),
        clock=format_clock(session.starts_at, tz, fmt),
        clinic_when=clinic_when,
        until=format_until(session.starts_at, session.ends_at, tz, fmt),
        links=session_links(session, now=now) if with_links else None,
    )


def _clinic_view(clinic) -> ClinicView:
    lines = [line.strip() for line in (clinic.address or "").splitlines() if line.strip()]
    return ClinicView(name=clinic.name_for_patients, address_lines=lines, phone=clinic.phone, email=clinic.email)


def preparation_rules(clinic) -> list[str]:
    return [line.strip().lstrip("-•* ").strip() for line in (clinic.preparation_rules or "").splitlines() if line.strip()]


# --- One function per kind ---------------------------------------------------------------------------------


def _confirmation(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    upcoming = sorted(
        (s for s in cycle.sessions.all() if s.status in UPCOMING_STATUSES), key=lambda s: (s.starts_at, s.pk)
    )
    views = [_session_view(s, patient=patient, clinic=clinic, now=now, with_links=True) for s in upcoming]
    return Rendered(
        subject=f"Your appointments at {clinic.name_for_patients}",
        template="confirmation",
        context={"sessions": views, "rules": preparation_rules(clinic)},
        calendar=(ics.REQUEST, upcoming) if upcoming else None,
    )


def _moved(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    view = _session_view(session, patient=patient, clinic=clinic, now=now, with_links=True)
    # The time it moved from, as the outbox row recorded it when the move was saved.
    previous = format_when(row.previous_starts_at, patient.tz, clinic.clock_format) if row.previous_starts_at else ""
    return Rendered(
        subject=f"Your appointment at {clinic.name_for_patients} has moved to {view.day}",
        template="moved",
        context={"session": view, "previous": previous, "rules": preparation_rules(clinic)},
        calendar=(ics.REQUEST, [session]),
    )


def _cancelled(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    view = _session_view(session, patient=patient, clinic=clinic, now=now, with_links=False)
    others = any(s.status in UPCOMING_STATUSES and s.pk != session.pk for s in cycle.sessions.all())
    return Rendered(
        subject=f"Your appointment on {view.day} is cancelled",
        template="cancelled",
        context={"session": view, "others_unchanged": others},
        calendar=(ics.CANCEL, [session]),
    )


def _cycle_cancelled(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    # The sessions this cancellation ended: cancelled, and not yet begun when the course was cancelled.
    cancelled = sorted(
        (s for s in cycle.sessions.all() if s.status in CANCELLED_STATUSES and s.starts_at > row.due_at),
        key=lambda s: (s.starts_at, s.pk),
    )
    views = [_session_view(s, patient=patient, clinic=clinic, now=now, with_links=False) for s in cancelled]
    return Rendered(
        subject=f"Your appointments at {clinic.name_for_patients} are cancelled",
        template="cycle_cancelled",
        context={"sessions": views},
        calendar=(ics.CANCEL, cancelled) if cancelled else None,
    )


def relative_day(instant: datetime, tz: tzinfo, *, now: datetime) -> str:
    """'today', 'tomorrow' or 'on Tuesday 10 March 2026', as the patient's calendar reads it when sent."""
    days = (instant.astimezone(tz).date() - now.astimezone(tz).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, f"on {format_day(instant, tz)}")


def _reminder(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    hours = EmailKind.reminder_hours(row.kind) or 0
    view = _session_view(session, patient=patient, clinic=clinic, now=now, with_links=True)
    # A same-day note is short. Quiet hours may have moved it to the evening before, hence "tomorrow".
    same_day = hours <= SAME_DAY_HOURS
    day = relative_day(session.starts_at, patient.tz, now=now)
    local_clock = clock.format_clock(session.starts_at.astimezone(patient.tz), clinic.clock_format)
    subject = (
        f"{day[0].upper()}{day[1:]} at {local_clock}: your appointment at {clinic.name_for_patients}"
        if same_day
        else f"Reminder: your appointment on {view.day} at {local_clock}"
    )
    return Rendered(
        subject=subject,
        template="reminder",
        context={"session": view, "same_day": same_day, "day": day, "rules": preparation_rules(clinic),
                 "checkin_url": _checkin_url(session, hours=hours, now=now, lookups=lookups)},
    )


#: The reminder that carries the check-in form's link: the day-before one (not the same-day note, nor one days ahead).
CHECKIN_REMINDER_HOURS = range(SAME_DAY_HOURS + 1, 37)


def _checkin_url(session, *, hours: int, now, lookups: Lookups) -> str:
    """The check-in form's link (outcomes), in the day-before reminder while a form the course asks for is missing.
    The email calls it "a short check-in form": no instrument's name, nothing of what it asks."""
    if hours not in CHECKIN_REMINDER_HOURS or session.starts_at <= now:
        return ""
    if lookups.forms_done(session) in (None, True):  # none asked, or all done
        return ""
    return outcome_links.checkin_url(session)


def forms_done(session) -> bool | None:
    """Whether every check-in form the session asks for is done; None when it asks for none."""
    forms = outcome_selectors.session_forms(session=session)
    return all(f.done for f in forms) if forms else None


def forms_done_of(rows) -> Callable[[Any], bool | None]:
    """`forms_done` for a batch of outbox rows: read at once for the sessions of its day-before reminders (two
    queries), from a query per session for any other. Read before the rows are locked: a form done meanwhile only
    leaves its link in the email, where the form's page says it is done."""
    sessions = [row.session for row in rows if EmailKind.reminder_hours(row.kind) in CHECKIN_REMINDER_HOURS]
    done = outcome_selectors.forms_done_for(sessions) if sessions else {}
    return lambda session: done[session.pk] if session.pk in done else forms_done(session)


@dataclass(frozen=True)
class Lookups:
    """What rendering reads besides the rows it is handed: compiled templates by name, and whether a session's
    check-in forms are done. A batch gives its own, which looks each template up once and reads the forms of all
    its rows' sessions in one go; one email alone uses Django's loader and a query."""

    template: Callable[[str], Any] = loader.get_template
    forms_done: Callable[[Any], bool | None] = forms_done


def _booster_recall(row, *, session, cycle, patient, clinic, now, lookups: Lookups) -> Rendered:
    return Rendered(subject=f"Time to plan your next visit to {clinic.name_for_patients}", template="booster_recall")


_KINDS = {
    EmailKind.CONFIRMATION: _confirmation,
    EmailKind.MOVED: _moved,
    EmailKind.CANCELLED: _cancelled,
    EmailKind.CYCLE_CANCELLED: _cycle_cancelled,
    EmailKind.BOOSTER_RECALL: _booster_recall,
}


def _renderer(kind: str):
    if EmailKind.reminder_hours(kind) is not None:
        return _reminder
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValueError(f"no email for reminder kind {kind!r}") from None


# --- The message ---------------------------------------------------------------------------------------------


def _tidy_text(text: str) -> str:
    """Templates leave blank lines where tags stood: at most one blank line in a row, no trailing spaces."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def sender(clinic) -> tuple[str, str]:
    """(name, address) of the From, and of the calendar's ORGANIZER: the deployment's sender address, under the
    clinic's name for patients."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return capfirst(clinic.name_for_patients), address or settings.DEFAULT_FROM_EMAIL


def _reply_to(clinic) -> list[str] | None:
    """The clinic's own address, shown under its name for patients (a reply shows that name too)."""
    return [formataddr((capfirst(clinic.name_for_patients), clinic.email))] if clinic.email else None


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str
    unsubscribe: UnsubscribeLinks
    calendar: bytes | None = None
    calendar_method: str | None = None


def render(row, *, session, cycle, patient, clinic, now, lookups: Lookups | None = None) -> EmailContent:
    """Everything one outbox row's email says, rendered now from the rows as they stand."""
    lookups = lookups or Lookups()
    get_template = lookups.template
    rendered = _renderer(row.kind)(row, session=session, cycle=cycle, patient=patient, clinic=clinic, now=now,
                                   lookups=lookups)
    unsubscribe = unsubscribe_links(session, now=now)
    context = {
        "first_name": patient.first_name,
        "clinic": _clinic_view(clinic),
        "patient_zone": patient.timezone,
        "unsubscribe_url": unsubscribe.page,
        "subject": rendered.subject,
        "has_calendar": rendered.calendar is not None,
        **rendered.context,
    }
    calendar = method = None
    if rendered.calendar is not None:
        method, sessions = rendered.calendar
        calendar = ics.calendar_bytes(
            sessions, method=method, clinic=clinic, patient=patient, now=now, organizer=sender(clinic)
        )
    return EmailContent(
        subject=rendered.subject,
        text=_tidy_text(get_template(f"{_TEMPLATE_DIR}/{rendered.template}.txt").render(context)),
        html=get_template(f"{_TEMPLATE_DIR}/{rendered.template}.html").render(context),
        unsubscribe=unsubscribe,
        calendar=calendar,
        calendar_method=method,
    )


def calendar_part(calendar: bytes, method: str) -> MIMEText:
    """The .ics attachment, with the iTIP method in its content type so mail clients offer to update."""
    part = MIMEText(calendar.decode(), "calendar", "utf-8")
    part.replace_header("Content-Type", ics.content_type(method))
    part.add_header("Content-Disposition", "attachment", filename=ics.FILENAME)
    return part


def build_message(row, *, session, cycle, patient, clinic, now, lookups: Lookups | None = None) -> EmailMultiAlternatives:
    """The email for one outbox row: plain text, an HTML alternative, and a calendar file where one applies."""
    content = render(row, session=session, cycle=cycle, patient=patient, clinic=clinic, now=now, lookups=lookups)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        from_email=formataddr(sender(clinic)),
        to=[patient.email],
        reply_to=_reply_to(clinic),
        headers={
            "List-Unsubscribe": f"<{content.unsubscribe.one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(content.html, "text/html")
    if content.calendar is not None:
        assert content.calendar_method is not None  # set together with the calendar
        message.attach(calendar_part(content.calendar, content.calendar_method))
    return message
