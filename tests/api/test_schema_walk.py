"""Walks the OpenAPI schema: every operation is tested for success, bad input, no credentials, a wrong role
and another clinic's object (issue 3, Acceptance).

The schema is generated in-process. TABLE says, for each operationId, how to call it (its object, a valid
body, a broken one), which roles may, what success answers and how "another clinic" applies. The tests are
parametrized over the schema's operations, not over the table, and the guards fail when the schema or the
URL configuration holds an operation the table does not: a new endpoint cannot slip past.

Every request goes through real token authentication (`Authorization: Token …`). Every answer's status
must be one the schema documents for the operation; every error has the shape {"code", "message",
"details"} with the expected code; a refused request must leave the database as it was. The roles are
written out here from the issue, not imported from the app, so the app cannot agree with itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import BigIntegerField, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.test import Client
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import UserSession
from bookings.models import InfusionSession, Patient, PatientEmail, TreatmentCycle
from outcomes.models import CourseReview, Measure, UrgentFlag
from pumps.models import Episode, EpisodeStatus, EpisodeVisit, Pump, PumpMaintenance, PumpProtocol, VisitKind
from safety.models import CheckEntry, RecoveryCheck
from scheduler.models import Chair, Clinic, Closure, Protocol, StaffMember, TimeOff
from tests.api import make_up_ops as mu
from tests.api.world import ROLES, Site, World
from tests.factories import ChairFactory, ClinicFactory, NurseFactory, PatientFactory, ProtocolFactory, UserFactory
from tests.factories import shared_protocol as shared
from tests.helpers import api_token_for, api_token_user, api_token_works
from waitlist.models import WaitlistEntry, WaitlistOffer

# Every operation of the schema, called several ways: hundreds of tests, `make test`, not `make test-fast`.
pytestmark = pytest.mark.slow

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
#: operationId → (method, path template), for every operation in the schema.
SCHEMA_OPS: dict[str, tuple[str, str]] = {
    op["operationId"]: (method, path) for path, item in SCHEMA["paths"].items() for method, op in item.items()
}
ASPECTS = ("success", "bad_input", "unauthenticated", "wrong_role", "other_clinic")

# Who may do what (issue 3, docs/API_CONVENTIONS.md).
EVERY_ROLE = frozenset({"admin", "front_desk", "clinician"})
DESK = frozenset({"admin", "front_desk"})  # patients, courses, sessions: book, move, cancel, check in…
CLINICAL = frozenset({"admin", "clinician"})  # start and complete a session
ADMINS = frozenset({"admin"})  # clinic configuration, the audit trail

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
NOT_A_NUMBER = "not-a-number"

Body = Callable[[Site, Any], dict]  # (the clinic the request is for, the object in the path or None) → body


# --- The table's vocabulary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """How to break the request, and the refusal that must come back."""

    field: str | None = None  # the key `details` must name
    body: Body | None = None
    query: dict | None = None
    path_id: str | None = None  # replaces the object's id in the path
    status: int = 400
    code: str = "validation_error"


#: For an operation whose only input is the id in its path.
BAD_ID = Bad(path_id=NOT_A_NUMBER, status=404, code="not_found")


@dataclass(frozen=True)
class NotFound:
    """Detail route: the other clinic's object, asked for as its own staff would ask, is a 404 and unchanged."""


@dataclass(frozen=True)
class ForeignId:
    """Create or update: a body naming the other clinic's row in `field` is a 400 naming that field."""

    field: str
    body: Callable[[World, Any], dict]  # (world, our object or None) → body


@dataclass(frozen=True)
class Unlisted:
    """List: every row of ours is listed, none of theirs, not even when asking for them by a filter."""

    rows: Callable[[Site], set[int]]
    by: str | None = "clinic"  # the filter naming their clinic ("patient": their patient), if the list has one


@dataclass(frozen=True)
class NoObject:
    """No clinic's object is involved: why, and the check standing in for the 404 / 400."""

    why: str
    check: Callable[[World], None]


@dataclass(frozen=True)
class Public:
    """Answers without credentials, to anyone: why, and the checks standing in for the 401 and 403."""

    why: str
    unauthenticated: Callable[[World], None]
    wrong_role: Callable[[World], None]


@dataclass(frozen=True)
class SignedIn:
    """Any signed-in user, whatever their role or none: it concerns only the caller's own sign-ins.

    `wrong_role` stands in for the 403 (a user of no role and no clinic is served); `own` gives, for a success,
    the caller's own object (their token) where the operation has one.
    """

    why: str
    wrong_role: Callable[[World], None]
    own: Callable[[Site, str | None], Any] | None = None


@dataclass(frozen=True)
class NoInput:
    """It reads no input but the credentials: why, and the check standing in for the 400."""

    why: str
    check: Callable[[World], None]


@dataclass(frozen=True)
class Op:
    ok: int  # the success status
    roles: frozenset[str] | Public | SignedIn  # who may call it
    bad: Bad | NoInput
    other: tuple[NotFound | ForeignId | Unlisted, ...] | NoObject
    target: Callable[[Site], Any] | None = None  # the object in the path (may create it: it runs in the test)
    body: Body | None = None
    query: dict | Body | None = None  # a dict, or (site, object) → dict
    model: type | None = None  # whose row count a refused request must leave alone
    check: Callable[[Site, Any, Any], None] | None = None  # (site, object, response) after a success
    method: str = ""  # only for routes outside the schema
    path: str = ""


# --- The waitlist's rows (issue 14) -----------------------------------------------------------


def waiting_entry(site: Site) -> WaitlistEntry:
    """The site's waitlist entry (tests/api/world.py): the upcoming session's patient waits for an earlier time."""
    return WaitlistEntry.objects.get(session=site.sessions["upcoming"])


def entry_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "patient": site.patient.pk, "protocol": shared("booster-iv").pk,
            "weekdays": [0, 1, 2, 3, 4], "time_from": "09:00"}


# --- Outcome measures (issue 15) ----------------------------------------------------------------


def upcoming_flag(site: Site) -> UrgentFlag:
    """The urgent flag tests/api/world.py raises on the upcoming session (PHQ-9 item 9 above 0)."""
    return UrgentFlag.objects.get(session=site.sessions["upcoming"])


def course_to_review(site: Site) -> TreatmentCycle:
    cycle = site.cycle
    TreatmentCycle.objects.filter(pk=cycle.pk).update(needs_review=True, review_reason="after_session")
    cycle.refresh_from_db()
    return cycle


def no_patient_data(world: World) -> None:
    """The instruments are the same for every clinic: their items and scales, no answers."""
    body = send("instruments_list", token=world.home.tokens["front_desk"]).json()["results"]
    assert sorted(i["code"] for i in body) == ["gad7", "pain", "pcl5", "phq9"]
    assert not any({"answers", "patient", "session"} & set(i) for i in body)


def measure_stored(site, obj, response) -> None:
    assert Measure.objects.filter(pk=response.json()["measure"], session=obj, is_current=True, total=9).exists()


def acknowledged(site, obj, response) -> None:
    obj.refresh_from_db()
    assert obj.acknowledged_at is not None and response.json()["acknowledged_at"]


# --- Pump courses (issue 16) -----------------------------------------------------------------------


def pump_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "label": "Pump 99", "serial_number": "SN-WALK-99", "status": "in_service"}


def maintenance_body(site: Site, obj) -> dict:
    return {"starts_at": "2027-04-05T08:00", "ends_at": "2027-04-07T08:00", "reason": "Battery service"}


def episode(state: str) -> Callable[[Site], Episode]:
    return lambda site: site.episodes[state]


def review_body(site: Site, obj) -> dict:
    """Monday's review (day 1) of the episode fitted on Sunday."""
    return {"visit": EpisodeVisit.objects.get(episode=obj, kind=VisitKind.REVIEW, day=1).pk, "done": False,
            "note": "No answer at two calls"}


def review_missed(site, obj, response) -> None:
    assert EpisodeVisit.objects.get(episode=obj, kind=VisitKind.REVIEW, day=1).status == "missed"
    assert [v["status"] for v in response.json()["visits"]][:2] == ["done", "missed"], response.json()


def maintenance_booked(site, obj, response) -> None:
    assert PumpMaintenance.objects.filter(pk=response.json()["id"], pump=obj).exists()


# --- Requests -----------------------------------------------------------------------------------


def route(key: str) -> tuple[str, str]:
    op = TABLE[key]
    return SCHEMA_OPS.get(key, (op.method, op.path))


def object_id(obj):
    """How an object is named in a path: an API token by its public id (not its digest, the primary key)."""
    return obj.token_key if isinstance(obj, AuthToken) else getattr(obj, "pk", None)


def send(key: str, *, token: str | None = None, obj=None, path_id=None, body=None, query=None, headers=None):
    """One request of operation `key`, with `Authorization: Token <token>` (no token: no credentials)."""
    method, path = route(key)
    url = path.replace("{id}", str(path_id if path_id is not None else object_id(obj)))
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    if method == "get":
        response = client.get(url, query or {}, **(headers or {}))
    else:
        if query:
            url = f"{url}?{urlencode(query)}"
        response = getattr(client, method)(url, body, format="json", **(headers or {}))
    if key in SCHEMA_OPS:
        documented = SCHEMA["paths"][path][method]["responses"]
        assert str(response.status_code) in documented, (
            f"{key} answered {response.status_code}, which its schema does not document: {response.content[:300]!r}"
        )
    return response


def parts(op: Op, site: Site, obj) -> dict:
    """The valid request for the site: its object, body and query."""
    query = op.query(site, obj) if callable(op.query) else op.query
    return {"obj": obj, "body": op.body(site, obj) if op.body else None, "query": query}


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["details"], dict), body
    if field:
        assert field in body["details"], body
    return body


def state(op: Op, obj) -> dict:
    """What a refused request must leave as it was: the object's row and the number of `op.model` rows."""
    result = {}
    if obj is not None:
        result["row"] = type(obj).objects.filter(pk=obj.pk).values().first()
    if op.model is not None:
        result["count"] = op.model.objects.count()
    return result


def listed(response) -> set[int]:
    assert response.status_code == 200, response.content[:500]
    page = response.json()
    assert set(page) == {"count", "next", "previous", "results"}, set(page)
    return {row["id"] for row in page["results"]}


def ids(*rows) -> set[int]:
    return {row.pk for row in rows}


# --- Bodies, objects and checks -----------------------------------------------------------------


def same(value: dict) -> Body:
    return lambda site, obj: dict(value)


def broken(body: Body, **changes) -> Body:
    return lambda site, obj: {**body(site, obj), **changes}


def fresh_clinic(site: Site) -> Clinic:
    """A clinic with nothing booked (so it can be deleted), of which the site's staff are members."""
    clinic = ClinicFactory()
    clinic.staff.add(*site.users.values())
    return clinic


def clinic_body(site: Site, obj) -> dict:
    return {"name": "Lakeside", "slug": obj.slug if obj else "lakeside", "timezone": "America/Chicago",
            "no_show_minutes": 20}


def chair_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "name": "Window chair", "is_active": True}


def staff_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "first_name": "Maria", "last_name": "Lopez", "role": "nurse",
            "shifts": [{"weekday": 0, "starts": "08:00", "ends": "16:00"}]}


def protocol_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "name": "Pain (IV), 3", "slug": obj.slug if obj else "pain-3",
            "session_count": 3, "chair_minutes": 300, "min_gap_hours": 20}


def closure_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "starts_at": "2027-11-25T00:00:00", "ends_at": "2027-11-26T00:00:00",
            "reason": "Thanksgiving"}


def time_off_body(site: Site, obj) -> dict:
    return {"staff": obj.staff_id if obj else site.nurses[0].pk, "starts_at": "2027-08-01T00:00:00Z",
            "ends_at": "2027-08-03T00:00:00Z", "reason": "Course"}


def patient_body(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "first_name": "Jane", "last_name": "Roe", "date_of_birth": "1985-05-17",
            "email": "jane.roe@example.org", "phone": "+1 (555) 010-0100", "timezone": "America/Chicago",
            "email_consent": True, "email_consent_source": "intake form"}


def book_body(site: Site, obj) -> dict:
    """A one-session booster for the site's patient with no course, Thursday 10:00 clinic time."""
    return {"patient": site.patient.pk, "protocol": shared("booster-iv").pk, "clinic": site.clinic.pk,
            "sessions": [{"starts_at": "2027-03-04T10:00"}]}


def reschedule_body(site: Site, obj) -> dict:
    return {"starts_at": "2027-03-05T10:00", "scope": "this"}


def away_clinic(world: World, obj=None) -> dict:
    return {"clinic": world.away.clinic.pk}


def session(state_: str) -> Callable[[Site], InfusionSession]:
    return lambda site: site.sessions[state_]


def created(model: type, **lookups: Callable[[Site], Any]) -> Callable[[Site, Any, Any], None]:
    """The row answered was stored, in the site's clinic."""

    def check(site, obj, response):
        assert model.objects.filter(pk=response.json()["id"], **{k: f(site) for k, f in lookups.items()}).exists()

    return check


def changed(**fields) -> Callable[[Site, Any, Any], None]:
    def check(site, obj, response):
        obj.refresh_from_db()
        for name, value in fields.items():
            assert response.json()[name] == value and getattr(obj, name) == value, (name, response.json())

    return check


def deleted(site, obj, response) -> None:
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def now_status(expected: str) -> Callable[[Site, Any, Any], None]:
    return changed(status=expected)


def blood_pressure_flagged(site, obj, response) -> None:
    assert response.json()["flagged"] == ["blood_pressure"], response.json()
    assert CheckEntry.objects.filter(session=obj, kind="blood_pressure", flagged=True).exists()


def moved_to(wall: str) -> Callable[[Site, Any, Any], None]:
    def check(site, obj, response):
        assert response.json()["session"]["starts_local"].startswith(wall), response.json()
        assert [s["id"] for s in response.json()["moved"]] == [obj.pk]

    return check


def audit_rows(site: Site) -> set[int]:
    """The audit entries about the site's clinic or its patients (the world's bookings wrote them)."""
    entries = LogEntry.objects.annotate(
        clinic_ref=Cast(KeyTextTransform("clinic", "additional_data"), BigIntegerField()),
        patient_ref=Cast(KeyTextTransform("patient", "additional_data"), BigIntegerField()),
    ).filter(Q(clinic_ref=site.clinic.pk) | Q(patient_ref__in=[p.pk for p in site.patients]))
    found = set(entries.values_list("pk", flat=True))
    assert found, "the world's bookings should have left audit entries"
    return found


# --- What stands in for the checks that do not apply ---------------------------------------------


def sign_in_body(site: Site, obj) -> dict:
    """Credentials of a new front-desk user of the site, created in the test with a known password."""
    user = UserFactory()
    site.clinic.staff.add(user)
    return {"username": user.username, "password": PASSWORD}


def assert_token_of(response, username: str) -> None:
    """A new token, with its expiry, that authenticates as `username`."""
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token", "expires_at"}, response.json()
    assert api_token_user(response.json()["token"]).username == username


def token_without_credentials(world: World) -> None:
    """The way in takes no credentials; a bad token sent along is not even read."""
    for headers in ({}, {"HTTP_AUTHORIZATION": "Token not-a-real-token"}):
        body = sign_in_body(world.home, None)
        assert_token_of(send("auth_token_obtain", body=body, headers=headers), body["username"])


def token_for_any_role(world: World) -> None:
    """Roles decide what a token may do, not who may sign in: a user of no role and no clinic gets one."""
    user = UserFactory()
    assert_token_of(send("auth_token_obtain", body={"username": user.username, "password": PASSWORD}), user.username)


def token_is_the_callers_own(world: World) -> None:
    """Each user gets their own token, whatever their clinic; another clinic's user gets none of ours."""
    theirs = UserFactory()
    world.away.clinic.staff.add(theirs)
    response = send("auth_token_obtain", body={"username": theirs.username, "password": PASSWORD})
    assert_token_of(response, theirs.username)
    assert response.json()["token"] not in world.home.tokens.values()


def token_row(site: Site, role: str | None) -> AuthToken:
    """The stored row of the token a caller of `role` sends."""
    return AuthToken.objects.get(token_key=site.tokens[role][:15])


def no_role_needed(key: str) -> Callable[[World], None]:
    """A user of no role and no clinic is served, about their own token."""

    def check(world: World) -> None:
        token = api_token_for(UserFactory(password=None))
        response = send(key, token=token, obj=AuthToken.objects.get(token_key=token[:15]))
        assert response.status_code == TABLE[key].ok, response.content

    return check


def body_ignored(key: str) -> Callable[[World], None]:
    """A body sent along, even one that is not JSON, is not read: the caller is signed out all the same."""

    def check(world: World) -> None:
        token = api_token_for(world.home.users["front_desk"])
        response = APIClient().generic(
            "POST", route(key)[1], "{not json", "application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code == 204, response.content
        assert not api_token_works(token)

    return check


def only_own_tokens_listed(world: World) -> None:
    home, away = world.home, world.away
    second = api_token_for(home.users["admin"])
    shown = {row["id"] for row in send("auth_tokens_list", token=home.tokens["admin"]).json()["results"]}
    assert shown == {home.tokens["admin"][:15], second[:15]}, shown
    others = [t for r, t in home.tokens.items() if r != "admin"] + list(away.tokens.values())
    assert not shown & {t[:15] for t in others}


def logout_ends_only_its_token(world: World) -> None:
    home, away = world.home, world.away
    second = api_token_for(home.users["admin"])
    assert send("auth_logout", token=home.tokens["admin"]).status_code == 204
    assert not api_token_works(home.tokens["admin"])
    assert api_token_works(second) and api_token_works(home.tokens["front_desk"]) and api_token_works(away.tokens["admin"])


def signed_in_browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def logout_all_ends_only_own(world: World) -> None:
    home, away = world.home, world.away
    admin, desk = home.users["admin"], home.users["front_desk"]
    second = api_token_for(admin)
    signed_in_browser(admin), signed_in_browser(desk), signed_in_browser(away.users["admin"])
    assert send("auth_logout_all", token=home.tokens["admin"]).status_code == 204
    assert not api_token_works(home.tokens["admin"]) and not api_token_works(second)
    assert not UserSession.objects.filter(user=admin).exists()
    assert api_token_works(home.tokens["front_desk"]) and api_token_works(away.tokens["admin"])
    assert UserSession.objects.filter(user=desk).exists() and UserSession.objects.filter(user=away.users["admin"]).exists()


def healthz_without_credentials(world: World) -> None:
    """Load balancers call it with no credentials; a bad token sent along changes nothing."""
    for headers in ({}, {"HTTP_AUTHORIZATION": "Token not-a-real-token"}):
        response = send("healthz", headers=headers)
        assert response.status_code == 200 and response.json()["status"] == "ok", response.content


def healthz_for_any_role(world: World) -> None:
    """Every role, and none, gets the same answer."""
    for role in ROLES:
        assert send("healthz", token=world.home.tokens[role]).status_code == 200, role


def healthz_holds_no_clinic_data(world: World) -> None:
    """It names no row of any clinic: staff of either clinic get the same answer."""
    answers = {send("healthz", token=site.tokens["admin"]).json()["status"] for site in (world.home, world.away)}
    assert answers == {"ok"}


def new_clinic_is_only_its_creators(world: World) -> None:
    """A new clinic belongs to the admin who creates it: the other clinic's admin neither lists nor reaches it."""
    response = send("clinics_create", token=world.home.tokens["admin"], body=clinic_body(world.home, None))
    assert response.status_code == 201, response.content
    new = Clinic.objects.get(pk=response.json()["id"])
    assert_error(send("clinics_retrieve", token=world.away.tokens["admin"], obj=new), 404, "not_found")
    assert new.pk not in listed(send("clinics_list", token=world.away.tokens["admin"]))


def proposal_body(site: Site, obj) -> dict:
    """A booster for the site's patient with no course, from Tuesday (the world runs on Monday noon)."""
    return {"patient": site.patient.pk, "protocol": shared("booster-iv").pk, "clinic": site.clinic.pk,
            "earliest_date": "2027-03-02"}


def proposed(site: Site, obj, response) -> None:
    """A series in the site's own chairs, and nothing stored."""
    body = response.json()
    assert [s["sequence"] for s in body["sessions"]] == [1], body
    assert {s["chair"] for s in body["sessions"]} <= ids(*site.chairs), body
    assert not TreatmentCycle.objects.filter(patient=site.patient).exists()


def availability_query(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "protocol": shared("booster-iv").pk, "date": "2027-03-02"}


def available(site: Site, obj, response) -> None:
    slots = response.json()["slots"]
    assert slots, response.json()
    assert all(set(slot["chairs"]) <= ids(*site.chairs) for slot in slots)


def availability_of_other_clinic(world: World) -> None:
    """Another clinic's availability, asked for by its id, is refused as an unknown clinic."""
    query = availability_query(world.away, None)
    assert_error(send("availability_retrieve", token=world.home.tokens["front_desk"], query=query),
                 400, "validation_error", "clinic")


# --- Pump episodes (issue 16): a pump protocol and a pump of the site's clinic, made when first asked for ------


def pump_protocol(site: Site):
    from tests.pumps.factories import PumpFactory, PumpProtocolFactory

    protocol = PumpProtocol.objects.filter(clinic=site.clinic).first()
    if protocol is None:
        protocol = PumpProtocolFactory(clinic=site.clinic, episode_days=4)
        PumpFactory(clinic=site.clinic)
    return protocol


def episode_body(site: Site, obj) -> dict:
    """An episode for the site's patient with no course, fitted on Monday next week (the world runs on Monday)."""
    return {"clinic": site.clinic.pk, "patient": site.patient.pk, "protocol": pump_protocol(site).pk,
            "fitting_start": "2027-03-08T09:00"}


def episode_query(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "patient": site.patient.pk, "protocol": pump_protocol(site).pk,
            "earliest": "2027-03-08"}


def episode_proposed(site: Site, obj, response) -> None:
    body = response.json()
    assert body["episodes"] and body["code"] is None, body
    assert {e["pump"] for e in body["episodes"]} <= ids(*Pump.objects.filter(clinic=site.clinic)), body
    assert not Episode.objects.filter(patient=site.patient).exists()


def episodes_of_other_clinic(world: World) -> None:
    """Another clinic's patient or protocol, asked for by id, is refused as unknown."""
    token = world.home.tokens["front_desk"]
    for name, away in (("patient", world.away.patient.pk), ("protocol", pump_protocol(world.away).pk),
                       ("clinic", world.away.clinic.pk)):
        query = {**episode_query(world.home, None), name: away}
        assert_error(send("episodes_proposals", token=token, query=query), 400, "validation_error", name)


def pump_availability_query(site: Site, obj) -> dict:
    return {"clinic": site.clinic.pk, "start": "2027-03-01", "days": 7}


def pump_days_shown(site: Site, obj, response) -> None:
    body = response.json()
    assert (body["clinic"], body["start"], body["days"]) == (site.clinic.pk, "2027-03-01", 7), body
    # Only the site's clinic's pumps (the episode rows may have added one): tests/pumps/test_availability.py has days.
    assert {p["id"] for p in body["pumps"]} <= ids(*Pump.objects.filter(clinic=site.clinic)), body


def pump_availability_of_other_clinic(world: World) -> None:
    """Another clinic's pumps, asked for by its id, are refused as an unknown clinic (400 naming `clinic`)."""
    query = pump_availability_query(world.away, None)
    assert_error(send("pumps_availability_retrieve", token=world.home.tokens["front_desk"], query=query),
                 400, "validation_error", "clinic")


def options_for(site: Site, obj, response) -> None:
    options = response.json()
    assert options and {o["sequence"] for o in options} == {obj.sequence}, options


def reminder_of(site: Site) -> PatientEmail:
    """An email written when the site's upcoming session was booked."""
    return PatientEmail.objects.filter(session=site.sessions["upcoming"]).order_by("pk").first()


def failed_reminder(site: Site) -> PatientEmail:
    """One of the upcoming session's emails, failed after its last try."""
    row = reminder_of(site)
    PatientEmail.objects.filter(pk=row.pk).update(status="failed", attempts=6, last_error="SMTPServerDisconnected: gone")
    row.refresh_from_db()
    return row


def reminder_rows(site: Site) -> set[int]:
    found = set(PatientEmail.objects.filter(clinic=site.clinic).values_list("pk", flat=True))
    assert found, "the world's bookings should have written reminders"
    return found


def session_reminders(site: Site, obj, response) -> None:
    """Every email of that session, and only those."""
    assert {r["id"] for r in response.json()} == set(PatientEmail.objects.filter(session=obj).values_list("pk", flat=True))
    assert response.json(), "the session's booking wrote reminders"


# --- The table ----------------------------------------------------------------------------------


def config_resource(
    name: str,
    model: type,
    *,
    row: Callable[[Site], Any],
    spare: Callable[[Site], Any],
    body: Body,
    bad: tuple[str, dict],
    change: dict,
    rows: Callable[[Site], set[int]],
    foreign: Callable[[World, Any], dict] | None,
    foreign_field: str = "clinic",
    list_bad: Bad | None = None,
    list_by: str | None = "clinic",
) -> dict[str, Op]:
    """The six operations of a clinic-configuration resource: every role reads, admins write.

    `row` is a stored row to read and change, `spare` one that can be deleted; `bad` a field and the value
    that breaks it; `foreign` a body naming the other clinic's row in `foreign_field` (None: the resource
    names none).
    """
    field_, value = bad
    foreign_ids = (ForeignId(foreign_field, foreign),) if foreign else ()
    return {
        f"{name}_list": Op(200, EVERY_ROLE, bad=list_bad or Bad("clinic", query={"clinic": NOT_A_NUMBER}),
                           other=(Unlisted(rows, by=list_by),)),
        f"{name}_create": Op(
            201, ADMINS, body=body, model=model, bad=Bad(field_, body=broken(body, **value)),
            other=foreign_ids or NoObject(
                "A new clinic names no other clinic's row; it belongs to the admin who creates it.",
                new_clinic_is_only_its_creators,
            ),
            check=created(model),
        ),
        f"{name}_retrieve": Op(200, EVERY_ROLE, target=row, bad=BAD_ID, other=(NotFound(),)),
        f"{name}_update": Op(
            200, ADMINS, target=row, body=body, model=model, bad=Bad(field_, body=broken(body, **value)),
            other=(NotFound(), *foreign_ids),
        ),
        f"{name}_partial_update": Op(
            200, ADMINS, target=row, body=same(change), model=model, bad=Bad(field_, body=same(value)),
            other=(NotFound(), *foreign_ids), check=changed(**change),
        ),
        f"{name}_destroy": Op(204, ADMINS, target=spare, model=model, bad=BAD_ID, other=(NotFound(),), check=deleted),
    }


TABLE: dict[str, Op] = {
    # --- Clinic configuration.
    **config_resource(
        "clinics", Clinic, row=lambda s: s.clinic, spare=fresh_clinic, body=clinic_body,
        bad=("timezone", {"timezone": "Mars/Olympus"}), change={"no_show_minutes": 25}, rows=lambda s: {s.clinic.pk},
        foreign=None,
        # No filter to get wrong: the list's one refusable input is a page past the end.
        list_bad=Bad(query={"page": "999"}, status=404, code="not_found"), list_by=None,
    ),
    **config_resource(
        "chairs", Chair, row=lambda s: s.chairs[0], spare=lambda s: ChairFactory(clinic=s.clinic), body=chair_body,
        bad=("name", {"name": ""}), change={"is_active": False}, rows=lambda s: ids(*s.chairs), foreign=away_clinic,
    ),
    **config_resource(
        "staff", StaffMember, row=lambda s: s.nurses[0], spare=lambda s: NurseFactory(clinic=s.clinic),
        body=staff_body, bad=("role", {"role": "surgeon"}), change={"last_name": "Moreno"},
        rows=lambda s: ids(*s.nurses), foreign=away_clinic,
    ),
    **config_resource(
        "protocols", Protocol, row=lambda s: s.protocol, spare=lambda s: ProtocolFactory(clinic=s.clinic),
        body=protocol_body, bad=("chair_minutes", {"chair_minutes": 5}), change={"chair_minutes": 150},
        rows=lambda s: {s.protocol.pk}, foreign=away_clinic,
    ),
    **config_resource(
        "closures", Closure, row=lambda s: s.closure, spare=lambda s: s.closure, body=closure_body,
        bad=("ends_at", {"starts_at": "2027-11-26T00:00:00Z", "ends_at": "2027-11-25T00:00:00Z"}),
        change={"reason": "Staff training"}, rows=lambda s: {s.closure.pk}, foreign=away_clinic,
    ),
    **config_resource(
        "time_off", TimeOff, row=lambda s: s.time_off, spare=lambda s: s.time_off, body=time_off_body,
        bad=("starts_at", {"starts_at": "not a time"}), change={"reason": "Conference"},
        rows=lambda s: {s.time_off.pk}, foreign=lambda world, obj: {"staff": world.away.nurses[0].pk},
        foreign_field="staff",
    ),
    # --- Patients: every role reads, the desk and admins write.
    "patients_list": Op(200, EVERY_ROLE, bad=Bad("clinic", query={"clinic": NOT_A_NUMBER}),
                        other=(Unlisted(lambda s: ids(*s.patients)),)),
    "patients_retrieve": Op(200, EVERY_ROLE, target=lambda s: s.patient, bad=BAD_ID, other=(NotFound(),)),
    "patients_create": Op(
        201, DESK, body=patient_body, model=Patient, bad=Bad("timezone", body=broken(patient_body, timezone="Mars/X")),
        other=(ForeignId("clinic", lambda world, obj: {**patient_body(world.home, obj), **away_clinic(world)}),),
        check=created(Patient, clinic=lambda s: s.clinic),
    ),
    "patients_update": Op(
        200, DESK, target=lambda s: s.patient, body=patient_body, model=Patient,
        bad=Bad("timezone", body=broken(patient_body, timezone="Mars/X")),
        other=(NotFound(), ForeignId("clinic", lambda world, obj: {**patient_body(world.home, obj), **away_clinic(world)})),
        check=changed(last_name="Roe", timezone="America/Chicago"),
    ),
    "patients_partial_update": Op(
        200, DESK, target=lambda s: s.patient, body=same({"phone": "+1 555 0199"}), model=Patient,
        bad=Bad("phone", body=same({"phone": "call me"})), other=(NotFound(), ForeignId("clinic", away_clinic)),
        check=changed(phone="+1 555 0199"),
    ),
    "patients_destroy": Op(204, DESK, target=lambda s: PatientFactory(clinic=s.clinic), model=Patient, bad=BAD_ID,
                           other=(NotFound(),), check=deleted),
    # --- Courses: every role reads, the desk and admins book and cancel.
    "cycles_list": Op(200, EVERY_ROLE, bad=Bad("status", query={"status": "done"}),
                      other=(Unlisted(lambda s: {x.cycle_id for x in s.sessions.values()}),)),
    "cycles_retrieve": Op(200, EVERY_ROLE, target=lambda s: s.cycle, bad=BAD_ID, other=(NotFound(),)),
    "cycles_create": Op(
        201, DESK, body=book_body, model=TreatmentCycle,
        bad=Bad("sessions", body=broken(book_body, sessions=[{"starts_at": "next Thursday"}])),
        other=(
            ForeignId("patient", lambda world, obj: {**book_body(world.home, obj), "patient": world.away.patient.pk}),
            ForeignId("protocol", lambda world, obj: {**book_body(world.home, obj), "protocol": world.away.protocol.pk}),
            ForeignId("sessions", lambda world, obj: {
                **book_body(world.home, obj), "sessions": [{"starts_at": "2027-03-04T10:00", "chair": world.away.chairs[0].pk}],
            }),
        ),
        check=created(TreatmentCycle, patient=lambda s: s.patient, sessions__chair__clinic=lambda s: s.clinic),
    ),
    "cycles_cancel": Op(
        200, DESK, target=lambda s: s.cycle, body=same({"reason": "Moved away", "by": "patient"}), model=TreatmentCycle,
        bad=Bad("by", body=same({"reason": "Moved away", "by": "robot"})), other=(NotFound(),),
        check=now_status("cancelled"),
    ),
    # --- The planner: nothing stored. The desk asks for proposals and options; every role reads availability.
    "cycles_proposals": Op(
        200, DESK, body=proposal_body, bad=Bad("earliest_date", body=broken(proposal_body, earliest_date="soon")),
        other=(
            ForeignId("patient", lambda world, obj: {**proposal_body(world.home, obj), "patient": world.away.patient.pk}),
            ForeignId("clinic", lambda world, obj: {**proposal_body(world.home, obj), **away_clinic(world)}),
        ),
        model=TreatmentCycle, check=proposed,
    ),
    "availability_retrieve": Op(
        200, EVERY_ROLE, query=availability_query, bad=Bad("date", query={"date": "soon"}),
        other=NoObject("The clinic is named in the query, not the path: another clinic's id is a 400.",
                       availability_of_other_clinic),
        check=available,
    ),
    # --- Pump episodes (issue 16): the desk and admins ask for proposals and book.
    "episodes_proposals": Op(
        200, DESK, query=episode_query, bad=Bad("earliest", query={"earliest": "soon"}),
        other=NoObject("The clinic, patient and protocol are named in the query: another clinic's are 400s.",
                       episodes_of_other_clinic),
        model=Episode, check=episode_proposed,
    ),
    "episodes_create": Op(
        201, DESK, body=episode_body, model=Episode,
        bad=Bad("fitting_start", body=broken(episode_body, fitting_start="next Monday")),
        other=(
            ForeignId("patient", lambda world, obj: {**episode_body(world.home, obj), "patient": world.away.patient.pk}),
            ForeignId("protocol", lambda world, obj: {**episode_body(world.home, obj),
                                                      "protocol": pump_protocol(world.away).pk}),
            ForeignId("pump", lambda world, obj: {**episode_body(world.home, obj), "pump": (
                pump_protocol(world.away), Pump.objects.filter(clinic=world.away.clinic).first().pk)[1]}),
        ),
        check=created(Episode, patient=lambda s: s.patient, clinic=lambda s: s.clinic),
    ),
    # --- Pumps (issue 16): every role reads the pumps' availability; nothing stored.
    "pumps_availability_retrieve": Op(
        200, EVERY_ROLE, query=pump_availability_query, bad=Bad("days", query={"days": 0}),
        other=NoObject("The clinic is named in the query: another clinic's id is a 400, as for availability.",
                       pump_availability_of_other_clinic),
        check=pump_days_shown,
    ),
    "sessions_options": Op(200, DESK, target=session("upcoming"), bad=Bad("count", query={"count": 0}),
                           other=(NotFound(),), check=options_for),
    # --- Sessions: every role reads; the desk moves, cancels, confirms, checks in and records no-shows;
    # clinicians start and complete.
    "sessions_list": Op(200, EVERY_ROLE, bad=Bad("date", query={"date": "soon"}),
                        other=(Unlisted(lambda s: ids(*s.sessions.values())),)),
    "sessions_retrieve": Op(200, EVERY_ROLE, target=session("upcoming"), bad=BAD_ID, other=(NotFound(),)),
    "sessions_reschedule": Op(
        200, DESK, target=session("upcoming"), body=reschedule_body, model=InfusionSession,
        bad=Bad("starts_at", body=same({"starts_at": "soon", "scope": "this"})),
        other=(NotFound(), ForeignId("chair", lambda world, obj: {
            **reschedule_body(world.home, obj), "chair": world.away.chairs[0].pk})),
        check=moved_to("2027-03-05T10:00"),
    ),
    "sessions_cancel": Op(
        200, DESK, target=session("upcoming"), body=same({"reason": "Unwell", "by": "patient"}), model=InfusionSession,
        bad=Bad("by", body=same({"reason": "Unwell", "by": "robot"})), other=(NotFound(),),
        check=now_status("cancelled"),
    ),
    "sessions_confirm": Op(200, DESK, target=session("upcoming"), bad=BAD_ID, other=(NotFound(),),
                           check=now_status("confirmed")),
    "sessions_check_in": Op(200, DESK, target=session("today"), bad=BAD_ID, other=(NotFound(),),
                            check=now_status("checked_in")),
    "sessions_no_show": Op(200, DESK, target=session("past"), bad=BAD_ID, other=(NotFound(),),
                           check=now_status("no_show")),
    "sessions_start": Op(200, CLINICAL, target=session("checked_in"), bad=BAD_ID, other=(NotFound(),),
                         check=now_status("in_chair")),
    # Started at noon, before its chair time has passed: completing it needs a reason.
    "sessions_complete": Op(200, CLINICAL, target=session("in_chair"), body=same({"reason": "Felt unwell"}),
                            bad=Bad("reason", body=same({"reason": 5})), other=(NotFound(),),
                            check=now_status("completed")),
    "sessions_reminders": Op(200, EVERY_ROLE, target=session("upcoming"), bad=BAD_ID, other=(NotFound(),),
                             check=session_reminders),
    # --- Safety checks (issue 15): every role reads the state (values for clinicians and admins), they record.
    "sessions_checks": Op(200, EVERY_ROLE, target=session("checked_in"), bad=BAD_ID, other=(NotFound(),)),
    "sessions_checks_record": Op(
        200, CLINICAL, target=session("checked_in"), body=same({"systolic": 150, "diastolic": 95}), model=CheckEntry,
        bad=Bad(body=same({"systolic": 150}), code="blood_pressure_incomplete"), other=(NotFound(),),
        check=blood_pressure_flagged,
    ),
    "sessions_recovery_check": Op(
        200, CLINICAL, target=session("in_chair"), model=RecoveryCheck,
        body=same({"systolic": 128, "diastolic": 80, "alert_and_oriented": True, "escort_present": True}),
        bad=Bad("alert_and_oriented", body=same({"systolic": 128, "diastolic": 80, "alert_and_oriented": "yes",
                                                 "escort_present": True})),
        other=(NotFound(),),
    ),
    # --- Patient emails (the outbox): every role reads, the desk and admins resend a failed one.
    "reminders_list": Op(200, EVERY_ROLE, bad=Bad("status", query={"status": "lost"}),
                         other=(Unlisted(reminder_rows),)),
    "reminders_retrieve": Op(200, EVERY_ROLE, target=reminder_of, bad=BAD_ID, other=(NotFound(),)),
    "reminders_resend": Op(200, DESK, target=failed_reminder, bad=BAD_ID, other=(NotFound(),), model=PatientEmail,
                           check=now_status("pending")),
    # --- Signing in, and the audit trail.
    "auth_token_obtain": Op(
        200,
        Public(
            "The way in: it exchanges a username and password for a token, so it cannot ask for one.",
            unauthenticated=token_without_credentials,
            wrong_role=token_for_any_role,
        ),
        body=sign_in_body,
        bad=Bad("password", body=same({"username": "frontdesk"})),
        other=NoObject("It reads no clinic's data: it answers the caller's own token.", token_is_the_callers_own),
        check=lambda site, obj, response: api_token_user(response.json()["token"]),
    ),
    # --- Signed-in devices and signing out: every signed-in user, about their own sign-ins only.
    "auth_tokens_list": Op(
        200,
        SignedIn("Everyone who signs in sees their own devices, whatever their role.", no_role_needed("auth_tokens_list")),
        bad=Bad(query={"page": "999"}, status=404, code="not_found"),
        other=NoObject("Tokens are a user's, not a clinic's: only the caller's own are listed.", only_own_tokens_listed),
    ),
    "auth_tokens_revoke": Op(
        204,
        SignedIn("Everyone who signs in may sign out their own devices.", no_role_needed("auth_tokens_revoke"),
                 own=token_row),
        target=lambda site: AuthToken.objects.get(token_key=api_token_for(site.users["admin"])[:15]),
        bad=BAD_ID, other=(NotFound(),), model=AuthToken, check=deleted,
    ),
    "auth_logout": Op(
        204,
        SignedIn("Everyone who signs in may sign out.", no_role_needed("auth_logout"), own=token_row),
        bad=NoInput("It reads nothing but the token it came with; a body is not read.", body_ignored("auth_logout")),
        other=NoObject("It ends the token it came with, nobody else's.", logout_ends_only_its_token),
        model=AuthToken, check=deleted,
    ),
    "auth_logout_all": Op(
        204,
        SignedIn("Everyone who signs in may sign out everywhere.", no_role_needed("auth_logout_all"), own=token_row),
        bad=NoInput("It reads nothing but the token it came with; a body is not read.", body_ignored("auth_logout_all")),
        other=NoObject("It ends the caller's own tokens and sessions, nobody else's.", logout_all_ends_only_own),
        model=AuthToken, check=deleted,
    ),
    "audit_list": Op(200, ADMINS, bad=Bad("patient", query={"patient": NOT_A_NUMBER}),
                     other=(Unlisted(audit_rows, by="patient"),)),
    # --- Make-up sessions (issue 14): a short course's options, and a make-up added in place of session 3.
    "cycles_make_up_options": Op(200, DESK, target=mu.short_course, bad=Bad("count", query={"count": 0}),
                                 other=(NotFound(),), check=mu.make_up_options),
    "cycles_make_up": Op(
        201, DESK, target=mu.short_course, body=mu.make_up_body, model=InfusionSession,
        bad=Bad("replaces", body=broken(mu.make_up_body, replaces="3")),
        other=(NotFound(), ForeignId("replaces", lambda world, obj: {
            **mu.make_up_body(world.home, obj), "replaces": world.away.sessions["upcoming"].pk})),
        check=mu.made_up,
    ),
    # --- The waitlist (issue 14).
    "waitlist_list": Op(200, EVERY_ROLE, bad=Bad("page", query={"page": NOT_A_NUMBER}),
                        other=(Unlisted(lambda s: ids(waiting_entry(s)), by=None),)),
    "waitlist_retrieve": Op(200, EVERY_ROLE, target=lambda s: waiting_entry(s), bad=BAD_ID, other=(NotFound(),)),
    "waitlist_create": Op(
        201, DESK, body=entry_body, model=WaitlistEntry, bad=Bad("weekdays", body=broken(entry_body, weekdays=[9])),
        other=(ForeignId("clinic", lambda world, obj: {**entry_body(world.home, obj), **away_clinic(world)}),),
        check=created(WaitlistEntry, clinic=lambda s: s.clinic),
    ),
    "waitlist_withdraw": Op(200, DESK, target=lambda s: waiting_entry(s), bad=BAD_ID, other=(NotFound(),),
                            model=WaitlistEntry, check=now_status("withdrawn")),
    "waitlist_offers": Op(200, EVERY_ROLE, target=lambda s: waiting_entry(s), bad=BAD_ID, other=(NotFound(),)),
    # --- Outcome measures (issue 15): answers and scores for clinicians and admins; forms done for every role.
    "instruments_list": Op(200, EVERY_ROLE, bad=Bad("page", query={"page": NOT_A_NUMBER}),
                           other=NoObject("The instruments are no clinic's: the same for all.", no_patient_data)),
    "sessions_measures_create": Op(
        201, CLINICAL, target=session("upcoming"), body=same({"instrument": "phq9", "answers": [1] * 9}), model=Measure,
        bad=Bad("answers", body=same({"instrument": "phq9", "answers": "1,1,1"})), other=(NotFound(),),
        check=measure_stored,
    ),
    "sessions_forms": Op(200, EVERY_ROLE, target=session("upcoming"), bad=BAD_ID, other=(NotFound(),)),
    "cycles_measures": Op(200, CLINICAL, target=lambda s: s.cycle, bad=BAD_ID, other=(NotFound(),)),
    "cycles_review": Op(
        201, CLINICAL, target=course_to_review, body=same({"decision": "continue"}), model=CourseReview,
        bad=Bad("decision", body=same({"decision": "maybe"})), other=(NotFound(),),
        check=created(CourseReview, cycle=lambda s: s.cycle),
    ),
    "flags_list": Op(200, CLINICAL, bad=Bad("page", query={"page": NOT_A_NUMBER}),
                     other=(Unlisted(lambda s: ids(upcoming_flag(s)), by=None),)),
    "flags_acknowledge": Op(200, CLINICAL, target=upcoming_flag, bad=BAD_ID, other=(NotFound(),), check=acknowledged),
    "waitlist_offers_create": Op(
        201, DESK, target=lambda s: waiting_entry(s), body=same({"starts_at": "2027-03-02T10:00"}), model=WaitlistOffer,
        bad=Bad("starts_at", body=same({"starts_at": "soon"})),
        other=(NotFound(), ForeignId("chair", lambda world, obj: {"starts_at": "2027-03-02T10:00",
                                                                  "chair": world.away.chairs[0].pk})),
        check=lambda site, obj, response: WaitlistOffer.objects.get(pk=response.json()["id"], entry=obj),
    ),
    # --- Re-plan (issue 14): the proposals for the clinic's stranded sessions, and applying them (none stranded
    # here: the answer is empty, which is a success all the same; tests/bookings/test_replan.py moves some).
    "sessions_replan_proposals": Op(
        200, DESK, query=lambda site, obj: {"clinic": site.clinic.pk}, bad=Bad("clinic", query={"clinic": "x"}),
        other=NoObject(
            "The clinic is named in the query, not the path: another clinic's id is a 400.",
            lambda world: assert_error(send("sessions_replan_proposals", token=world.home.tokens["front_desk"],
                                            query={"clinic": world.away.clinic.pk}), 400, "validation_error", "clinic"),
        ),
    ),
    "sessions_replan": Op(
        200, DESK, body=lambda site, obj: {"clinic": site.clinic.pk, "all": True}, model=InfusionSession,
        bad=Bad("sessions", body=lambda site, obj: {"clinic": site.clinic.pk, "sessions": []}),
        other=(
            ForeignId("clinic", lambda world, obj: {"clinic": world.away.clinic.pk, "all": True}),
            ForeignId("sessions", lambda world, obj: {"clinic": world.home.clinic.pk,
                                                      "sessions": [world.away.sessions["upcoming"].pk]}),
        ),
    ),
    # --- Pump courses (issue 16): every role reads pumps and episodes; admins add and change pumps and book their
    # maintenance; clinicians fit, record reviews and remove; any role takes a pump back; the desk cancels.
    "pump_protocols_list": Op(200, EVERY_ROLE, bad=Bad("clinic", query={"clinic": "x"}),
                              other=(Unlisted(lambda s: {e.course.protocol_id for e in s.episodes.values()}),)),
    "pump_protocols_retrieve": Op(200, EVERY_ROLE, target=lambda s: next(iter(s.episodes.values())).course.protocol, bad=BAD_ID,
                                  other=(NotFound(),)),
    "pumps_list": Op(200, EVERY_ROLE, bad=Bad("status", query={"status": "lost"}),
                     other=(Unlisted(lambda s: ids(*s.pumps)),)),
    "pumps_retrieve": Op(200, EVERY_ROLE, target=lambda s: s.pump, bad=BAD_ID, other=(NotFound(),)),
    "pumps_create": Op(
        201, ADMINS, body=pump_body, model=Pump, bad=Bad("status", body=broken(pump_body, status="lost")),
        other=(ForeignId("clinic", lambda world, obj: {**pump_body(world.home, obj), **away_clinic(world)}),),
        check=created(Pump, clinic=lambda s: s.clinic),
    ),
    "pumps_partial_update": Op(
        200, ADMINS, target=lambda s: s.pump, body=same({"status": "maintenance"}), model=Pump,
        bad=Bad("label", body=same({"label": ""})), other=(NotFound(), ForeignId("clinic", away_clinic)),
        check=changed(status="maintenance"),
    ),
    "pumps_maintenance": Op(200, EVERY_ROLE, target=lambda s: s.pump, bad=BAD_ID, other=(NotFound(),)),
    "pumps_maintenance_create": Op(
        201, ADMINS, target=lambda s: s.pump, body=maintenance_body, model=PumpMaintenance,
        bad=Bad("ends_at", body=broken(maintenance_body, ends_at="2027-04-04T08:00")), other=(NotFound(),),
        check=maintenance_booked,
    ),
    "episodes_list": Op(200, EVERY_ROLE, bad=Bad("status", query={"status": "lost"}),
                        other=(Unlisted(lambda s: ids(*s.episodes.values())),)),
    "episodes_retrieve": Op(200, EVERY_ROLE, target=episode(EpisodeStatus.BOOKED), bad=BAD_ID, other=(NotFound(),)),
    "episodes_fit": Op(200, CLINICAL, target=episode(EpisodeStatus.BOOKED), bad=BAD_ID, other=(NotFound(),),
                       model=Episode, check=now_status("fitted")),
    "episodes_review": Op(
        200, CLINICAL, target=episode(EpisodeStatus.FITTED), body=review_body, model=EpisodeVisit,
        bad=Bad("done", body=broken(review_body, done="no")), other=(NotFound(),), check=review_missed,
    ),
    "episodes_remove": Op(
        200, CLINICAL, target=episode(EpisodeStatus.FITTED), body=same({"early_reason": "Sore site"}), model=Episode,
        bad=Bad(body=same({}), code="early_removal_reason_required"), other=(NotFound(),),
        check=now_status("removed"),
    ),
    "episodes_return": Op(200, EVERY_ROLE, target=episode(EpisodeStatus.REMOVED), bad=BAD_ID, other=(NotFound(),),
                          model=Episode, check=now_status("returned")),
    "episodes_cancel": Op(
        200, DESK, target=episode(EpisodeStatus.BOOKED), body=same({"reason": "Travel"}), model=Episode,
        bad=Bad("reason", body=same({"reason": ""})), other=(NotFound(),), check=now_status("cancelled"),
    ),
    # --- Outside the schema (see NOT_IN_SCHEMA), walked all the same.
    "healthz": Op(
        200,
        Public(
            "Load balancers and monitors call it with no credentials; it says only ok/error per dependency.",
            unauthenticated=healthz_without_credentials,
            wrong_role=healthz_for_any_role,
        ),
        # Its only input is the method: anything but GET or HEAD is a 405 (a plain Django view, not an API path).
        bad=Bad(status=405),
        other=NoObject("It reads no clinic's data.", healthz_holds_no_clinic_data),
        method="get",
        path="/healthz",
    ),
}

#: TABLE keys that are not operationIds of the schema.
OUTSIDE_SCHEMA = {"healthz"}
#: Routes the schema does not describe, each with the reason.
NOT_IN_SCHEMA = {
    "admin/": "Django's admin: HTML pages behind a staff session, not part of the API.",
    "api/schema/": "The schema itself (SERVE_INCLUDE_SCHEMA is off); readable by anyone.",
    "api/docs/": "Swagger UI over the schema; readable by anyone.",
    "api/{}": "The last of the API's routes: whatever no API route takes is a JSON 404 (config.views.api_not_found); "
    "tested in tests/api/test_json_everywhere.py.",
    "healthz": "A plain Django view for load balancers, outside /api/: walked as TABLE['healthz'].",
    "metrics": "Prometheus' scrape (config.metrics): text, a bearer METRICS_TOKEN, no clinic's rows; tested in "
    "tests/test_operability.py.",
    "p/": "Patients' email links (notifications.link_pages): HTML pages authorised by a signed token, no login; "
    "tested in tests/notifications/test_links.py.",
    "outcomes/": "The front desk's outcome pages for clinicians (urgent flags, a course's scores and summary, a "
    "session's answers): tests/outcomes/test_desk.py.",
    # The front desk's pages (frontdesk/): HTML behind a staff session, tested in tests/frontdesk/ and tests/e2e/.
    "": "The front desk's day board (exactly the root; not a prefix).",
    "account/": "The front desk's account page: signed-in devices, sign out everywhere (tests/test_tokens.py).",
    "login/": "The front desk's sign-in page and its code step (django-axes guards both as it guards the API's "
    "token endpoint).",
    "account/two-factor/": "The front desk's two-factor settings: set up an app, recovery codes, turn it off.",
    "logout/": "The front desk's sign-out.",
    "patients/": "The front desk's patient search, registration, patient page and course booking.",
    "sessions/": "The front desk's session panel and its actions.",
    "courses/": "The front desk's course page, its cancel, and the booking confirmation page.",
    "staff/": "The front desk's staff management for a clinic's admins, and the set-password page of an invite.",
    "tomorrow/": "The front desk's list of tomorrow's unconfirmed sessions (with the called mark) and the huddle sheet.",
    "worklists/": "The front desk's worklists.",
    "emails/": "The front desk's 'send again' button for a failed patient email.",
    "outbox/": "The front desk's view of the emails written to var/mail/ in the embedded mode.",
    "session/": "The idle logout's keep-alive (accounts.idle): 204 or 401 for the browser's own session, no data; "
    "tested in tests/test_idle.py.",
    "closures/": "The front desk's closures page for a clinic's admins (the clinic or one chair), impact first.",
    "replan/": "The front desk's Re-plan page: stranded sessions with their proposed times, applied one or all.",
    "waitlist/": "The front desk's waitlist page: entries, their offers and outcomes, offer by hand, withdraw.",
    "pumps/": "The front desk's pump board (pumps × days; issue 16): tests/frontdesk/test_pumps.py.",
    "episodes/": "The front desk's page of a pump episode and its visits (issue 16): tests/frontdesk/test_pumps.py.",
    "pump-visits/": "The front desk's form recording a pump review done or missed (issue 16): "
                    "tests/frontdesk/test_pump_desk.py and the hostile walk.",
}


def _explained(route_: str, prefix: str) -> bool:
    return route_ == prefix if prefix == "" else route_.startswith(prefix)
KEYS = sorted(set(SCHEMA_OPS) | set(TABLE))


# --- Guards: nothing escapes the table ----------------------------------------------------------


def test_every_operation_in_the_schema_is_in_the_table():
    missing = sorted(set(SCHEMA_OPS) - set(TABLE))
    stale = sorted(set(TABLE) - OUTSIDE_SCHEMA - set(SCHEMA_OPS))
    assert not missing and not stale, f"missing from TABLE: {missing}; in TABLE but not in the schema: {stale}"
    assert not OUTSIDE_SCHEMA & set(SCHEMA_OPS), "now in the schema: drop it from OUTSIDE_SCHEMA and NOT_IN_SCHEMA"


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _normalized(route_: str) -> str:
    route_ = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>|\{\w+\}", "{}", route_)
    return route_.replace("^", "").replace("$", "").lstrip("/")


def test_every_route_is_in_the_schema_or_explained():
    """A view mounted outside DRF (like /healthz) does not reach the schema: it must be listed, with why."""
    in_schema = {_normalized(path) for path in SCHEMA["paths"]}
    routes = {_normalized(r) for r in _routes()}
    unexplained = {r for r in routes - in_schema if not any(_explained(r, prefix) for prefix in NOT_IN_SCHEMA)}
    assert not unexplained, f"routes neither in the schema nor in NOT_IN_SCHEMA: {sorted(unexplained)}"
    stale = {prefix for prefix in NOT_IN_SCHEMA if not any(_explained(r, prefix) for r in routes)}
    assert not stale, f"NOT_IN_SCHEMA names routes that are gone: {sorted(stale)}"
    assert not set(NOT_IN_SCHEMA) & in_schema, "a route of NOT_IN_SCHEMA is in the schema now: walk it through TABLE"


def test_the_schema_documents_what_the_walk_expects():
    """The success status everywhere; 401 and 403 wherever credentials are needed; 404 for every {id}; 406
    everywhere; 400, 413 and 415 with a body; every error's body is the Error schema (common.openapi.AutoSchema)."""
    for key, (method, path) in SCHEMA_OPS.items():
        op, operation = TABLE[key], SCHEMA["paths"][path][method]
        codes = set(operation["responses"])
        assert str(op.ok) in codes, key
        if isinstance(op.roles, Public):
            assert operation.get("security") in (None, [], [{}]), f"{key} is public but its schema asks for auth"
        else:  # a role to lack, or (a session) a second factor still owed or a write without its CSRF token
            assert {"401", "403"} <= codes and operation.get("security"), key
        if "{id}" in path:
            assert "404" in codes, key
        # Whatever the operation: an Accept header ruling JSON out; a body that is not JSON, too large or unreadable.
        assert "406" in codes, key
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= codes, key
        for status, response in operation["responses"].items():
            if status >= "400":
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), (key, status)


# --- The walk -----------------------------------------------------------------------------------


def check_success(key: str, op: Op, world: World) -> None:
    """Every role that may call it succeeds, each in a savepoint of its own; a public one, with no credentials."""
    home = world.home
    for role, token in callers(op, home):
        with transaction.atomic():
            own = op.roles.own if isinstance(op.roles, SignedIn) else None
            obj = own(home, role) if own else op.target(home) if op.target else None
            response = send(key, token=token, **parts(op, home, obj))
            assert response.status_code == op.ok, (key, role, response.status_code, response.content[:500])
            if op.check:
                op.check(home, obj, response)
            transaction.set_rollback(True)


def callers(op: Op, site: Site) -> list[tuple[str | None, str | None]]:
    """(role, token) of every caller that may: none for a public operation, every role and none for SignedIn."""
    if isinstance(op.roles, Public):
        return [(None, None)]
    roles = list(ROLES) if isinstance(op.roles, SignedIn) else sorted(op.roles)
    return [(role, site.tokens[role]) for role in roles]


def a_token(op: Op, site: Site) -> str | None:
    """The token of the first caller that may (None for a public operation)."""
    return callers(op, site)[0][1]


def check_bad_input(key: str, op: Op, world: World) -> None:
    home = world.home
    if isinstance(op.bad, NoInput):
        assert op.bad.why
        op.bad.check(world)
        return
    if key in OUTSIDE_SCHEMA:  # a plain Django view: its one refusable input is the method
        response = APIClient().post(route(key)[1])
        assert response.status_code == op.bad.status and response["Allow"] == "GET, HEAD", response
        return
    obj = op.target(home) if op.target else None
    request = parts(op, home, obj)
    if op.bad.body:
        request["body"] = op.bad.body(home, obj)
    if op.bad.query:
        request["query"] = op.bad.query
    token = a_token(op, home)
    before = state(op, obj)
    assert_error(send(key, token=token, path_id=op.bad.path_id, **request), op.bad.status, op.bad.code, op.bad.field)
    assert state(op, obj) == before, "a refused request changed something"


def check_unauthenticated(key: str, op: Op, world: World) -> None:
    if isinstance(op.roles, Public):
        op.roles.unauthenticated(world)
        return
    home = world.home
    obj = op.target(home) if op.target else None
    before = state(op, obj)
    response = send(key, **parts(op, home, obj))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert_error(send(key, token="0" * 40, **parts(op, home, obj)), 401, "authentication_failed")
    assert state(op, obj) == before, "a request without credentials changed something"


def check_wrong_role(key: str, op: Op, world: World) -> None:
    """Every role that may not call it, and a member holding no role at all, gets a 403 naming who may."""
    if isinstance(op.roles, Public | SignedIn):
        op.roles.wrong_role(world)
        return
    home = world.home
    obj = op.target(home) if op.target else None
    before = state(op, obj)
    for role in (r for r in ROLES if r not in op.roles):
        error = assert_error(send(key, token=home.tokens[role], **parts(op, home, obj)), 403, "permission_denied")
        assert error["message"] == f"This needs one of the roles: {', '.join(sorted(op.roles))}.", (role, error)
    assert state(op, obj) == before, "a refused request changed something"


def check_other_clinic(key: str, op: Op, world: World) -> None:
    if isinstance(op.other, NoObject):
        assert op.other.why
        op.other.check(world)
        return
    home, away = world.home, world.away
    token = a_token(op, home)
    for rule in op.other:
        if isinstance(rule, NotFound):
            theirs = op.target(away)
            before = state(op, theirs)
            assert_error(send(key, token=token, **parts(op, away, theirs)), 404, "not_found")
            assert state(op, theirs) == before, "another clinic's object changed"
        elif isinstance(rule, ForeignId):
            ours = op.target(home) if op.target else None
            before = state(op, ours)
            response = send(key, token=token, obj=ours, body=rule.body(world, ours), query=op.query)
            assert_error(response, 400, "validation_error", rule.field)
            assert state(op, ours) == before, "a refused write changed something"
        elif isinstance(rule, Unlisted):
            query = {"page_size": 200, **(op.query or {})}
            shown = listed(send(key, token=token, query=query))
            assert rule.rows(home) <= shown, f"{key} does not list all of the clinic's own rows"
            assert not shown & rule.rows(away), f"{key} lists another clinic's rows"
            if rule.by:
                query[rule.by] = away.patient.pk if rule.by == "patient" else away.clinic.pk
                assert not listed(send(key, token=token, query=query)) & rule.rows(away), f"{key}?{rule.by}=theirs"


CHECKS = {
    "success": check_success,
    "bad_input": check_bad_input,
    "unauthenticated": check_unauthenticated,
    "wrong_role": check_wrong_role,
    "other_clinic": check_other_clinic,
}


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("key", KEYS)
def test_operation(key, aspect, world, db):
    if key not in TABLE:
        pytest.fail(f"{key} is in the schema but not in TABLE: say how to call it, who may, and what it answers")
    CHECKS[aspect](key, TABLE[key], world)
