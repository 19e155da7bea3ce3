"""No patient email says what the patient is treated for: every kind, for a patient on each shared protocol.

The emails may carry the clinic's email name and contact, the first name, dates and times, the address, the
preparation rules and the links (shared/DOMAIN.md, HIPAA minimum necessary). The deny-list of treatment,
diagnosis and dose words (common/treatment_words.py, the same list a clinic's email name is checked against),
plus every word of every protocol's name, slug, indication and route from the database, is matched with word
boundaries against the subject, every header, the text, the HTML and the calendar file. The clinic's own name
says "Ketamine" (tests/notifications/conftest.py): it must reach none of them.

The rendered text of each kind is also kept as a golden file under snapshots/, so a change of wording is
reviewed like code. Regenerate with UPDATE_SNAPSHOTS=1 and read the diff.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
from pathlib import Path

import pytest
import time_machine

from bookings import services
from bookings.models import CancelledBy, EmailKind, PatientEmail
from common.treatment_words import TREATMENT_WORDS, treatment_words_in
from scheduler.models import Protocol, Route
from tests.factories import book_course
from tests.notifications.conftest import (
    DATE_OF_BIRTH,
    LAST_NAME,
    calendar_part,
    confirmation_sent,
    html_of,
    links_in,
    make_clinic,
    make_patient,
    render,
    row_for,
    without_links,
)
from tests.safety.helpers import checks_pass, recovery_pass

SNAPSHOTS = Path(__file__).parent / "snapshots"
T0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)

# The protocols' own courses: dates (clinic wall clock, 10:00) valid for each one's spacing rules.
COURSES = {
    "depression-iv": [(4, 13), (4, 15), (4, 17), (4, 20), (4, 22), (4, 24)],
    "ptsd-iv": [(4, 13), (4, 15), (4, 17), (4, 20), (4, 22), (4, 24)],
    "chronic-pain-iv": [(4, 13), (4, 14), (4, 15), (4, 16), (4, 17)],
    "anxiety-sc": [(4, 13), (4, 20), (4, 27), (5, 4)],
    "booster-iv": [(4, 13)],
    "esketamine-nasal": [(4, 13), (4, 16), (4, 20), (4, 23), (4, 27), (4, 30), (5, 4), (5, 7)],
}
KINDS = [
    EmailKind.CONFIRMATION,
    EmailKind.reminder(72),
    EmailKind.reminder(24),
    EmailKind.reminder(2),
    EmailKind.MOVED,
    EmailKind.CANCELLED,
    EmailKind.CYCLE_CANCELLED,
    EmailKind.BOOSTER_RECALL,
]


def course(slug: str, weeks_later: int = 0) -> list[dt.datetime]:
    return [dt.datetime(2026, m, d, 10, 0) + dt.timedelta(weeks=weeks_later) for m, d in COURSES[slug]]


def every_kind(slug: str, traveller) -> dict[str, object]:
    """Book, change, cancel and complete courses of one protocol through the services; render each email kind.

    Each email is rendered when it would go: notices at once, reminders at their due time.
    """
    clinic = make_clinic(reminder_offsets_hours=[72, 24, 2])
    patient = make_patient(clinic)
    messages = {}

    first = book_course(patient=patient, clinic=clinic, protocol=slug, starts=course(slug))
    sessions = sorted(first.sessions, key=lambda s: s.sequence)
    messages[EmailKind.CONFIRMATION] = render(row_for(sessions[0], EmailKind.CONFIRMATION))
    for hours in (72, 24, 2):
        row = row_for(sessions[0], EmailKind.reminder(hours))
        messages[row.kind] = render(row, now=row.due_at)

    last = sessions[-1]
    (moved,) = services.session_reschedule(session=last, starts_at=course(slug)[-1] + dt.timedelta(hours=2))
    messages[EmailKind.MOVED] = render(row_for(moved, EmailKind.MOVED))
    services.session_cancel(session=moved, by_party=CancelledBy.PATIENT, reason="Cannot make it")
    messages[EmailKind.CANCELLED] = render(row_for(moved, EmailKind.CANCELLED))

    second = book_course(patient=patient, clinic=clinic, protocol=slug, starts=course(slug, weeks_later=5))
    confirmation_sent(second.cycle)
    services.cycle_cancel(cycle=second.cycle, reason="Going abroad", by_party=CancelledBy.PATIENT)
    (row,) = PatientEmail.objects.filter(cycle=second.cycle, kind=EmailKind.CYCLE_CANCELLED)
    messages[EmailKind.CYCLE_CANCELLED] = render(row)

    third = book_course(patient=patient, clinic=clinic, protocol=slug, starts=course(slug, weeks_later=10))
    for session in sorted(third.sessions, key=lambda s: s.sequence):
        traveller.move_to(session.starts_at + dt.timedelta(minutes=5))
        services.session_check_in(session=session)
        checks_pass(session)
        services.session_start(session=session)
        traveller.move_to(session.ends_at + dt.timedelta(minutes=5))  # the protocol's chair time has passed
        recovery_pass(session)
        services.session_complete(session=session)
    row = row_for(session, EmailKind.BOOSTER_RECALL)
    messages[EmailKind.BOOSTER_RECALL] = render(row, now=row.due_at)
    assert list(messages) == KINDS or set(messages) == set(KINDS)
    return messages


def headers_of(message) -> str:
    """Every header of the message as it goes on the wire, its parts' too, decoded; links as placeholders."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    return "\n".join(f"{name}: {value}" for part in parsed.walk() for name, value in part.items())


def surfaces(message) -> dict[str, str]:
    """Everything the patient (or anyone reading their mail) sees, patient links replaced by placeholders."""
    part = calendar_part(message)
    return {
        "subject": message.subject,
        "headers": without_links(headers_of(message)),
        "text": without_links(message.body),
        "html": without_links(html_of(message)),
        "ics": unfolded(part.get_payload(decode=True).decode()) if part is not None else "",
    }


def unfolded(ics: str) -> str:
    """A calendar file with its folded lines joined (RFC 5545 folds at 75 octets, maybe inside a word)."""
    return re.sub(r"\r?\n[ \t]", "", ics)


def protocol_words() -> set[str]:
    """Every stored protocol's name, slug, indication and route, whole and word by word: none may show."""
    words: set[str] = set()
    for protocol in Protocol.objects.all():
        words |= {protocol.name, protocol.slug, protocol.indication, protocol.get_route_display()}
        words |= set(re.findall(r"[A-Za-z]{2,}", f"{protocol.name} {protocol.slug} {protocol.indication}"))
    words |= {label for label in Route.labels} | {value for value in Route.values}
    return words - {""}


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as t:
        yield t


@pytest.mark.slow  # every kind of email for every protocol: seconds; make test runs it
@pytest.mark.parametrize("slug", sorted(COURSES))
def test_no_email_of_any_kind_names_a_treatment(db, traveller, slug):
    messages = every_kind(slug, traveller)
    assert set(messages) == set(KINDS)
    words = protocol_words()
    assert words - {w.lower() for w in TREATMENT_WORDS}  # the protocols' own words joined the list
    leaks = [
        (kind, where, word)
        for kind, message in messages.items()
        for where, content in surfaces(message).items()
        for word in treatment_words_in(content, extra=words)
    ]
    assert leaks == []


@pytest.mark.parametrize("slug", ["depression-iv", "esketamine-nasal"])
def test_no_email_carries_the_last_name_or_date_of_birth(db, traveller, slug):
    messages = every_kind(slug, traveller)
    born = DATE_OF_BIRTH
    forbidden = [
        LAST_NAME, born.isoformat(), f"{born:%m/%d/%Y}", f"{born:%d/%m/%Y}", f"{born.day} {born:%B %Y}",
        f"{born:%B} {born.day}, {born.year}", f"{born:%Y%m%d}",
    ]
    for kind, message in messages.items():
        for where, content in surfaces(message).items():
            for value in forbidden:
                assert value.lower() not in content.lower(), (kind, where, value)
        # The links carry only ids, a version and an expiry, signed: no name inside the token either.
        for _, token in links_in(message.body):
            assert LAST_NAME.lower() not in token.lower()


@pytest.mark.parametrize(
    "text, found",
    [
        ("Your Ketamine appointment", ["Ketamine"]),
        ("Your esketamine appointment", ["esketamine"]),  # not "ketamine": a whole word only
        ("Booster (IV)", ["Booster", "IV"]),
        ("Riverside", []),
        ("Spain", []),
        ("PHQ-9 score 14", ["PHQ-9", "score"]),  # the longer word wins
        ("2 mg/kg", ["mg/kg"]),
        ("Uptown Infusions", ["Infusions"]),  # a plural
        ("INFUSION infusion Infusion", ["INFUSION"]),  # each word once, spelt as first found
        ("UID:session-12@clinic.invalid", []),  # a hyphen joins: an opaque id is one token
        ("Riverside Clinic", []),
        ("", []),
    ],
)
def test_the_deny_list_catches_what_it_should(text, found):
    """The matcher itself: whole words only, any case, plurals, hyphenated words as one."""
    assert treatment_words_in(text) == found


def test_extra_words_join_the_list():
    assert treatment_words_in("Lidocaine at Riverside", extra={"lidocaine", ""}) == ["Lidocaine"]
    assert treatment_words_in("Lidocaine at Riverside") == []


# --- Golden files ------------------------------------------------------------------------------------


def snapshot_text(message) -> str:
    return f"Subject: {message.subject}\n\n{without_links(message.body)}"


def test_wording_matches_the_golden_files(db, traveller):
    """The text of every kind, for a fixed course and a frozen clock, is exactly what was last reviewed."""
    messages = every_kind("depression-iv", traveller)
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    missing, changed = [], []
    for kind, message in messages.items():
        path = SNAPSHOTS / f"{kind}.txt"
        text = snapshot_text(message)
        if update:
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists():
            missing.append(path.name)
        elif path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
    assert not missing, f"no golden file for {missing}: run with UPDATE_SNAPSHOTS=1 and review them"
    assert not changed, f"wording changed in {changed}: run with UPDATE_SNAPSHOTS=1 and review the diff"
