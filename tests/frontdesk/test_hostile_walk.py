"""Every page outside the API, walked with hostile input as every role: never a 5xx (issue 11).

ROUTES holds one row per named URL pattern of the root URLconf outside /admin/ and /api/ (the staff pages of
frontdesk/urls.py, the patient link pages /p/<action>/<token>/, /healthz): its methods, its path parameters, and
the query parameters and form fields its view reads, each with a valid value and a kind.
`test_every_route_has_a_row` fails when a pattern has no row, and names it: a page added later must be listed.
Two admin change views (a clinic, a patient) are walked as a bonus.

The roles: admin, front desk, clinician, a staff user with no role, the front desk of another clinic only, no
sign-in. Every role sends, for each method, the valid request (it must work for the first role the route
admits), the request without parameters, and the request with each hostile path value (0, negative, huge,
not a number, NUL, another clinic's real row). Then every role the route admits (the others are turned away
before a parameter is read) sends each parameter with each hostile value, one at a time, the rest valid:
extreme and impossible dates and times (9999-12-31, 0001-01-01, 10000-01-01, 2026-02-30, a time the clocks
skip), wrong types, the key repeated or lists of other lengths; and for free text NUL and control characters,
CR LF, bidirectional and zero-width marks, a 1 MB string, bytes that are not UTF-8 (an escaped surrogate).
Typed parameters get that last set all at once (each parser meets it, none lets it through). Pages that answer
htmx differently get every other request as htmx. Each request runs in a savepoint that is rolled back, and
the client's cookies are put back after it: every request meets the same world.

An answer must be below 500: a 4xx, a redirect or a 200 with a form error are all fine. A POST without a CSRF
token is a 403. About 3,000 requests, some 30 s on two workers: `make test` runs them, `make test-fast` does not.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail as django_mail
from django.db import transaction
from django.forms import MultiWidget
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlsafe_base64_encode

from bookings.models import EmailKind, EmailStatus, Patient, PatientEmail
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from notifications import links
from notifications import services as delivery
from outcomes import links as outcome_links
from outcomes.models import UrgentFlag
from pumps.models import Episode
from scheduler.models import TimeOff
from tests.api.world import T_RUN, World, build_world
from tests.factories import shared_protocol
from tests.helpers import signed_in
from tests.pumps.factories import PumpCourseFactory, PumpFactory, episode_with_visits
from waitlist import links as waitlist_links
from waitlist import services as waitlist_services
from waitlist.models import WaitlistEntry, WaitlistOffer

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "walk-password-1"
HTMX = {"HTTP_HX_REQUEST": "true"}
MEGABYTE = 1 << 20

# --- Hostile values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A value sent as these exact bytes of the query string or form body, percent-escapes and all."""

    text: str


#: What every parameter gets, whatever it holds.
ANY = [
    "",
    "a\x00b\x01\x08\x1b[31m\x7f\x9f",  # NUL, control characters, an ANSI escape, DEL, a C1 control
    "\r\nSet-Cookie: x=1",  # a header injection attempt
    "\u202eabc\u202c \u2067isolate\u2069\u200f\u200b\ufeff \U0001f489 \u0301 \uff11",  # bidi, zero-width, astral, lone mark
    "x" * MEGABYTE,
    Raw("%ED%A0%80%FF%C0%80%"),  # an escaped lone surrogate, invalid bytes, an overlong NUL, a broken escape
]
INTS = ["0", "-1", str(2**63), str(10**30), "abc", "1e400", "NaN", "\u0663"]  # the last: an Arabic-Indic 3
DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "0000-00-00", "2027-03-01T00:00", "1899-12-31",
         "3000-01-01"]
DATETIMES = ["9999-12-31T23:59", "0001-01-01T00:00", "10000-01-01T00:00", "2026-02-30T10:00", "2027-03-14T02:30",
             "2027-11-07T01:30", "2027-03-01T24:00", "2027-03-01T10:00+14:00", "1899-12-31T23:59", "3000-01-01T00:00"]
TIMES = ["24:00", "23:59:60", "-1:00", "00:00", "23:59", "12:00:00.000001"]
ZONES = ["Not/AZone", "../../etc/localtime", "posix/America/New_York"]
EMAILS = ["a" * 300 + "@example.org", "\u00fc@\u4f8b\u3048.\u30c6\u30b9\u30c8"]
URLS = ["//evil.example/", "javascript:alert(1)", "/\\evil.example", "/" + "a" * 5000]
#: The values of each kind that pass the parser, or come close: sent one parameter at a time, the rest valid.
KINDS: dict[str, list] = {
    "int": INTS, "date": DATES, "datetime": DATETIMES, "time": TIMES, "zone": ZONES, "email": EMAILS, "url": URLS,
    "text": ["' OR '1'='1' --", "<script>alert(1)</script>{{ 7|add:7 }}%s"], "choice": ["bogus"], "bool": ["2"],
}


def hostile_path_ids(other: int) -> list[str]:
    """What a path's id becomes: out of range, not a number, and a real row of another clinic (`other`)."""
    return ["0", "-1", str(10**30), str(2**63), "abc", "%00", "9" * 5000, str(other)]


def waiting_entry(site) -> WaitlistEntry:
    """The site's waitlist entry (tests/api/world.py)."""
    return WaitlistEntry.objects.get(session=site.sessions["upcoming"])


def offer_token(w, action: str) -> str:
    """A token of an open offer to the home clinic's waiting entry (made when first asked for)."""
    offer = WaitlistOffer.objects.filter(entry=waiting_entry(w.home), status="offered").first()
    if offer is None:
        offer = waitlist_services.offer_make(entry=waiting_entry(w.home), starts_at=dt.datetime(2027, 3, 2, 10))
    return waitlist_links.offer_token(action=action, offer_id=offer.pk, expires_at=offer.expires_at)


def offer_tokens(w) -> list[str]:
    never = T_RUN + dt.timedelta(days=1)
    return [waitlist_links.offer_token(action="accept", offer_id=10**30, expires_at=never),
            waitlist_links.offer_token(action="accept", offer_id=1, expires_at=T_RUN - dt.timedelta(days=1)),
            "x", "%00", "a" * 5000, "a:b:c"]


def upcoming_flag(site) -> UrgentFlag:
    """The urgent flag tests/api/world.py raises on the site's upcoming session."""
    return UrgentFlag.objects.get(session=site.sessions["upcoming"])


def checkin_token(w) -> str:
    session = w.home.sessions["upcoming"]
    return outcome_links.checkin_token(session_id=session.pk, version=session.version, expires_at=session.starts_at)


def checkin_tokens(w) -> list[str]:
    past = w.home.sessions["past"]
    return [outcome_links.checkin_token(session_id=10**30, version=1, expires_at=T_RUN + dt.timedelta(days=1)),
            outcome_links.checkin_token(session_id=past.pk, version=past.version, expires_at=past.starts_at),
            outcome_links.checkin_token(session_id=w.away.sessions["upcoming"].pk, version=99,
                                        expires_at=T_RUN + dt.timedelta(days=1)),
            "x", "%00", "a" * 5000, "a:b:c"]


# --- The table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A query parameter or form field: its valid value (from the world) and the kind of hostile values it gets.

    `many`: the view reads a list (`getlist`); the valid value is then a list, and lists of other lengths are
    among the hostile values.
    """

    valid: Callable[[World], Any]
    kind: str = "text"
    many: bool = False


@dataclass(frozen=True)
class Route:
    """One named URL pattern: its methods, the valid value of each path parameter and the parameters its view reads.

    `path`: path parameter → (its valid value, its hostile values), from the world. `query` is read on GET,
    `form` on POST. `htmx`: the view answers htmx requests differently.
    """

    methods: tuple[str, ...] = ("GET",)
    path: dict[str, tuple[Callable[[World], str], Callable[[World], list[str]]]] = field(default_factory=dict)
    query: dict[str, Param] = field(default_factory=dict)
    form: dict[str, Param] = field(default_factory=dict)
    htmx: bool = False
    #: Roles for which the walk stops at the valid request and the path variants: the ones this route turns away
    #: before it reads a parameter (a bigger walk would only repeat the same refusal). The first role not
    #: refused must get a page or a redirect for the valid request.
    refused: frozenset[str] = frozenset()
    #: Its POST needs no CSRF token (the one-click unsubscribe URL: RFC 8058's POST carries none).
    csrf_exempt: bool = False


def _id(getter: Callable[[Any], Any]) -> tuple[Callable[[World], str], Callable[[World], list[str]]]:
    """A path id: the home clinic's row, and the hostile ids with the other clinic's same row among them."""
    return (lambda w: str(getter(w.home).pk)), (lambda w: hostile_path_ids(getter(w.away).pk))


def upcoming(site):
    return site.sessions["upcoming"]


def failed_email(site) -> PatientEmail:
    return PatientEmail.objects.filter(clinic=site.clinic, status=EmailStatus.FAILED).order_by("pk").first()


def pump_episode(site):
    """The site's pump episode (issue 16), written when first asked for (the module's world keeps it)."""
    episode = Episode.objects.filter(clinic=site.clinic).first()
    if episode is None:
        course = PumpCourseFactory(clinic=site.clinic, patient=site.patient)
        episode = episode_with_visits(course=course, pump=PumpFactory(clinic=site.clinic), nurse=site.nurses[0],
                                      fitting_at=dt.datetime(2027, 3, 2, 10, 0, tzinfo=site.clinic.tz))
    return episode


def proposed_starts(w: World) -> list[str]:
    return ["2027-03-02T09:00", "2027-03-04T09:00", "2027-03-08T09:00", "2027-03-10T09:00", "2027-03-12T09:00",
            "2027-03-15T09:00"][: w.home.protocol.session_count]


ANONYMOUS = "anonymous"
STAFF_ROLES = ("admin", "front_desk", "clinician", "no_role", "other_clinic")
ROLE_NAMES = (*STAFF_ROLES, ANONYMOUS)
NOT_STAFF = frozenset({ANONYMOUS, "no_role"})
#: Pages for anyone, with or without a sign-in: the hostile values go in without one (a signed-in user is sent on
#: from the sign-in page before its form is read; the patient pages and /healthz do not look at the user).
SIGNED_IN = frozenset(STAFF_ROLES)
NOT_BOOKING = NOT_STAFF | {"clinician"}
NOT_CLINICAL = NOT_STAFF | {"front_desk"}
#: The other clinic's front desk meets a 404 on the home clinic's rows, before any parameter is read.
ELSEWHERE = frozenset({"other_clinic"})

CLINIC = Param(lambda w: w.home.clinic.pk, "int")
PROPOSAL = {
    "clinic": CLINIC,
    "protocol": Param(lambda w: w.home.protocol.pk, "int"),
    "earliest_date": Param(lambda w: "2027-03-02", "date"),
    "weekdays": Param(lambda w: ["0", "2", "4"], "int", many=True),
    "time_from": Param(lambda w: "08:00", "time"),
    "time_to": Param(lambda w: "17:00", "time"),
}
SERIES = {
    "day": Param(lambda w: [s[:10] for s in proposed_starts(w)], "date", many=True),
    "time": Param(lambda w: [s[11:] for s in proposed_starts(w)], "time", many=True),
    "chair": Param(lambda w: [str(c.pk) for c in w.home.chairs[: w.home.protocol.session_count]], "int", many=True),
    "nurse": Param(lambda w: [str(w.home.nurses[0].pk)] * w.home.protocol.session_count, "int", many=True),
}
SESSION = {"pk": _id(upcoming)}
#: The check-in form's fields (outcomes, issue 15): the instrument and one answer per PHQ-9 item.
PHQ9_FORM = {"instrument": Param(lambda w: "phq9", "choice"), **{f"phq9-{n}": Param(lambda w: "1", "choice") for n in range(1, 10)}}
#: Staff management: the home clinic's front desk as the managed user (the other clinic's: a 404).
NOT_ADMIN = NOT_BOOKING | {"front_desk"} | ELSEWHERE
STAFF_MEMBER = {"pk": _id(lambda site: site.users[FRONT_DESK])}

#: Every named URL pattern outside /admin/ and /api/v1/, by its name with namespace.
ROUTES: dict[str, Route] = {
    "frontdesk:day": Route(
        methods=("GET", "POST"), query={"clinic": CLINIC, "date": Param(lambda w: "2027-03-01", "date"),
                                        "part": Param(lambda w: "board", "choice")},
        form={"clinic": CLINIC}, htmx=True, refused=NOT_STAFF,
    ),
    "frontdesk:login": Route(
        methods=("GET", "POST"), query={"next": Param(lambda w: "/patients/", "url")},
        form={"username": Param(lambda w: w.home.users[FRONT_DESK].username), "password": Param(lambda w: PASSWORD),
              "next": Param(lambda w: "/patients/", "url")},
        refused=SIGNED_IN,
    ),
    "frontdesk:logout": Route(methods=("POST",), form={"next": Param(lambda w: "/login/", "url")}),
    "frontdesk:session": Route(path=SESSION, htmx=True, refused=NOT_STAFF | ELSEWHERE),
    "frontdesk:session-options": Route(path=SESSION, htmx=True, refused=NOT_BOOKING | ELSEWHERE),
    "frontdesk:session-cancel": Route(
        methods=("POST",), path=SESSION, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        form={"by": Param(lambda w: "patient", "choice"), "reason": Param(lambda w: "Unwell"),
              "confirm": Param(lambda w: "on", "bool")},
    ),
    "frontdesk:session-move": Route(
        methods=("POST",), path=SESSION, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        form={"starts_at": Param(lambda w: "2027-03-05T10:00", "datetime"), "scope": Param(lambda w: "this", "choice")},
    ),
    "frontdesk:session-action": Route(
        methods=("POST",), htmx=True, refused=NOT_STAFF | ELSEWHERE,
        path={
            "pk": _id(lambda site: site.sessions["today"]),
            "action": (lambda w: "check-in",
                       lambda w: ["confirm", "start", "complete", "no-show", "cancel", "bogus", "-", "a" * 5000, "%00"]),
        },
    ),
    # Safety checks (issue 15): every staff role reads the page; clinicians and admins record.
    "frontdesk:session-checks": Route(
        methods=("GET", "POST"), refused=NOT_STAFF | ELSEWHERE,
        path={"pk": _id(lambda site: site.sessions["checked_in"])},
        form={"systolic": Param(lambda w: "128", "int"), "diastolic": Param(lambda w: "82", "int"),
              "heart_rate": Param(lambda w: "70", "int"), "oxygen_saturation": Param(lambda w: "98", "int"),
              "weight_kg": Param(lambda w: "70.5"), "pregnancy": Param(lambda w: "not_applicable", "choice"),
              "fasting": Param(lambda w: "yes", "choice"), "escort": Param(lambda w: "yes", "choice")},
    ),
    "frontdesk:session-recovery-check": Route(
        methods=("POST",), refused=NOT_STAFF | {"front_desk"} | ELSEWHERE,
        path={"pk": _id(lambda site: site.sessions["in_chair"])},
        form={"systolic": Param(lambda w: "128", "int"), "diastolic": Param(lambda w: "82", "int"),
              "alert_and_oriented": Param(lambda w: "on", "bool"), "escort_present": Param(lambda w: "on", "bool")},
    ),
    "frontdesk:patients": Route(query={"q": Param(lambda w: "Roe")}, htmx=True, refused=NOT_STAFF),
    "frontdesk:patient-new": Route(
        methods=("GET", "POST"), refused=NOT_BOOKING,
        form={
            "clinic": CLINIC, "first_name": Param(lambda w: "Ada"), "last_name": Param(lambda w: "Walker"),
            "date_of_birth": Param(lambda w: "1970-05-17", "date"), "email": Param(lambda w: "ada@example.org", "email"),
            "phone": Param(lambda w: "+1 555 0142"), "timezone": Param(lambda w: "America/New_York", "zone"),
            "email_consent": Param(lambda w: "on", "bool"), "email_consent_source": Param(lambda w: "intake form"),
            "different_person": Param(lambda w: "1,2"),  # patient care (issue 13): the duplicate warning's button
        },
    ),
    "frontdesk:patient": Route(path={"pk": _id(lambda site: site.patient)}, refused=NOT_STAFF | ELSEWHERE),
    # Patient care (issue 13): the edit form, with the duplicate warning's button.
    "frontdesk:patient-edit": Route(
        methods=("GET", "POST"), path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
        form={
            "first_name": Param(lambda w: "Ada"), "last_name": Param(lambda w: "Walker"),
            "date_of_birth": Param(lambda w: "1970-05-17", "date"), "email": Param(lambda w: "ada@example.org", "email"),
            "phone": Param(lambda w: "+1 555 0142"), "timezone": Param(lambda w: "America/New_York", "zone"),
            "email_consent": Param(lambda w: "on", "bool"), "email_consent_source": Param(lambda w: "intake form"),
            "different_person": Param(lambda w: "1,2"),
        },
    ),
    "frontdesk:book": Route(path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
                            query={**PROPOSAL, "alt": Param(lambda w: "1", "int")}),
    "frontdesk:book-check": Route(
        path={"pk": _id(lambda site: site.patient)}, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        query={**PROPOSAL, **SERIES},
    ),
    "frontdesk:book-confirm": Route(methods=("POST",), path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
                                    form={**PROPOSAL, **SERIES}),
    "frontdesk:cycle-booked": Route(path={"pk": _id(lambda site: site.cycle)}, refused=NOT_BOOKING | ELSEWHERE),
    # The course page, and cancelling the whole course (a confirmation step, then the cancel).
    "frontdesk:course": Route(path={"pk": _id(lambda site: site.cycle)}, refused=NOT_STAFF | ELSEWHERE),
    "frontdesk:course-cancel": Route(
        methods=("POST",), path={"pk": _id(lambda site: site.cycle)}, refused=NOT_BOOKING | ELSEWHERE,
        form={"by": Param(lambda w: "patient", "choice"), "reason": Param(lambda w: "Moving away"),
              "confirm": Param(lambda w: "on", "bool")},
    ),
    "frontdesk:worklists": Route(query={"clinic": CLINIC}, refused=NOT_STAFF),
    "frontdesk:reminder-resend": Route(
        methods=("POST",), path={"pk": _id(failed_email)}, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        form={"from": Param(lambda w: "worklist", "choice")},
    ),
    "frontdesk:outbox": Route(refused=NOT_BOOKING),
    "frontdesk:mail": Route(
        refused=NOT_BOOKING | ELSEWHERE,
        path={"name": (lambda w: w.mail[0], lambda w: ["19700101-000000-1.log", "..", "..%2F..%2Fetc%2Fpasswd", "%00",
                                                        "a" * 5000, "20270301-170000-1.log%00", w.mail[0] + "x"]),
              "index": (lambda w: str(w.mail[1]), lambda w: ["0", "1", "99", str(10**30), "9" * 5000])},
    ),
    # Issue 13, the board and the outbox: an email's HTML part, tomorrow's unconfirmed list and huddle sheet.
    "frontdesk:mail-html": Route(
        refused=NOT_BOOKING | ELSEWHERE,
        path={"name": (lambda w: w.mail[0], lambda w: ["19700101-000000-1.log", "..", "..%2F..%2Fetc%2Fpasswd", "%00",
                                                        "a" * 5000, w.mail[0] + "x"]),
              "index": (lambda w: str(w.mail[1]), lambda w: ["0", "1", "99", str(10**30), "9" * 5000])},
    ),
    "frontdesk:tomorrow": Route(query={"clinic": CLINIC, "date": Param(lambda w: "2027-03-02", "date")}, refused=NOT_BOOKING),
    "frontdesk:tomorrow-print": Route(query={"clinic": CLINIC, "date": Param(lambda w: "2027-03-02", "date")},
                                      refused=NOT_STAFF),
    "frontdesk:session-called": Route(methods=("POST",), path=SESSION, htmx=True, refused=NOT_BOOKING | ELSEWHERE),
    "patient-link": Route(
        methods=("GET", "POST"),
        path={"action": (lambda w: links.RESCHEDULE, lambda w: [*links.ACTIONS, "bogus", "a" * 5000, "%00"]),
              "token": (lambda w: w.tokens["open"], lambda w: [*w.tokens.values(), "x", "%00", "a" * 5000, "a:b:c"])},
        form={"note": Param(lambda w: "Mornings are better")}, refused=SIGNED_IN,
    ),
    # The List-Unsubscribe URL: a mail app POSTs `List-Unsubscribe=One-Click` with no cookie and no CSRF token.
    "patient-unsubscribe-one-click": Route(
        methods=("GET", "POST"),
        path={"token": (lambda w: links.link_token(action=links.UNSUBSCRIBE, session_id=w.home.sessions["upcoming"].pk,
                                                   version=1, expires_at=T_RUN + dt.timedelta(days=90)),
                        lambda w: [*w.tokens.values(), "x", "%00", "a" * 5000, "a:b:c"])},
        form={"List-Unsubscribe": Param(lambda w: "One-Click", "choice")}, refused=SIGNED_IN, csrf_exempt=True,
    ),
    # The account page (tokens, sign out everywhere) and two-factor sign-in: any signed-in staff member.
    "frontdesk:account": Route(refused=frozenset({ANONYMOUS})),
    "frontdesk:account-device-sign-out": Route(
        methods=("POST",), path={"key": (lambda w: "0123456789abcde", lambda w: hostile_path_ids(1))},
        refused=frozenset({ANONYMOUS}),
    ),
    "frontdesk:account-sign-out-everywhere": Route(methods=("POST",), refused=frozenset({ANONYMOUS})),
    "frontdesk:login-verify": Route(
        methods=("GET", "POST"), query={"next": Param(lambda w: "/patients/", "url")},
        form={"code": Param(lambda w: "123456"), "next": Param(lambda w: "/patients/", "url")},
    ),
    "frontdesk:two-factor": Route(refused=frozenset({ANONYMOUS})),
    "frontdesk:two-factor-setup": Route(
        methods=("GET", "POST"), query={"next": Param(lambda w: "/patients/", "url")},
        form={"code": Param(lambda w: "123456"), "next": Param(lambda w: "/patients/", "url")},
        refused=frozenset({ANONYMOUS}),
    ),
    "frontdesk:two-factor-codes": Route(
        methods=("POST",), form={"code": Param(lambda w: "123456")}, refused=frozenset({ANONYMOUS}),
    ),
    "frontdesk:two-factor-disable": Route(
        methods=("POST",), form={"code": Param(lambda w: "123456")}, refused=frozenset({ANONYMOUS}),
    ),
    "session-keepalive": Route(refused=frozenset({ANONYMOUS})),
    "healthz": Route(methods=("GET", "POST"), query={"format": Param(lambda w: "json")}, refused=SIGNED_IN),
    # Prometheus' scrape: no role reads it, only a bearer METRICS_TOKEN (unset in the walk: a 404 for everyone).
    "metrics": Route(methods=("GET", "POST"), query={"name[]": Param(lambda w: "clinic_bookings_total")},
                     refused=frozenset(ROLE_NAMES)),
    # Staff management (admins of the clinic only) and the set-password page an invite or reset links to.
    "frontdesk:staff": Route(refused=NOT_ADMIN),
    "frontdesk:staff-invite": Route(
        methods=("GET", "POST"), refused=NOT_ADMIN,
        form={"first_name": Param(lambda w: "Rita"), "last_name": Param(lambda w: "Ames"),
              "email": Param(lambda w: "rita@example.org", "email"), "username": Param(lambda w: "rita-walk"),
              "role": Param(lambda w: "front_desk", "choice"), "clinics": Param(lambda w: [str(w.home.clinic.pk)], "int", many=True)},
    ),
    "frontdesk:staff-member": Route(path=STAFF_MEMBER, refused=NOT_ADMIN),
    "frontdesk:staff-roles": Route(methods=("POST",), path=STAFF_MEMBER, refused=NOT_ADMIN,
                                   form={"roles": Param(lambda w: ["front_desk", "clinician"], "choice", many=True)}),
    "frontdesk:staff-active": Route(methods=("POST",), path=STAFF_MEMBER, refused=NOT_ADMIN,
                                    form={"active": Param(lambda w: "0", "choice")}),
    "frontdesk:staff-password": Route(methods=("POST",), path=STAFF_MEMBER, refused=NOT_ADMIN),
    "frontdesk:staff-remove": Route(methods=("POST",), path=STAFF_MEMBER, refused=NOT_ADMIN,
                                    form={"clinic": CLINIC}),
    "frontdesk:staff-welcome": Route(
        methods=("GET", "POST"), refused=SIGNED_IN,
        path={"uidb64": (lambda w: urlsafe_base64_encode(str(w.home.users[FRONT_DESK].pk).encode()),
                         lambda w: ["%00", "a" * 5000, urlsafe_base64_encode(b"9" * 40), urlsafe_base64_encode(b"-1"),
                                    urlsafe_base64_encode(b"\xff\xfe"), urlsafe_base64_encode(str(w.away.users[FRONT_DESK].pk).encode())]),
              "token": (lambda w: default_token_generator.make_token(w.home.users[FRONT_DESK]),
                        lambda w: ["set-password", "x", "%00", "a" * 5000, "a-b-c",
                                   default_token_generator.make_token(w.away.users[FRONT_DESK])])},
        form={"new_password1": Param(lambda w: "a-long-walk-pass-1"), "new_password2": Param(lambda w: "a-long-walk-pass-1")},
    ),
    # A nurse's week grid and time off (one page, two forms told apart by their submit button's name).
    "frontdesk:staff-nurse": Route(
        methods=("GET", "POST"), path={"pk": _id(lambda site: site.nurses[0])}, refused=NOT_ADMIN,
        form={**{f"starts_{d}": Param(lambda w: "08:00", "time") for d in range(7)},
              **{f"ends_{d}": Param(lambda w: "16:00", "time") for d in range(7)},
              "week": Param(lambda w: "1", "choice"), "time_off": Param(lambda w: "1", "choice"),
              "first_day": Param(lambda w: "2027-04-05", "date"), "from_time": Param(lambda w: "09:00", "time"),
              "last_day": Param(lambda w: "2027-04-06", "date"), "until_time": Param(lambda w: "13:00", "time"),
              "reason": Param(lambda w: "Holiday")},
    ),
    "frontdesk:staff-time-off-remove": Route(
        methods=("POST",), refused=NOT_ADMIN,
        path={"pk": _id(lambda site: site.nurses[1]),
              "time_off": _id(lambda site: TimeOff.objects.filter(staff=site.nurses[1]).order_by("pk").first())},
    ),
    # Make-up sessions (issue 14): the grid of a new session of a course, and adding it (a confirmation first).
    "frontdesk:course-make-up": Route(
        path={"pk": _id(lambda site: site.cycle)}, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        query={"day": Param(lambda w: ["0", "2"], "int", many=True), "part": Param(lambda w: ["morning"], "choice", many=True),
               "from": Param(lambda w: "2027-03-08", "date"), "replaces": Param(lambda w: "1", "int")},
    ),
    "frontdesk:course-make-up-book": Route(
        methods=("POST",), path={"pk": _id(lambda site: site.cycle)}, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        form={"starts_at": Param(lambda w: "2027-03-08T10:00", "datetime"), "replaces": Param(lambda w: "1", "int"),
              "confirm": Param(lambda w: "on", "bool")},
    ),
    # Closures of the clinic or of one chair, impact first (issue 14): check, then confirm.
    "frontdesk:closures": Route(
        methods=("GET", "POST"), refused=NOT_ADMIN,
        query={"clinic": CLINIC},
        form={"clinic": CLINIC, "chair": Param(lambda w: str(w.home.chairs[0].pk), "int"),
              "first_day": Param(lambda w: "2027-04-05", "date"), "from_time": Param(lambda w: "09:00", "time"),
              "last_day": Param(lambda w: "2027-04-06", "date"), "until_time": Param(lambda w: "13:00", "time"),
              "reason": Param(lambda w: "Maintenance"), "confirm": Param(lambda w: "1", "choice")},
    ),
    "frontdesk:closure-remove": Route(
        methods=("POST",), refused=NOT_ADMIN, path={"pk": _id(lambda site: site.closure)}, form={"clinic": CLINIC},
    ),
    # "Change this session" on the booking page (issue 13): one proposed row's slot grid, against the other rows.
    "frontdesk:book-slots": Route(
        path={"pk": _id(lambda site: site.patient)}, htmx=True, refused=NOT_BOOKING | ELSEWHERE,
        query={**PROPOSAL, **SERIES, "row": Param(lambda w: "0", "int"),
               "grid-day": Param(lambda w: ["3"], "int", many=True), "grid-part": Param(lambda w: ["afternoon"], "choice", many=True),
               "grid-from": Param(lambda w: "2027-03-03", "date"), "grid-filtered": Param(lambda w: "1", "choice")},
    ),
    # The waitlist (issue 14): the desk's list, offer by hand, withdraw, add from a patient's page; the offer links.
    "frontdesk:waitlist": Route(query={"clinic": CLINIC}, refused=NOT_STAFF),
    "frontdesk:waitlist-offer": Route(methods=("POST",), path={"pk": _id(waiting_entry)}, refused=NOT_BOOKING | ELSEWHERE,
                                      form={"starts_at": Param(lambda w: "2027-03-02T10:00", "datetime")}),
    "frontdesk:waitlist-withdraw": Route(methods=("POST",), path={"pk": _id(waiting_entry)},
                                         refused=NOT_BOOKING | ELSEWHERE),
    "frontdesk:waitlist-new": Route(
        methods=("GET", "POST"), path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
        form={"protocol": Param(lambda w: str(shared_protocol("booster-iv").pk), "int"),
              "session": Param(lambda w: "", "int"), "weekdays": Param(lambda w: ["0", "2"], "int", many=True),
              "time_from": Param(lambda w: "09:00", "time"), "time_to": Param(lambda w: "17:00", "time"),
              "earliest_date": Param(lambda w: "2027-03-02", "date"), "latest_date": Param(lambda w: "2027-04-30", "date"),
              "notes": Param(lambda w: "Mornings")},
    ),
    "waitlist-offer-accept": Route(methods=("GET", "POST"), path={"token": (lambda w: offer_token(w, "accept"), offer_tokens)},
                                   refused=SIGNED_IN),
    "waitlist-offer-decline": Route(methods=("GET", "POST"), path={"token": (lambda w: offer_token(w, "decline"), offer_tokens)},
                                    refused=SIGNED_IN),
    # Pump courses (issue 16): the pump board, an episode's page and its actions, booking from a patient's page.
    "frontdesk:pumps": Route(query={"clinic": CLINIC, "start": Param(lambda w: "2027-03-01", "date")}, refused=NOT_STAFF),
    "frontdesk:episode": Route(path={"pk": _id(pump_episode)}, refused=NOT_STAFF | ELSEWHERE),
    "frontdesk:episode-action": Route(
        methods=("POST",), refused=NOT_STAFF | ELSEWHERE,
        path={"pk": _id(pump_episode), "action": (lambda w: "cancel", lambda w: ["fit", "remove", "return", "nope", "%00", "a" * 300])},
        form={"reason": Param(lambda w: "Unwell")},
    ),
    "frontdesk:pump-visit-record": Route(
        methods=("POST",), refused=NOT_CLINICAL | ELSEWHERE,
        path={"pk": _id(lambda site: pump_episode(site).visits.filter(kind="review").order_by("day").first())},
        form={"outcome": Param(lambda w: "done", "choice"), "note": Param(lambda w: "Called back")},
    ),
    "frontdesk:pump-propose": Route(
        path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
        query={"protocol": Param(lambda w: str(pump_episode(w.home).course.protocol_id), "int"),
               "earliest": Param(lambda w: "2027-03-08", "date")},
    ),
    "frontdesk:pump-book": Route(
        methods=("POST",), path={"pk": _id(lambda site: site.patient)}, refused=NOT_BOOKING | ELSEWHERE,
        form={"protocol": Param(lambda w: str(pump_episode(w.home).course.protocol_id), "int"),
              "pump": Param(lambda w: str(pump_episode(w.home).pump_id), "int"),
              "fitting_start": Param(lambda w: "2027-03-15T14:00:00+00:00", "datetime")},
    ),
    # Re-plan the stranded sessions (issue 14): the proposals, and applying one (`session`) or all (`all`).
    "frontdesk:replan": Route(
        methods=("GET", "POST"), refused=NOT_BOOKING,
        query={"clinic": CLINIC},
        form={"clinic": CLINIC, "session": Param(lambda w: str(w.home.sessions["upcoming"].pk), "int"),
              "all": Param(lambda w: "1", "choice")},
    ),
    # Outcome measures (issue 15): clinicians' and admins' pages; the patient's check-in form behind its link.
    "frontdesk:outcomes-flags": Route(query={"clinic": CLINIC}, refused=NOT_CLINICAL),
    "frontdesk:outcomes-flag-acknowledge": Route(
        methods=("POST",), path={"pk": _id(upcoming_flag)}, refused=NOT_CLINICAL | ELSEWHERE,
        form={"note": Param(lambda w: "Seen"), "next": Param(lambda w: "/", "url")},
    ),
    "frontdesk:outcomes-course": Route(path={"pk": _id(lambda site: site.cycle)}, refused=NOT_CLINICAL | ELSEWHERE),
    "frontdesk:outcomes-summary": Route(path={"pk": _id(lambda site: site.cycle)}, refused=NOT_CLINICAL | ELSEWHERE),
    "frontdesk:outcomes-review": Route(
        methods=("POST",), path={"pk": _id(lambda site: site.cycle)}, refused=NOT_CLINICAL | ELSEWHERE,
        form={"decision": Param(lambda w: "continue", "choice"), "note": Param(lambda w: "Responding")},
    ),
    "frontdesk:outcomes-session": Route(
        methods=("GET", "POST"), path=SESSION, refused=NOT_CLINICAL | ELSEWHERE, form=PHQ9_FORM,
    ),
    "outcomes-checkin": Route(methods=("GET", "POST"), path={"token": (checkin_token, checkin_tokens)},
                              form=PHQ9_FORM, refused=SIGNED_IN),
}

#: Not walked here: the admin (its own tests; two change views below) and the API with its schema and docs
#: (tests/api: the schema walk, schemathesis).
NOT_WALKED_PREFIXES = ("admin/", "api/")


# --- The world ---------------------------------------------------------------------------------------------


@dataclass
class WalkWorld(World):
    tokens: dict[str, str] = field(default_factory=dict)
    mail: tuple[str, int] = ("", 0)


def patient_tokens(world: World) -> dict[str, str]:
    """Link tokens in every state a link can be in: open, for a past session, expired, for a session that is gone."""

    def token(session_id: int, *, action: str = links.RESCHEDULE, version: int = 1, days: int = 30) -> str:
        return links.link_token(action=action, session_id=session_id, version=version,
                                expires_at=T_RUN + dt.timedelta(days=days))

    home = world.home.sessions
    return {
        "open": token(home["upcoming"].pk, version=home["upcoming"].version),
        "cancel": token(home["upcoming"].pk, action=links.CANCEL, version=home["upcoming"].version),
        "past": token(home["past"].pk, action=links.CONFIRM),
        "expired": token(home["upcoming"].pk, days=-1),
        "other clinic": token(world.away.sessions["upcoming"].pk, action=links.UNSUBSCRIBE),
        "missing": token(10**30),
        "negative": token(-1),
        "old version": token(home["upcoming"].pk, version=0),
    }


def write_mail(world: World, folder) -> tuple[str, int]:
    """Send the home clinic's first confirmation to the file backend: the outbox page's (file, index)."""
    row = PatientEmail.objects.filter(clinic=world.home.clinic, kind=EmailKind.CONFIRMATION).order_by("pk").first()
    assert row is not None
    Patient.objects.filter(pk=row.patient_id).update(
        email="walk.patient@example.org", email_consent=True, email_consent_at=T_RUN, email_consent_source="intake form"
    )
    assert row.pk in delivery.emails_claim_due(now=T_RUN)
    assert delivery.email_send(email_id=row.pk, now=T_RUN).status == "sent"
    django_mail.send_mail("Staff notice", "Not about a patient.", "clinic@localhost", ["ops@example.org"])
    separator = "\n" + "-" * 79 + "\n"
    for path in sorted(folder.iterdir()):
        for index, text in enumerate(t for t in path.read_text().split(separator) if t.strip()):
            if "walk.patient@example.org" in text:
                return path.name, index
    raise AssertionError("the confirmation was not written")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two clinics as the API walker builds them, with a failed email, link tokens and an outbox file.

    Built once per module at Monday noon (frozen) and rolled back at the end; each request runs in a
    savepoint inside it.
    """
    folder = tmp_path_factory.mktemp("mail")
    settings = override_settings(EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(folder), PASSWORD_HASHERS=MD5)
    with (django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T_RUN, tick=False) as traveller,
          settings):
        built = build_world(traveller)
        walk = WalkWorld(home=built.home, away=built.away)
        walk.mail = write_mail(walk, folder)
        for site in (walk.home, walk.away):
            pending = PatientEmail.objects.filter(clinic=site.clinic, status=EmailStatus.PENDING).order_by("pk")
            PatientEmail.objects.filter(pk__in=pending.values("pk")[:1]).update(status=EmailStatus.FAILED, attempts=5)
        walk.tokens = patient_tokens(walk)
        user = walk.home.users[FRONT_DESK]
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        yield walk
        transaction.set_rollback(True)


def clients(world: World) -> dict[str, Client]:
    """A signed-in client per role (none for anonymous)."""
    users = {
        "admin": world.home.users[ADMIN], "front_desk": world.home.users[FRONT_DESK],
        "clinician": world.home.users[CLINICIAN], "no_role": world.home.users[None],
        "other_clinic": world.away.users[FRONT_DESK], ANONYMOUS: None,
    }
    made = {}
    for role, user in users.items():
        client = Client(raise_request_exception=True)
        if user is not None:
            signed_in(client, get_user_model().objects.get(pk=user.pk))
        made[role] = client
    return made


# --- The walk ----------------------------------------------------------------------------------------------


def routes_of(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name with namespace, route) of every URL pattern, includes followed; an unnamed one by its route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes_of(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else route), route


def walked_routes() -> dict[str, str]:
    return {name: route for name, route in routes_of() if not route.startswith(NOT_WALKED_PREFIXES)}


_PATH_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def encode(pairs: list[tuple[str, Any]]) -> str:
    """A query string or form body; Raw values go in as they are."""
    parts = []
    for key, value in pairs:
        values = value if isinstance(value, list) else [value]
        for one in values:
            text = one.text if isinstance(one, Raw) else quote(str(one), safe="")
            parts.append(f"{quote(key)}={text}")
    return "&".join(parts)


@dataclass(frozen=True)
class Request:
    role: str
    method: str
    path: str
    params: dict[str, Any]
    htmx: bool
    what: str  # the one thing changed, for the report

    def __str__(self) -> str:
        return f"{self.method} {self.path[:80]} as {self.role}{' (htmx)' if self.htmx else ''}, {self.what}"


def requests_for(route: Route, pattern: str, world: World) -> Iterator[Request]:
    """Every role sends the valid request, the request without parameters and each hostile path parameter.

    Then every role the route admits sends each hostile value in each parameter (every other one as htmx,
    where the view answers htmx apart).
    """
    valid_path = {key: valid(world) for key, (valid, _) in route.path.items()}
    admitted = [role for role in ROLE_NAMES if role not in route.refused]

    def url(path_values: dict[str, str]) -> str:
        return "/" + _PATH_PARAM.sub(lambda m: quote(path_values[m[1]], safe="%"), pattern)

    for method in route.methods:
        params = route.query if method == "GET" else route.form
        valid_params = {key: param.valid(world) for key, param in params.items()}
        for role in ROLE_NAMES:
            for htmx in (False, True) if route.htmx else (False,):
                yield Request(role, method, url(valid_path), valid_params, htmx, "valid")
            yield Request(role, method, url(valid_path), {}, False, "no parameters")
            for key, (_, hostile) in route.path.items():
                for value in hostile(world):
                    yield Request(role, method, url({**valid_path, key: value}), valid_params, False,
                                  f"path {key}={value[:40]!r}")
        for turn, (changed, what) in enumerate(hostile_params(params, valid_params)):
            for role in admitted:
                yield Request(role, method, url(valid_path), {**valid_params, **changed}, route.htmx and turn % 2 == 1, what)


def shown(value: Any) -> str:
    return value.text if isinstance(value, Raw) else repr(value)[:40]


def hostile_params(params: dict[str, Param], valid: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(the parameters changed, how): one at a time, except where a parser is sure to refuse the value.

    Free text gets every value on its own, the rest valid, so it travels as far as the view takes it. A typed
    parameter gets its kind's values on its own, lists of other lengths or its key repeated; and then each
    value of ANY goes to every typed parameter at once (each parser meets it; none of them lets it through).
    """

    def one(value: Any, param: Param, key: str) -> Any:
        return [value, *valid[key][1:]] if param.many else value

    for key, param in params.items():
        for value in [*KINDS[param.kind], *(ANY if param.kind == "text" else [])]:
            yield {key: one(value, param, key)}, f"{key}={shown(value)}"
        if param.many:
            for value in ([], valid[key][:1], valid[key] * 3, [valid[key][0]] * 400):
                yield {key: value}, f"{key}: {len(value)} values"
        else:
            for value in ([valid[key], valid[key]], [valid[key], "\x00"]):
                yield {key: value}, f"{key} repeated"
    typed = {key: param for key, param in params.items() if param.kind != "text"}
    if typed:
        for value in ANY:
            yield {key: one(value, param, key) for key, param in typed.items()}, f"every typed parameter={shown(value)}"


def send(client: Client, request: Request) -> int:
    """The request's status; the client's cookies are put back after, so a sign-in or sign-out does not carry over."""
    headers = HTMX if request.htmx else {}
    body = encode(list(request.params.items()))
    cookies = copy.deepcopy(client.cookies)
    try:
        if request.method == "GET":
            return client.get(f"{request.path}?{body}" if body else request.path, **headers).status_code
        return client.post(request.path, data=body, content_type="application/x-www-form-urlencoded", **headers).status_code
    finally:
        client.cookies = cookies


def walk(world: World, route: Route, pattern: str) -> tuple[int, list[str]]:
    """Send every request of the route; (how many, what answered 5xx or raised: once per distinct error)."""
    problems: dict[tuple[str, str], str] = {}
    sent = 0
    signed_in = clients(world)
    # None: no role reads the route (/metrics answers a bearer token, no sign-in): every answer need only be below 500.
    first = next((role for role in ROLE_NAMES if role not in route.refused), None)
    for request in requests_for(route, pattern, world):
        sent += 1
        try:
            with transaction.atomic():
                status = send(signed_in[request.role], request)
                transaction.set_rollback(True)
        except Exception as exc:  # a view that raises would be a 500: say where and why, keep walking
            key = (request.method, f"{type(exc).__name__}: {exc}"[:200])
            problems.setdefault(key, f"{request}\n{''.join(traceback.format_exception(exc, limit=-4))}")
            continue
        if status >= 500:
            problems.setdefault((request.method, str(status)), f"{request}: {status}")
        elif request.what == "valid" and request.role == first and status >= 400 and status != 405:
            # The valid request must work, or every variant of it would only meet the same refusal.
            problems.setdefault((request.method, "valid"), f"{request}: {status}, expected a page or a redirect")
    return sent, list(problems.values())


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_hostile_input_is_a_server_error(world, name):
    routes = walked_routes()
    assert name in routes, f"{name} is in ROUTES but not in the URLconf: remove its row"
    sent, problems = walk(world, ROUTES[name], routes[name])
    print(f"{name}: {sent} requests")
    assert not problems, f"{len(problems)} distinct 5xx after {sent} requests:\n\n" + "\n\n".join(problems)


def test_every_route_has_a_row():
    """A page added to the URLconf (outside /admin/ and /api/) must get a row in ROUTES, with its path parameters."""
    routes = walked_routes()
    missing = {name: f"/{routes[name]}" for name in sorted(set(routes) - set(ROUTES))}
    assert not missing, f"Add a row to ROUTES for each of these URL patterns (name: route): {missing}"
    for name, pattern in routes.items():
        assert set(_PATH_PARAM.findall(pattern)) == set(ROUTES[name].path), f"{name} ({pattern}): path parameters differ"


def test_a_post_without_a_csrf_token_is_refused_not_an_error(world):
    """With the browser's CSRF check on: every POST route answers 403 to a form sent without the token (a
    CSRF-exempt one, the one-click unsubscribe, answers its valid POST)."""
    routes = walked_routes()
    for role in ("front_desk", ANONYMOUS):
        client = Client(enforce_csrf_checks=True)
        if role != ANONYMOUS:
            client.force_login(world.home.users[FRONT_DESK])
        for name, route in ROUTES.items():
            if "POST" not in route.methods:
                continue
            request = next(r for r in requests_for(route, routes[name], world) if r.method == "POST")
            with transaction.atomic():
                status = send(client, request)
                transaction.set_rollback(True)
            assert status == (200 if route.csrf_exempt else 403), f"{name} as {role}: {status}"


# --- The admin's change views (a bonus: the admin has its own tests) -------------------------------------------

#: The admin change views walked, and the row of a clinic's site each one opens.
ADMIN_VIEWS: dict[str, Callable[[Any], Any]] = {
    "admin:scheduler_clinic_change": lambda site: site.clinic,
    "admin:bookings_patient_change": lambda site: site.patient,
}
#: What each field of the change form gets, one field at a time, the rest as the form shows them.
ADMIN_VALUES = ["", "a\x00b\r\n\x1b", "x" * MEGABYTE, "9999-12-31", "-1", str(2**63), "[" * 40 + "]" * 40,
                Raw("%ED%A0%80%FF")]


def admin_form_data(response) -> tuple[dict[str, Any], list[str]]:
    """The change form's fields with the values it shows, inline formsets and their management forms included;
    and the keys of the main form's fields."""
    data: dict[str, Any] = {}

    def add(form) -> list[str]:
        keys = []
        for name, form_field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(form_field.widget, MultiWidget):  # a date and a time in two inputs: key_0, key_1
                parts = {f"{key}_{i}": part for i, part in enumerate(form_field.widget.decompress(value))}
            else:
                parts = {key: value}
            for part_key, part in parts.items():
                if part is None or part is False:
                    continue
                data[part_key] = [str(v) for v in part] if isinstance(part, list | tuple) else "on" if part is True else str(part)
                keys.append(part_key)
        return keys

    fields = add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data, fields


@pytest.mark.parametrize("name", sorted(ADMIN_VIEWS))
def test_the_admin_change_views_take_hostile_input(world, name):
    """As a superuser and as the home clinic's admin (staff, with the model permissions): hostile ids in the
    path, then each field of the change form set to each hostile value (the two users in turn), the rest as
    the form shows them, its inline rows included."""
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    row = ADMIN_VIEWS[name](world.home)
    admin = get_user_model().objects.get(pk=world.home.users[ADMIN].pk)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.user_permissions.set(Permission.objects.filter(
        content_type__app_label=row._meta.app_label, content_type__model=row._meta.model_name
    ))
    superuser = get_user_model().objects.create_superuser("walk-root", "root@example.org", None)
    problems: dict[str, str] = {}
    sent = 0
    for turn, user in enumerate((superuser, admin)):
        client = signed_in(Client(raise_request_exception=True), user)
        url = reverse(name, args=[row.pk])
        page = client.get(url)
        assert page.status_code == 200, page
        valid, fields = admin_form_data(page)
        with transaction.atomic():
            saved = client.post(url, valid)
            transaction.set_rollback(True)
        assert saved.status_code == 302, f"the form as shown does not save: {saved.context and saved.context['errors']}"
        requests = [("GET", url.replace(f"/{row.pk}/", f"/{quote(bad, safe='%')}/"), {}, f"path id {bad[:20]!r}")
                    for bad in hostile_path_ids(ADMIN_VIEWS[name](world.away).pk)]
        requests += [("POST", url, {**valid, key: value}, f"{key}={shown(value)}")
                     for index, (key, value) in enumerate((key, value) for key in fields for value in ADMIN_VALUES)
                     if index % 2 == turn]
        for method, path, params, what in requests:
            sent += 1
            try:
                with transaction.atomic():
                    status = send(client, Request(user.username, method, path, params, False, what))
                    transaction.set_rollback(True)
            except Exception as exc:  # a view that raises would be a 500
                problems.setdefault(f"{type(exc).__name__}: {exc}"[:200],
                                    f"{method} {path} as {user.username}, {what}\n{''.join(traceback.format_exception(exc, limit=-4))}")
                continue
            if status >= 500:
                problems.setdefault(str(status), f"{method} {path} as {user.username}, {what}: {status}")
    assert not problems, f"{len(problems)} distinct 5xx after {sent} requests:\n\n" + "\n\n".join(problems.values())
