"""The admin as a clinic admin uses it: every page answers, bookings are read-only, clinics stay apart."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import InfusionSession, Patient, SessionEvent, TreatmentCycle
from common.api import ADMIN
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, TimeOff
from tests.factories import ChairFactory, ClinicFactory, PatientFactory, UserFactory
from tests.helpers import signed_in, staff_user

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2025, 6, 4, 15, 30, tzinfo=NY)  # a Wednesday: the demo courses start Thursday 5 June
PASSWORD = "demo-pass-8472"

EDITABLE = [Clinic, OpeningHours, Closure, Chair, StaffMember, Shift, TimeOff, Protocol, Patient]
READ_ONLY = [TreatmentCycle, InfusionSession, SessionEvent]

# Each test loads the whole demo clinic (seconds): `make test`, not `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", PASSWORD, stdout=StringIO())
    return Clinic.objects.get(slug="demo")


@pytest.fixture
def admin_client(client, demo):
    """Signed in as the seeded `admin`: staff, group admin, not a superuser (and verified: admins need a second factor)."""
    assert client.login(username="admin", password=PASSWORD)
    return signed_in(client, get_user_model().objects.get(username="admin"))


@pytest.fixture
def other_clinic():
    clinic = ClinicFactory(name="Uptown Infusions", slug="uptown")
    ChairFactory(clinic=clinic, name="Uptown chair")
    PatientFactory(clinic=clinic, first_name="Zelda", last_name="Uptowner")
    return clinic


@pytest.fixture
def other_client(client, demo, other_clinic):
    """An admin of another clinic, with the same permissions as the demo's admin."""
    return signed_in(client, staff_user(ADMIN, other_clinic, username="uptown-admin", is_staff=True))


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def demo_object(model, clinic):
    """A row of `model` belonging to the demo clinic (a shared protocol for Protocol)."""
    if model is Protocol:
        return Protocol.objects.get(clinic=None, slug="depression-iv")
    lookup = admin.site.get_model_admin(model).clinic_lookup
    return model.objects.filter(**{lookup: clinic.pk}).order_by("pk").first()


def test_every_model_of_both_apps_is_registered():
    for label in ("scheduler", "bookings"):
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY, ids=lambda m: m.__name__)
def test_every_page_answers(admin_client, demo, model):
    obj = demo_object(model, demo)
    assert obj is not None

    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == (403 if model in READ_ONLY else 200)
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_the_user_admin_shows_a_clinic_admin_their_own_clinics_accounts(other_client, demo):
    response = other_client.get(url(get_user_model(), "changelist"))
    assert {u.username for u in response.context["cl"].result_list} == {"uptown-admin"}
    admin_user = get_user_model().objects.get(username="admin")
    assert other_client.get(url(get_user_model(), "change", admin_user.pk)).status_code in (302, 404)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_bookings_are_read_only(admin_client, demo, model):
    obj = demo_object(model, demo)
    before = model.objects.count()

    page = admin_client.get(url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "booking services" in page.content.decode()
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "add"), {}).status_code == 403
    assert admin_client.post(url(model, "change", obj.pk), {"status": "cancelled"}).status_code == 403
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    admin_client.post(url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.count() == before
    assert "booking services" in admin_client.get(url(model, "changelist")).content.decode()


def test_a_session_shows_its_events_and_times_in_clinic_time(admin_client, demo):
    session = InfusionSession.objects.filter(clinic=demo).order_by("starts_at").first()

    page = admin_client.get(url(InfusionSession, "change", session.pk)).content.decode()

    assert "booked" in page and "Session events" in page
    local = session.starts_at.astimezone(NY).strftime("%Y-%m-%d %H:%M EDT")
    assert local in page
    assert local in admin_client.get(url(InfusionSession, "changelist")).content.decode()


def test_the_clock_format_is_set_here_and_the_lists_read_it(admin_client, demo):
    assert 'name="clock_format"' in admin_client.get(url(Clinic, "change", demo.pk)).content.decode()
    demo.clock_format = "12h"
    demo.save(update_fields=["clock_format"])
    session = InfusionSession.objects.filter(clinic=demo).order_by("starts_at").first()
    local = session.starts_at.astimezone(NY)
    shown = f"{local:%Y-%m-%d} {local.hour % 12 or 12}:{local:%M} {local:%p} EDT"
    assert shown in admin_client.get(url(InfusionSession, "change", session.pk)).content.decode()


def test_another_clinic_does_not_see_the_demo(other_client, demo, other_clinic):
    patients = other_client.get(url(Patient, "changelist"))
    assert patients.status_code == 200
    assert [p.last_name for p in patients.context["cl"].result_list] == ["Uptowner"]
    assert "Demo Ketamine Clinic" not in patients.content.decode()

    demo_patient = Patient.objects.filter(clinic=demo).first()
    assert other_client.get(url(Patient, "change", demo_patient.pk)).status_code in (302, 404)
    assert other_client.post(url(Patient, "delete", demo_patient.pk), {"post": "yes"}).status_code in (302, 404)
    session = InfusionSession.objects.filter(clinic=demo).first()
    assert other_client.get(url(InfusionSession, "change", session.pk)).status_code in (302, 404)
    assert other_client.get(url(Clinic, "change", demo.pk)).status_code in (302, 404)
    assert Patient.objects.filter(pk=demo_patient.pk).exists()

    for model in EDITABLE + READ_ONLY:
        listed = other_client.get(url(model, "changelist")).context["cl"].result_list
        assert all(demo_object(model, demo) != row for row in listed if model is not Protocol), model


def test_form_choices_are_limited_to_the_users_clinics(other_client, demo, other_clinic):
    form = other_client.get(url(Chair, "add")).context["adminform"].form
    assert list(form.fields["clinic"].queryset) == [other_clinic]
    assert form.initial["clinic"] == other_clinic.pk

    nurse_form = other_client.get(url(StaffMember, "add")).context["adminform"].form
    assert list(nurse_form.fields["user"].queryset.values_list("username", flat=True)) == ["uptown-admin"]

    response = other_client.post(url(Chair, "add"), {"clinic": demo.pk, "name": "Sneaky", "is_active": "on"})
    assert response.status_code == 200 and "clinic" in response.context["adminform"].form.errors
    assert not Chair.objects.filter(name="Sneaky").exists()


def test_shared_protocols_are_visible_but_only_a_superuser_changes_them(admin_client, demo):
    shared = Protocol.objects.get(clinic=None, slug="depression-iv")

    listed = admin_client.get(url(Protocol, "changelist")).context["cl"].result_list
    assert shared in listed
    page = admin_client.get(url(Protocol, "change", shared.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url(Protocol, "change", shared.pk), {"name": "Mine now"}).status_code == 403
    assert admin_client.post(url(Protocol, "delete", shared.pk), {"post": "yes"}).status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Depression induction (IV)"

    form = admin_client.get(url(Protocol, "add")).context["adminform"].form
    assert form.fields["clinic"].required and list(form.fields["clinic"].queryset) == [demo]


def test_a_clinic_protocol_is_editable_by_its_clinic(admin_client, demo):
    response = admin_client.post(url(Protocol, "add"), {
        "clinic": demo.pk, "name": "Depression, slower", "slug": "depression-slow", "route": "iv", "is_active": "on",
        "session_count": 6, "chair_minutes": 120, "first_visit_extra_minutes": 30, "extra_monitoring_sessions": 3,
        "min_gap_hours": 40, "window_days": 28, "review_after_session": 3,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    own = Protocol.objects.get(slug="depression-slow")
    assert own.clinic == demo
    page = admin_client.get(url(Protocol, "change", own.pk))
    assert 'name="_save"' in page.content.decode()


def test_clinic_staff_accounts_are_not_editable_by_a_clinic_admin(admin_client, demo):
    form = admin_client.get(url(Clinic, "change", demo.pk)).context["adminform"].form
    assert "staff" not in form.fields


def test_patient_changelist_queries_do_not_grow_with_patients(admin_client, demo, django_assert_max_num_queries):
    changelist = url(Patient, "changelist")
    admin_client.get(changelist)  # the first request stores the clinic's time zone in the session
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(changelist).status_code == 200

    PatientFactory.create_batch(40, clinic=demo)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(changelist)
    assert len(response.context["cl"].result_list) == Patient.objects.filter(clinic=demo).count() == 60


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY, ids=lambda m: m.__name__)
def test_changelists_take_a_handful_of_queries(admin_client, demo, model, django_assert_max_num_queries):
    """The demo lists 20-40 rows of most models; one query per row anywhere would blow well past this."""
    admin_client.get(url(model, "changelist"))
    with django_assert_max_num_queries(14):
        admin_client.get(url(model, "changelist"))


def queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_inlines_do_not_query_per_row(admin_client, demo):
    six = TreatmentCycle.objects.get(clinic=demo, protocol__slug="depression-iv", patient__first_name="Maya")
    one = TreatmentCycle.objects.get(clinic=demo, protocol__slug="booster-iv")
    assert queries(admin_client, url(TreatmentCycle, "change", six.pk)) == queries(
        admin_client, url(TreatmentCycle, "change", one.pk)
    )

    full_time = StaffMember.objects.get(clinic=demo, last_name="Okafor")  # five shifts
    part_time = StaffMember.objects.get(clinic=demo, last_name="Shah")  # three shifts
    assert queries(admin_client, url(StaffMember, "change", full_time.pk)) == queries(
        admin_client, url(StaffMember, "change", part_time.pk)
    )

    session = InfusionSession.objects.filter(clinic=demo).first()
    before = queries(admin_client, url(InfusionSession, "change", session.pk))
    SessionEvent.objects.bulk_create(
        SessionEvent(session=session, kind="note", version=session.version, at=NOW) for _ in range(10)
    )
    assert queries(admin_client, url(InfusionSession, "change", session.pk)) == before


def consent_form(demo, **overrides):
    data = {
        "clinic": demo.pk, "first_name": "Rosa", "last_name": "Ibarra", "date_of_birth": "1979-03-14",
        "email": "rosa.ibarra@example.org", "phone": "+1 212 555 0199", "timezone": "America/New_York",
        "email_consent": "on", "email_consent_at_0": "", "email_consent_at_1": "", "email_consent_source": "intake form",
        "cycles-TOTAL_FORMS": "0", "cycles-INITIAL_FORMS": "0", "cycles-MIN_NUM_FORMS": "0", "cycles-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_consent_ticked_without_a_time_is_recorded_now(admin_client, demo):
    response = admin_client.post(url(Patient, "add"), consent_form(demo))

    assert response.status_code == 302
    patient = Patient.objects.get(last_name="Ibarra")
    assert patient.email_consent and patient.email_consent_at == NOW
    assert patient.email_consent_source == "intake form"


def test_consent_on_an_existing_patient(admin_client, demo):
    patient = Patient.objects.filter(clinic=demo, email_consent=False, cycles__isnull=True).first()
    data = consent_form(
        demo, first_name=patient.first_name, last_name=patient.last_name,
        date_of_birth=patient.date_of_birth.isoformat(), email=patient.email, email_consent_source="phone call",
    )

    response = admin_client.post(url(Patient, "change", patient.pk), data)

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.email_consent and patient.email_consent_at == NOW


def test_consent_needs_a_source_and_no_future_time(admin_client, demo):
    response = admin_client.post(url(Patient, "add"), consent_form(demo, email_consent_source=""))
    assert response.status_code == 200
    assert "email_consent_source" in response.context["adminform"].form.errors

    response = admin_client.post(
        url(Patient, "add"), consent_form(demo, email_consent_at_0="2031-01-01", email_consent_at_1="10:00")
    )
    assert response.status_code == 200
    assert "email_consent_at" in response.context["adminform"].form.errors
    assert not Patient.objects.filter(last_name="Ibarra").exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("frontdesk", {"patient_add": 200, "patient_change_saves": True, "chair_add": 403, "session_list": 200}),
        ("clinician", {"patient_add": 403, "patient_change_saves": False, "chair_add": 403, "session_list": 200}),
    ],
)
def test_the_other_demo_roles(client, demo, username, status):
    assert client.login(username=username, password=PASSWORD)
    patient = Patient.objects.filter(clinic=demo).first()

    assert client.get(url(Patient, "add")).status_code == status["patient_add"]
    page = client.get(url(Patient, "change", patient.pk))
    assert page.status_code == 200
    assert ('name="_save"' in page.content.decode()) is status["patient_change_saves"]
    assert client.get(url(Chair, "add")).status_code == status["chair_add"]
    assert client.get(url(InfusionSession, "changelist")).status_code == status["session_list"]
    assert client.get(url(get_user_model(), "changelist")).status_code == 403


def test_a_superuser_sees_every_clinic(client, demo, other_clinic):
    signed_in(client, UserFactory(username="root", is_staff=True, is_superuser=True))

    listed = client.get(url(Patient, "changelist")).context["cl"].result_list
    assert {p.clinic_id for p in listed} == {demo.pk, other_clinic.pk}
    for model in EDITABLE + READ_ONLY:
        assert client.get(url(model, "changelist")).status_code == 200, model
    shared = Protocol.objects.get(clinic=None, slug="depression-iv")
    assert 'name="_save"' in client.get(url(Protocol, "change", shared.pk)).content.decode()
    assert "staff" in client.get(url(Clinic, "change", demo.pk)).context["adminform"].form.fields
