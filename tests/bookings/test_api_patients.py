"""The patients API: register, edit, search and delete patients, scoped to the user's clinics and role."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bookings.models import Patient
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff

T0 = dt.datetime(2027, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight starting Monday 1 March 2027 in New York
URL = "/api/v1/patients/"


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(start_stagger_minutes=0)


def body(home, **changes):
    data = {
        "clinic": home.pk, "first_name": "Jane", "last_name": "Roe", "date_of_birth": "1985-05-17",
        "email": "jane@example.org", "phone": "+1 (555) 010-0100", "timezone": "America/Chicago",
        "email_consent": False,
    }
    data.update(changes)
    return data


# --- List and search -------------------------------------------------------------------------------


class TestList:
    def test_lists_only_the_users_clinics_by_name(self, clinic, other_clinic, desk):
        PatientFactory(clinic=clinic, first_name="Zoe", last_name="Adams")
        PatientFactory(clinic=clinic, first_name="Amy", last_name="Brown")
        PatientFactory(clinic=other_clinic, first_name="Hidden", last_name="Aaron")
        response = desk.get(URL)
        assert response.status_code == 200
        assert response.data["count"] == 2
        assert [p["last_name"] for p in response.data["results"]] == ["Adams", "Brown"]
        assert set(response.data["results"][0]) == {
            "id", "clinic", "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
            "email_consent", "email_consent_at", "email_consent_source",
        }

    def test_clinicians_read_patients(self, clinic, clinician):
        PatientFactory(clinic=clinic)
        assert clinician.get(URL).data["count"] == 1

    @pytest.mark.parametrize(
        "term, expected",
        [
            ("jane", {"Jane Roe"}),
            ("ROE", {"Jane Roe"}),
            ("jane roe", {"Jane Roe"}),
            ("jane smith", set()),
            ("jr@example", {"Jane Roe"}),
            ("555 0100", {"Jane Roe"}),
            ("5550100", {"Jane Roe"}),
            ("1985-05-17", {"Jane Roe"}),
            ("1990-01-02", {"John Smith"}),
            ("1985-02-30", set()),
            ("smith", {"John Smith"}),
        ],
    )
    def test_search(self, clinic, desk, term, expected):
        PatientFactory(clinic=clinic, first_name="Jane", last_name="Roe", email="jr@example.org",
                       phone="+1 (555) 0100", date_of_birth=dt.date(1985, 5, 17))
        PatientFactory(clinic=clinic, first_name="John", last_name="Smith", email="js@example.org",
                       phone="+1 555 0199", date_of_birth=dt.date(1990, 1, 2))
        response = desk.get(URL, {"search": term})
        assert response.status_code == 200
        assert {f"{p['first_name']} {p['last_name']}" for p in response.data["results"]} == expected

    def test_search_never_finds_another_clinics_patient(self, clinic, other_clinic, desk):
        PatientFactory(clinic=other_clinic, first_name="Jane")
        assert desk.get(URL, {"search": "jane"}).data["count"] == 0

    def test_filter_by_clinic(self, clinic, desk):
        second = ClinicFactory()
        second.staff.add(*clinic.staff.all())
        PatientFactory(clinic=clinic)
        PatientFactory(clinic=second)
        desk = client_for(clinic.staff.get())
        response = desk.get(URL, {"clinic": second.pk})
        assert [p["clinic"] for p in response.data["results"]] == [second.pk]

    def test_pagination(self, clinic, desk):
        for _ in range(3):
            PatientFactory(clinic=clinic)
        response = desk.get(URL, {"page_size": 2})
        assert response.data["count"] == 3 and len(response.data["results"]) == 2 and response.data["next"]
        assert_error(desk.get(URL, {"page": 9}), 404, "not_found")

    @pytest.mark.parametrize("params, field", [({"clinic": "abc"}, "clinic"), ({"search": "x" * 201}, "search")])
    def test_bad_filters(self, desk, params, field):
        assert_error(desk.get(URL, params), 400, "validation_error", field)

    def test_unauthenticated(self):
        assert_error(APIClient().get(URL), 401, "not_authenticated")

    def test_no_staff_role(self, clinic):
        assert_error(client_for(staff(None, clinic)).get(URL), 403, "permission_denied")

    def test_query_count_does_not_grow_with_the_page(self, clinic, django_assert_max_num_queries):
        user = staff("front_desk", clinic)
        Patient.objects.bulk_create(
            Patient(clinic=clinic, first_name=f"P{i}", last_name="Doe", date_of_birth=dt.date(1980, 1, 1)) for i in range(5)
        )
        with CaptureQueriesContext(connection) as few:
            assert len(client_for(user).get(URL).data["results"]) == 5
        Patient.objects.bulk_create(
            Patient(clinic=clinic, first_name=f"Q{i}", last_name="Doe", date_of_birth=dt.date(1980, 1, 1)) for i in range(60)
        )
        with django_assert_max_num_queries(len(few)) as many:
            response = client_for(user).get(URL, {"page_size": 50})
        assert len(response.data["results"]) == 50
        assert len(many) == len(few)


# --- Retrieve --------------------------------------------------------------------------------------


class TestRetrieve:
    def test_success(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        response = desk.get(f"{URL}{patient.pk}/")
        assert response.status_code == 200
        assert response.data["id"] == patient.pk and response.data["date_of_birth"] == "1985-05-17"

    def test_another_clinics_patient_is_not_found(self, other_clinic, desk):
        assert_error(desk.get(f"{URL}{PatientFactory(clinic=other_clinic).pk}/"), 404, "not_found")

    def test_unauthenticated(self, clinic):
        assert_error(APIClient().get(f"{URL}{PatientFactory(clinic=clinic).pk}/"), 401, "not_authenticated")

    def test_no_staff_role(self, clinic):
        user = staff(None, clinic)
        assert_error(client_for(user).get(f"{URL}{PatientFactory(clinic=clinic).pk}/"), 403, "permission_denied")


# --- Create ----------------------------------------------------------------------------------------


class TestCreate:
    def test_success(self, clinic, desk):
        response = desk.post(URL, body(clinic), format="json")
        assert response.status_code == 201, response.data
        patient = Patient.objects.get(pk=response.data["id"])
        assert (patient.clinic, patient.first_name, patient.timezone) == (clinic, "Jane", "America/Chicago")
        assert patient.email_consent is False and patient.email_consent_at is None
        assert response.data["email_consent_at"] is None

    def test_consent_is_recorded_with_time_and_source(self, clinic, desk):
        response = desk.post(URL, body(clinic, email_consent=True), format="json")
        assert response.status_code == 201
        patient = Patient.objects.get(pk=response.data["id"])
        assert patient.email_consent_at == T0 and patient.email_consent_source == "api"
        response = desk.post(URL, body(clinic, email_consent=True, email_consent_source="intake form"), format="json")
        assert response.data["email_consent_source"] == "intake form"

    def test_time_zone_defaults_to_the_clinics(self, clinic, desk):
        data = body(clinic)
        del data["timezone"]
        response = desk.post(URL, data, format="json")
        assert response.status_code == 201 and response.data["timezone"] == clinic.timezone

    def test_read_only_fields_are_ignored(self, clinic, desk):
        response = desk.post(URL, body(clinic, id=999, email_consent_at="2020-01-01T00:00:00Z"), format="json")
        assert response.status_code == 201
        assert response.data["id"] != 999 and response.data["email_consent_at"] is None

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"first_name": ""}, "first_name"),
            ({"last_name": None}, "last_name"),
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"email": "not-an-email"}, "email"),
            ({"date_of_birth": "2027-03-03"}, "date_of_birth"),
            ({"date_of_birth": "17/05/1985"}, "date_of_birth"),
            ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
            ({"phone": "call me maybe"}, "phone"),
            ({"phone": "+1 555 <script>"}, "phone"),
            ({"email": "", "email_consent": True}, "email"),
            ({"clinic": "one"}, "clinic"),
            ({"clinic": 99999999}, "clinic"),
            ({"first_name": "x" * 81}, "first_name"),
        ],
    )
    def test_bad_input(self, clinic, desk, changes, field):
        response = desk.post(URL, body(clinic, **changes), format="json")
        assert_error(response, 400, "validation_error", field)
        assert Patient.objects.count() == 0

    def test_another_clinic_is_refused_without_saying_it_exists(self, clinic, other_clinic, desk):
        theirs = desk.post(URL, body(other_clinic), format="json")
        missing = desk.post(URL, body(clinic, clinic=other_clinic.pk + 1000), format="json")
        assert_error(theirs, 400, "validation_error", "clinic")
        assert theirs.data["details"]["clinic"][0].replace(str(other_clinic.pk), "N") == (
            missing.data["details"]["clinic"][0].replace(str(other_clinic.pk + 1000), "N")
        )
        assert Patient.objects.count() == 0

    def test_clinicians_may_not_register_patients(self, clinic, clinician):
        assert_error(clinician.post(URL, body(clinic), format="json"), 403, "permission_denied")

    def test_admins_may(self, clinic):
        response = client_for(staff("admin", clinic)).post(URL, body(clinic), format="json")
        assert response.status_code == 201

    def test_unauthenticated(self, clinic):
        assert_error(APIClient().post(URL, body(clinic), format="json"), 401, "not_authenticated")


# --- Update ----------------------------------------------------------------------------------------


class TestUpdate:
    def test_patch_changes_only_what_is_sent(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, phone="555 0100")
        response = desk.patch(f"{URL}{patient.pk}/", {"phone": "555 0199"}, format="json")
        assert response.status_code == 200
        patient.refresh_from_db()
        assert patient.phone == "555 0199" and patient.first_name == response.data["first_name"]

    def test_put_replaces(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        response = desk.put(f"{URL}{patient.pk}/", body(clinic, first_name="Janet"), format="json")
        assert response.status_code == 200
        patient.refresh_from_db()
        assert patient.first_name == "Janet" and patient.timezone == "America/Chicago"

    def test_consent_given_then_withdrawn(self, clinic, desk, frozen):
        patient = PatientFactory(clinic=clinic)
        url = f"{URL}{patient.pk}/"
        response = desk.patch(url, {"email_consent": True, "email_consent_source": "phone call"}, format="json")
        assert response.data["email_consent"] is True
        assert response.data["email_consent_source"] == "phone call"
        given_at = Patient.objects.get(pk=patient.pk).email_consent_at
        assert given_at == T0
        frozen.shift(dt.timedelta(days=1))
        desk.patch(url, {"email_consent": True, "first_name": "Jo"}, format="json")  # still consenting: unchanged
        assert Patient.objects.get(pk=patient.pk).email_consent_at == given_at
        response = desk.patch(url, {"email_consent": False}, format="json")
        assert response.status_code == 200
        patient.refresh_from_db()
        assert (patient.email_consent, patient.email_consent_at, patient.email_consent_source) == (False, None, "")

    def test_clearing_the_email_of_a_consenting_patient_is_refused(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        desk.patch(f"{URL}{patient.pk}/", {"email_consent": True}, format="json")
        assert_error(desk.patch(f"{URL}{patient.pk}/", {"email": ""}, format="json"), 400, "validation_error", "email")

    def test_bad_input(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        response = desk.patch(f"{URL}{patient.pk}/", {"timezone": "Nowhere"}, format="json")
        assert_error(response, 400, "validation_error", "timezone")

    def test_moving_to_another_users_clinic_is_refused(self, clinic, other_clinic, desk):
        patient = PatientFactory(clinic=clinic)
        response = desk.patch(f"{URL}{patient.pk}/", {"clinic": other_clinic.pk}, format="json")
        assert_error(response, 400, "validation_error", "clinic")

    def test_another_clinics_patient_is_not_found(self, other_clinic, desk):
        patient = PatientFactory(clinic=other_clinic)
        assert_error(desk.patch(f"{URL}{patient.pk}/", {"first_name": "X"}, format="json"), 404, "not_found")
        patient.refresh_from_db()
        assert patient.first_name != "X"

    def test_clinicians_may_not_edit(self, clinic, clinician):
        patient = PatientFactory(clinic=clinic)
        assert_error(clinician.patch(f"{URL}{patient.pk}/", {"first_name": "X"}, format="json"), 403, "permission_denied")

    def test_unauthenticated(self, clinic):
        patient = PatientFactory(clinic=clinic)
        assert_error(APIClient().put(f"{URL}{patient.pk}/", body(clinic), format="json"), 401, "not_authenticated")


# --- Audit -----------------------------------------------------------------------------------------


def test_each_write_is_one_audit_entry_by_the_user(clinic):
    user = staff("front_desk", clinic)
    client = client_for(user)
    pk = client.post(URL, body(clinic), format="json").data["id"]
    client.patch(f"{URL}{pk}/", {"phone": "555 0199"}, format="json")
    client.patch(f"{URL}{pk}/", {"phone": "555 0199"}, format="json")  # no change: no entry
    entries = list(LogEntry.objects.filter(content_type__model="patient", object_id=pk).order_by("pk"))
    assert [(e.action, e.actor) for e in entries] == [(LogEntry.Action.CREATE, user), (LogEntry.Action.UPDATE, user)]
    assert entries[1].changes == {"phone": ["+1 (555) 010-0100", "555 0199"]}
    assert all(e.additional_data == {"patient": pk, "clinic": clinic.pk} for e in entries)


# --- Delete ----------------------------------------------------------------------------------------


class TestDelete:
    def test_a_patient_without_courses_is_deleted(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        response = desk.delete(f"{URL}{patient.pk}/")
        assert response.status_code == 204
        assert not Patient.objects.filter(pk=patient.pk).exists()

    def test_a_patient_with_a_course_is_kept(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        ChairFactory(clinic=clinic)
        NurseFactory(clinic=clinic)
        book_course(patient=patient, clinic=clinic, protocol="booster-iv", days=[(3, 2)])
        assert_error(desk.delete(f"{URL}{patient.pk}/"), 409, "in_use")
        assert Patient.objects.filter(pk=patient.pk).exists()

    def test_another_clinics_patient_is_not_found(self, other_clinic, desk):
        patient = PatientFactory(clinic=other_clinic)
        assert_error(desk.delete(f"{URL}{patient.pk}/"), 404, "not_found")
        assert Patient.objects.filter(pk=patient.pk).exists()

    def test_clinicians_may_not_delete(self, clinic, clinician):
        patient = PatientFactory(clinic=clinic)
        assert_error(clinician.delete(f"{URL}{patient.pk}/"), 403, "permission_denied")

    def test_unauthenticated(self, clinic):
        assert_error(APIClient().delete(f"{URL}{PatientFactory(clinic=clinic).pk}/"), 401, "not_authenticated")
