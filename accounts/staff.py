"""A clinic admin's staff management: the staff of their clinics, inviting, roles, deactivating, password links.

Selectors and services for the desk's staff pages (frontdesk/views/staff.py). Clinics are given as ids (the
caller scopes them: accounts imports no domain app), membership is read through the users' side of
Clinic.staff (`user.clinics`).

Who may be managed by an admin of clinics M (the "managed" ids):
- a member of at least one clinic of M; anyone else is not found (a 404 for the page);
- not a superuser, not the admin themselves for deactivating or their own admin role (an admin cannot lock
  the clinic out of its own management);
- a user who also belongs to a clinic outside M is *shared*: roles are global (Django groups), and so are the
  account's activity and its password, so changing them would act on the other clinic too. For a shared
  user an admin may only remove them from their own clinics; the other clinic's admin (or a superuser)
  decides the rest.

Passwords never pass through here: an invite makes an account with an unusable password and mails a link to
set one (Django's PasswordResetTokenGenerator: single use, it expires after settings.PASSWORD_RESET_TIMEOUT,
and setting a password ends it); a reset mails the same kind of link. Every change is in the audit trail,
one entry per managed clinic of the user, so each clinic's admins see it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit import records as audit
from common.access import ADMIN, ALL_ROLES, CLINICIAN, FRONT_DESK
from common.errors import ApplicationError

#: The roles an admin hands out, in the order the desk shows them.
ROLE_CHOICES = ((FRONT_DESK, "Front desk"), (CLINICIAN, "Clinician"), (ADMIN, "Admin"))
ROLE_LABELS = dict(ROLE_CHOICES)

NOT_MANAGEABLE = "staff_not_manageable"
SHARED_USER = "staff_shared_user"
OWN_ACCOUNT = "staff_own_account"
USERNAME_TAKEN = "staff_username_taken"
LAST_CLINIC = "staff_last_clinic"
EMAIL_FAILED = "staff_email_failed"

INVITE = "invite"
RESET = "reset"


class StaffRefused(ApplicationError):
    status = 409


@dataclass(frozen=True)
class StaffRow:
    user: Any  # the user model (its groups, clinics and flags)
    roles: tuple[str, ...]
    clinic_ids: tuple[int, ...]  # the managed clinics they belong to
    shared: bool  # also a member of a clinic outside the managed ones
    password_set: bool

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[r] for r, _ in ROLE_CHOICES if r in self.roles]

    @property
    def manageable(self) -> bool:
        return not self.user.is_superuser


# --- Selectors ---------------------------------------------------------------------------------------------


def _staff_queryset(managed: Collection[int]) -> QuerySet:
    User = get_user_model()
    return (
        User._default_manager.filter(pk__in=User._default_manager.filter(clinics__in=managed).values("pk"))
        .prefetch_related(Prefetch("groups", queryset=Group.objects.filter(name__in=ALL_ROLES)))
        .order_by("last_name", "first_name", "username")
    )


def _row(user, managed: Collection[int]) -> StaffRow:
    clinic_ids = {c.pk for c in user.clinics.all()}
    return StaffRow(
        user=user,
        roles=tuple(sorted(g.name for g in user.groups.all())),
        clinic_ids=tuple(sorted(clinic_ids & set(managed))),
        shared=bool(clinic_ids - set(managed)),
        password_set=user.has_usable_password(),
    )


def staff_list(*, managed: Collection[int]) -> list[StaffRow]:
    """Every user who belongs to one of the managed clinics: three queries, however many."""
    users = _staff_queryset(managed).prefetch_related("clinics")
    return [_row(u, managed) for u in users]


def staff_get(*, managed: Collection[int], user_id: int) -> StaffRow:
    """One user of the managed clinics; raises User.DoesNotExist for anyone else (the page answers 404)."""
    user = _staff_queryset(managed).prefetch_related("clinics").get(pk=user_id)
    return _row(user, managed)


# --- Guards ------------------------------------------------------------------------------------------------


def _ensure_manageable(row: StaffRow, *, whole_account: bool = True) -> None:
    if row.user.is_superuser:
        raise StaffRefused(NOT_MANAGEABLE, "A superuser's account is managed in the admin site, not here.")
    if whole_account and row.shared:
        raise StaffRefused(
            SHARED_USER,
            "This person also works at a clinic you do not manage: their roles, password and account are "
            "managed by that clinic's admin too. You can remove them from your clinic.",
        )


def _audit(user_id: int, clinic_ids: Iterable[int], action, changes: dict, *, by) -> None:
    target = (get_user_model(), user_id)
    audit.record_many(audit.entry(target, action, changes=changes, clinic_id=c, actor=by) for c in sorted(clinic_ids))


# --- Services ----------------------------------------------------------------------------------------------


@transaction.atomic
def staff_invite(
    *, by, managed: Collection[int], username: str, first_name: str, last_name: str, email: str, role: str,
    clinic_ids: Collection[int],
):
    """A new staff account in some of the managed clinics, with no usable password until the person sets one.

    The set-password email is sent after the commit by `staff_password_link_send` (the caller's next call).
    """
    User = get_user_model()
    if not clinic_ids or not set(clinic_ids) <= set(managed):
        raise ApplicationError("invalid", "Choose clinics among yours.", details={"clinics": ["Choose clinics among yours."]})
    if role not in ROLE_LABELS:
        raise ApplicationError("invalid", "Choose a role.", details={"role": ["Choose a role."]})
    if User._default_manager.filter(username__iexact=username).exists():
        raise StaffRefused(USERNAME_TAKEN, "This username is taken.", details={"username": ["This username is taken."]})
    # is_staff as the demo's staff accounts have it: the admin site's setup pages, limited by the role's
    # permissions and the clinic scoping of every admin page.
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, is_staff=True)
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.clinics.add(*clinic_ids)
    changes = {"username": [None, username], "email": [None, email], "first_name": [None, first_name],
               "last_name": [None, last_name], "roles": [None, [role]], "clinics": [None, sorted(clinic_ids)]}
    _audit(user.pk, clinic_ids, audit.CREATE, changes, by=by)
    return user


def password_link(user) -> str:
    """The set-password page for `user`: /staff/welcome/<uidb64>/<token>/ on SITE_URL (never the request's Host)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("frontdesk:staff-welcome", kwargs={"uidb64": uid, "token": token})


def staff_password_link_send(*, by, managed: Collection[int], user, purpose: str) -> None:
    """Email the person a link to set their password (an invite, or a reset an admin asked for).

    The email says who asked and where; it carries no patient data. A mail server that refuses is an
    ApplicationError: the account stays as it is, and the admin can send the link again.
    """
    if not user.email:
        raise StaffRefused(EMAIL_FAILED, "This account has no email address: add one in the admin site first.")
    by_name = by.get_full_name() or by.get_username()
    link = password_link(user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if purpose == INVITE:
        subject = "Your staff account: set your password"
        opening = f"{by_name} has made you a staff account for the clinic's front desk."
    else:
        subject = "Reset your staff account's password"
        opening = f"{by_name} has asked for a new password for your staff account. Your current one works until you set a new one."
    body = (
        f"Hello {user.first_name or user.get_username()},\n\n{opening}\n\nYour username: {user.get_username()}\n\n"
        f"Set your password here (the link works once, for {hours} hours):\n{link}\n\n"
        "If you did not expect this email, ignore it and tell your clinic.\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:  # any backend's refusal: the admin is told, nothing else changed
        raise StaffRefused(EMAIL_FAILED, f"The email could not be sent ({type(error).__name__}); try again later.") from None
    clinics = {c.pk for c in user.clinics.all()} & set(managed)
    _audit(user.pk, clinics, audit.UPDATE, {f"password_link_{purpose}": [None, timezone.now().isoformat()]}, by=by)


def staff_password_reset(*, by, managed: Collection[int], user_id: int) -> StaffRow:
    row = staff_get(managed=managed, user_id=user_id)
    _ensure_manageable(row)
    staff_password_link_send(by=by, managed=managed, user=row.user, purpose=RESET if row.password_set else INVITE)
    return row


@transaction.atomic
def staff_roles_set(*, by, managed: Collection[int], user_id: int, roles: Collection[str]) -> StaffRow:
    """Replace the user's staff roles (other groups stay). An admin keeps their own admin role."""
    row = staff_get(managed=managed, user_id=user_id)
    _ensure_manageable(row)
    wanted = set(roles)
    if not wanted or not wanted <= set(ROLE_LABELS):
        raise ApplicationError("invalid", "Choose at least one role.", details={"roles": ["Choose at least one role."]})
    if row.user.pk == by.pk and ADMIN in row.roles and ADMIN not in wanted:
        raise StaffRefused(OWN_ACCOUNT, "You cannot take away your own admin role: ask another admin.")
    before = set(row.roles)
    if wanted == before:
        return row
    user = row.user
    user.groups.remove(*Group.objects.filter(name__in=before - wanted))
    user.groups.add(*[Group.objects.get_or_create(name=r)[0] for r in sorted(wanted - before)])
    _audit(user.pk, row.clinic_ids, audit.UPDATE, {"roles": [sorted(before), sorted(wanted)]}, by=by)
    return staff_get(managed=managed, user_id=user_id)


@transaction.atomic
def staff_active_set(*, by, managed: Collection[int], user_id: int, active: bool) -> StaffRow:
    """Deactivate (the account receiver ends its API tokens and web sessions in this transaction) or reactivate."""
    row = staff_get(managed=managed, user_id=user_id)
    _ensure_manageable(row)
    if row.user.pk == by.pk:
        raise StaffRefused(OWN_ACCOUNT, "You cannot deactivate your own account: ask another admin.")
    user = row.user
    if user.is_active == active:
        return row
    user.is_active = active
    user.save(update_fields=["is_active"])  # accounts.receivers ends every sign-in of an inactive account
    _audit(user.pk, row.clinic_ids, audit.UPDATE, {"is_active": [not active, active]}, by=by)
    return row


@transaction.atomic
def staff_clinic_remove(*, by, managed: Collection[int], user_id: int, clinic_id: int) -> None:
    """Take the user out of one managed clinic; they must stay a member of another (else deactivate them)."""
    row = staff_get(managed=managed, user_id=user_id)
    _ensure_manageable(row, whole_account=False)
    if clinic_id not in row.clinic_ids:
        raise ApplicationError("invalid", "They do not work at that clinic.")
    if row.user.pk == by.pk:
        raise StaffRefused(OWN_ACCOUNT, "You cannot remove yourself from a clinic: ask another admin.")
    if not row.shared and len(row.clinic_ids) == 1:
        raise StaffRefused(LAST_CLINIC, "This is their only clinic: deactivate the account instead.")
    row.user.clinics.remove(clinic_id)
    _audit(row.user.pk, [clinic_id], audit.UPDATE, {"clinic_member": [True, False]}, by=by)


def password_set_recorded(*, user) -> None:
    """The person set their password from an emailed link: recorded on each of their clinics."""
    clinics = [c.pk for c in user.clinics.all()]
    _audit(user.pk, clinics, audit.UPDATE, {"password_set": [None, timezone.now().isoformat()]}, by=user)
