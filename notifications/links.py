"""Patient links: signed, expiring tokens that let a patient act on one session without logging in.

A token names the session, the session version it was issued for, the action, and when it expires. It is
signed with Django's `signing` under a salt per action, so a confirm token cannot be replayed as a cancel.
Whether a version is superseded (the session moved since) is the caller's question: this module knows
no bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from common.errors import ApplicationError
from notifications import error_codes as codes

CONFIRM = "confirm"
RESCHEDULE = "reschedule"
CANCEL = "cancel"
UNSUBSCRIBE = "unsubscribe"
ACTIONS = (CONFIRM, RESCHEDULE, CANCEL, UNSUBSCRIBE)

_SALT = "notifications.patient-link."


class BadLink(ApplicationError):
    """The token was tampered with, or is not a token for this action."""

    def __init__(self, action: str):
        super().__init__(codes.BAD_LINK, "This link is not valid.", status=codes.http_status(codes.BAD_LINK))
        self.action = action


class ExpiredLink(ApplicationError):
    """The token is genuine but its time is over."""

    def __init__(self, claim: LinkClaim):
        super().__init__(
            codes.LINK_EXPIRED, "This link has expired.", details={"session": claim.session_id},
            status=codes.http_status(codes.LINK_EXPIRED),
        )
        self.claim = claim


@dataclass(frozen=True)
class LinkClaim:
    action: str
    session_id: int
    version: int
    expires_at: datetime


def link_token(*, action: str, session_id: int, version: int, expires_at: datetime) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    payload = {"s": session_id, "v": version, "e": int(expires_at.timestamp())}
    return signing.dumps(payload, salt=_SALT + action, compress=False)


def link_read(token: str, *, action: str, now: datetime) -> LinkClaim:
    """The claim of a genuine token; BadLink if tampered or for another action, ExpiredLink if too late."""
    if action not in ACTIONS:
        raise BadLink(action)
    try:
        payload = signing.loads(token, salt=_SALT + action)
        claim = LinkClaim(
            action=action,
            session_id=int(payload["s"]),
            version=int(payload["v"]),
            expires_at=datetime.fromtimestamp(int(payload["e"]), tz=UTC),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadLink(action) from None
    if now >= claim.expires_at:
        raise ExpiredLink(claim)
    return claim


def link_url(*, action: str, token: str) -> str:
    """The link's page, under SITE_URL (its scheme too: https in production)."""
    return settings.SITE_URL + reverse("patient-link", kwargs={"action": action, "token": token})


def one_click_url(*, token: str) -> str:
    """The List-Unsubscribe URL of an unsubscribe token: a POST there unsubscribes, no page between (RFC 8058)."""
    return settings.SITE_URL + reverse("patient-unsubscribe-one-click", kwargs={"token": token})
