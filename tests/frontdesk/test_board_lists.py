"""The day board's nurse, now-line and marks; tomorrow's unconfirmed list with its "called" mark; the huddle
sheet; the outbox in clinic time with the HTML part (issue 13): roles, clinic scoping, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core import mail as django_mail
from django.urls import reverse

from bookings import services
from bookings.models import EmailKind, InfusionSession, PatientEmail, SessionEvent, SessionStatus
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from frontdesk import board, selectors
from tests.factories import CycleFactory, PatientFactory, SessionFactory
from tests.frontdesk.conftest import NOW, TODAY, build_site
from tests.frontdesk.test_emails_and_requests import mark_failed
from tests.frontdesk.test_pages import DAY_BOARD_QUERIES, HTMX, LATER_COURSE, TODAY_COURSE

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

TOMORROW = TODAY + dt.timedelta(days=1)


def _fill(site, day: dt.date, count: int, *, status=SessionStatus.BOOKED, marks: bool = False) -> list[InfusionSession]:
    """`count` one-hour sessions on `day` over the site's chairs, each its own patient and course (first visits)."""
    made = []
    for i in range(count):
        start = dt.datetime.combine(day, dt.time(8 + i // len(site.chairs)), tzinfo=site.clinic.tz)
        patient = PatientFactory(clinic=site.clinic, phone=f"(212) 555-{i:04d}")
        cycle = CycleFactory(patient=patient, protocol=site.protocol)
        session = SessionFactory(cycle=cycle, chair=site.chairs[i % len(site.chairs)], nurse=site.nurses[i % 2],
                                 starts_at=start, status=status,
                                 reschedule_requested_at=NOW if marks and i % 2 else None)
        if marks and i % 3 == 0:
            mark_failed(PatientEmail.objects.create(
                patient=patient, session=session, cycle=cycle, clinic=site.clinic, kind=EmailKind.CONFIRMATION,
                session_starts_at=start, session_version=1, due_at=NOW, send_after=NOW,
            ))
        made.append(session)
    return made


# --- The day board -----------------------------------------------------------------------------------


class TestBoardCards:
    def test_a_card_names_its_nurse_and_marks_a_request_and_a_failed_email_in_words(self, as_user, home):
        course = home.book(TODAY_COURSE)
        today = course.sessions[0]
        services.session_request_reschedule(session=today, note="Thursday afternoon")
        row = PatientEmail.objects.filter(session=today).first()
        mark_failed(row)
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        nurse = today.nurse
        assert f"Nurse {nurse.first_name} {nurse.last_name}" in html
        assert "Asked to move</span>" in html and "Email failed</span>" in html
        assert 'class="slot booked marked"' in html

    def test_an_unmarked_card_has_no_mark(self, as_user, home):
        home.book(TODAY_COURSE)
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        assert 'class="mark mark-request"' in html  # the legend
        assert '<span class="marks">' not in html

    def test_todays_board_draws_the_now_line_at_the_current_column(self, as_user, home):
        home.book(TODAY_COURSE)
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        assert "Now 12:00" in html and html.count("now-line") == len(home.chairs)
        assert 'data-now-minute="720"' in html and "frontdesk/board.js" in html

    def test_another_days_board_has_no_now_line(self, as_user, home):
        html = as_user(home.users[FRONT_DESK]).get("/", {"date": "2027-03-02"}).content.decode()
        assert "now-line" not in html and "data-now-minute" not in html and "board.js" not in html

    def test_a_session_under_way_says_so_to_screen_readers(self, as_user, home):
        SessionFactory(cycle=CycleFactory(patient=home.patient, protocol=home.protocol), chair=home.chairs[0],
                       nurse=home.nurses[0], starts_at=NOW - dt.timedelta(minutes=30), status=SessionStatus.IN_CHAIR)
        html = as_user(home.users[FRONT_DESK]).get("/").content.decode()
        assert "(under way now)" in html and "session under-way" in html
        assert html.count("now-line") == len(home.chairs) - 1


@pytest.mark.parametrize(
    ("minute", "column"), [(8 * 60, 0), (12 * 60 + 4, 48), (12 * 60 + 5, 49), (17 * 60 + 59, 119), (18 * 60, None), (7 * 60, None)]
)
def test_the_now_column_is_the_five_minute_column_of_now(minute, column):
    from frontdesk.selectors import DayBoardData
    from scheduler.models import Clinic

    clinic = Clinic(name="x", timezone="America/New_York")
    data = DayBoardData(clinic, TODAY, [(dt.time(8), dt.time(18))], [], [], [], [], [], [])
    now = dt.datetime.combine(TODAY, dt.time(minute // 60, minute % 60), tzinfo=clinic.tz)
    built = board.build(data, now=now)
    assert built.now_column == column
    assert board.build(data, now=now + dt.timedelta(days=1)).now_column is None


@pytest.mark.parametrize("sessions", [4, 24])
def test_the_marked_board_still_runs_a_fixed_number_of_queries(as_user, django_assert_num_queries, sessions):
    site = build_site("Busy", chairs=6)
    _fill(site, TODAY, sessions, marks=True)
    client = as_user(site.users[FRONT_DESK])
    client.get("/")
    with django_assert_num_queries(DAY_BOARD_QUERIES):
        html = client.get("/").content.decode()
    assert html.count('class="slot ') == sessions and "Email failed</span>" in html and "Asked to move</span>" in html


# --- Tomorrow's unconfirmed list --------------------------------------------------------------------


class TestUnconfirmed:
    def test_lists_tomorrows_unconfirmed_sessions_with_a_phone_link(self, as_user, home):
        course = home.book(LATER_COURSE)  # its first session is tomorrow 09:00
        html = as_user(home.users[FRONT_DESK]).get("/tomorrow/").content.decode()
        assert "Roe, Jane" in html and 'href="tel:+15550199"' in html and "First visit" in html
        assert "09:00–10:00" in html and "Mark called" in html
        services.session_confirm(session=course.sessions[0], by=home.users[FRONT_DESK])
        html = as_user(home.users[FRONT_DESK]).get("/tomorrow/").content.decode()
        assert "Roe, Jane" not in html and "Every patient of this day has confirmed" in html

    def test_today_and_later_days_are_not_tomorrow(self, as_user, home):
        home.book(TODAY_COURSE)  # today 14:00, then the 3rd and 5th
        html = as_user(home.users[FRONT_DESK]).get("/tomorrow/").content.decode()
        assert "Roe, Jane" not in html
        html = as_user(home.users[FRONT_DESK]).get("/tomorrow/", {"date": "2027-03-03"}).content.decode()
        assert "Roe, Jane" in html and "2 of 3" in html

    @pytest.mark.parametrize("role", [CLINICIAN, None])
    def test_only_the_roles_that_phone_patients(self, as_user, home, role):
        assert as_user(home.users[role]).get("/tomorrow/").status_code == 403

    def test_another_clinics_list_is_not_shown(self, as_user, home, away):
        away.book(LATER_COURSE)
        response = as_user(home.users[FRONT_DESK]).get("/tomorrow/", {"clinic": away.clinic.pk})
        assert response.status_code == 200 and b"Home clinic" in response.content and b"Roe, Jane" not in response.content

    def test_a_bad_date_shows_tomorrow_and_says_so(self, as_user, home):
        response = as_user(home.users[ADMIN]).get("/tomorrow/", {"date": "2027-02-30"})
        assert response.status_code == 200 and b"showing tomorrow" in response.content

    @pytest.mark.parametrize("rows", [3, 20])
    def test_a_fixed_number_of_queries_as_rows_grow(self, as_user, django_assert_num_queries, rows):
        site = build_site("Busy", chairs=6)
        _fill(site, TOMORROW, rows)
        client = as_user(site.users[FRONT_DESK])
        client.get("/tomorrow/")
        # session, user, second factor, zone, roles, clinic ids, clinics; the list; the audit INSERT.
        with django_assert_num_queries(9):
            html = client.get("/tomorrow/").content.decode()
        assert html.count('id="unconfirmed-') == rows


class TestMarkCalled:
    def test_the_desk_marks_a_patient_called_and_the_mark_persists(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[0]
        desk = home.users[FRONT_DESK]
        client = as_user(desk)
        response = client.post(reverse("frontdesk:session-called", args=[session.pk]), **HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="unconfirmed-{session.pk}"')
        assert "Called Mon 1 Mar, 12:00 by" in html and "Called again" in html
        session.refresh_from_db()
        assert session.called_at == NOW and session.called_by == desk and session.version == 1
        assert SessionEvent.objects.filter(session=session, kind="called", by=desk).exists()
        entry = LogEntry.objects.filter(object_pk=str(session.pk), action=LogEntry.Action.UPDATE).latest("pk")
        assert "called_at" in entry.changes_dict and entry.actor == desk
        assert "Called Mon 1 Mar, 12:00" in client.get("/tomorrow/").content.decode()

    def test_without_htmx_it_goes_back_to_the_list(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[0]
        response = as_user(home.users[ADMIN]).post(reverse("frontdesk:session-called", args=[session.pk]))
        assert response.status_code == 302 and response["Location"] == f"/tomorrow/?clinic={home.clinic.pk}&date=2027-03-02"

    def test_a_session_no_longer_upcoming_is_refused_in_words(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[0]
        services.session_cancel(session=session, by_party="patient", reason="Unwell", by=home.users[FRONT_DESK])
        html = as_user(home.users[FRONT_DESK]).post(reverse("frontdesk:session-called", args=[session.pk]), **HTMX).content.decode()
        assert "Only an upcoming session can be marked as called." in html
        page = as_user(home.users[FRONT_DESK]).post(reverse("frontdesk:session-called", args=[session.pk]), follow=True)
        assert "Only an upcoming session can be marked as called." in page.content.decode()
        session.refresh_from_db()
        assert session.called_at is None

    def test_another_clinics_session_is_a_404_and_a_clinician_is_refused(self, as_user, home, away):
        theirs = away.book(LATER_COURSE).sessions[0]
        url = reverse("frontdesk:session-called", args=[theirs.pk])
        assert as_user(home.users[FRONT_DESK]).post(url, **HTMX).status_code == 404
        assert as_user(away.users[CLINICIAN]).post(url, **HTMX).status_code == 403
        assert as_user(away.users[FRONT_DESK]).get(url).status_code == 405
        theirs.refresh_from_db()
        assert theirs.called_at is None


# --- The huddle sheet --------------------------------------------------------------------------------


class TestHuddleSheet:
    def test_shows_tomorrows_times_chairs_nurses_patients_and_first_visits(self, as_user, home):
        session = home.book(LATER_COURSE).sessions[0]
        html = as_user(home.users[CLINICIAN]).get("/tomorrow/print/").content.decode()
        nurse = session.nurse
        assert "09:00–10:00" in html and session.chair.name in html and f"{nurse.first_name} {nurse.last_name}" in html
        assert "Roe, Jane" in html and "First visit" in html and "Not confirmed" in html and "data-print" in html
        assert home.protocol.name not in html  # a sheet left on a desk says no treatment

    def test_no_role_is_refused_and_another_clinic_is_not_shown(self, as_user, home, away):
        away.book(LATER_COURSE)
        assert as_user(home.users[None]).get("/tomorrow/print/").status_code == 403
        html = as_user(home.users[FRONT_DESK]).get("/tomorrow/print/", {"clinic": away.clinic.pk}).content.decode()
        assert "Roe, Jane" not in html

    @pytest.mark.parametrize("rows", [3, 20])
    def test_a_fixed_number_of_queries_as_rows_grow(self, as_user, django_assert_num_queries, rows):
        site = build_site("Busy", chairs=6)
        _fill(site, TOMORROW, rows, marks=True)
        client = as_user(site.users[CLINICIAN])
        client.get("/tomorrow/print/")
        with django_assert_num_queries(9):
            html = client.get("/tomorrow/print/").content.decode()
        assert html.count("data-session=") == rows


def test_the_selectors_see_only_the_day_asked(home):
    home.book(LATER_COURSE)
    assert len(selectors.sessions_unconfirmed_for_day(clinic=home.clinic, day=TOMORROW)) == 1
    assert selectors.sessions_unconfirmed_for_day(clinic=home.clinic, day=TODAY) == []
    assert len(selectors.sessions_for_huddle(clinic=home.clinic, day=TOMORROW)) == 1


# --- The outbox ---------------------------------------------------------------------------------------


@pytest.fixture
def sent(settings, tmp_path, home):
    """Home's confirmation, sent through the real delivery code to the file backend: its `<file>`, `<index>`."""
    from tests.frontdesk.test_outbox_scoping import FILE_BACKEND, send_confirmation

    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path)
    send_confirmation(home, "home.patient@example.org")
    (path,) = list(tmp_path.iterdir())
    return path.name, 0


class TestOutbox:
    def test_times_are_the_clinics_not_utc(self, as_user, home, sent, settings):
        home.clinic.timezone = "Asia/Tokyo"  # not the user's zone either: the email's own clinic decides
        home.clinic.save(update_fields=["timezone"])
        client = as_user(home.users[FRONT_DESK])
        listing = client.get("/outbox/").content.decode()
        assert "Tue 2 Mar 2027, 02:00 JST" in listing  # 17:00 UTC
        detail = client.get(reverse("frontdesk:mail", args=sent)).content.decode()
        assert "02:00 JST" in detail and "Asia/Tokyo time" in detail

    def test_the_html_part_is_framed_sandboxed(self, as_user, home, sent):
        client = as_user(home.users[FRONT_DESK])
        detail = client.get(reverse("frontdesk:mail", args=sent)).content.decode()
        url = reverse("frontdesk:mail-html", args=sent)
        assert f'<iframe class="mail-html" src="{url}" sandbox=""' in detail
        part = client.get(url)
        assert part.status_code == 200 and part["Content-Type"] == "text/html; charset=utf-8"
        assert "<html" in part.content.decode().lower() or "<p" in part.content.decode()
        policy = part["Content-Security-Policy"]
        assert "sandbox" in policy and "script-src 'none'" in policy and "frame-ancestors 'self'" in policy
        assert "allow-scripts" not in policy and part["X-Frame-Options"] == "SAMEORIGIN"
        assert part["Referrer-Policy"] == "no-referrer"
        # The page framing it keeps the site's own policy.
        page = client.get(reverse("frontdesk:mail", args=sent))
        assert "sandbox" not in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"

    def test_the_html_part_is_scoped_and_role_checked(self, as_user, home, away, sent):
        url = reverse("frontdesk:mail-html", args=sent)
        assert as_user(away.users[FRONT_DESK]).get(url).status_code == 404
        assert as_user(home.users[CLINICIAN]).get(url).status_code == 403

    def test_a_plain_text_email_has_no_frame(self, as_user, home, settings, tmp_path):
        from tests.factories import UserFactory

        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = str(tmp_path)
        django_mail.send_mail("Plain", "Body", "clinic@localhost", ["ops@example.org"])
        (path,) = list(tmp_path.iterdir())
        client = as_user(UserFactory(is_superuser=True))
        assert "<iframe" not in client.get(reverse("frontdesk:mail", args=[path.name, 0])).content.decode()
        assert client.get(reverse("frontdesk:mail-html", args=[path.name, 0])).status_code == 404
