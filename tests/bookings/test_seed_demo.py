"""seed_demo: the demo clinic it loads, its courses obeying every rule, and a second run changing nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from io import StringIO
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from bookings.models import InfusionSession, Patient, SessionEvent, TreatmentCycle
from bookings.selectors import occupancy_load
from common.treatment_words import treatment_words_in
from scheduler import planning
from scheduler.models import (
    Chair,
    Clinic,
    Closure,
    OpeningHours,
    Protocol,
    Shift,
    StaffMember,
    StaffRole,
    TimeOff,
    validate_email_name,
)
from scheduler.selectors import clinic_calendar_load, protocol_spacing

NY = ZoneInfo("America/New_York")
#: A Wednesday afternoon; the course dates follow from it.
NOW = dt.datetime(2025, 6, 4, 15, 30, tzinfo=NY)
PASSWORD = "demo-pass-8472"

MODELS = (Clinic, OpeningHours, Closure, Chair, StaffMember, Shift, TimeOff, Patient, TreatmentCycle,
          InfusionSession, SessionEvent, Group, get_user_model())

# Each test runs seed_demo, the whole demo clinic (seconds): `make test`, not `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Three users are hashed per seed; the production hasher's cost is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args, now=NOW) -> str:
    out = StringIO()
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def assert_courses_obey_the_rules(clinic: Clinic) -> None:
    """Re-check every stored course with the planning rules, against everything else stored."""
    sessions = list(InfusionSession.objects.filter(clinic=clinic).select_related("cycle__protocol"))
    assert sessions
    for s in sessions:
        assert s.ends_at - s.starts_at == dt.timedelta(minutes=s.cycle.protocol.chair_minutes_for(s.sequence))
    for key in ("chair_id", "patient_id"):
        by_resource = defaultdict(list)
        for s in sessions:
            by_resource[getattr(s, key)].append(s)
        for group in by_resource.values():
            for a, b in combinations(group, 2):
                assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at, f"{key} overlap: {a.pk} and {b.pk}"

    window_start = min(s.starts_at for s in sessions) - dt.timedelta(days=1)
    window_end = max(s.ends_at for s in sessions) + dt.timedelta(days=1)
    calendar = clinic_calendar_load(clinic=clinic, window_start=window_start, window_end=window_end)
    for cycle in TreatmentCycle.objects.filter(clinic=clinic).select_related("protocol"):
        own = sorted((s for s in sessions if s.cycle_id == cycle.pk), key=lambda s: s.sequence)
        assert [s.sequence for s in own] == list(range(1, cycle.protocol.session_count + 1))
        occupancy = occupancy_load(
            clinic_id=clinic.pk, patient_id=cycle.patient_id, window_start=window_start, window_end=window_end
        )
        check = planning.check_series(
            [
                planning.SeriesRequest(
                    s.sequence, planning.Placement(s.starts_at, s.ends_at, s.patient_id, s.chair_id, s.nurse_id)
                )
                for s in own
            ],
            spacing=protocol_spacing(cycle.protocol),
            rules=calendar.rules,
            chair_ids=calendar.chair_ids,
            nurses=calendar.nurses,
            occupancy=occupancy,
            exclude=frozenset(s.pk for s in own),
        )
        assert check.first_violation is None, (cycle.protocol.slug, check.first_violation)


def test_seed_loads_the_demo_clinic():
    out = seed("--password", PASSWORD)

    clinic = Clinic.objects.get(slug="demo")
    assert clinic.timezone == "America/New_York" and clinic.address and clinic.phone
    # Named for its drug, as many clinics are; its patients' emails use a discreet name.
    assert treatment_words_in(clinic.name) == ["Ketamine"]
    assert clinic.email_name == "Demo Clinic" and clinic.name_for_patients == "Demo Clinic"
    validate_email_name(clinic.email_name)
    hours = {(h.weekday, h.opens.isoformat("minutes"), h.closes.isoformat("minutes")) for h in clinic.opening_hours.all()}
    assert hours == {(d, "08:00", "18:00") for d in range(5)} | {(5, "09:00", "13:00")}
    assert clinic.chairs.count() == 6
    assert clinic.staff_members.filter(role=StaffRole.NURSE).count() == 3
    assert clinic.staff_members.filter(role=StaffRole.PROVIDER).count() == 1
    assert Shift.objects.filter(staff__clinic=clinic).count() > 0

    patients = Patient.objects.filter(clinic=clinic)
    assert patients.count() >= 20
    assert all(p.email.endswith("@example.org") for p in patients)
    consented = patients.filter(email_consent=True)
    assert consented.count() > patients.count() // 2
    assert not consented.filter(email_consent_at__isnull=True).exists()
    assert not consented.filter(email_consent_source="").exists()

    slugs = set(TreatmentCycle.objects.filter(clinic=clinic).values_list("protocol__slug", flat=True))
    assert {"depression-iv", "ptsd-iv", "chronic-pain-iv", "anxiety-sc", "booster-iv", "esketamine-nasal"} <= slugs
    assert not Protocol.objects.filter(clinic=clinic).exists()  # courses use the shared templates
    assert InfusionSession.objects.filter(clinic=clinic, starts_at__lte=NOW).count() == 0
    assert SessionEvent.objects.filter(session__clinic=clinic, kind="booked").count() == InfusionSession.objects.count()
    assert_courses_obey_the_rules(clinic)

    User = get_user_model()
    for username, group in (("admin", "admin"), ("frontdesk", "front_desk"), ("clinician", "clinician")):
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert list(user.clinics.all()) == [clinic]
    assert StaffMember.objects.get(role=StaffRole.PROVIDER).user.username == "clinician"
    assert "20 patients" in out and PASSWORD not in out


def test_group_permissions():
    seed("--password", PASSWORD)
    User = get_user_model()
    admin, desk, clinician = (User.objects.get(username=n) for n in ("admin", "frontdesk", "clinician"))

    assert admin.has_perms(["scheduler.change_clinic", "scheduler.add_chair", "bookings.delete_patient", "auth.view_user"])
    assert not admin.has_perm("auth.change_user")
    assert desk.has_perms(["bookings.add_patient", "bookings.change_patient", "bookings.view_infusionsession",
                           "scheduler.view_protocol", "scheduler.view_clinic"])
    assert not desk.has_perm("bookings.delete_patient") and not desk.has_perm("scheduler.change_chair")
    assert clinician.has_perms(["bookings.view_patient", "bookings.view_treatmentcycle", "scheduler.view_staffmember"])
    assert not clinician.has_perm("bookings.change_patient")


def test_a_second_run_changes_nothing():
    seed("--password", PASSWORD)
    before = counts()
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    out = seed("--password", "another-password-1", now=NOW + dt.timedelta(days=3))

    assert "already loaded" in out
    assert counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_a_second_run_gives_an_older_demo_clinic_its_email_name_but_keeps_an_admins():
    seed("--password", PASSWORD)
    Clinic.objects.filter(slug="demo").update(email_name="")  # loaded before email names existed
    before = counts()

    out = seed("--password", PASSWORD)

    assert "“Demo Clinic”" in out and "nothing else changed" in out
    assert Clinic.objects.get(slug="demo").email_name == "Demo Clinic" and counts() == before
    Clinic.objects.filter(slug="demo").update(email_name="Hudson Street Health")  # an admin's choice
    assert "nothing changed" in seed("--password", PASSWORD)
    assert Clinic.objects.get(slug="demo").email_name == "Hudson Street Health"


def test_the_users_log_in_with_the_given_password(client):
    seed("--password", PASSWORD)
    for username in ("admin", "frontdesk", "clinician"):
        assert client.login(username=username, password=PASSWORD), username
        client.logout()


def test_without_a_password_one_is_generated_and_printed_once(client):
    out = seed()
    printed = re.search(r"password (\S+)", out).group(1)
    assert client.login(username="frontdesk", password=printed)
    assert printed not in seed()


def test_existing_users_keep_their_passwords():
    User = get_user_model()
    User.objects.create_user("admin", password="theirs-already-1", is_staff=True)

    out = seed("--password", PASSWORD)

    admin = User.objects.get(username="admin")
    assert admin.check_password("theirs-already-1")
    assert admin.groups.filter(name="admin").exists() and admin.clinics.filter(slug="demo").exists()
    assert "Users admin already existed" in out


@pytest.mark.parametrize(
    "now",
    [NOW + dt.timedelta(days=d) for d in range(7)]  # every weekday of "today", including the weekend
    + [
        dt.datetime(2025, 10, 24, 19, 0, tzinfo=NY),  # courses across the fall-back change (Nov 2)
        dt.datetime(2026, 2, 27, 7, 0, tzinfo=NY),  # across spring-forward (Mar 8)
        dt.datetime(2025, 12, 31, 23, 59, tzinfo=NY),  # late at night, over the new year
    ],
    ids=lambda n: n.strftime("%a-%Y-%m-%d"),
)
def test_courses_book_whatever_the_day(now):
    seed("--password", PASSWORD, now=now)
    clinic = Clinic.objects.get(slug="demo")
    assert InfusionSession.objects.filter(clinic=clinic, starts_at__lte=now).count() == 0
    assert_courses_obey_the_rules(clinic)


def test_everything_or_nothing(monkeypatch):
    from bookings.management.commands import seed_demo

    def failing(**kwargs):
        raise seed_demo.BookingError("chair_conflict", "That chair is already taken at this time.")

    monkeypatch.setattr(seed_demo, "cycle_book", failing)
    with pytest.raises(CommandError, match="chair_conflict"):
        seed("--password", PASSWORD)

    assert not Clinic.objects.filter(slug="demo").exists()
    assert not Patient.objects.exists() and not get_user_model().objects.exists() and not Group.objects.exists()
