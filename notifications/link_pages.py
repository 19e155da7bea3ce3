"""The pages behind the links in patients' emails: confirm, ask to reschedule, cancel, stop emails.

No login: the signed token in the URL is the patient's authority, for one action on one session at the
version it was issued for (notifications.links). A GET only shows a page with a button, because mail
scanners open links; the POST acts, once, through the booking services, and acting again is harmless.

What a link may still do is decided here (`link_assess`), under the same row locks the services take, so
a link and a desk action on the same session cannot cross:

- a session moved after the token was issued (a "moved" SessionEvent with a higher version) supersedes
  its confirm, reschedule and cancel links: 410. Confirming bumps the version too, but is not a move, so
  the same email's cancel link still works after its confirm link was used;
- a session no longer upcoming for another reason (the clinic cancelled it, it has begun or passed) is
  410; the same action done already (confirmed, cancelled by the patient, reschedule asked) is a 200
  saying so;
- an unsubscribe link is never superseded, only expired.

A tampered token, or one for another action, gets the same 400 page whatever is wrong with it. Logs carry
ids only; the services write the audit trail (actor: none, the patient's own link).

The one exception to "a GET shows, a POST from the page acts": /p/unsubscribe/<token>/one-click/, the URL in
every email's List-Unsubscribe header. A mail app's "Unsubscribe" button POSTs `List-Unsubscribe=One-Click`
there with no cookie and no page (RFC 8058), so that POST alone unsubscribes: CSRF-exempt (the signed token is
the authority, as on the page, and the POST can do nothing else), answered in plain text. A GET there is a
person or a scanner following the header: it shows the unsubscribe page, whose button posts to the page's
own URL with its CSRF token.

A page names the clinic as its emails do (`Clinic.name_for_patients`), never by its own name, and says
"appointment", never what the course is: the page may stay open on a shared screen or in a browser's history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services
from bookings.models import (
    CANCELLED_STATUSES,
    UPCOMING_STATUSES,
    CancelledBy,
    EventKind,
    InfusionSession,
    SessionEvent,
    SessionStatus,
    TreatmentCycle,
)
from common import clock
from common.errors import ApplicationError
from notifications import links

logger = logging.getLogger(__name__)

CANCEL_REASON = "Cancelled by the patient from an email link"
NOTE_MAX_CHARS = 300
#: Where a withdrawal of consent came from (Patient.email_consent_source).
UNSUBSCRIBE_SOURCE = "email link"
ONE_CLICK_SOURCE = "email header (one-click)"
#: The body a one-click POST carries (RFC 8058 section 3.2).
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"

# What a link may do now.
OPEN = "open"  # the button acts
DONE = "done"  # this action was done already: a 200 saying so
GONE = "gone"  # superseded or over: a 410

@dataclass(frozen=True)
class Verdict:
    state: str
    reason: str = ""  # for GONE and DONE: which page to show


def _moved_since(session: InfusionSession, version: int) -> bool:
    return SessionEvent.objects.filter(session_id=session.pk, kind=EventKind.MOVED, version__gt=version).exists()


def link_assess(claim: links.LinkClaim, session: InfusionSession, *, now: datetime) -> Verdict:
    """What the link of `claim` may still do to `session` (read under the caller's locks when it acts)."""
    action = claim.action
    if action == links.UNSUBSCRIBE:
        return Verdict(DONE, "unsubscribed") if not session.patient.email_consent else Verdict(OPEN)
    if _moved_since(session, claim.version):
        return Verdict(GONE, "moved")
    status = session.status
    if status in CANCELLED_STATUSES:
        if action == links.CANCEL and session.cancelled_by_party == CancelledBy.PATIENT:
            return Verdict(DONE, "cancelled")
        return Verdict(GONE, "cancelled")
    if status not in UPCOMING_STATUSES:
        return Verdict(GONE, "over")
    if action == links.CONFIRM and status == SessionStatus.CONFIRMED:
        return Verdict(DONE, "confirmed")
    if session.starts_at <= now:
        return Verdict(GONE, "over")
    if action == links.RESCHEDULE and session.reschedule_requested_at is not None:
        return Verdict(DONE, "reschedule_requested")
    return Verdict(OPEN)


def _session(session_id: int, *, lock: bool) -> InfusionSession | None:
    """The session with its clinic, course and patient; locked in the services' order (course, then session)."""
    rows = InfusionSession.objects.select_related("clinic", "cycle", "patient")
    if not lock:
        return rows.filter(pk=session_id).first()
    cycle_id = InfusionSession.objects.filter(pk=session_id).values_list("cycle_id", flat=True).first()
    if cycle_id is None:
        return None
    list(TreatmentCycle.objects.select_for_update().filter(pk=cycle_id).values_list("pk", flat=True))
    return rows.select_for_update(of=("self",)).filter(pk=session_id).first()


def _perform(action: str, session: InfusionSession, note: str, source: str) -> None:
    if action == links.CONFIRM:
        services.session_confirm(session=session)
    elif action == links.RESCHEDULE:
        services.session_request_reschedule(session=session, note=note)
    elif action == links.CANCEL:
        services.session_cancel(session=session, by_party=CancelledBy.PATIENT, reason=CANCEL_REASON)
    elif action == links.UNSUBSCRIBE:
        services.patient_unsubscribe(patient=session.patient, source=source)


def link_act(
    claim: links.LinkClaim, *, note: str = "", source: str = UNSUBSCRIBE_SOURCE
) -> tuple[Verdict, InfusionSession | None]:
    """Do what the link says, once. Returns the verdict it was done under (OPEN: done now) and the session after.

    `source`: where an unsubscribe came from, as the patient's record keeps it.
    """
    with transaction.atomic():
        session = _session(claim.session_id, lock=claim.action != links.UNSUBSCRIBE)
        if session is None:
            return Verdict(GONE, "missing"), None
        now = timezone.now()
        verdict = link_assess(claim, session, now=now)
        if verdict.state == OPEN:
            try:
                _perform(claim.action, session, note, source)
            except ApplicationError as exc:
                # Not expected under the locks; if a rule still refuses, say what the session is now.
                logger.warning("patient link %s for session %s refused: %s", claim.action, session.pk, exc.code)
                session = _session(claim.session_id, lock=False)
                assert session is not None  # locked by this transaction a moment ago
                verdict = link_assess(claim, session, now=now)
                return (verdict if verdict.state != OPEN else Verdict(GONE, "over")), session
    session = _session(claim.session_id, lock=False)
    return verdict, session


# --- The pages ----------------------------------------------------------------------------------

# The button and the heading of each action's page.
_ASK = {
    links.CONFIRM: ("Confirm your appointment", "Confirm my appointment"),
    links.RESCHEDULE: ("Ask to reschedule", "Ask to reschedule"),
    links.CANCEL: ("Cancel your appointment", "Cancel my appointment"),
    links.UNSUBSCRIBE: ("Stop emails", "Stop emails"),
}
# What the result page says: just done (OPEN) or done before (DONE reason).
_DONE_NOW = {
    links.CONFIRM: ("Appointment confirmed", "Thank you: your appointment is confirmed. We look forward to seeing you."),
    links.RESCHEDULE: ("Request received", "We have your request to move this appointment. The clinic will contact you "
                                           "to find a new time; until then, the appointment stands."),
    links.CANCEL: ("Appointment cancelled", "Your appointment is cancelled."),
    links.UNSUBSCRIBE: ("Emails stopped", "You will not receive any more emails from the clinic. Your appointments are "
                                          "not changed."),
}
_DONE_BEFORE = {
    "confirmed": ("Already confirmed", "This appointment is already confirmed. Nothing more to do."),
    "reschedule_requested": ("Already requested", "You have already asked to move this appointment. The clinic will "
                                                  "contact you to find a new time."),
    "cancelled": ("Already cancelled", "This appointment is already cancelled."),
    "unsubscribed": ("Already unsubscribed", "You are not receiving emails from the clinic any more."),
}
_GONE = {
    "moved": ("This link is out of date", "This appointment has been moved since this email was sent. Please use the "
                                          "links in the most recent email from the clinic."),
    "cancelled": ("This appointment was cancelled", "This appointment was cancelled, so this link no longer works."),
    "over": ("This appointment has passed", "This appointment has already begun or taken place, so this link no "
                                            "longer works."),
    "missing": ("This link no longer works", "The appointment this link was for no longer exists."),
    "expired": ("This link has expired", "This link has expired."),
}


def _when(session: InfusionSession) -> dict:
    """The session's start in the patient's own time zone, with the zone named."""
    zone = session.patient.tz
    local = session.starts_at.astimezone(zone)
    return {
        "date": f"{local:%A} {local.day} {local:%B %Y}",
        "time": clock.format_clock(local, session.clinic.clock_format),
        "zone": f"{session.patient.timezone} ({local.tzname()})",
        "iso": local.isoformat(),
    }


def _late(session: InfusionSession, now: datetime) -> bool:
    return (session.starts_at - now).total_seconds() < session.clinic.late_cancel_hours * 3600


def _private(response):
    # The URL holds the token: no cache keeps the page, no other site learns it, no search engine lists it.
    # `same-origin`, not `no-referrer`: under no-referrer browsers post the form with `Origin: null`, which
    # Django's CSRF check refuses; the page loads nothing from elsewhere, so the token still never leaves.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request, template: str, status: int, **context):
    return _private(render(request, f"patient/{template}", context, status=status))


@dataclass(frozen=True)
class PatientClinic:
    """What a page shows of the clinic: its name for patients, phone and address."""

    name: str
    phone: str
    address: str


def _clinic(clinic) -> PatientClinic:
    return PatientClinic(name=clinic.name_for_patients, phone=clinic.phone, address=clinic.address)


def _about(session: InfusionSession | None) -> dict:
    if session is None:
        return {}
    return {
        "clinic": _clinic(session.clinic),
        "when": _when(session),
        "progress": f"Appointment {session.sequence} of {session.cycle.session_count}",
    }


def _gone(request, reason: str, session: InfusionSession | None):
    title, message = _GONE[reason]
    return _page(request, "gone.html", 410, title=title, message=message, **_about(session))


def _result(request, claim: links.LinkClaim, verdict: Verdict, session: InfusionSession):
    if verdict.state == GONE:
        return _gone(request, verdict.reason, session)
    title, message = _DONE_NOW[claim.action] if verdict.state == OPEN else _DONE_BEFORE[verdict.reason]
    if claim.action == links.CANCEL and session.status == SessionStatus.LATE_CANCELLED:
        message += " As it was inside the clinic's late-cancellation window, it is recorded as a late cancellation."
    return _page(request, "result.html", 200, title=title, message=message, action=claim.action, **_about(session))


def _note(text: str) -> str:
    """The patient's note as typed, less control characters (PostgreSQL refuses a NUL in text), cut to length."""
    return "".join(c for c in text if c.isprintable() or c.isspace()).strip()[:NOTE_MAX_CHARS]


@require_http_methods(["GET", "HEAD", "POST"])
def patient_link(request, action: str, token: str):
    """/p/<action>/<token>/: GET shows the session and one button; POST acts."""
    now = timezone.now()
    claim = _claim_or_page(request, action, token, now=now)
    if isinstance(claim, HttpResponse):
        return claim

    if request.method == "POST":
        note = _note(request.POST.get("note") or "") if action == links.RESCHEDULE else ""
        verdict, session = link_act(claim, note=note)
        logger.info("patient link %s for session %s: %s %s", action, claim.session_id, verdict.state, verdict.reason)
        if session is None:
            return _gone(request, verdict.reason, None)
        return _result(request, claim, verdict, session)

    return _show(request, claim, now=now)


def _claim_or_page(request, action: str, token: str, *, now: datetime) -> links.LinkClaim | HttpResponse:
    """The token's claim, or the page for a token that is not valid (400) or has expired (410)."""
    try:
        return links.link_read(token, action=action, now=now)
    except links.BadLink:
        logger.info("patient link refused: not a valid link")
        return _page(request, "bad.html", 400)
    except links.ExpiredLink as exc:
        logger.info("patient link %s for session %s: expired", exc.claim.action, exc.claim.session_id)
        return _gone(request, "expired", _session(exc.claim.session_id, lock=False))


def _show(request, claim: links.LinkClaim, *, now: datetime, form_action: str = ""):
    """The page a GET shows: the button, or what became of the session. `form_action`: where the button posts
    (its own URL when empty)."""
    action = claim.action
    session = _session(claim.session_id, lock=False)
    if session is None:
        return _gone(request, "missing", None)
    verdict = link_assess(claim, session, now=now)
    if verdict.state != OPEN:
        return _result(request, claim, verdict, session)
    heading, button = _ASK[action]
    return _page(
        request, "action.html", 200, action=action, heading=heading, button=button, form_action=form_action,
        late=action == links.CANCEL and _late(session, now), late_hours=session.clinic.late_cancel_hours,
        note_max=NOTE_MAX_CHARS, **_about(session),
    )


# --- One-click unsubscribe (RFC 8058) --------------------------------------------------------------

#: What a one-click POST is answered: plain text, for a mail app (no person reads it).
_ONE_CLICK_TEXT = {
    OPEN: "Unsubscribed: no more emails will be sent.",
    DONE: "Already unsubscribed.",
    "bad": "This link is not valid.",
    "not_one_click": "Expected the body List-Unsubscribe=One-Click.",
    "expired": "This link has expired.",
    "missing": "This link no longer works.",
}


def _plain(key: str, status: int) -> HttpResponse:
    return _private(HttpResponse(_ONE_CLICK_TEXT[key] + "\n", status=status, content_type="text/plain; charset=utf-8"))


def _is_one_click(request) -> bool:
    """Whether the POST's body is `List-Unsubscribe=One-Click`: as a form (multipart or urlencoded, as RFC 8058
    lets a mail app send it), or the bare line under any other content type."""
    try:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE
        return request.body.strip() == f"{ONE_CLICK_FIELD}={ONE_CLICK_VALUE}".encode()
    except (MultiPartParserError, UnicodeDecodeError, ValueError):
        return False


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_one_click(request, token: str):
    """/p/unsubscribe/<token>/one-click/: a POST of `List-Unsubscribe=One-Click` unsubscribes; a GET shows the page."""
    now = timezone.now()
    if request.method != "POST":
        shown = _claim_or_page(request, links.UNSUBSCRIBE, token, now=now)
        if isinstance(shown, HttpResponse):
            return shown
        page = reverse("patient-link", kwargs={"action": links.UNSUBSCRIBE, "token": token})
        return _show(request, shown, now=now, form_action=page)

    try:
        claim = links.link_read(token, action=links.UNSUBSCRIBE, now=now)
    except links.BadLink:
        logger.info("one-click unsubscribe refused: not a valid link")
        return _plain("bad", 400)
    except links.ExpiredLink as exc:
        logger.info("one-click unsubscribe for session %s: expired", exc.claim.session_id)
        return _plain("expired", 410)
    if not _is_one_click(request):
        logger.info("one-click unsubscribe for session %s refused: not a one-click body", claim.session_id)
        return _plain("not_one_click", 400)
    verdict, session = link_act(claim, source=ONE_CLICK_SOURCE)
    logger.info("one-click unsubscribe for session %s: %s %s", claim.session_id, verdict.state, verdict.reason)
    if session is None or verdict.state == GONE:
        return _plain("missing", 410)
    return _plain(verdict.state, 200)
