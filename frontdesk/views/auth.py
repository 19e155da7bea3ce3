"""Signing in and out of the staff pages: Django's own views.

The login form authenticates through settings.AUTHENTICATION_BACKENDS, whose first backend is the
django-axes guard (accounts.backends): after too many failures for one username from one address, that
pair is refused and AxesMiddleware answers with the lockout page (accounts.lockout, 429).
"""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "frontdesk/login.html"
    redirect_authenticated_user = True


#: Django's own (POST only); after it, settings.LOGOUT_REDIRECT_URL.
LogoutView = auth_views.LogoutView
