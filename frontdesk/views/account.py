"""The signed-in user's account page: their signed-in API devices, and "Sign out everywhere".

Open to every signed-in user, whatever their role: anyone who can sign in can sign out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.two_factor import second_factor_status


@login_required
@require_GET
def account(request):
    context = {
        "devices": selectors.api_token_list(user=request.user),
        "web_sessions": selectors.web_session_count(user=request.user),
        "second_factor": second_factor_status(request.user),
    }
    return render(request, "frontdesk/account.html", context)


@login_required
@require_POST
def device_sign_out(request, key: str):
    try:
        services.api_token_revoke(user=request.user, key=key)
    except services.TokenNotFound as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "That device is signed out: its API token no longer works.")
    return redirect("frontdesk:account")


@login_required
@require_POST
def sign_out_everywhere(request):
    services.user_sign_out_everywhere(user=request.user)
    # This browser's session row is gone with the others; logout() also stops it being saved again.
    logout(request)
    messages.success(request, "You are signed out everywhere: every device and every browser, this one included.")
    return redirect(settings.LOGIN_URL)
