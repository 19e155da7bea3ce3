"""Patient emails and link pages in a clinic that reads the 12-hour clock (issue 13): subject, text and HTML.

The text of each kind is a golden file under snapshots/12h/ (regenerate with UPDATE_SNAPSHOTS=1 and read the
diff); the 24-hour golden files beside it stay as they are, since 24-hour is the default.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine

from bookings import services
from bookings.models import EmailKind
from tests.factories import book_course
from tests.notifications.conftest import html_of, make_clinic, make_patient, render, row_for, without_links

SNAPSHOTS = Path(__file__).parent / "snapshots" / "12h"
T0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
# Wall-clock starts in the clinic (New York): the first at noon, so both halves of the day are printed.
STARTS = [dt.datetime(2026, 4, d, h, m) for d, h, m in [(13, 12, 0), (15, 9, 30), (17, 13, 0), (20, 10, 0),
                                                          (22, 10, 0), (24, 10, 0)]]

pytestmark = pytest.mark.django_db


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as t:
        yield t


def twelve_hour_emails() -> dict[str, object]:
    clinic = make_clinic(clock_format="12h", reminder_offsets_hours=[24, 2])
    patient = make_patient(clinic, tz="America/Chicago")  # another zone: the clinic's time is printed too
    booked = book_course(patient=patient, clinic=clinic, protocol="depression-iv", starts=STARTS)
    sessions = sorted(booked.sessions, key=lambda s: s.sequence)
    messages = {EmailKind.CONFIRMATION: render(row_for(sessions[0], EmailKind.CONFIRMATION))}
    for hours in (24, 2):
        row = row_for(sessions[0], EmailKind.reminder(hours))
        messages[row.kind] = render(row, now=row.due_at)
    (moved,) = services.session_reschedule(session=sessions[-1], starts_at=STARTS[-1] + dt.timedelta(hours=4))
    messages[EmailKind.MOVED] = render(row_for(moved, EmailKind.MOVED))
    return messages


def test_the_12_hour_emails_match_their_golden_files(traveller):
    messages = twelve_hour_emails()
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    changed = []
    for kind, message in messages.items():
        path = SNAPSHOTS / f"{kind}.txt"
        text = f"Subject: {message.subject}\n\n{without_links(message.body)}"
        if update:
            SNAPSHOTS.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
    assert not changed, f"wording changed in {changed}: run with UPDATE_SNAPSHOTS=1 and review the diff"


def test_every_surface_reads_the_12_hour_clock(traveller):
    messages = twelve_hour_emails()
    same_day = messages[EmailKind.reminder(2)]
    # Noon in New York is 11:00 in Chicago: the subject, the text and the HTML say so in the clinic's style.
    assert same_day.subject.startswith("Today at 11:00 AM: ")
    confirmation = messages[EmailKind.CONFIRMATION]
    for surface in (confirmation.body, html_of(confirmation)):
        assert "11:00 AM (America/Chicago, CDT)" in surface and "12:00 PM (America/New_York, EDT)" in surface
        assert "8:30 AM (America/Chicago, CDT)" in surface  # 9:30 in New York
    moved = messages[EmailKind.MOVED]
    assert "1:00 PM (America/Chicago, CDT)" in moved.body and "9:00 AM (America/Chicago, CDT)" in moved.body
    for message in messages.values():
        for surface in (message.subject, message.body, html_of(message)):
            assert not any(f"{h:02d}:" in surface for h in range(13, 24)), surface  # no 24-hour time left
