"""Signed links of an offer email: accept or decline one offer, until its hold ends (django.core.signing,
a salt per action). What the link may still do is the offer's status, read under its lock when it acts."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

ACCEPT = "accept"
DECLINE = "decline"
ACTIONS = (ACCEPT, DECLINE)
_SALT = "waitlist.offer-link."


class BadOfferLink(Exception):
    pass


class ExpiredOfferLink(Exception):
    def __init__(self, offer_id: int):
        super().__init__(offer_id)
        self.offer_id = offer_id


def offer_token(*, action: str, offer_id: int, expires_at: datetime) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.dumps({"o": offer_id, "e": int(expires_at.timestamp())}, salt=_SALT + action, compress=False)


def offer_read(token: str, *, action: str, now: datetime) -> int:
    """The offer id of a genuine, unexpired token for `action`."""
    if action not in ACTIONS:
        raise BadOfferLink(action)
    try:
        payload = signing.loads(token, salt=_SALT + action)
        offer_id, expires_at = int(payload["o"]), datetime.fromtimestamp(int(payload["e"]), tz=UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadOfferLink(action) from None
    if now >= expires_at:
        raise ExpiredOfferLink(offer_id)
    return offer_id


def offer_url(*, action: str, offer_id: int, expires_at: datetime) -> str:
    token = offer_token(action=action, offer_id=offer_id, expires_at=expires_at)
    return settings.SITE_URL + reverse(f"waitlist-offer-{action}", kwargs={"token": token})
