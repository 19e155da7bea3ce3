"""Reading a user's sign-ins: live API tokens, with their devices, and the number of live web sessions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import UserSession


def api_token_list(*, user) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first (an expired one is deleted when next presented)."""
    return (
        AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
        .select_related("device")
        .order_by("-created", "token_key")
    )


def web_session_count(*, user) -> int:
    return UserSession.objects.filter(user=user, expire_date__gt=timezone.now()).count()
