"""Who may see and do what on the staff pages: the API's roles and clinic scoping (common.access), for views.

A page names the roles it is open to; a signed-in user holding none gets a 403 page. Every object is
looked up among the user's clinics only, so another clinic's object is a 404, exactly as in the API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from common.access import ALL_ROLES, BOOKING_ROLES, INFUSION_ROLES, user_roles
from common.access import scope_to_user_clinics as scoped

__all__ = ["ALL_ROLES", "BOOKING_ROLES", "INFUSION_ROLES", "can", "forbidden", "scoped", "staff_page"]


def can(user, roles: Iterable[str]) -> bool:
    return bool(user_roles(user) & frozenset(roles))


def forbidden(request, roles: Iterable[str]):
    """The 403 page, naming the roles that may."""
    names = sorted(r.replace("_", " ") for r in roles)
    return render(request, "frontdesk/forbidden.html", {"allowed": names}, status=403)


def staff_page(roles: Iterable[str] = ALL_ROLES) -> Callable:
    """A view for signed-in staff holding one of `roles`; others see a 403 page naming the roles that may."""
    allowed = frozenset(roles)

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & allowed:
                return forbidden(request, allowed)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
