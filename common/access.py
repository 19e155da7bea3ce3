"""Who a staff user is: their roles and clinics, and the rows of a queryset that are theirs to see.

The one home of the role names and role sets and of clinic scoping: the API (common.api), the staff
pages (frontdesk.access) and the configuration API's fields all use these.
"""

from __future__ import annotations

from contextlib import suppress

from django.db.models import QuerySet

ADMIN = "admin"
FRONT_DESK = "front_desk"
CLINICIAN = "clinician"
ALL_ROLES = frozenset({ADMIN, FRONT_DESK, CLINICIAN})
#: Who may change patients, courses and sessions (book, move, cancel, check in…).
BOOKING_ROLES = frozenset({ADMIN, FRONT_DESK})
#: Who runs the infusion itself: the front desk books and checks in, it does not start or finish sessions.
INFUSION_ROLES = frozenset({ADMIN, CLINICIAN})


def user_roles(user) -> frozenset[str]:
    """The staff roles (group names) of a user, read once per request. A superuser holds every role."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_clinic_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = ALL_ROLES
        else:
            cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._clinic_roles = cached
    return cached


def user_clinic_ids(user) -> frozenset[int]:
    """The clinics a staff user belongs to, read once per request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_clinic_ids", None)
    if cached is None:
        cached = frozenset(user.clinics.values_list("pk", flat=True))
        user._clinic_ids = cached
    return cached


def user_clinic_ids_forget(user) -> None:
    """Drop the clinics read for this request, after the user joined one (they are read again when asked)."""
    with suppress(AttributeError):  # not read yet
        del user._clinic_ids


def scope_to_user_clinics(queryset: QuerySet, user, *, field: str = "clinic") -> QuerySet:
    """The rows of `queryset` that belong to the user's clinics; a superuser's: every row.

    `field` is the lookup path from a row to its clinic ("pk" for clinics themselves). Another clinic's row is then
    simply not found, and no user (or an anonymous one) sees nothing.
    """
    if user is not None and user.is_superuser:
        return queryset
    return queryset.filter(**{f"{field}__in": user_clinic_ids(user)})
