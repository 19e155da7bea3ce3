"""The admin site: Django's, signed into through the staff pages and open only to a session that owes no second factor.

Its own sign-in form would be a second door to guard (with the second factor and the lockout on it too), so it
has none: /admin/login/ sends the visitor to the staff sign-in, with `next` kept, and every admin page asks for
a verified session from everyone who has a second factor or must have one (accounts.two_factor).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.two_factor import step_owed


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and step_owed(request.user) is None

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            next_url = index
        if request.user.is_authenticated and step_owed(request.user) is None:
            if self.has_permission(request):
                return redirect(next_url)
            # Signed in, verified, and still not for the admin: a second sign-in form here would only loop.
            raise PermissionDenied
        return redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
