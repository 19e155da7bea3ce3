"""The safety checks page of a session (/sessions/<id>/checks/): the clinician enters vitals and attestations at
check-in, sees what is flagged and overrides with a reason; the recovery check before discharge. The front desk
sees only whether checks are pending or done, never a value. Writes go through safety.services; every read is in
the audit trail (the rows whose values are shown, else the session).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from audit.records import record_access
from bookings.models import InfusionSession, SessionStatus
from common.access import CLINICIAN
from common.errors import ApplicationError
from frontdesk.access import ALL_ROLES, INFUSION_ROLES, can, scoped, staff_page
from frontdesk.views.common import render_in
from safety import services
from safety.api.serializers import rows_shown
from safety.models import CheckKind, PregnancyAnswer
from safety.selectors import checks_status

_YES_NO = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]


class ChecksForm(forms.Form):
    systolic = forms.IntegerField(label="Blood pressure, systolic (mmHg)", required=False)
    diastolic = forms.IntegerField(label="Blood pressure, diastolic (mmHg)", required=False)
    heart_rate = forms.IntegerField(label="Heart rate (per minute)", required=False)
    oxygen_saturation = forms.IntegerField(label="Oxygen saturation (%)", required=False)
    weight_kg = forms.DecimalField(label="Weight (kg)", required=False, max_digits=4, decimal_places=1)
    pregnancy = forms.ChoiceField(label="Pregnancy attestation", required=False,
                                  choices=[("", "Not recorded"), *PregnancyAnswer.choices])
    fasting = forms.ChoiceField(label="Fasting confirmed", required=False, choices=_YES_NO)
    escort = forms.ChoiceField(label="Escort home confirmed", required=False, choices=_YES_NO)

    def vitals(self) -> services.Vitals:
        d = self.cleaned_data
        yes_no = {"yes": True, "no": False, "": None}
        return services.Vitals(
            systolic=d["systolic"], diastolic=d["diastolic"], heart_rate=d["heart_rate"],
            oxygen_saturation=d["oxygen_saturation"], weight_kg=d["weight_kg"], pregnancy=d["pregnancy"] or None,
            fasting=yes_no[d["fasting"]], escort=yes_no[d["escort"]],
        )


class OverrideForm(forms.Form):
    override_reason = forms.CharField(label="Reason for the override", max_length=500,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))


class RecoveryForm(forms.Form):
    systolic = forms.IntegerField(label="Blood pressure, systolic (mmHg)")
    diastolic = forms.IntegerField(label="Blood pressure, diastolic (mmHg)")
    alert_and_oriented = forms.BooleanField(label="Alert and oriented", required=False)
    escort_present = forms.BooleanField(label="Escort present", required=False)


STATE_LABELS = {"not_required": "No checks asked", "pending": "Checks pending", "flagged": "Checks flagged",
                "passed": "Checks passed", "overridden": "Overridden by a clinician"}


def _load(request, pk: int) -> InfusionSession:
    sessions = scoped(InfusionSession.objects.select_related("patient", "cycle__protocol", "clinic"), request.user)
    try:
        return sessions.get(pk=pk)
    except InfusionSession.DoesNotExist:
        raise Http404("No such session.") from None


def _page(request, session: InfusionSession, *, checks_form=None, override_form=None, recovery_form=None,
          error: str = "", status: int = 200):
    state = checks_status(session=session)
    values = can(request.user, INFUSION_ROLES)
    shown = rows_shown(state) if values else []
    record_access(shown or [session], request=request, patient_of=lambda r: r.patient_id, clinic_of=lambda r: r.clinic_id)
    desk_state = "pending" if state.state == "flagged" else state.state
    desk_recovery = "pending" if state.recovery_state == "flagged" else state.recovery_state
    context = {
        "session": session, "values": values, "state": state,
        "state_label": STATE_LABELS[state.state if values else desk_state],
        "recovery_label": STATE_LABELS[state.recovery_state if values else desk_recovery],
        "labels": dict(CheckKind.choices),
        "can_record": values and session.status == SessionStatus.CHECKED_IN,
        "can_recover": values and session.status == SessionStatus.IN_CHAIR,
        "can_override": can(request.user, {CLINICIAN}),
        "checks_form": checks_form or ChecksForm(), "override_form": override_form or OverrideForm(),
        "recovery_form": recovery_form or RecoveryForm(), "error": error,
    }
    return render_in(request, "frontdesk/safety_checks.html", context, clinic=session.clinic, status=status)


@staff_page(ALL_ROLES)
def session_checks(request, pk: int):
    session = _load(request, pk)
    if request.method != "POST":
        return _page(request, session)
    if not can(request.user, INFUSION_ROLES):
        return _page(request, session, error="Only clinicians and admins record safety checks.", status=403)
    override = "override_reason" in request.POST
    form = OverrideForm(request.POST) if override else ChecksForm(request.POST)
    if not form.is_valid():
        kwargs: dict[str, Any] = {"override_form" if override else "checks_form": form}
        return _page(request, session, status=400, **kwargs)
    try:
        if isinstance(form, OverrideForm):
            services.checks_record(session=session, by=request.user, vitals=services.Vitals(),
                                   override_reason=form.cleaned_data["override_reason"])
        else:
            services.checks_record(session=session, by=request.user, vitals=form.vitals())
    except ApplicationError as exc:
        kwargs = {"override_form" if override else "checks_form": form}
        return _page(request, session, error=exc.message, status=exc.status, **kwargs)
    messages.success(request, "Override recorded." if override else "Checks recorded.")
    return redirect("frontdesk:session-checks", pk=pk)


@require_POST
@staff_page(INFUSION_ROLES)
def session_recovery_check(request, pk: int):
    session = _load(request, pk)
    override = "override_reason" in request.POST
    form = OverrideForm(request.POST) if override else RecoveryForm(request.POST)
    if not form.is_valid():
        kwargs: dict[str, Any] = {"override_form" if override else "recovery_form": form}
        return _page(request, session, status=400, **kwargs)
    try:
        if isinstance(form, OverrideForm):
            services.recovery_record(session=session, by=request.user,
                                     override_reason=form.cleaned_data["override_reason"])
        else:
            services.recovery_record(session=session, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _page(request, session, error=exc.message, status=exc.status)
    messages.success(request, "Override recorded." if override else "Recovery check recorded.")
    return redirect("frontdesk:session-checks", pk=pk)
