"""Template tags that put outcomes on the desk's existing pages (the session panel, the patient page, the day
board) with one line each: `{% load outcomes_desk %}{% session_outcomes session as o %}`."""

from __future__ import annotations

from django import template

from bookings.models import TreatmentCycle
from outcomes import desk, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def session_outcomes(context, session):
    return desk.session_outcomes(context["request"], session)


@register.simple_tag(takes_context=True)
def course_outcomes(context, cycle):
    """Scores and charts for clinicians and admins (audited); None for the front desk."""
    request = context["request"]
    if not desk.sees_scores(request.user):
        return None
    # A page lists a patient's courses: all of them are read at the first, so the page's queries do not grow
    # with the number of courses (the patient's courses are read once; the request keeps them).
    read: dict[int, dict] = request.__dict__.setdefault("_course_outcomes", {})
    if cycle.pk not in read.get(cycle.patient_id, {}):
        cycles = list(TreatmentCycle.objects.filter(patient_id=cycle.patient_id, clinic_id=cycle.clinic_id))
        read[cycle.patient_id] = desk.courses_outcomes(request, cycles)
    return read[cycle.patient_id].get(cycle.pk)


@register.simple_tag(takes_context=True)
def open_flag_count(context, clinic) -> int:
    """Urgent flags awaiting a clinician at the clinic: for clinicians and admins, 0 for the front desk."""
    if not desk.sees_scores(context["request"].user):
        return 0
    return selectors.flags_open(clinic=clinic).count()
