"""Load a demo clinic: hours, chairs, nurses and shifts, patients, courses booked through the services, users.

Idempotent: once the clinic `demo` exists it says so and changes nothing, except that a demo clinic loaded
before email names existed gets its discreet one (an admin's own choice is kept). Everything is loaded in one
transaction, and the courses are booked through bookings.services.cycle_book, so every rule holds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bookings.models import Patient
from bookings.services import BookingError, SessionRequest, cycle_book
from scheduler.models import Chair, Clinic, Closure, OpeningHours, Protocol, Shift, StaffMember, StaffRole, TimeOff

DEMO_SLUG = "demo"
#: The demo clinic's name says what it treats, as many real ones do; its patients' emails say this instead.
DEMO_NAME = "Demo Ketamine Clinic"
DEMO_EMAIL_NAME = "Demo Clinic"
TZ = "America/New_York"

MON, TUE, WED, THU, FRI, SAT = range(6)
WEEKDAYS = (MON, TUE, WED, THU, FRI)

OPENING_HOURS = [(d, "08:00", "18:00") for d in WEEKDAYS] + [(SAT, "09:00", "13:00")]

#: Two full-time nurses cover the weekdays between them; the part-timer covers Tuesdays, Thursdays and Saturdays.
NURSES = [
    ("Grace", "Okafor", [(d, "08:00", "16:30") for d in WEEKDAYS]),
    ("Daniel", "Reyes", [(d, "09:30", "18:00") for d in WEEKDAYS]),
    ("Priya", "Shah", [(TUE, "08:00", "14:00"), (THU, "08:00", "14:00"), (SAT, "09:00", "13:00")]),
]
PROVIDER = ("Elena", "Marsh")

PATIENTS = [
    ("Maya", "Alvarez"), ("Jonah", "Whitfield"), ("Aisha", "Bello"), ("Thomas", "Nguyen"), ("Laura", "Kowalski"),
    ("Marcus", "Greene"), ("Sofia", "Rossi"), ("Ethan", "Brooks"), ("Hannah", "Fischer"), ("Omar", "Haddad"),
    ("Chloe", "Martin"), ("Samuel", "Osei"), ("Ines", "Duarte"), ("Kevin", "O'Brien"), ("Mei", "Lin"),
    ("Rachel", "Goldberg"), ("Victor", "Petrov"), ("Naomi", "Carter"), ("Diego", "Morales"), ("Julia", "Bennett"),
]
CONSENT_SOURCES = ("intake form", "phone call", "web form")


@dataclass(frozen=True)
class Course:
    """A course to book: whose, which protocol, from which weekday after today, at what local time."""

    patient: int
    protocol: str
    first_weekday_offset: int
    at: str
    min_days_apart: int


COURSES = [
    Course(0, "depression-iv", 0, "08:00", 2),  # Mon/Wed/Fri-like, ≥ 48 h apart, first visit 150 min
    Course(1, "depression-iv", 1, "12:30", 2),
    Course(2, "ptsd-iv", 0, "10:30", 2),
    Course(3, "chronic-pain-iv", 0, "08:30", 1),  # five consecutive weekdays, 330 min each
    Course(4, "anxiety-sc", 2, "16:00", 7),  # weekly
    Course(5, "esketamine-nasal", 0, "15:00", 3),  # twice weekly, ≥ 48 h apart
    Course(6, "booster-iv", 1, "09:00", 1),
]

USERS = [
    ("admin", "admin", "Alex", "Admin"),
    ("frontdesk", "front_desk", "Frankie", "Desk"),
    ("clinician", "clinician", "Elena", "Marsh"),
]

_SCHEDULER = ["clinic", "openinghours", "closure", "chair", "staffmember", "shift", "timeoff", "protocol"]
_BOOKINGS_READ = ["treatmentcycle", "infusionsession", "sessionevent"]
GROUP_PERMISSIONS = {
    "admin": None,  # every permission on scheduler, bookings and pumps, and view on auth.user; see _group_permissions
    "front_desk": [f"scheduler.view_{m}" for m in _SCHEDULER]
    + ["bookings.view_patient", "bookings.add_patient", "bookings.change_patient"]
    + [f"bookings.view_{m}" for m in _BOOKINGS_READ],
    "clinician": [f"scheduler.view_{m}" for m in _SCHEDULER]
    + ["bookings.view_patient"]
    + [f"bookings.view_{m}" for m in _BOOKINGS_READ],
}


def _t(value: str) -> time:
    return time.fromisoformat(value)


def _weekdays_after(day: date, count: int) -> date:
    """The `count`-th weekday (Mon–Fri) after `day`: 1 is the next weekday, 0 is `day` itself."""
    while count:
        day += timedelta(days=1)
        if day.weekday() in WEEKDAYS:
            count -= 1
    return day


def course_days(first: date, count: int, min_days_apart: int) -> list[date]:
    """`count` weekdays from `first`, each at least `min_days_apart` calendar days after the one before."""
    days = [first]
    while len(days) < count:
        day = days[-1] + timedelta(days=min_days_apart)
        while day.weekday() not in WEEKDAYS:
            day += timedelta(days=1)
        days.append(day)
    return days


class Command(BaseCommand):
    help = "Load a demo clinic with staff, patients, booked courses and the admin/frontdesk/clinician users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for new demo users (default: a generated one, printed once)."
        )

    def handle(self, *args, password: str | None = None, **options):
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        with transaction.atomic():
            if Clinic.objects.filter(slug=DEMO_SLUG).exists():
                # Only the clinic this command made (its name unchanged), and only if no one chose an email name.
                named = Clinic.objects.filter(slug=DEMO_SLUG, name=DEMO_NAME, email_name="")
                if named.update(email_name=DEMO_EMAIL_NAME):
                    self.stdout.write(
                        f"Demo data already loaded (clinic '{DEMO_SLUG}' exists); its patients' emails now name it "
                        f"“{DEMO_EMAIL_NAME}”, nothing else changed."
                    )
                else:
                    self.stdout.write(f"Demo data already loaded (clinic '{DEMO_SLUG}' exists); nothing changed.")
                self._pumps()
                return
            clinic = self._clinic()
            nurses, provider = self._staff(clinic)
            patients = self._patients(clinic)
            groups = self._groups()
            users, created = self._users(clinic, groups, password)
            provider.user = users["clinician"]
            provider.save(update_fields=["user"])
            sessions = self._courses(clinic, patients, by=users["frontdesk"])
            self._closure_and_time_off(clinic, nurses[-1], last_day=max(s.starts_at for s in sessions))

        self.stdout.write(self.style.SUCCESS(
            f"Loaded {clinic.name} ({DEMO_SLUG}): {clinic.chairs.count()} chairs, {len(nurses)} nurses, 1 provider, "
            f"{len(patients)} patients, {len(COURSES)} courses ({len(sessions)} sessions)."
        ))
        if created and generated:
            self.stdout.write(f"Users {', '.join(created)}: password {password}  (shown once)")
        elif created:
            self.stdout.write(f"Users {', '.join(created)}: the password given with --password.")
        kept = [u for u in users if u not in created]
        if kept:
            self.stdout.write(f"Users {', '.join(kept)} already existed and keep their passwords.")
        self._pumps()

    def _pumps(self) -> None:
        """The pump courses' demo rows (issue 16), by the command's name: bookings may not import pumps."""
        if apps.is_installed("pumps"):
            call_command("seed_demo_pumps", stdout=self.stdout)

    # --- Pieces ----------------------------------------------------------------------------------

    def _clinic(self) -> Clinic:
        clinic = Clinic.objects.create(
            name=DEMO_NAME,
            email_name=DEMO_EMAIL_NAME,
            slug=DEMO_SLUG,
            timezone=TZ,
            address="200 Hudson Street, Suite 4\nNew York, NY 10013",
            phone="+1 212 555 0100",
            email="frontdesk@example.org",
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(clinic=clinic, weekday=d, opens=_t(a), closes=_t(b)) for d, a, b in OPENING_HOURS
        )
        Chair.objects.bulk_create(Chair(clinic=clinic, name=f"Chair {n}") for n in range(1, 7))
        return clinic

    def _staff(self, clinic: Clinic) -> tuple[list[StaffMember], StaffMember]:
        nurses = []
        for first, last, shifts in NURSES:
            nurse = StaffMember.objects.create(
                clinic=clinic, first_name=first, last_name=last, role=StaffRole.NURSE,
                email=f"{first}.{last}@example.org".lower(),
            )
            Shift.objects.bulk_create(Shift(staff=nurse, weekday=d, starts=_t(a), ends=_t(b)) for d, a, b in shifts)
            nurses.append(nurse)
        first, last = PROVIDER
        provider = StaffMember.objects.create(
            clinic=clinic, first_name=first, last_name=last, role=StaffRole.PROVIDER,
            email=f"{first}.{last}@example.org".lower(),
        )
        return nurses, provider

    def _patients(self, clinic: Clinic) -> list[Patient]:
        now = timezone.now()
        rows = []
        for i, (first, last) in enumerate(PATIENTS):
            consent = i % 5 != 4  # most consented; a few have not (yet)
            rows.append(Patient(
                clinic=clinic,
                first_name=first,
                last_name=last,
                date_of_birth=date(1958 + (i * 7) % 42, 1 + (i * 5) % 12, 1 + (i * 11) % 28),
                email=f"{first}.{last}@example.org".lower().replace("'", ""),
                phone=f"+1 212 555 01{i + 1:02d}",
                timezone="America/Chicago" if i == 7 else TZ,
                email_consent=consent,
                email_consent_at=now - timedelta(days=30 + 3 * i) if consent else None,
                email_consent_source=CONSENT_SOURCES[i % len(CONSENT_SOURCES)] if consent else "",
            ))
        return Patient.objects.bulk_create(rows)

    def _groups(self) -> dict[str, Group]:
        # Permissions are made by post_migrate; make sure they exist even when called right after a flush.
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        groups = {}
        for name, wanted in GROUP_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(*self._group_permissions(wanted))
            groups[name] = group
        return groups

    @staticmethod
    def _group_permissions(wanted: list[str] | None) -> list[Permission]:
        if wanted is None:
            # The pump courses' pumps, protocols and settings are an admin's too (their admin pages, pumps/admin.py).
            perms = list(Permission.objects.filter(content_type__app_label__in=["scheduler", "bookings", "pumps"]))
            return perms + list(Permission.objects.filter(content_type__app_label="auth", codename="view_user"))
        found = []
        for label in wanted:
            app_label, codename = label.split(".")
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    def _users(self, clinic: Clinic, groups: dict[str, Group], password: str):
        User = get_user_model()
        users, created = {}, []
        for username, group, first, last in USERS:
            user, is_new = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "first_name": first, "last_name": last, "email": f"{username}@example.org"},
            )
            if is_new:
                user.set_password(password)
                user.save(update_fields=["password"])
                created.append(username)
            user.groups.add(groups[group])
            users[username] = user
        clinic.staff.add(*users.values())
        return users, created

    def _courses(self, clinic: Clinic, patients: list[Patient], *, by) -> list:
        today = timezone.localdate(timezone.now(), clinic.tz)
        first_day = _weekdays_after(today, 1)
        booked = []
        for course in COURSES:
            protocol = Protocol.objects.get(clinic=None, slug=course.protocol)
            start = _weekdays_after(first_day, course.first_weekday_offset)
            days = course_days(start, protocol.session_count, course.min_days_apart)
            requests = [SessionRequest(starts_at=datetime.combine(d, _t(course.at))) for d in days]
            try:
                result = cycle_book(
                    patient=patients[course.patient], protocol=protocol, clinic=clinic, sessions=requests, by=by
                )
            except BookingError as exc:
                raise CommandError(f"Could not book the demo {course.protocol} course: {exc.code}: {exc.message}")
            booked.extend(result.sessions)
        return booked

    def _closure_and_time_off(self, clinic: Clinic, nurse: StaffMember, *, last_day: datetime) -> None:
        """A training day and a week of leave, after the booked courses so they change none of them."""
        tz = clinic.tz
        day = timezone.localdate(last_day, tz) + timedelta(days=7)
        while day.weekday() != SAT:
            day += timedelta(days=1)
        Closure.objects.create(
            clinic=clinic,
            starts_at=datetime.combine(day, time(0), tzinfo=tz),
            ends_at=datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz),
            reason="Staff training day",
        )
        monday = day + timedelta(days=2)
        TimeOff.objects.create(
            staff=nurse,
            starts_at=datetime.combine(monday, time(0), tzinfo=tz),
            ends_at=datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz),
            reason="Annual leave",
        )
