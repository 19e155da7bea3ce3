"""What accounts stores beside django-rest-knox's tokens: each token's device label, and web sessions with their user."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from knox.models import AuthToken

DEVICE_LABEL_LENGTH = 100


class TokenDevice(models.Model):
    """The device an API token was issued to: the name the client gave at sign-in, else its User-Agent.

    A row of its own beside knox's AuthToken (rather than a swapped token model): knox keeps its table and
    its migrations, and the row goes with its token (CASCADE), however knox deletes it.
    """

    token = models.OneToOneField(AuthToken, primary_key=True, on_delete=models.CASCADE, related_name="device")
    label = models.CharField(max_length=DEVICE_LABEL_LENGTH, blank=True)

    def __str__(self) -> str:
        return self.label or "(unnamed device)"


class UserSession(AbstractBaseSession):
    """A web session that knows its user, so that every session of one user can be ended at once.

    Django's documented way to extend the database session engine (accounts.sessions.SessionStore writes
    `user` on every save). Chosen over a table filled from the login and logout signals: the user is written
    whenever the session is, so a session key changed after sign-in (a password change cycles it) or a
    session that simply expires needs no bookkeeping of its own. No foreign-key constraint: a session saved
    at the end of a request whose user was deleted meanwhile must not fail; deleting a user still deletes
    its sessions (Django's CASCADE runs in the ORM).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta:
        verbose_name = "web session"
        verbose_name_plural = "web sessions"

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
