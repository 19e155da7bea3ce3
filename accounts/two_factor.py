"""Two-factor sign-in for staff (django-otp): who must use it, checking a code, setting it up, the API's extra step.

The second factor is an authenticator app (a TOTP device, django_otp.plugins.otp_totp); ten single-use
recovery codes (a static device, django_otp.plugins.otp_static) stand in for a lost phone. A user "has two-factor"
once either is confirmed, and then signs in with a code on every door: the staff pages (frontdesk.views.two_factor),
the admin (which sends its sign-in there, accounts.two_factor_admin) and the API token endpoint (`otp`). It is
required for admins and superusers, and for every staff member of a clinic with `require_two_factor`; optional for
the rest. accounts.two_factor_middleware keeps a session that owes a step out of everything else.

Guessing codes is held back twice: a wrong code counts as a failed sign-in for django-axes' (username, address)
lockout, as a wrong password does; and each device refuses to even check a code for 2^(n-1) seconds after n wrong
ones in a row, whatever the address (django-otp's throttling).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import error_codes as codes
from accounts.lockout import retry_after_seconds
from common.access import ADMIN
from common.errors import ApplicationError

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
#: A set-up page left open longer than this gets a fresh secret: a key shown on a screen does not wait forever.
SETUP_KEY_LIFETIME = dt.timedelta(hours=1)

#: What a person may type: 6 digits from the app, or a recovery code (8 letters and digits of base32).
#: Spaces and hyphens are dropped first (apps show "123 456"), letters are compared in lower case.
_APP_CODE = re.compile(r"[0-9]{6}")
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
MAX_CODE_LENGTH = 32


class CodeKind(enum.StrEnum):
    APP = "app"
    RECOVERY = "recovery"


def code_parse(raw: str) -> tuple[CodeKind, str] | None:
    """(which kind of code, the code as stored) for what a person typed; None if it can be neither."""
    if len(raw) > MAX_CODE_LENGTH:
        return None
    code = "".join(raw.split()).replace("-", "").lower()
    if _APP_CODE.fullmatch(code):
        return CodeKind.APP, code
    if _RECOVERY_CODE.fullmatch(code):
        return CodeKind.RECOVERY, code
    return None


# --- Who must, who has --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecondFactor:
    #: A confirmed authenticator app or recovery codes: every sign-in asks for a code.
    has_device: bool
    #: Admin role, superuser, or a member of a clinic that requires it: no sign-in without one.
    required: bool


def second_factor_status(user) -> SecondFactor:
    """Whether `user` has a second factor and whether they must: one query."""
    User = get_user_model()
    row = (
        User._default_manager.filter(pk=user.pk)
        .annotate(
            app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            codes=Exists(StaticDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            admin=Exists(User._default_manager.filter(pk=OuterRef("pk"), groups__name=ADMIN)),
            # The clinics' `require_two_factor`, through the users' side of Clinic.staff: no import of scheduler.
            clinic=Exists(User._default_manager.filter(pk=OuterRef("pk"), clinics__require_two_factor=True)),
        )
        .values_list("is_superuser", "app", "codes", "admin", "clinic")
        .first()
    )
    if row is None:
        return SecondFactor(has_device=False, required=False)
    superuser, app, recovery, admin, clinic = row
    return SecondFactor(has_device=app or recovery, required=superuser or admin or clinic)


class Step(enum.StrEnum):
    """What a signed-in session still owes before it reaches anything else."""

    VERIFY = "verify"  # a code from the user's device
    SETUP = "setup"  # setting up a device: the user must have one and has none


def session_is_verified(user) -> bool:
    """A code checked in this session (django_otp.middleware.OTPMiddleware fills `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


_NOT_READ = object()


def step_owed(user) -> Step | None:
    """The step a signed-in, not yet verified session owes; None when it owes nothing (or no one is signed in).

    Read once per request (kept on the user object, as common.access keeps roles): the middleware and the admin
    site both ask.
    """
    if user is None or not user.is_authenticated or session_is_verified(user):
        return None
    step = getattr(user, "_two_factor_step", _NOT_READ)
    if step is _NOT_READ:
        status = second_factor_status(user)
        step = Step.VERIFY if status.has_device else Step.SETUP if status.required else None
        user._two_factor_step = step
    return step  # type: ignore[return-value]


# --- Checking a code ----------------------------------------------------------------------------------


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    MALFORMED = "malformed"  # neither an app code nor a recovery code: no guess at all
    THROTTLED = "throttled"  # not checked: the device waits after wrong codes in a row


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    device: Device | None = None
    #: THROTTLED: when the device checks codes again.
    wait_until: dt.datetime | None = None

    @property
    def wait_seconds(self) -> int:
        if self.wait_until is None:
            return 0
        return max(1, int((self.wait_until - timezone.now()).total_seconds() + 0.999))


def second_factor_verify(*, user, code: str) -> CodeCheck:
    """Check `code` against the user's confirmed devices of its kind; a recovery code is used up.

    The devices are locked while checked (django-otp's advice): two requests cannot both use one recovery code,
    or one app code twice.
    """
    parsed = code_parse(code)
    if parsed is None:
        return CodeCheck(Outcome.MALFORMED)
    kind, token = parsed
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if kind is CodeKind.APP else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.filter(user=user, confirmed=True).select_for_update().order_by("pk"))
        waits: list[dt.datetime] = []
        for device in devices:
            allowed, why = device.verify_is_allowed()
            if not allowed:
                waits.append((why or {}).get("locked_until") or timezone.now())
                continue
            if device.verify_token(token):
                return CodeCheck(Outcome.ACCEPTED, device=device)
    if devices and len(waits) == len(devices):
        return CodeCheck(Outcome.THROTTLED, wait_until=min(waits))
    return CodeCheck(Outcome.WRONG)


def sign_in_failure_record(*, request, user) -> None:
    """A wrong code is a failed sign-in: django-axes counts it for the (username, address) pair, as a wrong password.

    Sent as Django's own signal, with the request (axes reads the address from it); when this failure reaches
    the limit, axes flags the request (`axes_locked_out`) and AxesMiddleware answers with the lockout page.
    """
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def sign_in_locked_out(*, request, username: str) -> bool:
    """Is the (username, address) pair locked out? A locked pair gets no code checked, even a right one."""
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, {"username": username})


# --- Setting up, replacing, turning off ---------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    #: The apps this one replaced (ids), for the audit trail; empty the first time.
    replaced: list[int] = field(default_factory=list)
    recovery_codes: list[str] = field(default_factory=list)


def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator the user is setting up: unconfirmed, and the same one until confirmed (a reload shows the
    same QR code) or until it is SETUP_KEY_LIFETIME old."""
    cutoff = timezone.now() - SETUP_KEY_LIFETIME
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    pending.filter(created_at__lt=cutoff).delete()
    device = pending.order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user, device_id: int, code: str) -> Enrolment | None:
    """Confirm the app being set up with a code it shows; None if the code does not match.

    Confirming replaces any earlier app of the user (a new phone) and issues a fresh set of recovery codes.
    """
    parsed = code_parse(code)
    if parsed is None or parsed[0] is not CodeKind.APP:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_token(parsed[1]):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        earlier = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        replaced = sorted(earlier.values_list("pk", flat=True))
        earlier.delete()
        return Enrolment(device=device, replaced=replaced, recovery_codes=_recovery_codes_issue(user))


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    return _recovery_codes_issue(user)


def _recovery_codes_issue(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    issued = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in issued)
    return issued


class TwoFactorMandatory(ApplicationError):
    """Turning off a second factor that the user's role or clinic requires."""


@transaction.atomic
def two_factor_disable(*, user) -> list[int]:
    """Remove the user's authenticator apps and recovery codes (the ids of the apps removed).

    The caller has checked a current code. Refused when the role or a clinic requires two-factor sign-in.
    """
    if second_factor_status(user).required:
        raise TwoFactorMandatory(codes.TWO_FACTOR_MANDATORY, codes.TWO_FACTOR_MANDATORY_MESSAGE, status=409)
    apps = TOTPDevice.objects.filter(user=user)
    removed = sorted(apps.filter(confirmed=True).values_list("pk", flat=True))
    apps.delete()
    StaticDevice.objects.filter(user=user).delete()
    return removed


# --- The API token endpoint's step ----------------------------------------------------------------------


class SecondFactorRefused(ApplicationError):
    """The password was right; the second factor is missing, wrong, or not set up."""


def second_factor_check(*, request, user, otp: str | None) -> None:
    """The token endpoint's second step, after the password was found right (accounts.services.token_obtain).

    A user with a second factor must send `otp` (an app code or a recovery code): missing is 400 `otp_required`,
    wrong is 400 `otp_invalid` and counts as a failed sign-in (the failure that reaches the limit answers 429
    `locked_out`, as a wrong password does). A user who must have one and has none gets 403
    `two_factor_setup_required`: setting it up happens in the staff pages. Others pass; an `otp` they send is
    ignored.
    """
    status = second_factor_status(user)
    if not status.has_device:
        if status.required:
            raise SecondFactorRefused(
                codes.TWO_FACTOR_SETUP_REQUIRED, codes.TWO_FACTOR_SETUP_REQUIRED_MESSAGE, status=403
            )
        return
    if not otp:
        raise SecondFactorRefused(codes.OTP_REQUIRED, codes.OTP_REQUIRED_MESSAGE, status=400)
    check = second_factor_verify(user=user, code=otp)
    if check.outcome is Outcome.ACCEPTED:
        return
    if check.outcome is Outcome.THROTTLED:
        seconds = check.wait_seconds
        raise SecondFactorRefused(
            codes.OTP_INVALID,
            codes.OTP_THROTTLED_MESSAGE.format(seconds=seconds),
            details={"retry_after_seconds": seconds},
            status=400,
        )
    if check.outcome is Outcome.WRONG:
        sign_in_failure_record(request=request, user=user)
        if getattr(request, "axes_locked_out", False):
            retry = retry_after_seconds(request)
            raise SecondFactorRefused(
                codes.LOCKED_OUT,
                codes.LOCKED_OUT_MESSAGE,
                status=429,
                headers={"Retry-After": str(retry)} if retry else None,
            )
    raise SecondFactorRefused(codes.OTP_INVALID, codes.OTP_INVALID_MESSAGE, status=400)
