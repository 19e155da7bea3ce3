"""The patient's check-in form: its link in the day-before reminder only (no health word, no score), the
phone page behind it (answers stored as the patient's, urgent flags raised, nothing shown of a score), and
the link's limits (tampered, moved session, started session)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bookings import services as booking
from bookings.models import EmailKind, InfusionSession
from common.treatment_words import treatment_words_in
from outcomes import links
from outcomes.models import Measure, UrgentFlag
from tests.factories import book_course
from tests.notifications.conftest import html_of, make_clinic, make_patient, render, row_for

T0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
DAYS = [dt.datetime(2026, 4, d, 10, 0) for d in (13, 15, 17, 20, 22, 24)]
pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def clinic(db):
    return make_clinic(reminder_offsets_hours=[72, 24, 2])


@pytest.fixture
def session(clinic):
    course = book_course(patient=make_patient(clinic), clinic=clinic, protocol="depression-iv", starts=DAYS).cycle
    return course.sessions.get(sequence=1)


def checkin_links(text: str) -> list[str]:
    return re.findall(r"https?://\S+/p/checkin/[^/\s\"]+/", text)


def test_only_the_day_before_reminder_carries_the_form_link_in_plain_words(session):
    for hours, expected in ((72, 0), (24, 1), (2, 0)):
        message = render(row_for(session, EmailKind.reminder(hours)))
        assert len(checkin_links(message.body)) == expected, hours
        assert len(checkin_links(html_of(message))) == expected, hours
    message = render(row_for(session, EmailKind.reminder(24)))
    assert "a short check-in form" in message.body and "a short check-in form" in html_of(message)
    for part in (message.subject, message.body, html_of(message)):
        assert not treatment_words_in(part)
        assert not re.search(r"PHQ|GAD|PCL|depress|anxi|PTSD|pain|mood|score", part, re.I), part


def test_no_link_once_the_form_is_done(session):
    from outcomes import services

    services.measure_record(session=session, instrument_code="phq9", answers=[0] * 9)
    assert checkin_links(render(row_for(session, EmailKind.reminder(24))).body) == []



def path_of(session) -> str:
    return re.sub(r"^https?://[^/]+", "", links.checkin_url(session))


def test_the_patient_answers_on_the_page(client, session):
    page = client.get(path_of(session))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio"') == 9 * 4 and "Little interest or pleasure" in html
    assert 'name="viewport"' in html
    # One left out: the page asks again, keeping what was chosen, and stores nothing.
    answers = {f"phq9-{n}": "1" for n in range(1, 9)}
    again = client.post(path_of(session), answers)
    assert again.status_code == 400 and "Please choose an answer." in again.content.decode()
    assert again.content.decode().count("checked") == 8
    assert not Measure.objects.exists()
    done = client.post(path_of(session), {**answers, "phq9-9": "2"})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    main = re.search(r"<main[^>]*>(.*?)</main>", done.content.decode(), re.S).group(1)
    assert "10" not in main and "Moderate" not in main and "flag" not in main.lower()  # no score, no flag
    measure = Measure.objects.get()
    assert (measure.source, measure.total, measure.entered_by) == ("patient", 10, None)
    assert UrgentFlag.objects.get().item == 9
    assert "Thank you" in client.get(path_of(session)).content.decode()  # not asked again


def test_a_value_off_the_scale_is_asked_again(client, session):
    body = {f"phq9-{n}": "0" for n in range(1, 10)} | {"phq9-3": "7"}
    response = client.post(path_of(session), body)
    assert response.status_code == 400 and "Please choose an answer." in response.content.decode()
    assert not Measure.objects.exists()


def test_a_tampered_link_a_moved_session_and_a_started_one(client, session, frozen):
    assert client.get(path_of(session)[:-3] + "xx/").status_code == 400
    url = path_of(session)
    InfusionSession.objects.filter(pk=session.pk).update(version=session.version + 1)
    assert client.get(url).status_code == 410
    session.refresh_from_db()
    url = path_of(session)
    frozen.move_to(session.starts_at)
    assert client.get(url).status_code == 410
    assert client.post(url, {f"phq9-{n}": "0" for n in range(1, 10)}).status_code == 410
    assert not Measure.objects.exists()


def test_a_check_in_changes_the_session_version_so_the_link_closes(client, session, frozen):
    """Tied to the session's version like every patient link: once the desk has checked the patient in, the
    clinician enters the answers on the desk instead."""
    url = path_of(session)
    frozen.move_to(session.starts_at - dt.timedelta(minutes=10))
    booking.session_check_in(session=session)
    assert client.post(url, {f"phq9-{n}": "0" for n in range(1, 10)}).status_code == 410
    assert not Measure.objects.exists()
