"""The pages behind an offer email's links: /p/offer-accept/<token>/ and /p/offer-decline/<token>/.

No login: the signed token is the patient's authority over one offer until its hold ends. A GET shows the
offer and one button (mail scanners open links); the POST acts once through waitlist.services, and acting
again shows what became of the offer. The page says "appointment", never what it is for, and names the
clinic as its emails do.
"""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from notifications.emails import format_when
from waitlist import links, services
from waitlist.models import OfferStatus, WaitlistOffer

logger = logging.getLogger(__name__)

_RESULT = {
    OfferStatus.ACCEPTED: (200, "Appointment booked", "The earlier appointment is yours. You will receive a "
                           "confirmation email with the details."),
    OfferStatus.TAKEN: (409, "This time was taken", "Someone else took this appointment a moment before you. You are "
                        "still on the waiting list; we will write when another time becomes available."),
    OfferStatus.DECLINED: (200, "Offer declined", "Thank you for letting us know. You stay on the waiting list."),
    OfferStatus.EXPIRED: (410, "This offer has expired", "The time this appointment was held for you is over. You are "
                          "still on the waiting list."),
    OfferStatus.WITHDRAWN: (410, "This offer was withdrawn", "This offer is no longer open."),
}


def _page(request, status: int, **context):
    response = render(request, "waitlist/offer_page.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _about(offer: WaitlistOffer) -> dict:
    clinic = offer.clinic
    return {
        "clinic": {"name": capfirst(clinic.name_for_patients), "phone": clinic.phone, "address": clinic.address},
        "when": format_when(offer.starts_at, offer.entry.patient.tz, offer.entry.clinic.clock_format),
        "until": format_when(offer.expires_at, offer.entry.patient.tz, offer.entry.clinic.clock_format),
    }


def _result(request, offer: WaitlistOffer):
    status, title, message = _RESULT[OfferStatus(offer.status)]
    return _page(request, status, title=title, message=message, **_about(offer))


@require_http_methods(["GET", "HEAD", "POST"])
def offer_link(request, token: str, action: str):
    now = timezone.now()
    try:
        offer_id = links.offer_read(token, action=action, now=now)
    except links.BadOfferLink:
        logger.info("waitlist link refused: not a valid link")
        return _page(request, 400, title="This link is not valid", message="This link is not valid.")
    except links.ExpiredOfferLink as exc:
        logger.info("waitlist link for offer %s: expired", exc.offer_id)
        return _page(request, 410, title=_RESULT[OfferStatus.EXPIRED][1], message=_RESULT[OfferStatus.EXPIRED][2])
    offer = WaitlistOffer.objects.select_related("clinic", "entry__patient").filter(pk=offer_id).first()
    if offer is None:
        return _page(request, 410, title="This link no longer works", message="This offer no longer exists.")
    if request.method == "POST" and offer.status == OfferStatus.OFFERED:
        try:
            if action == links.ACCEPT:
                offer = services.offer_accept(offer=offer)
            else:
                offer = services.offer_decline(offer=offer)
        except ApplicationError as exc:
            logger.info("waitlist link %s for offer %s refused: %s", action, offer_id, exc.code)
            offer.refresh_from_db()
        logger.info("waitlist link %s for offer %s: %s", action, offer_id, offer.status)
    if offer.status == OfferStatus.OFFERED and offer.expires_at <= now:
        offer.status = OfferStatus.EXPIRED  # shown as it will be once the sweep closes it
    if offer.status != OfferStatus.OFFERED:
        return _result(request, offer)
    heading = "An earlier appointment is available" if action == links.ACCEPT else "Let this appointment go"
    button = "Book this appointment" if action == links.ACCEPT else "Decline this time"
    return _page(request, 200, title=heading, heading=heading, button=button, action=action, offer_open=True,
                 **_about(offer))
