"""Patient services: registering and changing a patient, the rules of a patient record, consent, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from bookings.models import Patient
from bookings.services import patients as patient_services
from bookings.services.patients import patient_create, patient_update
from common.errors import ApplicationError
from tests.factories import ClinicFactory, PatientFactory
from tests.helpers import staff_user

T0 = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)
BORN = dt.date(1985, 5, 17)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """The clock stands at T0 (time-machine's own fixture, moved there)."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def desk(clinic):
    """The front-desk user who writes (the actor of the audit entries)."""
    return staff_user("front_desk", clinic)


def register(clinic, desk, **fields):
    values = {"first_name": "Jane", "last_name": "Roe", "date_of_birth": BORN, "email": "jane@example.org"}
    values.update(fields)
    return patient_create(clinic=clinic, by=desk, default_consent_source="test", **values)


def refusal(call) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call()
    return caught.value


def entries(patient_id: int) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type__model="patient", object_id=patient_id).order_by("pk"))


# --- Create ----------------------------------------------------------------------------------------


class TestCreate:
    def test_registers_with_the_clinics_time_zone_by_default(self, clinic, desk):
        patient = register(clinic, desk, phone="  +1 555 0100  ")
        stored = Patient.objects.get(pk=patient.pk)
        assert (stored.clinic, stored.first_name, stored.timezone) == (clinic, "Jane", clinic.timezone)
        assert stored.phone == "+1 555 0100"
        assert (stored.email_consent, stored.email_consent_at, stored.email_consent_source) == (False, None, "")

    def test_a_time_zone_given_is_kept(self, clinic, desk):
        assert register(clinic, desk, timezone="Europe/Lisbon").timezone == "Europe/Lisbon"

    @pytest.mark.parametrize(
        ("given", "recorded"),
        [("intake form", "intake form"), ("  phone call ", "phone call"), ("", "test"), ("   ", "test"), (None, "test")],
    )
    def test_consent_records_the_time_and_the_source(self, clinic, desk, given, recorded):
        extra = {} if given is None else {"email_consent_source": given}
        patient = register(clinic, desk, email_consent=True, **extra)
        patient.refresh_from_db()
        assert (patient.email_consent, patient.email_consent_at, patient.email_consent_source) == (True, T0, recorded)

    def test_a_source_without_consent_is_not_kept(self, clinic, desk):
        patient = register(clinic, desk, email_consent=False, email_consent_source="phone call")
        assert Patient.objects.get(pk=patient.pk).email_consent_source == ""

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"first_name": "  "}, "first_name", "This field may not be blank."),
            ({"last_name": "x" * 81}, "last_name", "Ensure this field has no more than 80 characters."),
            ({"date_of_birth": dt.date(2027, 3, 3)}, "date_of_birth", "A date of birth cannot be in the future."),
            ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth",
             "A date of birth before 1900 is surely a typing error."),
            ({"phone": "call me maybe"}, "phone", "Enter a phone number: digits, optionally with +, spaces, dashes, "
             "dots, slashes, brackets and an extension (x123)."),
            ({"phone": "12"}, "phone", "Enter a phone number: digits, optionally with +, spaces, dashes, "
             "dots, slashes, brackets and an extension (x123)."),
            ({"timezone": "Mars/Olympus"}, "timezone",
             "'Mars/Olympus' is not an IANA time zone name (e.g. America/New_York)."),
            ({"email": "", "email_consent": True}, "email", "Consent to email needs an email address."),
        ],
    )
    def test_a_broken_rule_is_a_field_error_and_nothing_is_written(self, clinic, desk, fields, field, message):
        error = refusal(lambda: register(clinic, desk, **fields))
        assert error.as_dict() == {
            "code": "validation_error",
            "message": f"The request is not valid: {field}: {message}",
            "details": {field: [message]},
        }
        assert error.status == 400
        assert not Patient.objects.exists() and not LogEntry.objects.filter(content_type__model="patient").exists()

    def test_born_today_anywhere_on_earth_is_accepted(self, clinic, desk):
        # 17:00 UTC on 1 March is already 2 March at UTC+14.
        assert register(clinic, desk, date_of_birth=dt.date(2027, 3, 2)).pk

    def test_consent_without_an_email_given_blames_the_consent(self, clinic, desk):
        error = refusal(lambda: patient_create(
            clinic=clinic, by=desk, default_consent_source="test",
            first_name="Jane", last_name="Roe", date_of_birth=BORN, email_consent=True,
        ))
        assert error.details == {"email_consent": ["Consent to email needs an email address."]}

    def test_every_field_rule_is_reported_at_once_in_field_order(self, clinic, desk):
        error = refusal(lambda: register(
            clinic, desk, timezone="Nowhere", date_of_birth=dt.date(1800, 1, 1), email="", email_consent=True,
        ))
        # The consent rule waits for the field rules, as the API's answer always did.
        assert list(error.details) == ["date_of_birth", "timezone"]
        assert error.message == "The request is not valid: date_of_birth: A date of birth before 1900 is surely a typing error."

    def test_one_audit_entry_with_the_actor_and_the_scope(self, clinic, desk):
        patient = register(clinic, desk, email_consent=True, email_consent_source="intake form")
        (entry,) = entries(patient.pk)
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == desk
        assert entry.object_repr == f"Patient {patient.pk}"
        assert entry.additional_data == {"patient": patient.pk, "clinic": clinic.pk}
        assert entry.changes["first_name"] == [None, "Jane"]
        assert entry.changes["email_consent_source"] == [None, "intake form"]
        assert "updated_at" not in entry.changes

    def test_the_patient_and_its_entry_commit_together(self, clinic, desk, monkeypatch):
        def refuse(rows):
            raise RuntimeError("the audit trail is unavailable")

        monkeypatch.setattr(patient_services.audit, "record_many", refuse)
        with pytest.raises(RuntimeError):
            register(clinic, desk)
        assert not Patient.objects.exists()


# --- Update ----------------------------------------------------------------------------------------


class TestUpdate:
    def test_changes_only_the_fields_given(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, phone="555 0100", first_name="Ann")
        Patient.objects.filter(pk=patient.pk).update(last_name="Changed elsewhere")
        updated = patient_update(patient=patient, by=desk, default_consent_source="test", phone=" 555 0199 ")
        assert updated is patient and patient.phone == "555 0199"
        stored = Patient.objects.get(pk=patient.pk)
        # The stale copy's last name is not written back over the stored one.
        assert (stored.phone, stored.first_name, stored.last_name) == ("555 0199", "Ann", "Changed elsewhere")

    def test_moves_to_another_clinic(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        other = ClinicFactory()
        patient_update(patient=patient, by=desk, default_consent_source="test", clinic=other)
        assert Patient.objects.get(pk=patient.pk).clinic == other

    def test_consent_given_kept_then_withdrawn(self, clinic, desk, frozen):
        patient = PatientFactory(clinic=clinic)
        patient_update(patient=patient, by=desk, default_consent_source="test", email_consent=True)
        patient.refresh_from_db()
        assert (patient.email_consent, patient.email_consent_at, patient.email_consent_source) == (True, T0, "test")

        frozen.shift(dt.timedelta(days=1))
        patient_update(patient=patient, by=desk, default_consent_source="test", email_consent=True,
                       email_consent_source="phone call", first_name="Jo")
        patient.refresh_from_db()
        # Still consenting: the time and source of the consent stay those first recorded.
        assert (patient.first_name, patient.email_consent_at, patient.email_consent_source) == ("Jo", T0, "test")

        patient_update(patient=patient, by=desk, default_consent_source="test", email_consent=False)
        patient.refresh_from_db()
        assert (patient.email_consent, patient.email_consent_at, patient.email_consent_source) == (False, None, "")

    def test_clearing_the_email_of_a_consenting_patient_blames_the_email(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, email_consent=True, email_consent_at=T0)
        error = refusal(lambda: patient_update(patient=patient, by=desk, default_consent_source="test", email=""))
        assert error.details == {"email": ["Consent to email needs an email address."]}
        assert Patient.objects.get(pk=patient.pk).email

    def test_consent_without_a_stored_email_blames_the_consent(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, email="")
        error = refusal(lambda: patient_update(patient=patient, by=desk, default_consent_source="test", email_consent=True))
        assert error.details == {"email_consent": ["Consent to email needs an email address."]}
        assert not Patient.objects.get(pk=patient.pk).email_consent

    def test_a_broken_rule_writes_nothing(self, clinic, desk):
        patient = PatientFactory(clinic=clinic)
        before = len(entries(patient.pk))
        error = refusal(lambda: patient_update(
            patient=patient, by=desk, default_consent_source="test", first_name="Jo", timezone="Nowhere",
        ))
        assert error.details == {"timezone": ["'Nowhere' is not an IANA time zone name (e.g. America/New_York)."]}
        assert Patient.objects.get(pk=patient.pk).first_name != "Jo"
        assert len(entries(patient.pk)) == before

    def test_one_entry_with_exactly_the_changes(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, phone="", first_name="Ann")
        before = len(entries(patient.pk))
        patient_update(patient=patient, by=desk, default_consent_source="test", phone="+1 555 0199", first_name="Zed")
        new = entries(patient.pk)[before:]
        assert len(new) == 1
        (entry,) = new
        assert entry.action == LogEntry.Action.UPDATE and entry.actor == desk
        assert entry.changes == {"phone": ["", "+1 555 0199"], "first_name": ["Ann", "Zed"]}
        assert entry.additional_data == {"patient": patient.pk, "clinic": clinic.pk}

    def test_nothing_changed_records_nothing(self, clinic, desk):
        patient = PatientFactory(clinic=clinic, email_consent=True, email_consent_at=T0)
        before = len(entries(patient.pk))
        patient_update(patient=patient, by=desk, default_consent_source="test", first_name=patient.first_name)
        assert len(entries(patient.pk)) == before

    def test_the_change_and_its_entry_commit_together(self, clinic, desk, monkeypatch):
        patient = PatientFactory(clinic=clinic, first_name="Ann")

        def refuse(rows):
            raise RuntimeError("the audit trail is unavailable")

        monkeypatch.setattr(patient_services.audit, "record_many", refuse)
        with pytest.raises(RuntimeError):
            patient_update(patient=patient, by=desk, default_consent_source="test", first_name="Jo")
        assert Patient.objects.get(pk=patient.pk).first_name == "Ann"
