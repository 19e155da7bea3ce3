"""What the staff pages show of outcomes, by role: the charts and scores for clinicians and admins (each read
audited), and for every role whether a session's form is done. The desk's views and template tags call these."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from audit.records import record_access
from bookings.models import CycleStatus, InfusionSession, TreatmentCycle
from common.access import INFUSION_ROLES, user_roles
from outcomes import chart, selectors
from outcomes.models import Measure, UrgentFlag


def sees_scores(user) -> bool:
    """Clinicians and admins see answers, scores and trends; the front desk does not."""
    return bool(user_roles(user) & INFUSION_ROLES)


def audit_measures(request, measures: list[Measure]) -> None:
    record_access(measures, request=request, patient_of=lambda m: m.patient_id, clinic_of=lambda m: m.clinic_id)


@dataclass
class CourseOutcomes:
    series: list[selectors.Series]
    charts: list[tuple[selectors.Series, SafeString]]
    response: bool  # the latest score of some instrument is a response
    remission: bool  # the latest score of some instrument is in remission
    suggestion: str = ""
    reviews: list = field(default_factory=list)


def course_outcomes(request, cycle: TreatmentCycle) -> CourseOutcomes:
    """A course's scores and charts, read for a clinician (recorded in the audit trail)."""
    return courses_outcomes(request, [cycle])[cycle.pk]


def courses_outcomes(request, cycles: list[TreatmentCycle]) -> dict[int, CourseOutcomes]:
    """course_outcomes of several courses (a patient's), by course id, in a fixed number of queries: the
    measures, their flags, the reviews and one audit insert, however many courses."""
    ids = [c.pk for c in cycles]
    measured = selectors.cycles_measures(cycle_ids=ids)
    reviews = selectors.cycles_reviews(cycle_ids=ids)
    audit_measures(request, [m for c in cycles for m in selectors.measures_of(measured.get(c.pk, []))])
    return {c.pk: _outcomes(c, measured.get(c.pk, []), reviews.get(c.pk, [])) for c in cycles}


def _outcomes(cycle: TreatmentCycle, series: list[selectors.Series], reviews: list) -> CourseOutcomes:
    latest = [s.reads[-1] for s in series if s.reads]
    response = any(r.response for r in latest)
    remission = any(r.remission for r in latest)
    if remission:
        suggestion = ("Remission reached: suggest booster sessions when the booster recall falls due."
                      if cycle.status != CycleStatus.CANCELLED else "")
    elif cycle.needs_review and latest and not response:
        suggestion = "No response so far: review the course (continue, adjust or stop)."
    else:
        suggestion = ""
    return CourseOutcomes(series=series, charts=[(s, chart.trend_svg(s)) for s in series], response=response,
                          remission=remission, suggestion=suggestion, reviews=reviews)


@dataclass
class SessionOutcomes:
    forms: list[selectors.FormStatus]
    open_flags: list[UrgentFlag]
    reads: list[selectors.MeasureRead]
    clinical: bool = False  # the viewer sees answers and scores (and may enter them)


def session_outcomes(request, session: InfusionSession) -> SessionOutcomes:
    """Forms done or missing (every role); open flags and the current scores only for clinicians and admins."""
    forms = selectors.session_forms(session=session)
    if not sees_scores(request.user):
        return SessionOutcomes(forms=forms, open_flags=[], reads=[])
    flags = list(UrgentFlag.objects.filter(session=session, acknowledged_at__isnull=True).order_by("pk"))
    reads = []
    for series in selectors.cycle_measures(cycle=session.cycle):
        reads += [r for r in series.reads if r.measure.session_id == session.pk]
    audit_measures(request, [r.measure for r in reads])
    record_access(flags, request=request, patient_of=lambda f: f.patient_id, clinic_of=lambda f: f.clinic_id)
    return SessionOutcomes(forms=forms, open_flags=flags, reads=reads, clinical=True)
