"""A clinic admin's staff pages: the staff of their clinics, inviting, roles, deactivating, password links.

The rules (who may be changed, shared accounts, one's own account) are in accounts.staff; these views scope
every lookup to the admin's clinics (another clinic's user is a 404) and show refusals as messages. The
set-password page an invite or reset links to is Django's PasswordResetConfirmView with our template.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from accounts import staff
from common.access import ADMIN
from common.errors import ApplicationError
from frontdesk.access import scoped, staff_page
from frontdesk.staff_forms import InviteForm, RolesForm
from frontdesk.views.common import no_clinic, render_in
from scheduler.models import Clinic

ADMIN_ONLY = frozenset({ADMIN})


def _clinics(request) -> list[Clinic]:
    """The clinics this admin manages: their own (a superuser: every clinic). One query."""
    return list(scoped(Clinic.objects.all(), request.user, field="pk").order_by("name", "pk"))


def _row(request, managed: list[int], pk: int) -> staff.StaffRow:
    try:
        return staff.staff_get(managed=managed, user_id=pk)
    except get_user_model().DoesNotExist:
        raise Http404("No such staff member.") from None


@staff_page(ADMIN_ONLY)
def staff_list(request):
    clinics = _clinics(request)
    if not clinics:
        return no_clinic(request)
    names = {c.pk: c.name for c in clinics}
    rows = staff.staff_list(managed=list(names))
    return render_in(request, "frontdesk/staff.html", {"rows": rows, "clinic_names": names, "me": request.user.pk})


@staff_page(ADMIN_ONLY)
def staff_invite(request):
    clinics = _clinics(request)
    if not clinics:
        return no_clinic(request)
    managed = [c.pk for c in clinics]
    form = InviteForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff.staff_invite(
                by=request.user, managed=managed, username=data["username"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], role=data["role"], clinic_ids=data["clinics"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            name = f"{user.first_name} {user.last_name}"
            try:
                staff.staff_password_link_send(by=request.user, managed=managed, user=user, purpose=staff.INVITE)
            except ApplicationError as error:
                messages.warning(request, f"{name}'s account is made, but {error.message} Use “Send a new link” below.")
            else:
                messages.success(request, f"{name} is invited: a link to set a password went to {user.email}.")
            return redirect("frontdesk:staff-member", pk=user.pk)
    return render_in(request, "frontdesk/staff_invite.html", {"form": form})


@staff_page(ADMIN_ONLY)
def staff_member(request, pk: int):
    clinics = _clinics(request)
    names = {c.pk: c.name for c in clinics}
    row = _row(request, list(names), pk)
    form = RolesForm(initial={"roles": list(row.roles)})
    context = {"row": row, "member": row.user, "form": form, "clinic_names": names, "me": request.user.pk}
    return render_in(request, "frontdesk/staff_member.html", context)


def _act(request, pk: int, action, done: str):
    """Run one change on a managed user; its refusal is shown on the member's page."""
    managed = [c.pk for c in _clinics(request)]
    _row(request, managed, pk)  # 404 before anything is read from the form
    try:
        action(managed)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("frontdesk:staff-member", pk=pk)


@require_POST
@staff_page(ADMIN_ONLY)
def staff_roles(request, pk: int):
    form = RolesForm(request.POST)
    if not form.is_valid():
        managed = [c.pk for c in _clinics(request)]
        _row(request, managed, pk)
        messages.error(request, "Choose at least one role.")
        return redirect("frontdesk:staff-member", pk=pk)
    roles = form.cleaned_data["roles"]
    return _act(request, pk, lambda m: staff.staff_roles_set(by=request.user, managed=m, user_id=pk, roles=roles),
                "The roles are saved.")


@require_POST
@staff_page(ADMIN_ONLY)
def staff_active(request, pk: int):
    active = request.POST.get("active") == "1"
    done = "The account is active again." if active else "The account is deactivated: its sign-ins have ended."
    return _act(request, pk, lambda m: staff.staff_active_set(by=request.user, managed=m, user_id=pk, active=active), done)


@require_POST
@staff_page(ADMIN_ONLY)
def staff_password(request, pk: int):
    return _act(request, pk, lambda m: staff.staff_password_reset(by=request.user, managed=m, user_id=pk),
                "A link to set a new password is on its way to their email.")


@require_POST
@staff_page(ADMIN_ONLY)
def staff_remove(request, pk: int):
    try:
        clinic_id = int(request.POST.get("clinic", ""))
    except ValueError:
        clinic_id = -1
    result = _act(request, pk, lambda m: staff.staff_clinic_remove(by=request.user, managed=m, user_id=pk, clinic_id=clinic_id),
                  "They no longer work at that clinic.")
    managed = [c.pk for c in _clinics(request)]
    try:
        staff.staff_get(managed=managed, user_id=pk)
    except get_user_model().DoesNotExist:
        return redirect("frontdesk:staff")  # no longer one of ours: back to the list
    return result


class WelcomeView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link (an invite or a reset); then sign in (admins: two-factor set-up next)."""

    template_name = "frontdesk/staff_welcome.html"
    success_url = reverse_lazy("frontdesk:login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None  # a deactivated account's link is dead

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        staff.password_set_recorded(user=user)
        text = f"Your password is set. Sign in as {user.get_username()}."
        if user.groups.filter(name=ADMIN).exists() or user.is_superuser:
            text += " As an admin you then set up two-factor sign-in with an authenticator app."
        messages.success(self.request, text)
        response["Location"] = reverse("frontdesk:login")
        return response


staff_welcome = WelcomeView.as_view()
