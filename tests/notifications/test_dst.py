"""Reminders around both daylight-saving changes in New York and London: due at the right instant, right wall clock.

Each case books one session through the booking services, checks the rows they planned (72 h and 24 h
before in elapsed time, or earlier by exactly what quiet hours demand), then travels to each due time: the
sweep claims the reminder at that instant and not a second before, and the email sent shows the session's
local time with the zone's abbreviation on that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from bookings.models import EmailKind, EmailStatus
from notifications import services as outbox
from tests.factories import book_course
from tests.notifications.conftest import make_clinic, make_patient, row_for


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Case:
    clinic_zone: str
    starts: dt.datetime  # clinic wall clock
    due_72: dt.datetime
    due_24: dt.datetime
    shows: str  # in the patient's zone
    patient_zone: str | None = None
    at_clinic: str = ""  # the clinic's time, shown when the zones differ

    @property
    def id(self) -> str:
        return f"{self.clinic_zone}-{self.starts:%Y%m%dT%H%M}-{self.patient_zone or 'same'}"


CASES = [
    # New York, spring forward on Sunday 8 March 2026 (07:00 UTC).
    Case("America/New_York", dt.datetime(2026, 3, 8, 10, 0), utc(2026, 3, 5, 14, 0), utc(2026, 3, 7, 14, 0),
         "Sunday 8 March 2026, 10:00 (America/New_York, EDT)"),
    Case("America/New_York", dt.datetime(2026, 3, 10, 10, 0), utc(2026, 3, 7, 14, 0), utc(2026, 3, 9, 14, 0),
         "Tuesday 10 March 2026, 10:00 (America/New_York, EDT)"),
    Case("America/New_York", dt.datetime(2026, 3, 6, 10, 0), utc(2026, 3, 3, 15, 0), utc(2026, 3, 5, 15, 0),
         "Friday 6 March 2026, 10:00 (America/New_York, EST)"),
    # 07:30 EDT Monday: 24 h before is 07:30 EDT Sunday, quiet, so 21:00 EST Saturday; 72 h before is 06:30
    # EST Friday, quiet, so 21:00 EST Thursday.
    Case("America/New_York", dt.datetime(2026, 3, 9, 7, 30), utc(2026, 3, 6, 2, 0), utc(2026, 3, 8, 2, 0),
         "Monday 9 March 2026, 07:30 (America/New_York, EDT)"),
    # New York, fall back on Sunday 1 November 2026 (06:00 UTC).
    Case("America/New_York", dt.datetime(2026, 11, 1, 10, 0), utc(2026, 10, 29, 15, 0), utc(2026, 10, 31, 15, 0),
         "Sunday 1 November 2026, 10:00 (America/New_York, EST)"),
    Case("America/New_York", dt.datetime(2026, 11, 2, 10, 0), utc(2026, 10, 30, 15, 0), utc(2026, 11, 1, 15, 0),
         "Monday 2 November 2026, 10:00 (America/New_York, EST)"),
    Case("America/New_York", dt.datetime(2026, 10, 30, 10, 0), utc(2026, 10, 27, 14, 0), utc(2026, 10, 29, 14, 0),
         "Friday 30 October 2026, 10:00 (America/New_York, EDT)"),
    # 07:30 EST Monday: 24 h before is 07:30 EST Sunday, quiet, so 21:00 EDT Saturday; 72 h before is 08:30
    # EDT Friday, not quiet.
    Case("America/New_York", dt.datetime(2026, 11, 2, 7, 30), utc(2026, 10, 30, 12, 30), utc(2026, 11, 1, 1, 0),
         "Monday 2 November 2026, 07:30 (America/New_York, EST)"),
    # London, spring forward on Sunday 29 March 2026 (01:00 UTC).
    Case("Europe/London", dt.datetime(2026, 3, 29, 10, 0), utc(2026, 3, 26, 9, 0), utc(2026, 3, 28, 9, 0),
         "Sunday 29 March 2026, 10:00 (Europe/London, BST)"),
    Case("Europe/London", dt.datetime(2026, 3, 30, 10, 0), utc(2026, 3, 27, 9, 0), utc(2026, 3, 29, 9, 0),
         "Monday 30 March 2026, 10:00 (Europe/London, BST)"),
    Case("Europe/London", dt.datetime(2026, 3, 27, 10, 0), utc(2026, 3, 24, 10, 0), utc(2026, 3, 26, 10, 0),
         "Friday 27 March 2026, 10:00 (Europe/London, GMT)"),
    # 07:30 BST Monday: 24 h before is 07:30 BST Sunday, quiet, so 21:00 GMT Saturday; 72 h before is 06:30
    # GMT Friday, quiet, so 21:00 GMT Thursday.
    Case("Europe/London", dt.datetime(2026, 3, 30, 7, 30), utc(2026, 3, 26, 21, 0), utc(2026, 3, 28, 21, 0),
         "Monday 30 March 2026, 07:30 (Europe/London, BST)"),
    # London, fall back on Sunday 25 October 2026 (01:00 UTC).
    Case("Europe/London", dt.datetime(2026, 10, 25, 10, 0), utc(2026, 10, 22, 10, 0), utc(2026, 10, 24, 10, 0),
         "Sunday 25 October 2026, 10:00 (Europe/London, GMT)"),
    Case("Europe/London", dt.datetime(2026, 10, 26, 10, 0), utc(2026, 10, 23, 10, 0), utc(2026, 10, 25, 10, 0),
         "Monday 26 October 2026, 10:00 (Europe/London, GMT)"),
    # 07:30 GMT Monday: 24 h before is 07:30 GMT Sunday, quiet, so 21:00 BST Saturday; 72 h before is 08:30
    # BST Thursday, not quiet.
    Case("Europe/London", dt.datetime(2026, 10, 26, 7, 30), utc(2026, 10, 23, 7, 30), utc(2026, 10, 24, 20, 0),
         "Monday 26 October 2026, 07:30 (Europe/London, GMT)"),
    # A London patient of a New York clinic between the two changes (the zones are 4 h apart, not 5).
    Case("America/New_York", dt.datetime(2026, 3, 10, 10, 0), utc(2026, 3, 7, 14, 0), utc(2026, 3, 9, 14, 0),
         "Tuesday 10 March 2026, 14:00 (Europe/London, GMT)", patient_zone="Europe/London",
         at_clinic="At the clinic: 10:00 (America/New_York, EDT)"),
    # … and after both: 17:30 EDT is 22:30 BST, so quiet hours (the patient's) pull both reminders to 21:00.
    Case("America/New_York", dt.datetime(2026, 3, 30, 17, 30), utc(2026, 3, 27, 21, 0), utc(2026, 3, 29, 20, 0),
         "Monday 30 March 2026, 22:30 (Europe/London, BST)", patient_zone="Europe/London",
         at_clinic="At the clinic: 17:30 (America/New_York, EDT)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reminders_fire_at_the_right_instant_and_show_the_right_local_time(db, case):
    starts_utc = case.starts.replace(tzinfo=ZoneInfo(case.clinic_zone)).astimezone(dt.UTC)
    with time_machine.travel(starts_utc - dt.timedelta(days=10), tick=False) as traveller:
        clinic = make_clinic(tz=case.clinic_zone)
        patient = make_patient(clinic, tz=case.patient_zone)
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[case.starts])
        (session,) = booked.sessions
        assert session.starts_at == starts_utc

        due = {hours: row_for(session, EmailKind.reminder(hours)) for hours in (72, 24)}
        assert due[72].due_at == case.due_72
        assert due[24].due_at == case.due_24
        for hours, row in due.items():
            assert row.status == EmailStatus.PENDING
            # Exactly the offset in elapsed time, or earlier because of quiet hours, never later.
            assert row.due_at <= starts_utc - dt.timedelta(hours=hours)

        mail.outbox.clear()
        for hours in (72, 24):
            row = due[hours]
            traveller.move_to(row.due_at - dt.timedelta(seconds=1))
            assert row.pk not in outbox.emails_claim_due()
            traveller.move_to(row.due_at)
            assert row.pk in outbox.emails_claim_due()
            assert outbox.email_send(email_id=row.pk).status == "sent"

        reminders = [m for m in mail.outbox if m.subject.startswith("Reminder:")]
        assert len(reminders) == 2
        for message in reminders:
            html = message.alternatives[0][0]
            assert case.shows in message.body and case.shows in html
            if case.at_clinic:
                assert case.at_clinic in message.body
            else:
                assert "At the clinic" not in message.body
