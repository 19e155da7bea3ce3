"""Patient care in the desk (issue 13): editing a patient, the duplicate warning, search by phone and date formats,
today's patients, and forms whose aria-describedby ids exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Patient
from bookings.selectors import phone_key
from bookings.selectors.patients import search_date
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from frontdesk.forms import time_zone_suggestion
from tests.factories import PatientFactory
from tests.frontdesk.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

TODAY_COURSE = [dt.datetime(2027, 3, 1, 14, 0), dt.datetime(2027, 3, 3, 9, 0), dt.datetime(2027, 3, 5, 9, 0)]
LATER_COURSE = [dt.datetime(2027, 3, 2, 9, 0), dt.datetime(2027, 3, 4, 9, 0), dt.datetime(2027, 3, 8, 9, 0)]


def edit_data(patient, **changes) -> dict:
    data = {
        "first_name": patient.first_name, "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(), "email": patient.email, "phone": patient.phone,
        "timezone": patient.timezone, "email_consent": "on" if patient.email_consent else "",
        "email_consent_source": patient.email_consent_source,
    }
    return {**data, **changes}


def new_data(clinic, **changes) -> dict:
    data = {
        "clinic": clinic.pk, "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-02-03",
        "email": "ann@example.org", "phone": "", "timezone": "America/New_York",
    }
    return {**data, **changes}


def described_ids_exist(html: str) -> None:
    """Every id an aria-describedby names is on the page."""
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    for value in re.findall(r'aria-describedby="([^"]*)"', html):
        assert value.split(), "an empty aria-describedby"
        for name in value.split():
            assert name in ids, f"aria-describedby names {name!r}, which is not on the page"


# --- Pure rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("phone", "key"), [
    ("(212) 555-0105", "2125550105"), ("212-555-0105", "2125550105"), ("+1 212 555 0105", "2125550105"),
    ("1-212-555-0105", "2125550105"), ("2125550105", "2125550105"), ("+44 20 7946 0958", "442079460958"),
    ("555 0199", "5550199"), ("", ""), ("\u0661\u0662\u0663", ""),
])
def test_a_phone_key_is_its_digits_without_the_north_american_country_code(phone, key):
    assert phone_key(phone) == key


@pytest.mark.parametrize(("word", "day"), [
    ("1986-09-17", dt.date(1986, 9, 17)), ("09/17/1986", dt.date(1986, 9, 17)), ("9/7/1986", dt.date(1986, 9, 7)),
    ("17/09/1986", None), ("1986-02-30", None), ("17.09.1986", None), ("abc", None),
])
def test_search_dates_are_iso_or_us(word, day):
    assert search_date(word) == day


@pytest.mark.parametrize(("typed", "meant"), [
    ("Eastern", "America/New_York"), ("US/Pacific", "America/Los_Angeles"), ("  central ", "America/Chicago"),
    ("new york", "America/New_York"), ("europe/lisbon", "Europe/Lisbon"), ("Lisbon", "Europe/Lisbon"),
    ("Mars/Olympus", None), ("", None),
])
def test_time_zone_suggestions(typed, meant):
    assert time_zone_suggestion(typed) == meant


# --- Editing a patient -------------------------------------------------------------------------------


class TestEdit:
    @pytest.mark.parametrize("role", [FRONT_DESK, ADMIN])
    def test_desk_and_admin_change_contact_details_and_time_zone(self, as_user, home, role):
        client = as_user(home.users[role])
        page = client.get(f"/patients/{home.patient.pk}/edit/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'list="time-zones"' in html and '<option value="America/New_York">' in html
        assert re.search(r'<input[^>]*name="first_name"[^>]*autofocus', html)
        response = client.post(f"/patients/{home.patient.pk}/edit/", edit_data(
            home.patient, phone="(212) 555-0105", timezone="America/Chicago", email="jane.roe@example.org",
        ))
        assert response.status_code == 302 and response["Location"] == f"/patients/{home.patient.pk}/"
        patient = Patient.objects.get(pk=home.patient.pk)
        assert (patient.phone, patient.timezone, patient.email) == ("(212) 555-0105", "America/Chicago", "jane.roe@example.org")
        # Consent given earlier keeps its time and source.
        assert patient.email_consent_at == NOW and patient.email_consent_source == "intake form"
        entry = LogEntry.objects.filter(content_type__model="patient", object_id=patient.pk).latest("pk")
        assert entry.actor == home.users[role] and set(entry.changes_dict) == {"phone", "timezone", "email"}

    def test_withdrawing_consent_clears_its_time(self, as_user, home):
        as_user(home.users[FRONT_DESK]).post(f"/patients/{home.patient.pk}/edit/", edit_data(home.patient, email_consent=""))
        patient = Patient.objects.get(pk=home.patient.pk)
        assert not patient.email_consent and patient.email_consent_at is None

    def test_the_patient_page_links_to_the_edit_for_the_desk_only(self, as_user, home):
        edit = f'href="/patients/{home.patient.pk}/edit/"'.encode()
        assert edit in as_user(home.users[FRONT_DESK]).get(f"/patients/{home.patient.pk}/").content
        assert edit not in as_user(home.users[CLINICIAN]).get(f"/patients/{home.patient.pk}/").content

    @pytest.mark.parametrize("role", [CLINICIAN, None])
    def test_a_clinician_reads_but_does_not_edit(self, as_user, home, role):
        client = as_user(home.users[role])
        assert client.get(f"/patients/{home.patient.pk}/edit/").status_code == 403
        assert client.post(f"/patients/{home.patient.pk}/edit/", edit_data(home.patient, phone="999")).status_code == 403
        assert Patient.objects.get(pk=home.patient.pk).phone == "+1 555 0199"

    def test_another_clinics_patient_is_not_found(self, as_user, home, away):
        client = as_user(home.users[ADMIN])
        assert client.get(f"/patients/{away.patient.pk}/edit/").status_code == 404
        assert client.post(f"/patients/{away.patient.pk}/edit/", edit_data(away.patient, phone="212 555 0100")).status_code == 404
        assert Patient.objects.get(pk=away.patient.pk).phone == "+1 555 0199"

    def test_eastern_is_refused_with_the_zone_it_means(self, as_user, home):
        response = as_user(home.users[FRONT_DESK]).post(
            f"/patients/{home.patient.pk}/edit/", edit_data(home.patient, timezone="Eastern")
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "timezone": ["'Eastern' is not an IANA time zone name: did you mean America/New_York?"]
        }
        html = response.content.decode()
        assert "Nothing was saved" in html
        assert re.search(r'<input[^>]*name="timezone"[^>]*autofocus', html)  # focus on the field to correct
        described_ids_exist(html)
        assert Patient.objects.get(pk=home.patient.pk).timezone == home.patient.timezone

    @pytest.mark.parametrize("changes", [
        {"first_name": "a\x00b"}, {"last_name": "x" * (1 << 20)}, {"phone": "\u202e555\u200b"},
        {"timezone": "../../etc/localtime"}, {"date_of_birth": "0001-01-01"}, {"date_of_birth": "10000-01-01"},
        {"email": "<script>@x"}, {"different_person": "\x00,-1,99999999999999999999999,abc"},
        {"first_name": "  "}, {"email_consent": "on", "email": ""},
    ])
    def test_hostile_input_is_a_form_error_or_harmless(self, as_user, home, changes):
        response = as_user(home.users[FRONT_DESK]).post(f"/patients/{home.patient.pk}/edit/", edit_data(home.patient, **changes))
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert response.context["form"].errors
            assert b"<script>@x" not in response.content
        assert Patient.objects.get(pk=home.patient.pk).first_name == "Jane"


# --- Duplicates ----------------------------------------------------------------------------------------


class TestDuplicates:
    @pytest.mark.parametrize("changes", [
        {"first_name": " jane ", "last_name": "ROE", "date_of_birth": "1985-05-17"},
        {"email": "JANE@example.org"},
    ])
    def test_registering_the_same_person_warns_and_needs_an_explicit_choice(self, as_user, home, changes):
        client = as_user(home.users[FRONT_DESK])
        data = new_data(home.clinic, **changes)
        response = client.post("/patients/new/", data)
        html = response.content.decode()
        assert response.status_code == 200 and "Already registered?" in html
        assert f'href="/patients/{home.patient.pk}/"' in html and "Roe, Jane" in html and "1985-05-17" in html
        assert f'name="different_person" value="{home.patient.pk}"' in html
        described_ids_exist(html)
        assert Patient.objects.filter(clinic=home.clinic).count() == 1
        # Pressing Register again (without the choice) warns again.
        assert "Already registered?" in client.post("/patients/new/", data).content.decode()
        created = client.post("/patients/new/", {**data, "different_person": str(home.patient.pk)})
        assert created.status_code == 302
        assert Patient.objects.filter(clinic=home.clinic).count() == 2

    @pytest.mark.parametrize("typed", ["212.555.0105", "+1 (212) 555-0105", "2125550105", "1-212-555-0105"])
    def test_the_same_phone_however_written(self, as_user, home, typed):
        other = PatientFactory(clinic=home.clinic, first_name="Omar", last_name="Haddad", phone="(212) 555-0105")
        response = as_user(home.users[FRONT_DESK]).post("/patients/new/", new_data(home.clinic, phone=typed))
        assert response.status_code == 200
        (duplicate,) = response.context["duplicates"]
        assert duplicate.patient == other and duplicate.reasons == ("phone",)

    def test_a_choice_covers_only_the_matches_shown(self, as_user, home):
        other = PatientFactory(clinic=home.clinic, first_name="Omar", last_name="Haddad", email="omar@example.org")
        data = new_data(home.clinic, email="omar@example.org", first_name="Jane", last_name="Roe", date_of_birth="1985-05-17")
        response = as_user(home.users[FRONT_DESK]).post("/patients/new/", {**data, "different_person": str(other.pk)})
        assert response.status_code == 200
        assert {d.patient for d in response.context["duplicates"]} == {home.patient, other}

    def test_no_warning_for_another_clinics_patient(self, as_user, home, away):
        PatientFactory(clinic=away.clinic, first_name="Ann", last_name="Lee", date_of_birth=dt.date(1990, 2, 3))
        assert as_user(home.users[FRONT_DESK]).post("/patients/new/", new_data(home.clinic)).status_code == 302

    def test_editing_into_a_duplicate_warns_but_a_patient_is_not_their_own_duplicate(self, as_user, home):
        other = PatientFactory(clinic=home.clinic, first_name="Omar", last_name="Haddad", email="omar@example.org")
        client = as_user(home.users[FRONT_DESK])
        url = f"/patients/{home.patient.pk}/edit/"
        assert client.post(url, edit_data(home.patient, phone="+1 555 0198")).status_code == 302
        warned = client.post(url, edit_data(home.patient, email="Omar@Example.org"))
        assert warned.status_code == 200 and [d.patient for d in warned.context["duplicates"]] == [other]
        assert Patient.objects.get(pk=home.patient.pk).email == "jane@example.org"
        assert client.post(url, {**edit_data(home.patient, email="Omar@Example.org"), "different_person": str(other.pk)}).status_code == 302

    def test_the_api_still_registers_without_a_warning(self, home):
        from rest_framework.test import APIClient

        from tests.helpers import api_token_for

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(home.users[FRONT_DESK])}")
        response = client.post("/api/v1/patients/", {
            "clinic": home.clinic.pk, "first_name": "Jane", "last_name": "Roe", "date_of_birth": "1985-05-17",
        }, format="json")
        assert response.status_code == 201


# --- Search and today's patients --------------------------------------------------------------------------


class TestSearch:
    TERMS = ["09/17/1986", "9/17/1986", "1986-09-17", "(212) 555-0105", "212-555-0105", "2125550105",
             "+1 212 555 0105", "haddad 1986-09-17", "Omar (212) 555-0105", "555-0105 09/17/1986"]

    @pytest.mark.parametrize("term", TERMS)
    def test_phone_and_date_formats(self, as_user, home, away, term):
        PatientFactory(clinic=home.clinic, first_name="Omar", last_name="Haddad", phone="+1 (212) 555-0105",
                       date_of_birth=dt.date(1986, 9, 17))
        PatientFactory(clinic=away.clinic, first_name="Omar", last_name="Haddad", phone="+1 (212) 555-0105",
                       date_of_birth=dt.date(1986, 9, 17))
        response = as_user(home.users[CLINICIAN]).get("/patients/", {"q": term}, HTTP_HX_REQUEST="true",
                                                       HTTP_HX_TARGET="patient-results")
        assert response.content.count(b"Haddad, Omar") == 1, term

    def test_the_number_of_queries_does_not_depend_on_the_term(self, as_user, home):
        client = as_user(home.users[CLINICIAN])
        counts = set()
        for term in [*self.TERMS, "jane", "a b c d e f"]:
            with CaptureQueriesContext(connection) as queries:
                client.get("/patients/", {"q": term}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="patient-results")
            counts.add(len(queries))
        assert len(counts) <= 2  # with and without an audit entry for what was found

    def test_todays_patients_before_anything_is_typed(self, as_user, home, away):
        home.book(TODAY_COURSE)
        later = PatientFactory(clinic=home.clinic, first_name="Later", last_name="Patient")
        home.book(LATER_COURSE, patient=later)
        away.book(TODAY_COURSE)
        response = as_user(home.users[CLINICIAN]).get("/patients/")
        html = response.content.decode()
        assert "Today's patients" in html
        assert "Roe, Jane" in html and "14:00" in html  # clinic time
        assert "Patient, Later" not in html
        assert html.count("Roe, Jane") == 1  # not the other clinic's Jane Roe
        described_ids_exist(html)

    def test_todays_list_runs_a_fixed_number_of_queries(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        client.get("/patients/")
        with CaptureQueriesContext(connection) as empty:
            client.get("/patients/")
        for i in range(3):
            home.book([t + dt.timedelta(minutes=60 * i) for t in TODAY_COURSE],
                      patient=PatientFactory(clinic=home.clinic), chair=home.chairs[i])
        with CaptureQueriesContext(connection) as full:
            client.get("/patients/")
        assert len(full) == len(empty) + 1  # the audit entry of the patients shown


class TestForms:
    def test_the_new_patient_form_focuses_the_first_field_and_describes_with_real_ids(self, as_user, home):
        client = as_user(home.users[FRONT_DESK])
        html = client.get("/patients/new/").content.decode()
        assert re.search(r'<input[^>]*name="first_name"[^>]*autofocus', html)
        described_ids_exist(html)
        bad = client.post("/patients/new/", new_data(home.clinic, email="nope", timezone="Eastern")).content.decode()
        assert 'id="id_email_error"' in bad and "did you mean America/New_York?" in bad
        assert re.search(r'<input[^>]*name="email"[^>]*autofocus', bad)
        assert len(re.findall(r"\sautofocus", bad)) == 1
        described_ids_exist(bad)
