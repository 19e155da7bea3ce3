"""Two-factor sign-in on the staff pages: the code step after the password, setting up an authenticator app,
recovery codes, and turning it off (the rules: accounts.two_factor).

After a right password, a user with a second factor is not signed in yet: the session only remembers who is
half-way (PENDING, for a few minutes) and the code step finishes the sign-in. A user who must have a second
factor and has none is signed in and kept on the set-up page (accounts.two_factor_middleware). `next` travels
with them through every step.

Every change to a user's second factor goes into the audit trail: one entry per clinic of the user (so each
clinic's admins see it), naming the user and what changed, never a code or a secret.
"""

from __future__ import annotations

import time
from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import error_codes as codes
from accounts import two_factor
from accounts.lockout import lockout_response
from accounts.two_factor import Outcome, Step
from audit import records as audit
from common.access import user_clinic_ids
from common.errors import ApplicationError

#: The session key of a sign-in half-way: the password was right, the code is still owed.
PENDING = "two_factor_pending"
#: How long the code step waits after the password (seconds): then the password is asked again.
PENDING_SECONDS = 10 * 60

CODE_HELP = "The 6-digit code your authenticator app shows now, or one of your recovery codes."
CODE_MALFORMED = "Enter the 6-digit code from your authenticator app, or a recovery code (8 letters and digits)."
CODE_WRONG = "That code is not valid. App codes change every 30 seconds; each recovery code works once."
CODE_THROTTLED = "Too many wrong codes in a row: wait {seconds} seconds, then enter the code your app shows then."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=two_factor.MAX_CODE_LENGTH,
        help_text=CODE_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )

    #: Which kinds of code the form takes (setting up an app: only the app's).
    kinds = frozenset(two_factor.CodeKind)
    malformed = CODE_MALFORMED

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        parsed = two_factor.code_parse(code)
        if parsed is None or parsed[0] not in self.kinds:
            raise forms.ValidationError(self.malformed)
        return code


class AppCodeForm(CodeForm):
    kinds = frozenset({two_factor.CodeKind.APP})
    malformed = "Enter the 6-digit code your authenticator app shows for this account."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code the app shows for this account after you added it."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


# --- Where to go next ---------------------------------------------------------------------------------


def next_url(request) -> str:
    """The `next` this sign-in carries, if it is a safe address on this site ("" otherwise)."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    # A path on this site, printable: anything else (a bare word, control characters) would be read by
    # redirect() as a view name, or break the Location header.
    printable = url.startswith("/") and url.isprintable()
    return url if safe and printable else ""


def with_next(url: str, next_to: str) -> str:
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_to})}" if next_to else url


def _onward(request):
    return redirect(next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


# --- Half-way through signing in ----------------------------------------------------------------------


def pending_start(request, user) -> None:
    """The password was right and a code is owed: remember who, with which backend, for PENDING_SECONDS."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        # A password changed (or the account switched off) in between ends the half-way sign-in.
        "hash": user.get_session_auth_hash(),
        "since": int(time.time()),
    }


def _pending_user(request):
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    fresh = time.time() - data.get("since", 0) <= PENDING_SECONDS
    user = get_user_model()._default_manager.filter(pk=data.get("user") or 0, is_active=True).first() if fresh else None
    if user is None or not constant_time_compare(user.get_session_auth_hash(), data.get("hash", "")):
        del request.session[PENDING]
        return None
    user.backend = data["backend"]  # type: ignore[attr-defined]  # what login() reads, as authenticate() sets it
    return user


def _user_owing_a_code(request):
    """(the user, whether they are half-way) of a session that owes a code; (None, False) if it owes none."""
    if request.user.is_authenticated:
        return (request.user, False) if two_factor.step_owed(request.user) is Step.VERIFY else (None, False)
    user = _pending_user(request)
    return user, user is not None


# --- The code step ----------------------------------------------------------------------------------


def login_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user, half_way = _user_owing_a_code(request)
    if user is None:
        if request.user.is_authenticated:
            return _onward(request)
        return redirect(with_next(resolve_url(settings.LOGIN_URL), next_url(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if two_factor.sign_in_locked_out(request=request, username=user.get_username()):
            return lockout_response(request)
        if form.is_valid():
            check = two_factor.second_factor_verify(user=user, code=form.cleaned_data["code"])
            if check.outcome is Outcome.ACCEPTED:
                return _signed_in(request, user, check.device, half_way=half_way)
            if check.outcome is Outcome.THROTTLED:
                form.add_error("code", CODE_THROTTLED.format(seconds=check.wait_seconds))
            else:
                # Counted by django-axes; the failure that reaches the limit turns this answer into the lockout page.
                two_factor.sign_in_failure_record(request=request, user=user)
                form.add_error("code", CODE_WRONG)
    context = {"form": form, "next": next_url(request), "half_way": half_way}
    return render(request, "frontdesk/two_factor_verify.html", context)


def _signed_in(request, user, device, *, half_way: bool):
    if half_way:
        del request.session[PENDING]
        auth_login(request, user, backend=user.backend)  # a new session key; axes clears the pair's failures
    else:
        request.session.cycle_key()
        address = getattr(request, "axes_ip_address", None)
        if settings.AXES_RESET_ON_SUCCESS and address:
            axes_reset(ip=address, username=user.get_username())
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = two_factor.recovery_codes_left(user=user)
        messages.warning(
            request,
            f"You signed in with a recovery code; it will not work again. {left} left. If your phone is lost, set "
            "up the app again on a new one under Two-factor sign-in.",
        )
    return _onward(request)


# --- Setting up an app --------------------------------------------------------------------------------


def _secret_groups(device) -> str:
    """The secret as the app's "enter a key" screen takes it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device) -> str:
    """The otpauth:// link as an inline SVG QR code (no script, no style, no data: URI)."""
    qr = segno.make(device.config_url, error="m")
    # Only drawing commands: segno writes them from the link's bits, never the link's text.
    return mark_safe(qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr", title="QR code"))  # noqa: S308


@login_required
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code, keep the recovery codes."""
    user = request.user
    status = two_factor.second_factor_status(user)
    if status.has_device and not two_factor.session_is_verified(user):
        return redirect(with_next(reverse("frontdesk:login-verify"), next_url(request)))
    device = two_factor.totp_device_start(user=user)
    form = AppCodeForm(request.POST or None)
    allowed, why = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        wait = two_factor.CodeCheck(Outcome.THROTTLED, wait_until=(why or {}).get("locked_until")).wait_seconds
        form.add_error("code", CODE_THROTTLED.format(seconds=wait))
    elif request.method == "POST" and form.is_valid():
        with transaction.atomic():
            enrolment = two_factor.totp_device_confirm(user=user, device_id=device.pk, code=form.cleaned_data["code"])
            if enrolment is not None:
                _audit(user, {"authenticator": [enrolment.replaced[-1] if enrolment.replaced else None, enrolment.device.pk]})
        if enrolment is None:
            form.add_error("code", "That code does not match. Check the app shows this account, and type the code it shows now.")
        else:
            request.session.cycle_key()
            otp_login(request, enrolment.device)
            return _codes_page(request, enrolment.recovery_codes, first_time=not status.has_device)
    context = {
        "form": form,
        "next": next_url(request),
        "qr": _qr_svg(device),
        "secret": _secret_groups(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": user.get_username(),
        "replacing": status.has_device,
        "required": status.required,
    }
    return render(request, "frontdesk/two_factor_setup.html", context)


def _codes_page(request, recovery_codes: list[str], *, first_time: bool):
    """The recovery codes, shown this once (answered to the POST that made them, never stored for later)."""
    context = {"codes": recovery_codes, "first_time": first_time, "next": next_url(request)}
    return render(request, "frontdesk/two_factor_codes.html", context)


# --- Managing it ---------------------------------------------------------------------------------------


@login_required
def two_factor_manage(request, *, disable_form=None):
    """Two-factor sign-in of the signed-in user: on or off, recovery codes left; set up, renew codes, turn off."""
    user = request.user
    status = two_factor.second_factor_status(user)
    context = {
        "enabled": status.has_device,
        "required": status.required,
        "codes_left": two_factor.recovery_codes_left(user=user) if status.has_device else 0,
        "disable_form": disable_form or CodeForm(),
    }
    return render(request, "frontdesk/two_factor_manage.html", context)


@login_required
@require_POST
def recovery_codes_renew(request):
    """A new set of recovery codes, shown once; the old ones stop working."""
    user = request.user
    if not two_factor.second_factor_status(user).has_device:
        messages.error(request, "Set up two-factor sign-in first: the recovery codes come with it.")
        return redirect("frontdesk:two-factor")
    with transaction.atomic():
        left = two_factor.recovery_codes_left(user=user)
        fresh = two_factor.recovery_codes_replace(user=user)
        _audit(user, {"recovery_codes_left": [left, len(fresh)]})
    return _codes_page(request, fresh, first_time=False)


@login_required
@require_POST
def two_factor_disable(request):
    """Turn two-factor sign-in off, with a current code (an app code or a recovery code); not when it is required."""
    user = request.user
    if two_factor.second_factor_status(user).required:
        # Before the code is checked: a recovery code typed here would otherwise be used up for nothing.
        messages.error(request, codes.TWO_FACTOR_MANDATORY_MESSAGE)
        return redirect("frontdesk:two-factor")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return two_factor_manage(request, disable_form=form)
    check = two_factor.second_factor_verify(user=user, code=form.cleaned_data["code"])
    if check.outcome is Outcome.THROTTLED:
        form.add_error("code", CODE_THROTTLED.format(seconds=check.wait_seconds))
    elif check.outcome is not Outcome.ACCEPTED:
        form.add_error("code", CODE_WRONG)
    if form.errors:
        return two_factor_manage(request, disable_form=form)
    try:
        with transaction.atomic():
            removed = two_factor.two_factor_disable(user=user)
            _audit(user, {"authenticator": [removed[-1] if removed else None, None]})
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("frontdesk:two-factor")
    messages.success(request, "Two-factor sign-in is off. Signing in now asks for your password only.")
    return redirect("frontdesk:two-factor")


def _audit(user, changes: dict) -> None:
    """One entry per clinic of the user (none: one entry that only superusers see)."""
    clinics: list[int | None] = [*sorted(user_clinic_ids(user))] or [None]
    target = (get_user_model(), user.pk)
    audit.record_many(audit.entry(target, audit.UPDATE, changes=changes, clinic_id=clinic, actor=user) for clinic in clinics)
