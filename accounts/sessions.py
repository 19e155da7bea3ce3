"""The session engine (settings.SESSION_ENGINE): Django's database sessions, each row naming its user."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

if TYPE_CHECKING:
    from accounts.models import UserSession


def _user_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionStore(DBStore):
    """Named like Django's: session data is signed with the class name, so rows copied from django_session still read."""

    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data) -> UserSession:
        row = cast("UserSession", super().create_model_instance(data))
        row.user_id = _user_id(data.get(SESSION_KEY))
        return row
