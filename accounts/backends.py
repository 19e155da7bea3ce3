"""The brute-force guard as the first authentication backend (django-axes)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginGuardBackend(AxesStandaloneBackend):
    """Refuse a locked-out (username, address) pair before any password is checked.

    Every login path reachable over the network passes its request to `authenticate()` (Django's
    LoginView and the admin through AuthenticationForm, our token endpoint), so axes can key the
    attempt on the address. A call with no request comes from code (a shell, the test client's
    `login()`): there is no address to lock, so this backend steps aside and the next one decides,
    where axes' own backend would raise.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
