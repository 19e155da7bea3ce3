"""A clinic's email name: never a treatment word (deny-list and the clinic's protocols), in the admin too.

The API's side (400 validation_error naming `email_name`) is in tests/scheduler/test_api.py; what the emails
and link pages show is in tests/notifications/test_discreet.py.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from scheduler.models import EMAIL_NAME_FALLBACK, Clinic, email_name_check, validate_email_name
from tests.factories import ClinicFactory, ProtocolFactory, UserFactory
from tests.helpers import signed_in

REFUSED = [
    ("Riverside Ketamine Clinic", ["Ketamine"]),
    ("KETAMINE CARE", ["KETAMINE"]),
    ("Uptown Infusions", ["Infusions"]),
    ("Ketamine-Wellness of Boston", ["Ketamine"]),  # a hyphen does not hide a word in a name
    ("Spravato Center", ["Spravato"]),
    ("Depression & Anxiety Care", ["Depression", "Anxiety"]),
    ("The IV Lounge", ["IV"]),
    ("Riverside Psychiatry", ["Psychiatry"]),
    ("Hope Mental Health", ["Mental"]),
]
ALLOWED = ["Riverside Health", "Hudson Street Health", "Demo Clinic", "Spain Street Clinic", "Divine Care", "Ivy Lane",
           "Dr. Okafor & Partners", ""]


@pytest.mark.parametrize("name, words", REFUSED)
def test_a_name_with_a_treatment_word_is_refused_naming_it(name, words):
    with pytest.raises(ValidationError) as refused:
        validate_email_name(name)
    (message,) = refused.value.messages
    assert message.startswith("Names a treatment: " + ", ".join(f"“{w}”" for w in words) + ".")
    assert "lock screens" in message
    assert refused.value.error_list[0].code == "treatment_word"


@pytest.mark.parametrize("name", ALLOWED)
def test_a_discreet_name_passes(name):
    validate_email_name(name)


@pytest.mark.django_db
class TestTheClinicsProtocols:
    def test_a_word_of_the_clinics_own_protocol_is_refused_naming_the_protocol(self):
        clinic = ClinicFactory()
        ProtocolFactory(clinic=clinic, name="Lidocaine course", slug="lidocaine")
        validate_email_name("Lidocaine Health")  # not on the deny-list …
        with pytest.raises(ValidationError) as refused:
            email_name_check("Lidocaine Health", clinic=clinic)  # … but the clinic books it
        assert "“Lidocaine” (a word of the protocol “Lidocaine course”)" in refused.value.messages[0]
        email_name_check("Riverside Course Health", clinic=clinic)  # a plain word of its name is no treatment

    def test_another_clinics_protocols_do_not_count_and_shared_ones_do(self):
        clinic, other = ClinicFactory(), ClinicFactory()
        ProtocolFactory(clinic=other, name="Lidocaine course", slug="lidocaine")
        email_name_check("Lidocaine Health", clinic=clinic)
        ProtocolFactory(clinic=None, name="Magnesium drip", slug="magnesium")
        for clinic_or_new in (clinic, None):
            with pytest.raises(ValidationError, match="Magnesium"):
                email_name_check("Magnesium Street Health", clinic=clinic_or_new)

    def test_a_deny_list_word_is_named_plainly(self):
        with pytest.raises(ValidationError) as refused:
            email_name_check("Depression Care", clinic=ClinicFactory())
        assert refused.value.messages[0].startswith("Names a treatment: “Depression”.")


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("Riverside Health", "Riverside Health"),
        ("  Riverside   Health ", "Riverside Health"),
        ("", EMAIL_NAME_FALLBACK),
        ("   ", EMAIL_NAME_FALLBACK),
        ("Riverside Ketamine", EMAIL_NAME_FALLBACK),  # stored around the checks: still never shown
    ],
)
def test_the_name_for_patients_is_never_the_clinics_own(stored, shown):
    clinic = Clinic(name="Riverside Ketamine Infusion Center", email_name=stored)
    assert clinic.name_for_patients == shown


# --- The admin -----------------------------------------------------------------------------------


def change_form_data(response) -> dict:
    """What the clinic's change form posts back as it stands: its fields and its inlines' management forms."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()  # as the widget shows it: a JSON field's value is its text already
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(n): management[n].value() for n in management.fields}
    return data


@pytest.mark.django_db
class TestTheAdmin:
    @pytest.fixture
    def site(self, client):
        signed_in(client, UserFactory(is_staff=True, is_superuser=True))
        return client

    @pytest.fixture
    def clinic(self):
        return ClinicFactory(name="Riverside Ketamine Center", hours={})

    def test_the_fields_are_shown_where_an_admin_looks(self, site, clinic):
        response = site.get(reverse("admin:scheduler_clinic_change", args=[clinic.pk]))
        assert response.status_code == 200
        fieldsets = {name: options["fields"] for name, options in response.context["adminform"].fieldsets}
        assert fieldsets["What patients are told"][0] == "email_name"
        assert fieldsets["Security"] == ("require_two_factor",)
        html = response.content.decode()
        assert "never by its own name" in html and "second factor" in html

    def test_a_treatment_word_is_a_form_error_and_nothing_is_saved(self, site, clinic):
        url = reverse("admin:scheduler_clinic_change", args=[clinic.pk])
        data = change_form_data(site.get(url)) | {"email_name": "Riverside Ketamine", "phone": "+1 555 0199"}
        response = site.post(url, data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert list(errors) == ["email_name"], errors
        assert errors["email_name"][0].startswith("Names a treatment: “Ketamine”.")
        assert "Names a treatment" in response.content.decode()
        clinic.refresh_from_db()
        assert clinic.email_name == "" and clinic.phone == "+1 555 0100"

    def test_a_word_of_the_clinics_protocol_is_a_form_error(self, site, clinic):
        ProtocolFactory(clinic=clinic, name="Lidocaine course", slug="lidocaine")
        url = reverse("admin:scheduler_clinic_change", args=[clinic.pk])
        response = site.post(url, change_form_data(site.get(url)) | {"email_name": "Lidocaine Health"})
        assert "Lidocaine course" in response.context["adminform"].form.errors["email_name"][0]

    def test_a_discreet_name_and_two_factor_are_saved(self, site, clinic):
        url = reverse("admin:scheduler_clinic_change", args=[clinic.pk])
        data = change_form_data(site.get(url)) | {"email_name": "Riverside Health", "require_two_factor": "on"}
        response = site.post(url, data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        clinic.refresh_from_db()
        assert clinic.email_name == "Riverside Health" and clinic.require_two_factor


# --- Existing clinics ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_existing_clinics_keep_a_discreet_name_and_lose_a_telling_one():
    """The data migration: a clinic's own name is copied only when it names no treatment; a chosen one stays."""
    migration = importlib.import_module("scheduler.migrations.0006_clinic_email_name_discreet")
    plain = ClinicFactory(name="Riverside  Clinic")
    telling = ClinicFactory(name="Uptown Ketamine-Infusions")
    chosen = ClinicFactory(name="Hudson Infusion Center", email_name="Hudson Health")
    migration.name_clinics(apps, None)
    assert [Clinic.objects.get(pk=c.pk).email_name for c in (plain, telling, chosen)] == [
        "Riverside Clinic", "", "Hudson Health"
    ]
