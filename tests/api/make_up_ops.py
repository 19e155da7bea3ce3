"""The make-up operations' objects for the schema walk: a short course in a site, and the body adding a make-up."""

from __future__ import annotations

from bookings import services
from bookings.models import InfusionSession, SessionStatus, TreatmentCycle
from tests.api.world import Site
from tests.factories import PatientFactory, book_course

#: A depression course from Wednesday 3 March (after the walk's Monday noon), 14:00; session 3 is cancelled.
SHORT_DAYS = [(3, 3), (3, 5), (3, 8), (3, 10), (3, 12), (3, 15)]


def short_course(site: Site) -> TreatmentCycle:
    cycle = book_course(patient=PatientFactory(clinic=site.clinic), clinic=site.clinic, days=SHORT_DAYS, hour=14).cycle
    services.session_cancel(session=cycle.sessions.get(sequence=3), by_party="patient", reason="Away")
    return cycle


def missed(cycle: TreatmentCycle) -> InfusionSession:
    return cycle.sessions.get(status=SessionStatus.CANCELLED)


def make_up_body(site: Site, cycle: TreatmentCycle) -> dict:
    return {"starts_at": "2027-03-17T14:00", "replaces": missed(cycle).pk}


def made_up(site: Site, cycle: TreatmentCycle, response) -> None:
    body = response.json()
    assert (body["sequence"], body["made_up_for"]) == (6, missed(cycle).pk), body
    assert InfusionSession.objects.filter(pk=body["id"], clinic=site.clinic).exists()


def make_up_options(site: Site, cycle: TreatmentCycle, response) -> None:
    assert response.json() and all(o["sequence"] >= 3 for o in response.json()), response.json()


def short_course_of(site: Site) -> TreatmentCycle:
    """The site's short course, made the first time a test asks (the test's transaction keeps it)."""
    found = TreatmentCycle.objects.filter(
        clinic=site.clinic, status__in=["planned", "active"], sessions__status=SessionStatus.CANCELLED
    ).first()
    return found or short_course(site)
