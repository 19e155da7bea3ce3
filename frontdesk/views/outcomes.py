"""The desk's outcome pages (clinicians and admins): the urgent-flag worklist and its acknowledgement, a course's
scores with its trend chart, review decision and printable summary, and entering a session's answers at check-in.
The front desk sees none of these: only "form done / missing" on the session panel (outcomes.desk)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.records import record_access
from bookings.models import InfusionSession, TreatmentCycle
from common.access import scope_to_user_clinics
from common.errors import ApplicationError
from frontdesk import selectors as desk_selectors
from frontdesk.access import INFUSION_ROLES, staff_page
from frontdesk.views.common import clinic_choice, no_clinic, render_in
from outcomes import desk, selectors, services
from outcomes.models import Decision, Source, UrgentFlag


def _cycle(request, pk: int):
    try:
        return desk_selectors.cycle_get(user=request.user, cycle_id=pk)
    except TreatmentCycle.DoesNotExist:
        raise Http404("No such course.") from None


def _session(request, pk: int) -> InfusionSession:
    session = (scope_to_user_clinics(InfusionSession.objects.select_related("cycle__protocol", "clinic", "patient"),
                                     request.user).filter(pk=pk).first())
    if session is None:
        raise Http404("No such session.")
    return session


@staff_page(INFUSION_ROLES)
def flag_list(request):
    clinics, clinic = clinic_choice(request)
    if clinic is None:
        return no_clinic(request)
    flags = list(selectors.flags_open(clinic=clinic).select_related("session__cycle")[:200])
    record_access(flags, request=request, patient_of=lambda f: f.patient_id, clinic_of=lambda f: f.clinic_id)
    return render_in(request, "frontdesk/outcomes/flags.html", {"clinics": clinics, "clinic": clinic, "flags": flags},
                     clinic=clinic)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label="Note (optional)")


@require_POST
@staff_page(INFUSION_ROLES)
def flag_acknowledge(request, pk: int):
    flag = scope_to_user_clinics(UrgentFlag.objects.all(), request.user).filter(pk=pk).first()
    if flag is None:
        raise Http404("No such flag.")
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.flag_acknowledge(flag=flag, by=request.user, note=note)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Acknowledged: the session may start.")
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                                 require_https=request.is_secure()):
        return redirect(back)
    return redirect(f"{reverse('frontdesk:outcomes-flags')}?clinic={flag.clinic_id}")


def _course_context(request, cycle) -> dict:
    return {"cycle": cycle, "patient": cycle.patient, "outcomes": desk.course_outcomes(request, cycle),
            "decisions": Decision.choices}


@staff_page(INFUSION_ROLES)
def course_outcomes(request, pk: int):
    cycle = _cycle(request, pk)
    return render_in(request, "frontdesk/outcomes/course.html", _course_context(request, cycle), clinic=cycle.clinic)


@staff_page(INFUSION_ROLES)
def course_summary(request, pk: int):
    cycle = _cycle(request, pk)
    return render_in(request, "frontdesk/outcomes/summary.html", _course_context(request, cycle), clinic=cycle.clinic)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=500, required=False)


@require_POST
@staff_page(INFUSION_ROLES)
def course_review(request, pk: int):
    cycle = _cycle(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision: continue, adjust or stop.")
    else:
        try:
            services.cycle_review_decide(cycle=cycle, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Decision recorded.")
    return redirect("frontdesk:outcomes-course", pk=cycle.pk)


@staff_page(INFUSION_ROLES)
def session_measures(request, pk: int):
    """The clinician enters the answers at check-in (or corrects them: a new version)."""
    session = _session(request, pk)
    codes = selectors.protocol_instrument_codes(session.cycle.protocol)
    instruments = list(selectors.instruments_current().filter(code__in=codes))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        instrument = next((i for i in instruments if i.code == request.POST.get("instrument")), None)
        if instrument is None:
            raise Http404("No such form for this session.")
        values = {str(o["value"]): int(o["value"]) for o in instrument.scale}
        answers = [values.get(request.POST.get(f"{instrument.code}-{n}", "")) for n in range(1, len(instrument.items) + 1)]
        if None in answers:
            errors = {f"{instrument.code}-{n}": "Choose an answer." for n, a in enumerate(answers, 1) if a is None}
            status = 400
        else:
            try:
                read = services.measure_record(session=session, instrument_code=instrument.code, answers=answers,
                                               source=Source.CLINICIAN, by=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                messages.success(request, f"{instrument.name}: {read.total} ({read.band_label}).")
                if read.flags:
                    messages.warning(request, "Urgent: an answer needs a clinician's attention before the session starts.")
                return redirect("frontdesk:outcomes-session", pk=session.pk)
    current = desk.session_outcomes(request, session)
    done = {r.measure.instrument_code: r.measure for r in current.reads}
    forms_ = [
        {"code": i.code, "name": i.name, "preamble": i.preamble, "current": done.get(i.code),
         "items": [{"name": f"{i.code}-{n}", "number": n, "text": text, "error": errors.get(f"{i.code}-{n}", ""),
                    "options": [{"value": o["value"], "label": o["label"],
                                 "checked": done.get(i.code) is not None and done[i.code].answers[n - 1] == o["value"]}
                                for o in i.scale]}
                   for n, text in enumerate(i.items, 1)]}
        for i in instruments
    ]
    context = {"session": session, "patient": session.patient, "forms": forms_, "outcomes": current}
    return render_in(request, "frontdesk/outcomes/session.html", context, clinic=session.clinic, status=status)
