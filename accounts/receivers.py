"""Deactivating an account ends its API tokens and web sessions at once, wherever `is_active` is set False.

A signal, against the house rule of explicit calls (docs/ARCHITECTURE.md), because the flag is set by code
we do not own: Django's admin, a shell, a data fix. In the admin the save and its receivers share one
transaction, so the account and its sign-ins change together. A queryset `update(is_active=False)` sends no signal: its tokens
and sessions then stay in their tables, but do not work (knox refuses the token of an inactive user, and
Django's ModelBackend the session of one); the next save of the user removes them.
"""

from __future__ import annotations

from accounts import services

WAS_ACTIVE = "_accounts_was_active"


def _is_about_activity(instance, update_fields) -> bool:
    return not instance.is_active and (update_fields is None or "is_active" in update_fields)


def remember_activity(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: whether an inactive user being saved was active before (one query, for inactive users only)."""
    if raw or instance.pk is None or not _is_about_activity(instance, update_fields):
        return
    was_active = sender._default_manager.filter(pk=instance.pk, is_active=True).exists()
    setattr(instance, WAS_ACTIVE, was_active)


def end_sign_ins_of_inactive(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    """post_save: an inactive user keeps no token and no session."""
    if raw or created or not _is_about_activity(instance, update_fields):
        return
    services.user_deactivated(user=instance, was_active=getattr(instance, WAS_ACTIVE, False))
    if hasattr(instance, WAS_ACTIVE):
        delattr(instance, WAS_ACTIVE)
