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
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import staff
from common.access import ADMIN
from common.errors import ApplicationError
from frontdesk.access import scoped, staff_page
from frontdesk.staff_forms import InviteForm, RolesForm, TimeOffForm, WeekForm
from frontdesk.views.common import no_clinic, render_in
from scheduler import services as scheduler_services
from scheduler.impact import impact_dry_run, impact_newly_stranded, staff_impact, time_off_impact
from scheduler.models import Clinic, Shift, StaffMember, StaffRole, TimeOff
from scheduler.planning.localtime import LocalTimeError, localize

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
    # Nurses only: providers supervise and are never scheduled, so they have no week to edit.
    nurses = StaffMember.objects.filter(clinic__in=names, role=StaffRole.NURSE).select_related("clinic").order_by(
        "clinic__name", "last_name", "first_name", "pk")
    context = {"rows": rows, "clinic_names": names, "me": request.user.pk, "nurses": nurses}
    return render_in(request, "frontdesk/staff.html", context)


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


# --- Nurses: the week grid and time off --------------------------------------------------------------------


def _nurse(request, pk: int) -> StaffMember:
    """A nurse of the admin's clinics (another clinic's, or a provider: 404)."""
    found = scoped(StaffMember.objects.filter(role=StaffRole.NURSE), request.user).select_related("clinic").filter(pk=pk).first()
    if found is None:
        raise Http404("No such nurse.")
    return found


def _locked_days(shifts) -> frozenset[int]:
    """Weekdays the grid leaves alone: more than one undated shift (a split shift) on the day."""
    counts: dict[int, int] = {}
    for s in shifts:
        if s.valid_from is None and s.valid_until is None:
            counts[s.weekday] = counts.get(s.weekday, 0) + 1
    return frozenset(day for day, n in counts.items() if n > 1)


@staff_page(ADMIN_ONLY)
def nurse_week(request, pk: int):
    nurse = _nurse(request, pk)
    shifts = list(Shift.objects.filter(staff=nurse).order_by("weekday", "starts"))
    locked = _locked_days(shifts)
    initial = {}
    for s in shifts:
        if s.valid_from is None and s.valid_until is None and s.weekday not in locked:
            initial[f"starts_{s.weekday}"], initial[f"ends_{s.weekday}"] = s.starts, s.ends
    form = WeekForm(request.POST if request.method == "POST" and "week" in request.POST else None, initial=initial, locked=locked)
    off_form = TimeOffForm(request.POST if request.method == "POST" and "time_off" in request.POST else None)
    week_stranded = None
    if form.is_bound and form.is_valid():
        try:
            if "confirm" not in request.POST:
                # Impact first: the booked sessions the new week strands (and nothing stranded already), unsaved.
                pattern = scheduler_services.staff_week_pattern(staff=nurse, week=form.week())
                impact = staff_impact(staff=nurse, shifts=pattern, active=nurse.is_active, nurse=True, now=timezone.now())
                week_stranded = impact_newly_stranded(impact)
            if not week_stranded:
                scheduler_services.staff_week_set(staff=nurse, week=form.week(), by=request.user)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            if not week_stranded:
                messages.success(request, f"{nurse.first_name} {nurse.last_name}'s week is saved.")
                count = len(getattr(nurse, "stranded_sessions", []))
                if count:
                    messages.warning(request, f"{count} booked session{'s' if count != 1 else ''} with this nurse "
                                     f"{'need' if count != 1 else 'needs'} moving: see Needs moving in the worklists.")
                return redirect("frontdesk:staff-nurse", pk=nurse.pk)
    stranded = None
    if off_form.is_bound and off_form.is_valid():
        try:
            starts, ends = (localize(wall, nurse.clinic.tz) for wall in off_form.span())
            draft = scheduler_services.time_off_check(staff=nurse, starts_at=starts, ends_at=ends,
                                                      reason=off_form.cleaned_data["reason"])
            if "confirm" not in request.POST:
                # Impact first: the booked sessions this time off strands, listed before anything is saved.
                impact = time_off_impact(old=None, new=draft)
                stranded = impact_dry_run(clinic=impact.clinic, scope=impact.scope, change=impact.change)
            if not stranded:
                row = scheduler_services.time_off_add(staff=nurse, starts_at=starts, ends_at=ends,
                                                      reason=draft.reason, by=request.user)
                messages.success(request, "The time off is saved: the planner gives this nurse no session then.")
                count = len(getattr(row, "stranded_sessions", []))
                if count:
                    messages.warning(request, f"{count} booked session{'s' if count != 1 else ''} with this nurse now "
                                     f"{'need' if count != 1 else 'needs'} moving: see Needs moving in the worklists.")
                return redirect("frontdesk:staff-nurse", pk=nurse.pk)
        except LocalTimeError as error:
            off_form.add_error(None, error.violation.message)
        except ApplicationError as error:
            off_form.add_error(None, error.message)
    context = {
        "nurse": nurse, "form": form, "off_form": off_form, "stranded": stranded, "week_stranded": week_stranded,
        "locked": [s for s in shifts if s.weekday in locked and s.valid_from is None and s.valid_until is None],
        "dated": [s for s in shifts if s.valid_from is not None or s.valid_until is not None],
        "time_off": TimeOff.objects.filter(staff=nurse, ends_at__gt=timezone.now()).order_by("starts_at"),
    }
    return render_in(request, "frontdesk/staff_nurse.html", context, clinic=nurse.clinic)


@require_POST
@staff_page(ADMIN_ONLY)
def nurse_time_off_remove(request, pk: int, time_off: int):
    nurse = _nurse(request, pk)
    try:
        scheduler_services.time_off_remove(staff=nurse, time_off_id=time_off, by=request.user)
    except TimeOff.DoesNotExist:
        raise Http404("No such time off.") from None
    messages.success(request, "The time off is removed.")
    return redirect("frontdesk:staff-nurse", pk=nurse.pk)
