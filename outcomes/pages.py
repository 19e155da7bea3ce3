"""The patient's check-in form behind the reminder's link: /p/checkin/<token>/, phone-sized, no login.

The signed token is the authority over one session's forms until it starts. A GET shows the questions of each
instrument the course asks for (one radio group per item); the POST stores the answers through
outcomes.services (source "patient"), which raises any urgent flag for the clinicians. The page never shows a
score, and says nothing to the patient of a flag: the clinic acts on it. Answers already in are not asked again.
"""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from bookings.models import InfusionSession, SessionStatus
from common.errors import ApplicationError
from outcomes import links, selectors, services
from outcomes.models import Instrument, Source

logger = logging.getLogger(__name__)

_OPEN = (SessionStatus.BOOKED, SessionStatus.CONFIRMED, SessionStatus.CHECKED_IN)


def _page(request, status: int, **context):
    response = render(request, "outcomes/checkin.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _clinic(session: InfusionSession) -> dict:
    clinic = session.clinic
    return {"name": capfirst(clinic.name_for_patients), "phone": clinic.phone, "address": clinic.address}


def _gone(request, session=None, *, title="This link no longer works", message="This form is closed.", status=410):
    return _page(request, status, title=title, message=message, clinic=_clinic(session) if session else None)


def _parse(post, instrument: Instrument) -> list[int | None]:
    """The answers of one instrument as posted: a value per item (None where none, or none of the scale, was chosen)."""
    values = {str(option["value"]): int(option["value"]) for option in instrument.scale}
    return [values.get(post.get(f"{instrument.code}-{number}", "")) for number in range(1, len(instrument.items) + 1)]


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_link(request, token: str):
    now = timezone.now()
    try:
        claim = links.checkin_read(token, now=now)
    except links.BadCheckinLink:
        logger.info("check-in link refused: not a valid link")
        return _gone(request, title="This link is not valid", message="This link is not valid.", status=400)
    except links.ExpiredCheckinLink:
        return _gone(request, message="This form closed when your appointment began.")
    session = InfusionSession.objects.select_related("clinic", "cycle__protocol").filter(pk=claim.session_id).first()
    if session is None or session.version != claim.version or session.status not in _OPEN:
        return _gone(request, session, message="Your appointment has changed since this link was sent. If you have a "
                     "newer email, please use its link.")
    codes_asked = selectors.protocol_instrument_codes(session.cycle.protocol)
    done = {f.instrument_code for f in selectors.session_forms(session=session) if f.done}
    instruments = [i for i in selectors.instruments_current().filter(code__in=codes_asked) if i.code not in done]
    if not instruments:
        return _page(request, 200, title="Thank you", message="Your check-in form is in. See you soon.",
                     clinic=_clinic(session))
    errors: dict[str, str] = {}
    chosen: dict[str, int] = {}
    if request.method == "POST":
        parsed = {i.code: _parse(request.POST, i) for i in instruments}
        chosen = {f"{code}-{n}": v for code, answers in parsed.items() for n, v in enumerate(answers, 1) if v is not None}
        missing = [f"{code}-{n}" for code, answers in parsed.items() for n, v in enumerate(answers, 1) if v is None]
        if missing:
            errors = {name: "Please choose an answer." for name in missing}
        else:
            try:
                for instrument in instruments:
                    services.measure_record(session=session, instrument_code=instrument.code,
                                            answers=parsed[instrument.code], source=Source.PATIENT)
            except ApplicationError as exc:
                logger.info("check-in form for session %s refused: %s", session.pk, exc.code)
                return _gone(request, session, message="This form can no longer be filled in.", status=409)
            logger.info("check-in form for session %s: answered", session.pk)
            return _page(request, 200, title="Thank you", message="Your check-in form is in. See you soon.",
                         clinic=_clinic(session))
    questions = [
        {
            "code": i.code, "preamble": i.preamble,
            "items": [
                {"name": f"{i.code}-{n}", "number": n, "text": text, "error": errors.get(f"{i.code}-{n}", ""),
                 "options": [{"value": o["value"], "label": o["label"], "checked": chosen.get(f"{i.code}-{n}") == o["value"]}
                             for o in i.scale]}
                for n, text in enumerate(i.items, 1)
            ],
        }
        for i in instruments
    ]
    return _page(request, 400 if errors else 200, title="A short check-in form", questions=questions,
                 errors=bool(errors), clinic=_clinic(session))
