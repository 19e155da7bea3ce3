"""The check-in form's link in the day-before reminder: signed (its own salt), bound to the session and its
version (a move invalidates it, like the other patient links), expiring when the session starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "outcomes.checkin-link"


class BadCheckinLink(Exception):
    pass


class ExpiredCheckinLink(Exception):
    pass


@dataclass(frozen=True)
class CheckinClaim:
    session_id: int
    version: int
    expires_at: datetime


def checkin_token(*, session_id: int, version: int, expires_at: datetime) -> str:
    return signing.dumps({"s": session_id, "v": version, "e": int(expires_at.timestamp())}, salt=_SALT, compress=False)


def checkin_read(token: str, *, now: datetime) -> CheckinClaim:
    try:
        payload = signing.loads(token, salt=_SALT)
        claim = CheckinClaim(int(payload["s"]), int(payload["v"]), datetime.fromtimestamp(int(payload["e"]), tz=UTC))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadCheckinLink from None
    if now >= claim.expires_at:
        raise ExpiredCheckinLink
    return claim


def checkin_url(session) -> str:
    """The form's link for the session as it stands now; it stops working when the session starts."""
    token = checkin_token(session_id=session.pk, version=session.version, expires_at=session.starts_at)
    return settings.SITE_URL + reverse("outcomes-checkin", kwargs={"token": token})
