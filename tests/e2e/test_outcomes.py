"""Issue 15 in a browser: the patient answers the check-in form from the day-before reminder's link on a phone-sized
screen; the clinician sees the score and the trend; the front desk sees "form done" and no score."""

from __future__ import annotations

import re

import pytest

from bookings.models import EmailKind
from outcomes.models import Measure
from tests.e2e.conftest import navigate, sign_in
from tests.e2e.test_axe_walk import world
from tests.notifications.conftest import render, row_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def test_patient_answers_on_a_phone_clinician_sees_score_desk_sees_form_done(live_server, contexts, settings, tmp_path):
    base = live_server.url
    w = world(settings, tmp_path, base)
    first = w["sessions"][0]
    email = render(row_for(first, EmailKind.reminder(24)))
    assert "a short check-in form" in email.body
    (link,) = re.findall(r"https?://\S+/p/checkin/[^/\s]+/", email.body)

    # The patient, on a phone: taps one answer per question, then sends.
    patient = contexts().page()
    patient.set_viewport_size(PHONE)
    patient.goto(link)
    patient.get_by_role("heading", name="A short check-in form").wait_for()
    assert patient.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    for item in range(1, 10):
        group = patient.locator(f"fieldset#phq9-{item}")
        group.scroll_into_view_if_needed()
        group.get_by_text("Not at all" if item == 9 else "Several days", exact=True).click()
    navigate(patient, patient.get_by_role("button", name="Send my answers"))
    patient.get_by_role("heading", name="Thank you").wait_for()
    measure = Measure.objects.get(session=first)
    assert (measure.source, measure.total, measure.band) == ("patient", 8, "mild")

    # The clinician: the score on the session, the trend on the patient's page.
    clinician = contexts().page()
    sign_in(clinician, base, w["clinician"].username)
    clinician.goto(f"{base}/sessions/{first.pk}/")
    clinician.locator('[data-score="phq9"]').get_by_text(re.compile(r"PHQ-9: 8 \(Mild\)")).wait_for()
    clinician.goto(f"{base}/patients/{w['jane'].pk}/")
    chart = clinician.locator('figure[data-trend="phq9"] svg.trend')
    chart.wait_for()
    assert "session 1: 8" in chart.locator("desc").text_content()
    assert chart.locator("circle").count() == 1

    # The front desk: "form done", nothing of the answers or the score.
    desk = contexts().page()
    sign_in(desk, base, w["desk"].username)
    desk.goto(f"{base}/sessions/{first.pk}/")
    desk.locator('[data-form="phq9"]').get_by_text("PHQ-9: form done").wait_for()
    panel = desk.locator("#panel").inner_text()
    assert "Mild" not in panel and "8 (" not in panel and not desk.locator("[data-score]").count()
    desk.goto(f"{base}/patients/{w['jane'].pk}/")
    desk.get_by_role("heading", name="Jane Rowe").wait_for()
    assert not desk.locator("svg.trend").count()
