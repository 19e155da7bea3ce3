"""The clinic-configuration API: clinics, chairs, staff, protocols, closures and time off.

A table of resources drives the checks every operation owes (success, bad input, unauthenticated, wrong
role, another clinic's object or id); the rules particular to one resource follow in their own classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, TimeOff
from tests.factories import (
    ChairFactory,
    ClinicFactory,
    NurseFactory,
    PatientFactory,
    ProtocolFactory,
    UserFactory,
    book_course,
    shared_protocol,
)
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as member

pytestmark = pytest.mark.django_db

API = "/api/v1"
NY = ZoneInfo("America/New_York")


# --- Helpers ------------------------------------------------------------------------------------


def closure(clinic: Clinic, **kwargs) -> Closure:
    kwargs.setdefault("starts_at", dt.datetime(2030, 12, 24, tzinfo=clinic.tz))
    kwargs.setdefault("ends_at", dt.datetime(2030, 12, 27, tzinfo=clinic.tz))
    return Closure.objects.create(clinic=clinic, reason=kwargs.pop("reason", "Holidays"), **kwargs)


def time_off(clinic: Clinic) -> TimeOff:
    return TimeOff.objects.create(
        staff=NurseFactory(clinic=clinic),
        starts_at=dt.datetime(2030, 7, 1, tzinfo=clinic.tz),
        ends_at=dt.datetime(2030, 7, 8, tzinfo=clinic.tz),
        reason="Vacation",
    )


def book_one_session(clinic: Clinic, *, chair=None, nurse=None, protocol=None):
    """A booked session in the clinic, a Monday at 10:00 at least a week from now."""
    chair = chair or ChairFactory(clinic=clinic)
    nurse = nurse or NurseFactory(clinic=clinic)
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 + (-today.weekday()) % 7)
    return book_course(
        patient=PatientFactory(clinic=clinic), clinic=clinic, protocol=protocol or "booster-iv",
        starts=[dt.datetime.combine(monday, dt.time(10))], chair=chair, nurse=nurse,
    )


# --- The table of resources ---------------------------------------------------------------------


@dataclass
class Resource:
    path: str
    model: type
    make: Callable[[Clinic], object]  # a stored row of the clinic
    body: Callable[[Clinic], dict]  # a valid create (or PUT) body for the clinic
    change: dict  # a valid PATCH body
    bad: dict  # an invalid value …
    bad_field: str  # … and the field the 400 names
    foreign: Callable[[Clinic], dict] | None = None  # a body naming another clinic's row, or None
    foreign_field: str = "clinic"
    keep: Callable[[object], dict] = lambda obj: {}  # what a PUT body must repeat of the stored row

    def put_body(self, clinic: Clinic, obj) -> dict:
        return self.body(clinic) | self.keep(obj)

    def __str__(self):
        return self.path


RESOURCES = [
    Resource(
        "clinics", Clinic,
        make=lambda clinic: clinic,
        body=lambda clinic: {"name": "Lakeside", "slug": "lakeside", "timezone": "America/Chicago"},
        change={"name": "Lakeside North", "no_show_minutes": 20},
        bad={"timezone": "Mars/Olympus"}, bad_field="timezone",
    ),
    Resource(
        "chairs", Chair,
        make=lambda clinic: ChairFactory(clinic=clinic),
        body=lambda clinic: {"clinic": clinic.pk, "name": "Window chair"},
        change={"is_active": False},
        bad={"name": ""}, bad_field="name",
        foreign=lambda other: {"clinic": other.pk},
    ),
    Resource(
        "staff", StaffMember,
        make=lambda clinic: NurseFactory(clinic=clinic),
        body=lambda clinic: {"clinic": clinic.pk, "first_name": "Maria", "last_name": "Lopez", "role": "nurse"},
        change={"role": "provider"},
        bad={"role": "surgeon"}, bad_field="role",
        foreign=lambda other: {"clinic": other.pk},
    ),
    Resource(
        "protocols", Protocol,
        make=lambda clinic: ProtocolFactory(clinic=clinic),
        body=lambda clinic: {"clinic": clinic.pk, "name": "Pain (IV), 3", "slug": "pain-3", "session_count": 3,
                             "chair_minutes": 300, "min_gap_hours": 20},
        change={"chair_minutes": 150},
        bad={"chair_minutes": 5}, bad_field="chair_minutes",
        foreign=lambda other: {"clinic": other.pk},
    ),
    Resource(
        "closures", Closure,
        make=closure,
        body=lambda clinic: {"clinic": clinic.pk, "starts_at": "2030-11-28T00:00:00", "ends_at": "2030-11-29T00:00:00",
                             "reason": "Thanksgiving"},
        change={"reason": "Thanksgiving Day"},
        bad={"starts_at": "2030-11-29T00:00:00Z", "ends_at": "2030-11-28T00:00:00Z"}, bad_field="ends_at",
        foreign=lambda other: {"clinic": other.pk},
    ),
    Resource(
        "time-off", TimeOff,
        make=time_off,
        body=lambda clinic: {"staff": NurseFactory(clinic=clinic).pk, "starts_at": "2030-08-01T00:00:00Z",
                             "ends_at": "2030-08-03T00:00:00Z", "reason": "Course"},
        change={"reason": "Conference"},
        bad={"starts_at": "not a time"}, bad_field="starts_at",
        foreign=lambda other: {"staff": NurseFactory(clinic=other).pk},
        foreign_field="staff",
        keep=lambda obj: {"staff": obj.staff_id},
    ),
]
BY_PATH = {r.path: r for r in RESOURCES}

READS = ["list", "retrieve"]
WRITES = ["create", "update", "partial_update", "destroy"]
OPERATIONS = {
    "list": ("get", False),
    "create": ("post", False),
    "retrieve": ("get", True),
    "update": ("put", True),
    "partial_update": ("patch", True),
    "destroy": ("delete", True),
}


def url(resource: Resource, obj=None) -> str:
    return f"{API}/{resource.path}/" + (f"{obj.pk}/" if obj is not None else "")


def call(client: APIClient, resource: Resource, op: str, clinic: Clinic, obj=None, body: dict | None = None):
    """Run one operation: `obj` for detail routes, `body` (else a valid one for the clinic) for writes."""
    method, detail = OPERATIONS[op]
    if body is None and op == "create":
        body = resource.body(clinic)
    if body is None and op == "update":
        body = resource.put_body(clinic, obj)
    if body is None and op == "partial_update":
        body = resource.change
    return getattr(client, method)(url(resource, obj if detail else None), body, format="json")


@pytest.fixture
def home(db):
    return ClinicFactory()


@pytest.fixture
def other(db):
    return ClinicFactory()


@pytest.fixture
def admin(home):
    return member(ADMIN, home)


resources = pytest.mark.parametrize("resource", RESOURCES, ids=str)


def test_the_table_covers_every_operation_in_the_schema():
    """A new configuration endpoint cannot escape the table: every operation of these paths is in it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ours = {
        (method, path)
        for path, ops in schema["paths"].items()
        for method in ops
        if any(path.startswith(f"{API}/{r.path}/") for r in RESOURCES)
    }
    covered = {
        (method, f"{API}/{r.path}/" + ("{id}/" if detail else "")) for r in RESOURCES for method, detail in OPERATIONS.values()
    }
    assert ours == covered
    for path, method in ((p, m) for m, p in ours):
        operation = schema["paths"][path][method]
        assert operation["summary"] and operation["description"], (method, path)
        codes = set(operation["responses"])
        assert {"401", "403"} <= codes, (method, path)
        if "{id}" in path:
            assert "404" in codes, (method, path)
        if method in ("post", "put", "patch"):
            assert {"400", "409"} <= codes, (method, path)
            assert operation["requestBody"]["content"]["application/json"]["examples"], (method, path)


# --- What every operation owes ------------------------------------------------------------------


class TestEveryResource:
    @resources
    @pytest.mark.parametrize("role", [ADMIN, FRONT_DESK, CLINICIAN])
    def test_every_role_lists_only_its_clinics_rows(self, resource, role, home, other):
        mine, theirs = resource.make(home), resource.make(other)
        response = client_for(member(role, home)).get(url(resource))
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert set(response.json()) == {"count", "next", "previous", "results"}

    @resources
    @pytest.mark.parametrize("role", [ADMIN, FRONT_DESK, CLINICIAN])
    def test_every_role_retrieves(self, resource, role, home):
        obj = resource.make(home)
        response = client_for(member(role, home)).get(url(resource, obj))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk

    @resources
    def test_admin_creates(self, resource, home, admin):
        body = resource.body(home)
        response = call(client_for(admin), resource, "create", home, body=body)
        assert response.status_code == 201, response.content
        assert resource.model.objects.filter(pk=response.json()["id"]).exists()
        for key, value in body.items():
            if not key.endswith("_at"):
                assert response.json()[key] == value

    @resources
    @pytest.mark.parametrize("op", ["update", "partial_update"])
    def test_admin_updates(self, resource, op, home, admin):
        obj = resource.make(home)
        body = resource.put_body(home, obj) | resource.change if op == "update" else resource.change
        response = call(client_for(admin), resource, op, home, obj, body)
        assert response.status_code == 200, response.content
        obj.refresh_from_db()
        for key, value in resource.change.items():
            assert response.json()[key] == value
            assert getattr(obj, key) == value

    @resources
    def test_admin_deletes(self, resource, home, admin):
        obj = resource.make(home)
        response = call(client_for(admin), resource, "destroy", home, obj)
        assert response.status_code == 204
        assert not resource.model.objects.filter(pk=obj.pk).exists()

    @resources
    @pytest.mark.parametrize("op", ["create", "update", "partial_update"])
    def test_bad_input_is_a_400_naming_the_field(self, resource, op, home, admin):
        obj = resource.make(home)
        body = resource.put_body(home, obj) | resource.bad if op != "partial_update" else resource.bad
        before = resource.model.objects.count()
        body_json = assert_error(call(client_for(admin), resource, op, home, obj, body), 400, "validation_error")
        assert resource.bad_field in body_json["details"]
        assert resource.model.objects.count() == before

    @resources
    @pytest.mark.parametrize("op", list(OPERATIONS))
    def test_unauthenticated_is_a_401(self, resource, op, home):
        obj = resource.make(home)
        response = call(client_for(None), resource, op, home, obj)
        assert_error(response, 401, "not_authenticated")
        assert response.headers["WWW-Authenticate"] == "Token"

    @resources
    @pytest.mark.parametrize("op", WRITES)
    @pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN])
    def test_only_admins_write(self, resource, op, role, home):
        obj = resource.make(home)
        before = resource.model.objects.count()
        body = assert_error(call(client_for(member(role, home)), resource, op, home, obj), 403, "permission_denied")
        assert body["message"] == "This needs one of the roles: admin."
        assert resource.model.objects.count() == before

    @resources
    @pytest.mark.parametrize("op", READS)
    def test_a_user_without_a_role_reads_nothing(self, resource, op, home):
        obj = resource.make(home)
        assert_error(call(client_for(member(None, home)), resource, op, home, obj), 403, "permission_denied")

    @resources
    @pytest.mark.parametrize("op", ["retrieve", "update", "partial_update", "destroy"])
    def test_another_clinics_row_is_not_found(self, resource, op, home, other, admin):
        theirs = resource.make(other)
        before = {f.name: getattr(theirs, f.attname) for f in resource.model._meta.concrete_fields}
        assert_error(call(client_for(admin), resource, op, home, theirs), 404, "not_found")
        theirs.refresh_from_db()
        assert {f.name: getattr(theirs, f.attname) for f in resource.model._meta.concrete_fields} == before

    @pytest.mark.parametrize("resource", [r for r in RESOURCES if r.foreign], ids=str)
    @pytest.mark.parametrize("op", ["create", "update", "partial_update"])
    def test_another_clinics_id_in_the_body_is_refused(self, resource, op, home, other, admin):
        obj = resource.make(home)
        foreign = resource.foreign(other)
        body = resource.body(home) | foreign if op != "partial_update" else foreign
        before = resource.model.objects.count()
        error = assert_error(call(client_for(admin), resource, op, home, obj, body), 400, "validation_error")
        assert resource.foreign_field in error["details"]
        assert resource.model.objects.count() == before
        # Worded like an id that does not exist: the answer does not tell that the other clinic's row exists.
        missing = {resource.foreign_field: 987654}
        body = resource.body(home) | missing if op != "partial_update" else missing
        absent = call(client_for(admin), resource, op, home, obj, body).json()
        assert error["details"][resource.foreign_field][0].replace(str(foreign[resource.foreign_field]), "?") == (
            absent["details"][resource.foreign_field][0].replace("987654", "?")
        )

    @resources
    def test_a_superuser_sees_every_clinic(self, resource, home, other):
        theirs = resource.make(other)
        root = UserFactory(is_superuser=True, is_staff=True)
        assert client_for(root).get(url(resource, theirs)).status_code == 200


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        ("get", "chairs/?clinic=1.5", None, "clinic"),
        ("get", "staff/?clinic=NaN", None, "clinic"),
        ("get", "protocols/?clinic=1e400", None, "clinic"),
        ("get", "closures/?ends_after=soon", None, "ends_after"),
        ("post", "closures/", {"starts_at": "9999-12-31T23:00:00", "ends_at": "9999-12-31T23:30:00"}, "starts_at"),
        ("post", "closures/", {"starts_at": "0001-01-01T00:30:00Z", "ends_at": "2030-01-01T00:00:00Z"}, "starts_at"),
        ("post", "chairs/", {"name": "a\u0000b"}, "name"),
        ("post", "chairs/", {"clinic": 99999999999999999999}, "clinic"),
        ("post", "clinics/", {"name": "X", "slug": "x", "opening_hours": [None]}, "opening_hours"),
        ("post", "protocols/", ["not", "an", "object"], "non_field_errors"),
    ],
)
def test_odd_input_is_a_400_not_a_500(home, admin, method, path, body, field):
    if isinstance(body, dict) and path != "clinics/":
        body = {"clinic": home.pk, "reason": "x"} | body
    response = getattr(client_for(admin), method)(f"{API}/{path}", body, format="json")
    assert field in assert_error(response, 400, "validation_error")["details"]


# --- Query counts -------------------------------------------------------------------------------


def _rows(resource: Resource, clinic: Clinic, user, n: int):
    for _ in range(n):
        row = resource.make(ClinicFactory() if resource.path == "clinics" else clinic)
        if resource.path == "clinics":
            row.staff.add(user)


@resources
def test_lists_run_a_fixed_number_of_queries(resource, home, django_assert_max_num_queries):
    user = member(CLINICIAN, home)
    _rows(resource, home, user, 5)
    # A fresh user object for each request: common.api caches roles and clinics on it.
    client = client_for(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(resource)).status_code == 200
    _rows(resource, home, user, 60)
    client = client_for(type(user).objects.get(pk=user.pk))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(resource), {"page_size": 50})
    assert len(response.json()["results"]) == 50


# --- Clinics ------------------------------------------------------------------------------------

HOURS = [
    {"weekday": 0, "opens": "08:00:00", "closes": "12:00:00"},
    {"weekday": 0, "opens": "13:00:00", "closes": "19:00:00"},
    {"weekday": 5, "opens": "09:00:00", "closes": "13:00:00"},
]


class TestClinics:
    def test_the_creator_becomes_a_member_and_hours_are_stored(self, admin):
        client = client_for(admin)
        body = {"name": "Lakeside", "slug": "lakeside", "timezone": "America/Chicago", "opening_hours": HOURS}
        response = client.post(f"{API}/clinics/", body, format="json")
        assert response.status_code == 201, response.content
        clinic = Clinic.objects.get(pk=response.json()["id"])
        assert admin in clinic.staff.all()
        assert response.json()["opening_hours"] == HOURS
        assert client.get(f"{API}/clinics/{clinic.pk}/").status_code == 200
        assert clinic.pk in {c["id"] for c in client.get(f"{API}/clinics/").json()["results"]}

    def test_a_dry_run_of_a_new_clinic_writes_nothing(self, admin):
        body = {"name": "Lakeside", "slug": "lakeside", "timezone": "America/Chicago", "opening_hours": HOURS}
        response = client_for(admin).post(f"{API}/clinics/?dry_run=true", body, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["id"] is None and response.json()["opening_hours"] == HOURS
        assert not Clinic.objects.filter(slug="lakeside").exists()

    def test_opening_hours_are_replaced_as_a_set_or_kept(self, home, admin):
        client = client_for(admin)
        response = client.patch(f"{API}/clinics/{home.pk}/", {"opening_hours": HOURS}, format="json")
        assert response.status_code == 200
        assert response.json()["opening_hours"] == HOURS
        assert OpeningHours.objects.filter(clinic=home).count() == 3
        response = client.patch(f"{API}/clinics/{home.pk}/", {"phone": "+1 555 0199"}, format="json")
        assert response.json()["opening_hours"] == HOURS
        response = client.patch(f"{API}/clinics/{home.pk}/", {"opening_hours": []}, format="json")
        assert response.json()["opening_hours"] == [] and not home.opening_hours.exists()

    @pytest.mark.parametrize(
        "hours, field",
        [
            ([{"weekday": 1, "opens": "18:00", "closes": "08:00"}], "opening_hours"),
            ([{"weekday": 1, "opens": "08:00", "closes": "12:00"}, {"weekday": 1, "opens": "11:00", "closes": "15:00"}],
             "opening_hours"),
            ([{"weekday": 7, "opens": "08:00", "closes": "12:00"}], "opening_hours"),
        ],
        ids=["closes-before-opens", "overlap", "no-such-weekday"],
    )
    def test_bad_hours_change_nothing(self, home, admin, hours, field):
        before = list(home.opening_hours.values_list("weekday", "opens", "closes"))
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"opening_hours": hours, "name": "X"}, format="json")
        assert field in assert_error(response, 400, "validation_error")["details"]
        assert list(home.opening_hours.values_list("weekday", "opens", "closes")) == before
        home.refresh_from_db()
        assert home.name != "X"

    @pytest.mark.parametrize(
        "change, field",
        [({"nurse_max_concurrent": 0}, "nurse_max_concurrent"), ({"start_stagger_minutes": 500}, "start_stagger_minutes"),
         ({"slug": "not a slug"}, "slug"), ({"email": "nope"}, "email")],
    )
    def test_rule_fields_are_checked(self, home, admin, change, field):
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", change, format="json")
        assert field in assert_error(response, 400, "validation_error")["details"]

    def test_a_taken_slug_is_a_400(self, home, other, admin):
        other.staff.add(admin)  # only the admin's own clinics count (tests/api/test_hostile_bodies.py)
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"slug": other.slug}, format="json")
        assert "slug" in assert_error(response, 400, "validation_error")["details"]

    def test_a_clinic_with_patients_is_not_deleted(self, home, admin):
        PatientFactory(clinic=home)
        assert_error(client_for(admin).delete(f"{API}/clinics/{home.pk}/"), 409, "in_use")
        assert Clinic.objects.filter(pk=home.pk).exists()

    def test_active_filter(self, home, admin):
        inactive = ClinicFactory(is_active=False)
        inactive.staff.add(admin)
        rows = client_for(admin).get(f"{API}/clinics/", {"active": "false"}).json()["results"]
        assert [r["id"] for r in rows] == [inactive.pk]


class TestWhatPatientsAreTold:
    """`email_name`: the clinic's name in patients' emails, never a treatment word; `require_two_factor`."""

    def test_both_are_shown_and_set_by_an_admin(self, home, admin):
        client = client_for(admin)
        assert {"email_name": "", "require_two_factor": False}.items() <= client.get(f"{API}/clinics/{home.pk}/").json().items()
        response = client.patch(f"{API}/clinics/{home.pk}/", {"email_name": "Riverside Health", "require_two_factor": True},
                                format="json")
        assert response.status_code == 200, response.content
        assert response.json()["email_name"] == "Riverside Health" and response.json()["require_two_factor"] is True
        home.refresh_from_db()
        assert home.email_name == "Riverside Health" and home.require_two_factor

    @pytest.mark.parametrize("name, word", [("Riverside Ketamine Clinic", "Ketamine"), ("Uptown Infusions", "Infusions"),
                                            ("Ketamine-Wellness", "Ketamine"), ("PTSD Care", "PTSD")])
    def test_a_treatment_word_is_a_400_naming_the_field_and_the_word(self, home, admin, name, word):
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"email_name": name, "phone": "+1 555 0199"},
                                           format="json")
        body = assert_error(response, 400, "validation_error", "email_name")
        (message,) = body["details"]["email_name"]
        assert message.startswith(f"Names a treatment: “{word}”.")
        home.refresh_from_db()
        assert home.email_name == "" and home.phone == "+1 555 0100"

    def test_a_word_of_the_clinics_own_protocol_is_a_400(self, home, admin):
        ProtocolFactory(clinic=home, name="Lidocaine course", slug="lidocaine")
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"email_name": "Lidocaine Health"}, format="json")
        (message,) = assert_error(response, 400, "validation_error", "email_name")["details"]["email_name"]
        assert "(a word of the protocol “Lidocaine course”)" in message

    def test_a_new_clinic_is_checked_too(self, admin):
        body = {"name": "Lakeside Ketamine", "slug": "lakeside", "timezone": "America/Chicago",
                "email_name": "Lakeside Ketamine"}
        assert_error(client_for(admin).post(f"{API}/clinics/", body, format="json"), 400, "validation_error", "email_name")
        response = client_for(admin).post(f"{API}/clinics/", body | {"email_name": "Lakeside Health"}, format="json")
        assert response.status_code == 201 and response.json()["email_name"] == "Lakeside Health"

    @pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN])
    def test_only_admins_change_them(self, home, role):
        client = client_for(member(role, home))
        for change in ({"email_name": "Riverside Health"}, {"require_two_factor": True}):
            assert_error(client.patch(f"{API}/clinics/{home.pk}/", change, format="json"), 403, "permission_denied")
        home.refresh_from_db()
        assert home.email_name == "" and not home.require_two_factor


class TestClockFormat:
    """`clock_format`: how the clinic's pages and emails print a time of day (issue 13); "24h" unless set."""

    def test_it_is_shown_and_set_by_an_admin(self, home, admin):
        client = client_for(admin)
        assert client.get(f"{API}/clinics/{home.pk}/").json()["clock_format"] == "24h"
        response = client.patch(f"{API}/clinics/{home.pk}/", {"clock_format": "12h"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["clock_format"] == "12h"
        home.refresh_from_db()
        assert home.clock_format == "12h"
        assert client.get(f"{API}/clinics/{home.pk}/").json()["clock_format"] == "12h"

    @pytest.mark.parametrize("value", ["12", "12H", " 12h", "12h\x00", "am/pm", "", None, 12, True, ["12h"], {"f": "12h"}])
    def test_a_hostile_value_is_a_400_and_changes_nothing(self, home, admin, value):
        response = client_for(admin).patch(f"{API}/clinics/{home.pk}/", {"clock_format": value, "phone": "+1 555 0199"},
                                           format="json")
        assert_error(response, 400, "validation_error", "clock_format")
        home.refresh_from_db()
        assert (home.clock_format, home.phone) == ("24h", "+1 555 0100")

    def test_a_new_clinic_takes_it(self, admin):
        body = {"name": "Lakeside", "slug": "lakeside", "timezone": "America/Chicago", "clock_format": "12h"}
        response = client_for(admin).post(f"{API}/clinics/", body, format="json")
        assert response.status_code == 201 and response.json()["clock_format"] == "12h"

    def test_only_admins_change_it_and_another_clinic_is_a_404(self, home, other, admin):
        assert_error(client_for(member(FRONT_DESK, home)).patch(f"{API}/clinics/{home.pk}/", {"clock_format": "12h"},
                                                                format="json"), 403, "permission_denied")
        assert_error(client_for(admin).patch(f"{API}/clinics/{other.pk}/", {"clock_format": "12h"}, format="json"),
                     404, "not_found")
        assert set(Clinic.objects.values_list("clock_format", flat=True)) == {"24h"}


# --- Chairs -------------------------------------------------------------------------------------


class TestChairs:
    def test_filter_by_clinic(self, home, admin):
        second = ClinicFactory()
        second.staff.add(admin)
        mine = ChairFactory(clinic=home)
        ChairFactory(clinic=second)
        rows = client_for(admin).get(f"{API}/chairs/", {"clinic": home.pk}).json()["results"]
        assert [r["id"] for r in rows] == [mine.pk]

    def test_a_bad_filter_value_is_a_400(self, admin):
        response = client_for(admin).get(f"{API}/chairs/", {"clinic": "first"})
        assert "clinic" in assert_error(response, 400, "validation_error")["details"]

    def test_filtering_by_another_clinic_finds_nothing(self, other, admin):
        ChairFactory(clinic=other)
        assert client_for(admin).get(f"{API}/chairs/", {"clinic": other.pk}).json()["count"] == 0

    def test_names_are_unique_per_clinic(self, home, other, admin):
        ChairFactory(clinic=home, name="Chair A")
        ChairFactory(clinic=other, name="Chair B")
        client = client_for(admin)
        response = client.post(f"{API}/chairs/", {"clinic": home.pk, "name": "Chair A"}, format="json")
        assert "name" in assert_error(response, 400, "validation_error")["details"]
        assert client.post(f"{API}/chairs/", {"clinic": home.pk, "name": "Chair B"}, format="json").status_code == 201

    def test_a_chair_does_not_move_to_another_clinic(self, home, admin):
        second = ClinicFactory()
        second.staff.add(admin)
        chair = ChairFactory(clinic=home)
        response = client_for(admin).patch(f"{API}/chairs/{chair.pk}/", {"clinic": second.pk}, format="json")
        assert "clinic" in assert_error(response, 400, "validation_error")["details"]

    def test_a_booked_chair_is_not_deleted(self, home, admin):
        chair = ChairFactory(clinic=home)
        book_one_session(home, chair=chair)
        assert_error(client_for(admin).delete(f"{API}/chairs/{chair.pk}/"), 409, "in_use")
        assert Chair.objects.filter(pk=chair.pk).exists()

    def test_a_clinic_with_bookings_is_not_deleted(self, home, admin):
        book_one_session(home)
        assert_error(client_for(admin).delete(f"{API}/clinics/{home.pk}/"), 409, "in_use")


# --- Staff --------------------------------------------------------------------------------------

SHIFTS = [
    {"weekday": 0, "starts": "07:30:00", "ends": "12:00:00", "valid_from": None, "valid_until": None},
    {"weekday": 0, "starts": "12:30:00", "ends": "16:00:00", "valid_from": "2030-01-01", "valid_until": "2030-06-30"},
    {"weekday": 2, "starts": "08:00:00", "ends": "16:00:00", "valid_from": None, "valid_until": None},
]


class TestStaff:
    def test_create_with_shifts(self, home, admin):
        body = {"clinic": home.pk, "first_name": "Ann", "last_name": "Lee", "role": "nurse", "shifts": SHIFTS}
        response = client_for(admin).post(f"{API}/staff/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["shifts"] == SHIFTS
        assert Shift.objects.filter(staff_id=response.json()["id"]).count() == 3

    def test_a_dry_run_of_a_creation_answers_the_row_unsaved(self, home, admin):
        """The dry run of a new nurse with shifts: the shifts as given, no id, nothing written (it raised a 500:
        the unsaved row's relations were read)."""
        body = {"clinic": home.pk, "first_name": "Ann", "last_name": "Lee", "role": "nurse", "shifts": SHIFTS}
        before = StaffMember.objects.count()
        response = client_for(admin).post(f"{API}/staff/?dry_run=true", body, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["id"] is None and response.json()["shifts"] == SHIFTS
        assert response.json()["stranded_sessions"] == []
        assert StaffMember.objects.count() == before

    def test_shifts_are_replaced_as_a_set_or_kept(self, home, admin):
        nurse = NurseFactory(clinic=home)
        client = client_for(admin)
        response = client.patch(f"{API}/staff/{nurse.pk}/", {"shifts": SHIFTS[:1]}, format="json")
        assert response.json()["shifts"] == SHIFTS[:1] and nurse.shifts.count() == 1
        response = client.patch(f"{API}/staff/{nurse.pk}/", {"last_name": "Moreno"}, format="json")
        assert response.json()["shifts"] == SHIFTS[:1]

    @pytest.mark.parametrize(
        "shifts",
        [
            [{"weekday": 1, "starts": "16:00", "ends": "08:00"}],
            [{"weekday": 1, "starts": "08:00", "ends": "16:00", "valid_from": "2030-02-01", "valid_until": "2030-01-01"}],
            [{"weekday": 1, "starts": "08:00", "ends": "12:00"}, {"weekday": 1, "starts": "11:00", "ends": "15:00",
                                                                  "valid_from": "2030-01-01"}],
        ],
        ids=["ends-before-start", "valid-until-before-from", "overlap"],
    )
    def test_bad_shifts_change_nothing(self, home, admin, shifts):
        nurse = NurseFactory(clinic=home)
        before = nurse.shifts.count()
        response = client_for(admin).patch(f"{API}/staff/{nurse.pk}/", {"shifts": shifts}, format="json")
        assert "shifts" in assert_error(response, 400, "validation_error")["details"]
        assert nurse.shifts.count() == before

    def test_shifts_of_disjoint_validity_may_overlap_in_time(self, home, admin):
        nurse = NurseFactory(clinic=home)
        shifts = [
            {"weekday": 1, "starts": "08:00", "ends": "12:00", "valid_until": "2030-01-31"},
            {"weekday": 1, "starts": "10:00", "ends": "16:00", "valid_from": "2030-02-01"},
        ]
        assert client_for(admin).patch(f"{API}/staff/{nurse.pk}/", {"shifts": shifts}, format="json").status_code == 200

    def test_the_login_account_shows_as_its_id_only_and_cannot_be_set(self, home, admin):
        account = UserFactory()
        nurse = NurseFactory(clinic=home, user=account)
        client = client_for(admin)
        row = client.get(f"{API}/staff/{nurse.pk}/").json()
        assert row["user"] == account.pk
        assert set(row) == {"id", "clinic", "user", "first_name", "last_name", "role", "email", "is_active", "shifts"}
        client.patch(f"{API}/staff/{nurse.pk}/", {"user": admin.pk}, format="json")
        nurse.refresh_from_db()
        assert nurse.user_id == account.pk

    def test_filters(self, home, admin):
        nurse = NurseFactory(clinic=home)
        provider = NurseFactory(clinic=home, role="provider")
        NurseFactory(clinic=ClinicFactory())
        client = client_for(admin)
        assert [r["id"] for r in client.get(f"{API}/staff/", {"role": "provider"}).json()["results"]] == [provider.pk]
        assert {r["id"] for r in client.get(f"{API}/staff/", {"clinic": home.pk}).json()["results"]} == {
            nurse.pk, provider.pk
        }
        assert "role" in assert_error(client.get(f"{API}/staff/", {"role": "surgeon"}), 400, "validation_error")["details"]

    def test_a_booked_nurse_is_not_deleted(self, home, admin):
        nurse = NurseFactory(clinic=home)
        book_one_session(home, nurse=nurse)
        assert_error(client_for(admin).delete(f"{API}/staff/{nurse.pk}/"), 409, "in_use")


# --- Protocols ----------------------------------------------------------------------------------


class TestProtocols:
    def test_the_list_holds_own_and_shared_protocols(self, home, other, admin):
        mine, theirs = ProtocolFactory(clinic=home), ProtocolFactory(clinic=other)
        ids = {r["id"] for r in client_for(admin).get(f"{API}/protocols/", {"page_size": 200}).json()["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert shared_protocol("depression-iv").pk in ids

    def test_filter_by_clinic_gives_what_it_may_book(self, home, admin):
        second = ClinicFactory()
        second.staff.add(admin)
        mine, elsewhere = ProtocolFactory(clinic=home), ProtocolFactory(clinic=second)
        rows = client_for(admin).get(f"{API}/protocols/", {"clinic": home.pk, "page_size": 200}).json()["results"]
        ids = {r["id"] for r in rows}
        assert mine.pk in ids and elsewhere.pk not in ids
        assert ids - {mine.pk} == set(Protocol.objects.filter(clinic=None).values_list("pk", flat=True))

    def test_active_filter(self, home, admin):
        retired = ProtocolFactory(clinic=home, is_active=False)
        rows = client_for(admin).get(f"{API}/protocols/", {"active": "false"}).json()["results"]
        assert [r["id"] for r in rows] == [retired.pk]

    def test_every_field_is_shown(self, home, admin):
        protocol = shared_protocol("depression-iv")
        row = client_for(admin).get(f"{API}/protocols/{protocol.pk}/").json()
        assert set(row) == {f.name for f in Protocol._meta.concrete_fields}
        assert row["clinic"] is None and row["min_gap_hours"] == 40 and row["first_visit_extra_minutes"] == 30

    @pytest.mark.parametrize(
        "op, body",
        [("patch", {"chair_minutes": 90}), ("put", None), ("delete", None)],
    )
    def test_an_admin_does_not_change_shared_templates(self, admin, op, body):
        protocol = shared_protocol("booster-iv")
        if op == "put":
            body = {"name": "Mine", "slug": "booster-iv", "session_count": 1, "chair_minutes": 90}
        response = getattr(client_for(admin), op)(f"{API}/protocols/{protocol.pk}/", body, format="json")
        error = assert_error(response, 403, "permission_denied")
        assert "superuser" in error["message"]
        protocol.refresh_from_db()
        assert protocol.chair_minutes == 120

    @pytest.mark.parametrize("clinic", ["missing", None])
    def test_an_admin_does_not_create_shared_templates(self, admin, clinic):
        body = {"name": "Shared", "slug": "shared-x", "session_count": 2, "chair_minutes": 60}
        if clinic is None:
            body["clinic"] = None
        error = assert_error(client_for(admin).post(f"{API}/protocols/", body, format="json"), 403, "permission_denied")
        assert "superuser" in error["message"] and "clinic" in error["message"]
        assert not Protocol.objects.filter(slug="shared-x").exists()

    def test_a_superuser_manages_shared_templates(self):
        client = client_for(UserFactory(is_superuser=True, is_staff=True))
        body = {"clinic": None, "name": "Shared", "slug": "shared-x", "session_count": 2, "chair_minutes": 60}
        response = client.post(f"{API}/protocols/", body, format="json")
        assert response.status_code == 201 and response.json()["clinic"] is None
        pk = response.json()["id"]
        assert client.patch(f"{API}/protocols/{pk}/", {"chair_minutes": 75}, format="json").status_code == 200
        assert client.delete(f"{API}/protocols/{pk}/").status_code == 204

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"min_gap_hours": 48, "max_gap_hours": 24}, "max_gap_hours"),
            ({"max_gap_hours": 10}, "max_gap_hours"),  # below the stored min_gap_hours of 20
            ({"min_gap_days": 8, "max_gap_days": 6}, "max_gap_days"),
            ({"recall_min_days": 42, "recall_max_days": 28}, "recall_max_days"),
            ({"target_window_days": 30, "window_days": 14}, "window_days"),
            ({"session_count": 0}, "session_count"),
            ({"session_count": 53}, "session_count"),
            ({"chair_minutes": 721}, "chair_minutes"),
            ({"route": "topical"}, "route"),
            ({"slug": "not a slug"}, "slug"),
        ],
    )
    def test_rules_are_400s_not_database_errors(self, home, admin, change, field):
        protocol = ProtocolFactory(clinic=home, min_gap_hours=20)
        response = client_for(admin).patch(f"{API}/protocols/{protocol.pk}/", change, format="json")
        assert field in assert_error(response, 400, "validation_error")["details"]

    def test_slugs_are_unique_per_clinic_but_may_shadow_a_template(self, home, other, admin):
        ProtocolFactory(clinic=home, slug="taken")
        ProtocolFactory(clinic=other, slug="theirs")
        client = client_for(admin)
        body = {"clinic": home.pk, "name": "P", "session_count": 1, "chair_minutes": 60}
        response = client.post(f"{API}/protocols/", body | {"slug": "taken"}, format="json")
        assert "slug" in assert_error(response, 400, "validation_error")["details"]
        assert client.post(f"{API}/protocols/", body | {"slug": "theirs"}, format="json").status_code == 201
        assert client.post(f"{API}/protocols/", body | {"slug": "depression-iv"}, format="json").status_code == 201

    def test_a_protocol_in_use_is_not_deleted(self, home, admin):
        protocol = ProtocolFactory(clinic=home, session_count=1, chair_minutes=60)
        book_one_session(home, protocol=protocol)
        assert_error(client_for(admin).delete(f"{API}/protocols/{protocol.pk}/"), 409, "in_use")

    def test_a_protocol_stays_with_its_clinic(self, home, admin):
        protocol = ProtocolFactory(clinic=home)
        response = client_for(admin).patch(f"{API}/protocols/{protocol.pk}/", {"clinic": None}, format="json")
        assert "clinic" in assert_error(response, 400, "validation_error")["details"]


# --- Closures and time off ----------------------------------------------------------------------


class TestSpans:
    def test_times_without_an_offset_are_clinic_local(self, home, admin):
        body = {"clinic": home.pk, "starts_at": "2030-11-28T00:00:00", "ends_at": "2030-11-29T00:00:00", "reason": "T"}
        response = client_for(admin).post(f"{API}/closures/", body, format="json")
        assert response.status_code == 201
        stored = Closure.objects.get(pk=response.json()["id"])
        assert stored.starts_at == dt.datetime(2030, 11, 28, tzinfo=NY)
        assert dt.datetime.fromisoformat(response.json()["starts_at"]) == stored.starts_at

    def test_times_with_an_offset_are_kept(self, home, admin):
        body = {"clinic": home.pk, "starts_at": "2030-11-28T09:00:00+01:00", "ends_at": "2030-11-28T12:00:00Z",
                "reason": "T"}
        response = client_for(admin).post(f"{API}/closures/", body, format="json")
        assert Closure.objects.get(pk=response.json()["id"]).starts_at == dt.datetime(2030, 11, 28, 8, tzinfo=dt.UTC)

    def test_a_local_time_the_clocks_skip_is_refused(self, home, admin):
        body = {"clinic": home.pk, "starts_at": "2030-03-10T02:30:00", "ends_at": "2030-03-10T05:00:00", "reason": "T"}
        response = client_for(admin).post(f"{API}/closures/", body, format="json")
        error = assert_error(response, 400, "validation_error")
        assert "starts_at" in error["details"] and "does not exist" in error["details"]["starts_at"][0]

    def test_a_partial_change_is_checked_against_the_stored_span(self, home, admin):
        row = closure(home)
        response = client_for(admin).patch(f"{API}/closures/{row.pk}/", {"ends_at": "2030-12-01T00:00:00"}, format="json")
        assert "ends_at" in assert_error(response, 400, "validation_error")["details"]

    def test_closure_filters(self, home, admin):
        early = closure(home, starts_at=dt.datetime(2030, 1, 1, tzinfo=NY), ends_at=dt.datetime(2030, 1, 2, tzinfo=NY))
        late = closure(home)
        client = client_for(admin)
        rows = client.get(f"{API}/closures/", {"ends_after": "2030-06-01T00:00:00Z"}).json()["results"]
        assert [r["id"] for r in rows] == [late.pk]
        rows = client.get(f"{API}/closures/", {"starts_before": "2030-06-01T00:00:00Z", "clinic": home.pk}).json()
        assert [r["id"] for r in rows["results"]] == [early.pk]

    def test_time_off_is_filtered_by_staff_and_stays_with_them(self, home, admin):
        row, other_row = time_off(home), time_off(home)
        client = client_for(admin)
        rows = client.get(f"{API}/time-off/", {"staff": row.staff_id}).json()["results"]
        assert [r["id"] for r in rows] == [row.pk]
        response = client.patch(f"{API}/time-off/{row.pk}/", {"staff": other_row.staff_id}, format="json")
        assert "staff" in assert_error(response, 400, "validation_error")["details"]


@pytest.mark.parametrize("path", ["/api/v1/closures/", "/api/v1/time-off/"])
def test_instant_filters_compare_in_utc_and_refuse_what_does_not_fit(home, admin, path):
    """PostgreSQL takes offsets up to ±15:59 only: the filters convert to UTC first (a 500 before)."""
    client = client_for(admin)
    closure(home, starts_at=dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC))
    assert client.get(path, {"ends_after": "2027-01-01T00:00:00+16:00"}).status_code == 200
    if path == "/api/v1/closures/":
        assert client.get(path, {"ends_after": "2027-01-01T00:00:00+16:00"}).data["count"] == 1
    assert_error(client.get(path, {"starts_before": "0001-01-01T00:00:00+05:00"}), 400, "validation_error")
