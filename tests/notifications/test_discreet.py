"""A clinic named for its drug reaches no patient by that name: every email kind on the wire, and the link pages.

The clinic is "Riverside Ketamine Infusion Center", as the demo clinic and many real ones are named. Every kind
of email goes through the outbox's own sweep and send (notifications.services, as beat and the worker run
them) to a real SMTP server (aiosmtpd), and what arrives is read whole: every header of the message and of its
parts (From, Reply-To, Subject, Message-ID, List-Unsubscribe, Content-Disposition, …), the text, the HTML,
and every line of the calendar file. Then the pages behind the email's links, in every state they can show.
None holds a treatment word (common/treatment_words.py plus every stored protocol's words) or the clinic's
own name; each names the clinic by its email name, or "the clinic" when it has none (or holds a treatment
word, written around the checks).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from bookings import services
from bookings.models import EmailKind, PatientEmail
from common.treatment_words import treatment_words_in
from scheduler.models import Clinic, Protocol, Route
from tests.factories import book_course
from tests.notifications.conftest import (
    COURSE,
    EVERY_KIND_FROM,
    EVERY_KIND_OFFSETS,
    deliver,
    links_in,
    make_clinic,
    make_patient,
    send_every_kind,
    without_links,
)
from tests.notifications.delivery import Received

T0 = EVERY_KIND_FROM  # Wednesday 1 April 2026, 08:00 in New York
OWN_NAME = "Riverside Ketamine Infusion Center"

pytestmark = pytest.mark.frozen(T0)

# (the email name stored, the name patients read inside a sentence)
NAMES = [
    pytest.param("Riverside Clinic", "Riverside Clinic", id="email-name"),
    pytest.param("", "the clinic", id="none-set"),
    pytest.param("Riverside Ketamine", "the clinic", id="treatment-word-stored-around-the-checks"),
]
#: Each run sends some thirty emails (seconds): two of the three in `make test` only, not `make test-fast`.
NAMES_ON_THE_WIRE = [NAMES[0], *(pytest.param(*p.values, id=p.id, marks=pytest.mark.slow) for p in NAMES[1:])]


def clinic_named(email_name: str):
    clinic = make_clinic(name=OWN_NAME, reminder_offsets_hours=EVERY_KIND_OFFSETS)
    # An update, not a save through a form: a stored name the checks would have refused is shown by no email.
    Clinic.objects.filter(pk=clinic.pk).update(email_name=email_name)
    clinic.refresh_from_db()
    return clinic


def protocol_words() -> set[str]:
    """Every stored protocol's name, slug, indication and route, whole and word by word."""
    words = {w for p in Protocol.objects.all() for w in (p.name, p.slug, p.indication, p.get_route_display())}
    words |= {w for p in Protocol.objects.all() for w in re.findall(r"[A-Za-z]{2,}", f"{p.name} {p.slug} {p.indication}")}
    return (words | set(Route.labels) | set(Route.values)) - {""}


def what_it_says(received: Received) -> dict[str, str]:
    """Every header and every part of a message as it arrived, decoded; patient links as placeholders."""
    said = {}
    for n, part in enumerate(received.message.walk()):
        said[f"part {n} headers"] = without_links("\n".join(f"{name}: {value}" for name, value in part.items()))
        if part.is_multipart():
            continue
        content = part.get_content()
        if part.get_content_type() == "text/calendar":
            # Every line, its folds (RFC 5545, at 75 octets, maybe inside a word) joined first.
            for i, line in enumerate(re.sub(r"\r?\n[ \t]", "", content).splitlines()):
                said[f"part {n} ({part.get_content_type()}) line {i}"] = line
        else:
            said[f"part {n} ({part.get_content_type()})"] = without_links(content)
    return said


def assert_discreet(texts: dict[str, str], *, words: set[str]) -> None:
    leaks = {where: found for where, text in texts.items() if (found := treatment_words_in(text, extra=words))}
    assert leaks == {}
    own = {where for where, text in texts.items() if "ketamine" in text.lower() or "infusion center" in text.lower()}
    assert own == set()


@pytest.mark.parametrize("email_name, shown", NAMES_ON_THE_WIRE)
def test_every_kind_of_email_on_the_wire_names_no_treatment(db, smtp, frozen, email_name, shown):
    clinic = clinic_named(email_name)
    patient = make_patient(clinic)
    received = send_every_kind(smtp, frozen, clinic=clinic, patient=patient)
    words = protocol_words()
    title = shown[0].upper() + shown[1:]
    for r in received:
        kind = PatientEmail.objects.get(pk=r.reminder_id).kind
        said = what_it_says(r)
        assert_discreet({f"{kind}: {where}": text for where, text in said.items()}, words=words)
        message = r.message
        assert message["From"].addresses[0].display_name == title
        assert message["Reply-To"].addresses[0].display_name == title
        assert message["Message-ID"] == r.message_id and r.message_id.startswith("<reminder.")
        assert message["List-Unsubscribe"] and message["Subject"]
        if kind in (EmailKind.CONFIRMATION, EmailKind.CYCLE_CANCELLED, EmailKind.MOVED, EmailKind.BOOSTER_RECALL):
            assert shown in message["Subject"], (kind, message["Subject"])
        calendar = r.attachment("appointment.ics")
        if calendar is not None:
            lines = [line for where, line in said.items() if "text/calendar" in where]
            assert f"SUMMARY:Appointment at {shown}" in lines
            assert any(line.startswith(f'ORGANIZER;CN="{title}"') or line.startswith(f"ORGANIZER;CN={title}")
                       for line in lines), lines
        for part in message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                assert title in part.get_content()


@pytest.mark.parametrize("email_name, shown", NAMES)
def test_the_pages_behind_the_links_name_no_treatment(db, smtp, frozen, email_name, shown):
    clinic = clinic_named(email_name)
    patient = make_patient(clinic)
    course = book_course(patient=patient, clinic=clinic, protocol="depression-iv", starts=COURSE)
    sessions = sorted(course.sessions, key=lambda s: s.sequence)
    (confirmation,) = deliver(smtp)
    text = next(p.get_content() for p in confirmation.message.walk() if p.get_content_type() == "text/plain")
    found = links_in(text)
    assert len(found) == 3 * len(COURSE) + 1
    url = {(i // 3, action): f"/p/{action}/{token}/" for i, (action, token) in enumerate(found)}
    unsubscribe = f"/p/{found[-1][0]}/{found[-1][1]}/"
    client = Client()
    pages = {}

    for action in ("confirm", "reschedule", "cancel"):
        pages[f"{action}: the page"] = client.get(url[0, action])
    pages["unsubscribe: the page"] = client.get(unsubscribe)
    pages["unsubscribe: the List-Unsubscribe URL opened"] = client.get(f"{unsubscribe}one-click/")
    pages["confirm: done"] = client.post(url[0, "confirm"])
    pages["confirm: done before"] = client.get(url[0, "confirm"])
    pages["reschedule: asked"] = client.post(url[1, "reschedule"], {"note": "Afternoons suit me"})
    pages["cancel: done"] = client.post(url[2, "cancel"])
    services.session_reschedule(session=sessions[3], starts_at=COURSE[3] + dt.timedelta(hours=3))
    pages["cancel: moved since"] = client.get(url[3, "cancel"])
    pages["a bad link"] = client.get(url[4, "confirm"][:-5] + "xyz/")
    frozen.move_to(sessions[5].starts_at + dt.timedelta(days=2))
    pages["confirm: expired"] = client.get(url[5, "confirm"])

    statuses = {what: response.status_code for what, response in pages.items()}
    assert statuses == {
        "confirm: the page": 200, "reschedule: the page": 200, "cancel: the page": 200,
        "unsubscribe: the page": 200, "unsubscribe: the List-Unsubscribe URL opened": 200, "confirm: done": 200, "confirm: done before": 200,
        "reschedule: asked": 200, "cancel: done": 200, "cancel: moved since": 410, "a bad link": 400,
        "confirm: expired": 410,
    }
    bodies = {what: response.content.decode() for what, response in pages.items()}
    assert_discreet(bodies, words=protocol_words())
    title = shown[0].upper() + shown[1:]
    for what, body in bodies.items():
        if what != "a bad link":  # a bad link says which clinic it is from no more than which session
            assert f"<header>{title}</header>" in body, what
