"""The desk's outcome pages: clinicians see scores, the trend chart and urgent flags and acknowledge them; the front
desk sees "form done" or "form missing" and never an answer or a score; another clinic's rows are not found."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client

from bookings.models import TreatmentCycle
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from outcomes import services
from outcomes.models import CourseReview, Measure, UrgentFlag
from tests.factories import ClinicFactory
from tests.helpers import signed_in, staff_user
from tests.outcomes.conftest import T0

pytestmark = pytest.mark.frozen(T0)


@pytest.fixture
def as_role(clinic):
    return lambda role, c=None: signed_in(Client(), staff_user(role, c or clinic))


@pytest.fixture
def scored(course):
    s1, s2 = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    services.measure_record(session=s1, instrument_code="phq9", answers=[3, 3, 3, 2, 2, 2, 2, 2, 0])
    services.measure_record(session=s2, instrument_code="phq9", answers=[1, 1, 1, 1, 1, 1, 1, 1, 1])
    return course


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_clinician_sees_scores_and_the_trend_on_the_patient_page(scored, as_role):
    page = as_role(CLINICIAN).get(f"/patients/{scored.patient_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="trend"' in html and "<script" not in html.split('<svg class="trend"')[1].split("</svg>")[0]
    assert "Baseline 19" in html and "Response (≤ 9.5)" in html and "Remission (&lt; 5)" in html
    assert "session 1: 19, session 2: 9" in html
    reads = LogEntry.objects.filter(content_type__model="measure", action=LogEntry.Action.ACCESS)
    assert reads.count() == 2


def test_the_front_desk_sees_form_done_but_no_score(scored, as_role, course):
    desk = as_role(FRONT_DESK)
    patient_page = desk.get(f"/patients/{scored.patient_id}/").content.decode()
    assert "<svg" not in patient_page and "Baseline" not in patient_page
    panel = text_of(desk.get(f"/sessions/{course.sessions.get(sequence=1).pk}/"))
    assert "PHQ-9: form done" in panel
    assert "19" not in panel.split("Check-in form", 1)[1][:200] and "Severe" not in panel and "Urgent" not in panel
    assert "PHQ-9: form missing" in text_of(desk.get(f"/sessions/{course.sessions.get(sequence=3).pk}/"))
    for url in (f"/outcomes/courses/{course.pk}/", f"/outcomes/courses/{course.pk}/print/",
                f"/outcomes/sessions/{course.sessions.first().pk}/", f"/outcomes/flags/?clinic={course.clinic_id}"):
        assert desk.get(url).status_code == 403, url
    assert not LogEntry.objects.filter(content_type__model="measure", action=LogEntry.Action.ACCESS).exists()


def test_the_course_page_and_the_printable_summary(scored, as_role):
    clinician = as_role(CLINICIAN)
    page = text_of(clinician.get(f"/outcomes/courses/{scored.pk}/"))
    assert "19 Moderately severe +0 No No" in page
    assert "9 Mild -10 Yes No" in page  # session 2: 9 from 19 is a response, not a remission
    summary = clinician.get(f"/outcomes/courses/{scored.pk}/print/")
    assert summary.status_code == 200 and "Course summary" in summary.content.decode()
    assert "data-print" in summary.content.decode()


def test_the_clinician_enters_answers_and_acknowledges_the_flag_on_the_desk(checked_in, as_role, clinic):
    clinician = as_role(CLINICIAN)
    url = f"/outcomes/sessions/{checked_in.pk}/"
    assert clinician.get(url).content.decode().count('type="radio"') == 36
    missing = clinician.post(url, {"instrument": "phq9", **{f"phq9-{n}": "1" for n in range(1, 9)}})
    assert missing.status_code == 400 and "Choose an answer." in missing.content.decode()
    saved = clinician.post(url, {"instrument": "phq9", **{f"phq9-{n}": "1" for n in range(1, 10)}}, follow=True)
    assert "PHQ-9: 9 (Mild)" in text_of(saved) and "Urgent" in text_of(saved)
    assert Measure.objects.get().entered_by.groups.filter(name=CLINICIAN).exists()
    # The day board tells clinicians; the front desk's board does not.
    board = text_of(clinician.get(f"/?clinic={clinic.pk}&date=2027-03-01"))
    assert "1 urgent check-in answer" in board
    assert "urgent" not in text_of(as_role(FRONT_DESK).get(f"/?clinic={clinic.pk}&date=2027-03-01")).lower()
    assert "1 urgent check-in answer" in text_of(clinician.get(f"/worklists/?clinic={clinic.pk}"))
    flag = UrgentFlag.objects.get()
    assert as_role(FRONT_DESK).post(f"/outcomes/flags/{flag.pk}/acknowledge/").status_code == 403
    clinician.post(f"/outcomes/flags/{flag.pk}/acknowledge/", {"note": "Talked it through", "next": url})
    flag.refresh_from_db()
    assert flag.acknowledged_at is not None and flag.note == "Talked it through"


def test_the_review_decision_on_the_desk(scored, as_role):
    TreatmentCycle.objects.filter(pk=scored.pk).update(needs_review=True, review_reason="after_session")
    clinician = as_role(CLINICIAN)
    assert "Review the course" in text_of(clinician.get(f"/outcomes/courses/{scored.pk}/"))
    clinician.post(f"/outcomes/courses/{scored.pk}/review/", {"decision": "continue", "note": "Responding"})
    assert CourseReview.objects.get().decision == "continue"
    assert not TreatmentCycle.objects.get(pk=scored.pk).needs_review


def test_remission_suggests_boosters(course, as_role):
    s1, s2 = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    services.measure_record(session=s1, instrument_code="phq9", answers=[2] * 8 + [0])
    services.measure_record(session=s2, instrument_code="phq9", answers=[0] * 9)
    assert "suggest booster sessions" in text_of(as_role(ADMIN).get(f"/outcomes/courses/{course.pk}/"))


def test_another_clinics_pages_are_not_found(scored, as_role):
    other = as_role(CLINICIAN, ClinicFactory())
    for url in (f"/outcomes/courses/{scored.pk}/", f"/outcomes/courses/{scored.pk}/print/",
                f"/outcomes/sessions/{scored.sessions.first().pk}/"):
        assert other.get(url).status_code == 404, url


def test_the_session_panel_reads_the_forms_in_a_fixed_number_of_queries(course, as_role):
    """Three queries for "form done / missing" (asked, done, names), whatever the answers stored."""
    desk = as_role(FRONT_DESK)
    first, second = course.sessions.get(sequence=1), course.sessions.get(sequence=2)
    desk.get(f"/sessions/{first.pk}/")
    services.measure_record(session=second, instrument_code="phq9", answers=[1] * 8 + [0])
    services.measure_record(session=second, instrument_code="phq9", answers=[2] * 8 + [0])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for session in (first, second):
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(f"/sessions/{session.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_patient_page_reads_every_course_s_scores_in_a_fixed_number_of_queries(scored, as_role, clinic):
    """The clinician's patient page draws a chart per course: its queries do not grow with the courses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import book_course

    clinician = as_role(CLINICIAN)
    url = f"/patients/{scored.patient_id}/"
    clinician.get(url)  # the caches a first page fills (content types, the session)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clinician.get(url).status_code == 200
        return len(captured)

    one = queries()
    for weeks in (4, 8):
        course = book_course(patient=scored.patient, clinic=clinic, protocol="booster-iv",
                             starts=[T0.replace(tzinfo=None) + dt.timedelta(weeks=weeks, hours=10)]).cycle
        services.measure_record(session=course.sessions.get(), instrument_code="phq9", answers=[1] * 8 + [0])
    page = clinician.get(url).content.decode()
    assert page.count('<svg class="trend"') == 3
    assert queries() == one
