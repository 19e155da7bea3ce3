"""The pump courses in the admin (issue 16): every model registered, every page answers, scoped to the user's
clinics; pumps, settings and a clinic's protocols edited; courses, episodes and visits read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.api import ADMIN
from pumps.models import Episode, EpisodeVisit, Pump, PumpCourse, PumpMaintenance, PumpProtocol, PumpSettings
from tests.conftest import local
from tests.factories import ChairFactory, ClinicFactory, NurseFactory
from tests.helpers import signed_in, staff_user
from tests.pumps.factories import (
    PumpCourseFactory,
    PumpFactory,
    PumpMaintenanceFactory,
    PumpProtocolFactory,
    episode_with_visits,
)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-03-01 14:00Z")]

EDITABLE = [Pump, PumpMaintenance, PumpProtocol, PumpSettings]
READ_ONLY = [PumpCourse, Episode, EpisodeVisit]


def admin_of(clinic, username: str) -> Client:
    user = staff_user(ADMIN, clinic, username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="pumps"))
    return signed_in(Client(), user)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def world_of(clinic, episodes: int = 1) -> dict:
    pump = PumpFactory(clinic=clinic)
    maintenance = PumpMaintenanceFactory(pump=pump, starts_at=local(clinic, 2027, 6, 1, 0, 0),
                                         ends_at=local(clinic, 2027, 6, 3, 0, 0))
    protocol = PumpProtocolFactory(clinic=clinic, episode_days=3)
    chair, nurse = ChairFactory(clinic=clinic), NurseFactory(clinic=clinic)
    rows = [
        episode_with_visits(course=PumpCourseFactory(clinic=clinic, protocol=protocol), pump=pump, chair=chair,
                            nurse=nurse, fitting_at=local(clinic, 2027, 3, 1 + 5 * i, 10, 0))
        for i in range(episodes)
    ]
    return {
        Pump: pump, PumpMaintenance: maintenance, PumpProtocol: protocol,
        PumpSettings: PumpSettings.objects.create(clinic=clinic), PumpCourse: rows[0].course, Episode: rows[0],
        EpisodeVisit: rows[0].visits.order_by("day").first(),
    }


def test_every_model_of_the_pumps_app_is_registered():
    for model in apps.get_app_config("pumps").get_models():
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY, ids=lambda m: m.__name__)
def test_every_page_answers_and_the_records_are_read_only(clinic, model):
    rows = world_of(clinic)
    own = admin_of(clinic, "own-admin")

    assert own.get(url(model, "changelist")).status_code == 200
    assert own.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    assert own.get(url(model, "add")).status_code == (403 if model in READ_ONLY else 200)
    page = own.get(url(model, "change", rows[model].pk))
    assert page.status_code == 200
    assert ('name="_save"' in page.content.decode()) is (model not in READ_ONLY)
    if model in READ_ONLY:
        assert own.post(url(model, "delete", rows[model].pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=rows[model].pk).exists()


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY, ids=lambda m: m.__name__)
def test_another_clinics_admin_sees_none_of_it(clinic, model):
    rows = world_of(clinic)
    other = ClinicFactory(name="Uptown", slug="uptown")
    world_of(other)
    uptown = admin_of(other, "uptown-admin")

    listing = uptown.get(url(model, "changelist"))
    assert listing.status_code == 200
    assert rows[model] not in listing.context["cl"].result_list
    assert uptown.get(url(model, "change", rows[model].pk)).status_code == 302  # "does not exist"


def test_a_pump_is_added_with_its_clinic_only_and_its_maintenance_inline(clinic):
    other = ClinicFactory(name="Uptown", slug="uptown")
    own = admin_of(clinic, "own-admin")
    form = own.get(url(Pump, "add")).context["adminform"].form
    assert list(form.fields["clinic"].queryset) == [clinic]
    body = {"clinic": clinic.pk, "label": "Pump 9", "serial_number": "SN-9", "status": "in_service", "notes": "",
            "maintenance-TOTAL_FORMS": "1", "maintenance-INITIAL_FORMS": "0", "maintenance-MIN_NUM_FORMS": "0",
            "maintenance-MAX_NUM_FORMS": "1000", "maintenance-0-starts_at_0": "2027-04-01",
            "maintenance-0-starts_at_1": "08:00", "maintenance-0-ends_at_0": "2027-04-02",
            "maintenance-0-ends_at_1": "08:00", "maintenance-0-reason": "Battery"}
    response = own.post(url(Pump, "add"), body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pump = Pump.objects.get(label="Pump 9")
    assert pump.clinic == clinic and pump.maintenance.get().reason == "Battery"

    response = own.post(url(Pump, "add"), {**body, "clinic": other.pk, "label": "Sneaky", "maintenance-TOTAL_FORMS": "0"})
    assert response.status_code == 200 and "clinic" in response.context["adminform"].form.errors
    assert not Pump.objects.filter(label="Sneaky").exists()


def test_a_shared_pump_protocol_is_the_superusers(clinic):
    shared = PumpProtocolFactory(clinic=None, slug="shared-5-day")
    own = admin_of(clinic, "own-admin")
    assert shared in own.get(url(PumpProtocol, "changelist")).context["cl"].result_list
    page = own.get(url(PumpProtocol, "change", shared.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert own.post(url(PumpProtocol, "change", shared.pk), {"name": "Mine"}).status_code == 403


def changelist_queries(client, model) -> int:
    client.get(url(model, "changelist"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(model, "changelist")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("model", READ_ONLY + [Pump, PumpMaintenance], ids=lambda m: m.__name__)
def test_changelists_do_not_query_per_row(model):
    few, many = ClinicFactory(), ClinicFactory()
    world_of(few, episodes=1)
    world_of(many, episodes=4)
    for _ in range(3):
        PumpMaintenanceFactory(pump=Pump.objects.filter(clinic=many).first(), starts_at=local(many, 2027, 7, 1, 0, 0),
                               ends_at=local(many, 2027, 7, 2, 0, 0))
    assert changelist_queries(admin_of(few, "few"), model) == changelist_queries(admin_of(many, "many"), model)


def test_an_episode_page_does_not_query_per_visit(clinic):
    short = episode_with_visits(course=PumpCourseFactory(clinic=clinic, protocol=PumpProtocolFactory(
        clinic=clinic, episode_days=2)), pump=PumpFactory(clinic=clinic), fitting_at=local(clinic, 2027, 3, 1, 10, 0))
    long = episode_with_visits(course=PumpCourseFactory(clinic=clinic, protocol=PumpProtocolFactory(
        clinic=clinic, episode_days=7)), pump=PumpFactory(clinic=clinic), fitting_at=local(clinic, 2027, 3, 1, 10, 0))
    own = admin_of(clinic, "own-admin")

    def queries(obj):
        own.get(url(Episode, "change", obj.pk))
        with CaptureQueriesContext(connection) as captured:
            assert own.get(url(Episode, "change", obj.pk)).status_code == 200
        return len(captured.captured_queries)

    assert queries(short) == queries(long)
