"""Signing in and out of the staff pages: Django's own views, with the second factor after the password.

The login form authenticates through settings.AUTHENTICATION_BACKENDS, whose first backend is the
django-axes guard (accounts.backends): after too many failures for one username from one address, that
pair is refused and AxesMiddleware answers with the lockout page (accounts.lockout, 429).

After a right password: a user with a second factor goes on to the code step without being signed in yet
(frontdesk.views.two_factor); a user who must have one and has none is signed in and sent to set it up.
"""

from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor import second_factor_status
from frontdesk.views import two_factor


class LoginView(auth_views.LoginView):
    template_name = "frontdesk/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """Django's safe `next`, and only a path on this site: `redirect()` would read "a\x00b" as a view name."""
        return two_factor.next_url(self.request)

    def form_valid(self, form):
        user = form.get_user()
        status = second_factor_status(user)
        next_to = self.get_redirect_url()
        if status.has_device:
            # Not signed in yet: django-axes clears the pair's failures only once the code is right too.
            two_factor.pending_start(self.request, user)
            return redirect(two_factor.with_next(reverse("frontdesk:login-verify"), next_to))
        auth_login(self.request, user)
        if status.required:
            return redirect(two_factor.with_next(reverse("frontdesk:two-factor-setup"), next_to))
        return redirect(self.get_success_url())


#: Django's own (POST only); after it, settings.LOGOUT_REDIRECT_URL.
LogoutView = auth_views.LogoutView
