"""The admin of the clinical apps (safety checks, outcome measures): scoped to the user's clinics like every admin
of the project, records read-only and without their values, a shared protocol's settings the superuser's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from common.api import ADMIN
from outcomes import services as outcomes
from outcomes.models import Measure, ProtocolInstrument
from safety.models import CheckEntry, ProtocolChecks
from tests.factories import ClinicFactory, PatientFactory, book_course, shared_protocol
from tests.helpers import signed_in, staff_user
from tests.safety.helpers import checks_pass

T0 = "2027-03-01 05:00Z"

pytestmark = pytest.mark.frozen(T0)


def admin_of(clinic, username: str) -> Client:
    user = staff_user(ADMIN, clinic, username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["safety", "outcomes"]))
    return signed_in(Client(), user)


@pytest.fixture
def recorded(clinic, chairs, nurse, patient, frozen):
    """A clinic's session with its checks recorded (blood pressure 122/78) and a PHQ-9 answered (total 14)."""
    from bookings import services as booking

    session = book_course(patient=patient, clinic=clinic).cycle.sessions.get(sequence=1)
    frozen.move_to(session.starts_at)
    checks_pass(booking.session_check_in(session=session))
    outcomes.measure_record(session=session, instrument_code="phq9", answers=[2, 2, 2, 2, 2, 2, 1, 1, 0])
    return session


def test_another_clinics_admin_sees_none_of_its_records(recorded, clinic):
    other = ClinicFactory(name="Uptown", slug="uptown")
    PatientFactory(clinic=other)
    uptown = admin_of(other, "uptown-admin")
    entry, measure = CheckEntry.objects.filter(session=recorded).first(), Measure.objects.get(session=recorded)
    for model, obj in ((CheckEntry, entry), (Measure, measure)):
        meta = model._meta
        listing = uptown.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200 and f"/{obj.pk}/change/" not in listing.content.decode()
        page = uptown.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert page.status_code == 302  # "does not exist": back to the admin's index, as for any row out of scope


def test_the_clinics_own_admin_reads_records_without_their_values(recorded, clinic):
    own = admin_of(clinic, "own-admin")
    entry = CheckEntry.objects.get(session=recorded, kind="blood_pressure")
    page = own.get(reverse("admin:safety_checkentry_change", args=[entry.pk])).content.decode()
    assert "Blood pressure" in page and "field-flagged" in page
    assert not any(f"field-{name}" in page for name in ("systolic", "diastolic", "value", "confirmed", "answer"))
    measure = Measure.objects.get(session=recorded)
    page = own.get(reverse("admin:outcomes_measure_change", args=[measure.pk])).content.decode()
    assert "phq9" in page and "field-version" in page
    assert not any(f"field-{name}" in page for name in ("answers", "total", "band"))
    assert own.post(reverse("admin:safety_checkentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_a_shared_protocols_checks_and_instruments_are_the_superusers(clinic):
    shared = shared_protocol("depression-iv")
    checks = ProtocolChecks.objects.create(protocol=shared)
    instrument = ProtocolInstrument.objects.create(protocol=shared, instrument_code="gad7")
    own = admin_of(clinic, "own-admin")
    for name, obj in (("safety_protocolchecks", checks), ("outcomes_protocolinstrument", instrument)):
        response = own.post(reverse(f"admin:{name}_change", args=[obj.pk]), {})
        assert response.status_code == 403, name


def test_every_model_of_the_clinical_apps_is_registered():
    from django.apps import apps
    from django.contrib import admin

    for label in ("safety", "outcomes"):
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), model
