"""Patient emails rendered from the outbox rows the booking services write: every kind, text and HTML."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.models import CancelledBy, EmailKind, EmailStatus, PatientEmail
from notifications import emails, links
from notifications import services as outbox
from tests.factories import book_course
from tests.notifications.conftest import (
    calendar_of,
    calendar_part,
    claims_in,
    confirmation_sent,
    html_of,
    links_in,
    make_clinic,
    make_patient,
    render,
    row_for,
)
from tests.safety.helpers import checks_pass, recovery_pass

NY = ZoneInfo("America/New_York")
# Wednesday 1 April 2026, 08:00 in New York; the course starts twelve days later, far from any DST change.
T0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
# Mon/Wed/Fri over two weeks at 10:00: a valid depression induction.
DAYS = [dt.datetime(2026, 4, d, 10, 0) for d in (13, 15, 17, 20, 22, 24)]
WHENS = [
    "Monday 13 April 2026, 10:00 (America/New_York, EDT)",
    "Wednesday 15 April 2026, 10:00 (America/New_York, EDT)",
    "Friday 17 April 2026, 10:00 (America/New_York, EDT)",
    "Monday 20 April 2026, 10:00 (America/New_York, EDT)",
    "Wednesday 22 April 2026, 10:00 (America/New_York, EDT)",
    "Friday 24 April 2026, 10:00 (America/New_York, EDT)",
]


pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def clinic(db):
    return make_clinic(reminder_offsets_hours=[72, 24, 2])


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


@pytest.fixture
def booked(clinic, patient):
    return book_course(patient=patient, clinic=clinic, protocol="depression-iv", starts=DAYS)


def sessions_of(booked):
    return sorted(booked.cycle.sessions.all(), key=lambda s: s.sequence)


def assert_common(message, *, patient, clinic):
    """What every patient email carries: to the patient, from the clinic (its email name, never its own name),
    both parts, its contact, unsubscribe."""
    text, html = message.body, html_of(message)
    assert message.to == [patient.email]
    assert message.from_email == f"{clinic.email_name} <clinic@localhost>"
    assert message.reply_to == [f"{clinic.email_name} <{clinic.email}>"]
    for part in (text, html):
        assert f"Hello {patient.first_name}," in part
        assert clinic.email_name in part and "12 River Road" in part and "Springfield, NY 10001" in part
        assert clinic.name not in part
        assert clinic.phone in part and clinic.email in part
    assert text.count("/p/unsubscribe/") == 1 and html.count("/p/unsubscribe/") == 1
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/p/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    # The message serialises (headers, parts, attachment) without error.
    assert message.message().as_bytes()


class TestConfirmation:
    def test_lists_every_session_with_its_links(self, booked, clinic, patient):
        first = sessions_of(booked)[0]
        message = render(row_for(first, EmailKind.CONFIRMATION))
        assert message.subject == "Your appointments at Riverside Clinic"
        assert_common(message, patient=patient, clinic=clinic)
        for when in WHENS:
            assert when in message.body and when in html_of(message)
        assert "No solid food for 6 hours before your appointment" in message.body
        # Confirm, reschedule and cancel for each of the six sessions, and one unsubscribe.
        actions = [action for action, _ in links_in(message.body)]
        assert actions == [links.CONFIRM, links.RESCHEDULE, links.CANCEL] * 6 + [links.UNSUBSCRIBE]
        assert links_in(html_of(message)) == links_in(message.body)

    def test_calendar_holds_every_session(self, booked):
        message = render(row_for(sessions_of(booked)[0], EmailKind.CONFIRMATION))
        part = calendar_part(message)
        assert part["Content-Type"] == "text/calendar; method=REQUEST; charset=UTF-8"
        assert part.get_filename() == "appointment.ics"
        cal = calendar_of(message)
        assert str(cal["METHOD"]) == "REQUEST"
        events = cal.walk("VEVENT")
        assert [e["UID"] for e in events] == [f"session-{s.pk}@clinic.invalid" for s in sessions_of(booked)]
        assert [e.start for e in events] == [s.starts_at for s in sessions_of(booked)]

    def test_a_session_cancelled_before_sending_is_left_out(self, booked):
        s = sessions_of(booked)
        services.session_cancel(session=s[2], by_party=CancelledBy.CLINIC, reason="Chair broken")
        message = render(row_for(s[0], EmailKind.CONFIRMATION))
        assert WHENS[2] not in message.body
        assert len(calendar_of(message).walk("VEVENT")) == 5
        assert len(links_in(message.body)) == 5 * 3 + 1


class TestLinks:
    @pytest.mark.parametrize("hours_after", [0, 2])
    def test_links_are_genuine_bound_to_the_version_and_expire_with_the_session(self, settings, booked, hours_after):
        settings.PATIENT_LINK_HOURS_AFTER_START = hours_after
        s = sessions_of(booked)
        message = render(row_for(s[0], EmailKind.CONFIRMATION))
        now = timezone.now()
        claims = claims_in(message.body, now)
        by_session = {x.pk: x for x in s}
        for claim in claims[:-1]:
            session = by_session[claim.session_id]
            assert claim.version == session.version
            assert claim.expires_at == session.starts_at + dt.timedelta(hours=hours_after)
        unsubscribe = claims[-1]
        assert unsubscribe.action == links.UNSUBSCRIBE and unsubscribe.session_id == s[0].pk
        assert unsubscribe.expires_at == now + dt.timedelta(days=90)
        # A token for one action is no use for another.
        action, token = links_in(message.body)[0]
        with pytest.raises(links.BadLink):
            links.link_read(token, action=links.CANCEL, now=now)

    def test_links_carry_the_version_at_render_time(self, booked):
        s = sessions_of(booked)
        services.session_confirm(session=s[0])
        s[0].refresh_from_db()
        message = render(row_for(s[0], EmailKind.reminder(24)))
        claims = claims_in(message.body, timezone.now())
        assert {c.version for c in claims} == {s[0].version} and s[0].version == 2

    def test_links_open_the_patient_pages(self, client, booked):
        message = render(row_for(sessions_of(booked)[0], EmailKind.reminder(72)))
        for action, token in links_in(message.body):
            response = client.get(f"/p/{action}/{token}/")
            assert response.status_code == 200, (action, response.status_code)


class TestMoved:
    def test_notice_shows_the_new_and_old_time_with_an_updated_calendar_entry(self, booked, clinic, patient):
        s = sessions_of(booked)
        (moved,) = services.session_reschedule(session=s[1], starts_at=dt.datetime(2026, 4, 15, 14, 30))
        message = render(row_for(moved, EmailKind.MOVED))
        assert message.subject == "Your appointment at Riverside Clinic has moved to Wednesday 15 April 2026"
        assert_common(message, patient=patient, clinic=clinic)
        for part in (message.body, html_of(message)):
            assert "Wednesday 15 April 2026, 14:30 (America/New_York, EDT)" in part
            assert "It was: Wednesday 15 April 2026, 10:00 (America/New_York, EDT)" in part
        claims = claims_in(message.body, timezone.now())
        assert [c.action for c in claims] == [links.CONFIRM, links.RESCHEDULE, links.CANCEL, links.UNSUBSCRIBE]
        assert {c.version for c in claims} == {moved.version} and moved.version == 2
        cal = calendar_of(message)
        (event,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "REQUEST" and event["STATUS"] == "CONFIRMED"
        assert event["UID"] == f"session-{moved.pk}@clinic.invalid" and event["SEQUENCE"] == 1
        assert event.start == dt.datetime(2026, 4, 15, 14, 30, tzinfo=NY)

    def test_uid_is_stable_and_sequence_only_grows_until_the_cancel(self, booked):
        s = sessions_of(booked)
        target = s[3]

        def event_of(message):
            (event,) = [e for e in calendar_of(message).walk("VEVENT") if e["UID"] == f"session-{target.pk}@clinic.invalid"]
            return event

        confirmation = event_of(render(row_for(s[0], EmailKind.CONFIRMATION)))
        services.session_reschedule(session=target, starts_at=dt.datetime(2026, 4, 20, 12, 0))
        first_move = event_of(render(row_for(target, EmailKind.MOVED)))
        services.session_reschedule(session=target, starts_at=dt.datetime(2026, 4, 20, 15, 0))
        second_move = event_of(render(row_for(target, EmailKind.MOVED)))
        services.session_cancel(session=target, by_party=CancelledBy.PATIENT, reason="Travelling")
        cancel_message = render(row_for(target, EmailKind.CANCELLED))
        cancel = event_of(cancel_message)

        assert [e["SEQUENCE"] for e in (confirmation, first_move, second_move, cancel)] == [0, 1, 2, 3]
        assert [e["STATUS"] for e in (confirmation, first_move, second_move, cancel)] == [
            "CONFIRMED", "CONFIRMED", "CONFIRMED", "CANCELLED",
        ]
        assert str(calendar_of(cancel_message)["METHOD"]) == "CANCEL"
        assert calendar_part(cancel_message)["Content-Type"] == "text/calendar; method=CANCEL; charset=UTF-8"
        # The confirmation, were it sent only now, leaves the cancelled session out.
        late = calendar_of(render(row_for(s[0], EmailKind.CONFIRMATION))).walk("VEVENT")
        assert len(late) == 5 and target.pk not in {int(e["UID"].split("-")[1].split("@")[0]) for e in late}


class TestCancelled:
    def test_one_session(self, booked, clinic, patient):
        s = sessions_of(booked)
        services.session_cancel(session=s[4], by_party=CancelledBy.CLINIC, reason="Nurse ill")
        message = render(row_for(s[4], EmailKind.CANCELLED))
        assert message.subject == "Your appointment on Wednesday 22 April 2026 is cancelled"
        assert_common(message, patient=patient, clinic=clinic)
        assert f"on {WHENS[4]} is cancelled" in message.body
        assert "Your other appointments are unchanged." in message.body
        assert "To book another time, call +1 555 0100 or email front@riverside.example." in message.body
        # Nothing left to confirm or cancel: only the unsubscribe link.
        assert [a for a, _ in links_in(message.body)] == [links.UNSUBSCRIBE]
        cal = calendar_of(message)
        (event,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
        assert event["UID"] == f"session-{s[4].pk}@clinic.invalid"

    def test_the_whole_course(self, booked, clinic, patient):
        s = sessions_of(booked)
        confirmation_sent(booked.cycle)
        services.cycle_cancel(cycle=booked.cycle, reason="Patient moved away", by_party=CancelledBy.PATIENT)
        (row,) = PatientEmail.objects.filter(cycle=booked.cycle, kind=EmailKind.CYCLE_CANCELLED)
        message = render(row)
        assert message.subject == "Your appointments at Riverside Clinic are cancelled"
        assert_common(message, patient=patient, clinic=clinic)
        for when in WHENS:
            assert when in message.body and when in html_of(message)
        cal = calendar_of(message)
        assert str(cal["METHOD"]) == "CANCEL"
        events = cal.walk("VEVENT")
        assert [e["UID"] for e in events] == [f"session-{x.pk}@clinic.invalid" for x in s]
        assert {e["STATUS"] for e in events} == {"CANCELLED"} and {e["SEQUENCE"] for e in events} == {1}

    def test_the_course_after_one_session_was_done(self, booked, frozen):
        s = sessions_of(booked)
        frozen.move_to(s[0].starts_at)
        services.session_check_in(session=s[0])
        checks_pass(s[0])
        services.session_start(session=s[0])
        frozen.move_to(s[0].ends_at)  # the protocol's chair time has passed
        recovery_pass(s[0])
        services.session_complete(session=s[0])
        confirmation_sent(booked.cycle)
        services.cycle_cancel(cycle=booked.cycle, reason="Stopping")
        (row,) = PatientEmail.objects.filter(cycle=booked.cycle, kind=EmailKind.CYCLE_CANCELLED)
        message = render(row)
        assert WHENS[0] not in message.body and all(w in message.body for w in WHENS[1:])
        assert len(calendar_of(message).walk("VEVENT")) == 5


class TestReminders:
    def test_72_and_24_hours_carry_the_time_the_rules_and_the_links(self, booked, clinic, patient):
        first = sessions_of(booked)[0]
        for hours in (72, 24):
            row = row_for(first, EmailKind.reminder(hours))
            assert row.due_at == first.starts_at - dt.timedelta(hours=hours)
            message = render(row, now=row.due_at)
            assert message.subject == "Reminder: your appointment on Monday 13 April 2026 at 10:00"
            assert_common(message, patient=patient, clinic=clinic)
            assert WHENS[0] in message.body and WHENS[0] in html_of(message)
            for rule in clinic.preparation_rules.splitlines():
                assert f"- {rule}" in message.body
                assert f"<li>{rule}</li>" in html_of(message)
            claims = claims_in(message.body, row.due_at)
            assert [(c.action, c.session_id) for c in claims] == [
                (links.CONFIRM, first.pk), (links.RESCHEDULE, first.pk), (links.CANCEL, first.pk),
                (links.UNSUBSCRIBE, first.pk),
            ]
            assert calendar_part(message) is None

    def test_the_same_day_note_is_short(self, booked):
        first = sessions_of(booked)[0]
        row = row_for(first, EmailKind.reminder(2))
        assert row.due_at == first.starts_at - dt.timedelta(hours=2)
        message = render(row, now=row.due_at)
        assert message.subject == "Today at 10:00: your appointment at Riverside Clinic"
        assert "See you today at 10:00 (America/New_York, EDT), until about 12:30, 2 hours 30 minutes in all." in message.body
        assert "A reminder of your appointment" not in message.body
        assert "Arrive 15 minutes early." in message.body
        assert len(links_in(message.body)) == 4

    def test_a_same_day_note_moved_to_the_evening_before_says_tomorrow(self, clinic, patient):
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 8, 30)])
        (session,) = booked.sessions
        row = row_for(session, EmailKind.reminder(2))
        # 06:30 is inside quiet hours (21:00–08:00): it goes at 21:00 the evening before.
        assert row.due_at == dt.datetime(2026, 4, 13, 21, 0, tzinfo=NY)
        message = render(row, now=row.due_at)
        assert message.subject == "Tomorrow at 08:30: your appointment at Riverside Clinic"
        assert "See you tomorrow at 08:30 (America/New_York, EDT), until about 10:30, 2 hours in all." in message.body

    def test_rules_are_the_clinics_own(self, clinic, patient):
        clinic.preparation_rules = "Bring your glasses.\n\n  Park at the back.  "
        clinic.save()
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 11, 0)])
        message = render(row_for(booked.sessions[0], EmailKind.reminder(24)))
        assert "Before your appointment:\n- Bring your glasses.\n- Park at the back.\n" in message.body
        assert "No solid food" not in message.body


class TestBoosterRecall:
    def test_invites_the_patient_to_call_or_write(self, clinic, patient, frozen):
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 11, 0)])
        (session,) = booked.sessions
        frozen.move_to(session.starts_at + dt.timedelta(minutes=5))
        services.session_check_in(session=session)
        checks_pass(session)
        services.session_start(session=session)
        frozen.move_to(session.ends_at + dt.timedelta(minutes=5))  # the protocol's chair time has passed
        recovery_pass(session)
        services.session_complete(session=session)
        row = row_for(session, EmailKind.BOOSTER_RECALL)
        assert row.due_at == timezone.now() + dt.timedelta(days=28)
        message = render(row, now=row.due_at)
        assert message.subject == "Time to plan your next visit to Riverside Clinic"
        assert_common(message, patient=patient, clinic=clinic)
        assert "now is a good time to book it: call +1 555 0100 or email front@riverside.example." in message.body
        assert [a for a, _ in links_in(message.body)] == [links.UNSUBSCRIBE]
        assert calendar_part(message) is None


class TestTimeZones:
    def test_times_are_in_the_patients_zone_and_the_calendar_in_the_clinics(self, clinic):
        traveller = make_patient(clinic, tz="Europe/London")
        booked = book_course(patient=traveller, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 10, 0)])
        (session,) = booked.sessions
        message = render(row_for(session, EmailKind.CONFIRMATION))
        for part in (message.body, html_of(message)):
            assert "Tuesday 14 April 2026, 15:00 (Europe/London, BST)" in part
            assert "At the clinic: 10:00 (America/New_York, EDT)" in part
            assert "Times are in your time zone, Europe/London." in part
        (event,) = calendar_of(message).walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert event.start == dt.datetime(2026, 4, 14, 10, 0, tzinfo=NY)

    def test_a_patient_in_the_clinics_zone_sees_no_second_time(self, booked):
        message = render(row_for(sessions_of(booked)[0], EmailKind.CONFIRMATION))
        assert "At the clinic" not in message.body


class TestRenderingDetails:
    def test_html_is_escaped_and_text_is_not(self, db):
        clinic = make_clinic(email_name="Smith & Jones <Clinic>")
        patient = make_patient(clinic, first_name="Zoë")
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 11, 0)])
        message = render(row_for(booked.sessions[0], EmailKind.CONFIRMATION))
        assert "Smith & Jones <Clinic>" in message.body and "Hello Zoë," in message.body
        assert "Smith &amp; Jones &lt;Clinic&gt;" in html_of(message)
        assert "<Clinic>" not in html_of(message)
        assert message.subject == "Your appointments at Smith & Jones <Clinic>"

    def test_a_clinic_without_email_or_phone(self, db):
        clinic = make_clinic(email="", phone="")
        patient = make_patient(clinic)
        booked = book_course(patient=patient, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 11, 0)])
        message = render(row_for(booked.sessions[0], EmailKind.CONFIRMATION))
        assert message.reply_to == []
        assert "Questions or changes: contact Riverside Clinic." in message.body
        (event,) = calendar_of(message).walk("VEVENT")
        # iTIP needs an organizer: the sender's address stands in for the clinic's.
        assert str(event["ORGANIZER"]) == "mailto:clinic@localhost"

    def test_text_has_no_runs_of_blank_lines_or_trailing_spaces(self, booked):
        for row in PatientEmail.objects.filter(cycle=booked.cycle):
            text = render(row).body
            assert "\n\n\n" not in text and not any(line != line.rstrip() for line in text.splitlines())

    def test_a_longer_course_takes_no_more_queries(self, booked, clinic):
        """Rendering reads the course once and counts moves in one query, whatever the number of sessions."""
        other = make_patient(clinic, first_name="Bob", email="bob@example.org")
        single = book_course(patient=other, clinic=clinic, protocol="booster-iv", starts=[dt.datetime(2026, 4, 14, 16, 0)])
        counts = []
        for session in (sessions_of(booked)[0], single.sessions[0]):
            row = PatientEmail.objects.select_related("session", "cycle", "patient", "clinic").get(
                session_id=session.pk, kind=EmailKind.CONFIRMATION
            )
            with CaptureQueriesContext(connection) as queries:
                emails.build_message(
                    row, session=row.session, cycle=row.cycle, patient=row.patient, clinic=row.clinic,
                    now=timezone.now(),
                )
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 3

    def test_an_unknown_kind_is_an_error(self, booked):
        row = row_for(sessions_of(booked)[0], EmailKind.CONFIRMATION)
        row.kind = "newsletter"
        with pytest.raises(ValueError, match="newsletter"):
            emails.build_message(
                row, session=row.session, cycle=row.cycle, patient=row.patient, clinic=row.clinic, now=timezone.now()
            )


@pytest.mark.parametrize(
    "instant, zone, expected",
    [
        (dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC), "America/New_York", "Tuesday 10 March 2026, 10:00 (America/New_York, EDT)"),
        (dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC), "America/New_York", "Friday 6 March 2026, 10:00 (America/New_York, EST)"),
        (dt.datetime(2026, 3, 30, 9, 0, tzinfo=dt.UTC), "Europe/London", "Monday 30 March 2026, 10:00 (Europe/London, BST)"),
        (dt.datetime(2026, 10, 26, 10, 0, tzinfo=dt.UTC), "Europe/London", "Monday 26 October 2026, 10:00 (Europe/London, GMT)"),
        (dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC), "Asia/Kolkata", "Thursday 1 January 2026, 06:00 (Asia/Kolkata, IST)"),
    ],
)
def test_format_when(instant, zone, expected):
    assert emails.format_when(instant, ZoneInfo(zone)) == expected


def test_sending_through_the_outbox_delivers_the_rendered_email(booked, frozen):
    """One row through the real sweep and task code, into Django's test outbox."""
    mail.outbox.clear()
    frozen.move_to(T0 + dt.timedelta(seconds=1))
    ids = outbox.emails_claim_due()
    (row,) = PatientEmail.objects.filter(pk__in=ids)
    assert row.kind == EmailKind.CONFIRMATION
    assert outbox.email_send(email_id=row.pk).status == "sent"
    (sent,) = mail.outbox
    assert sent.subject == "Your appointments at Riverside Clinic"
    assert sent.extra_headers["Message-ID"] == outbox.message_id_for(row)
    assert len(calendar_of(sent).walk("VEVENT")) == 6
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT



@pytest.mark.parametrize(("minutes", "text"), [
    (120, "2 hours"), (150, "2 hours 30 minutes"), (60, "1 hour"), (61, "1 hour 1 minute"), (45, "45 minutes"),
    (1, "1 minute"), (0, "0 minutes"),
])
def test_format_duration(minutes, text):
    assert emails.format_duration(minutes) == text


def test_the_end_is_on_the_patients_clock_across_a_clock_change():
    """00:30 to 03:30 of real time on the night New York springs forward (02:00 EST → 03:00 EDT): the patient
    is free at 04:30 by the clock, after 3 hours."""
    starts = dt.datetime(2027, 3, 14, 5, 30, tzinfo=dt.UTC)
    assert emails.format_until(starts, starts + dt.timedelta(hours=3), ZoneInfo("America/New_York")) == "04:30, 3 hours in all"
