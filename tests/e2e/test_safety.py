"""In a browser: the clinician enters the safety checks of a checked-in patient, a blood pressure of 150/95 is
flagged and the start refused; the clinician overrides with a reason and starts; the recovery check lets the
session complete. The front desk sees "Checks pending" and no value."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from common.api import CLINICIAN
from safety.models import CheckEntry, CheckOverride
from tests.e2e.conftest import navigate, sign_in, type_in
from tests.e2e.test_frontdesk import build_clinic
from tests.helpers import staff_user as staff

pytestmark = pytest.mark.slow


def test_a_flagged_blood_pressure_overridden_then_the_recovery_check(live_server, contexts):
    world = build_clinic()
    base = live_server.url
    maria = services.session_check_in(session=world["today"])  # the desk checked her in
    carol = staff(CLINICIAN, world["clinic"], username="carol")

    desk = contexts().page()
    sign_in(desk, base, world["desk"].username)

    page = contexts().page()
    sign_in(page, base, carol.username)
    page.goto(f"{base}/sessions/{maria.pk}/")
    navigate(page, page.get_by_role("link", name="Open the safety checks"))
    page.get_by_role("heading", name=re.compile("Safety checks: Maria Lopez")).wait_for()
    page.get_by_text("Extra monitoring (session 3)").wait_for()
    for label, value in (("Blood pressure, systolic (mmHg)", "150"), ("Blood pressure, diastolic (mmHg)", "95"),
                         ("Heart rate (per minute)", "76"), ("Oxygen saturation (%)", "98"),
                         ("Weight (kg)", "68.5")):
        type_in(page.get_by_label(label), value)
    page.get_by_label("Pregnancy attestation").select_option("not_pregnant")
    page.get_by_label("Fasting confirmed").select_option("yes")
    page.get_by_label("Escort home confirmed").select_option("yes")
    navigate(page, page.get_by_role("button", name="Save checks"))
    page.get_by_text("Checks recorded.").wait_for()
    row = page.locator('tr[data-check="blood_pressure"]')
    row.get_by_text("150/95 mmHg").wait_for()
    row.get_by_text("Flagged").wait_for()

    # The front desk: "Checks pending", no value.
    desk.goto(f"{base}/sessions/{maria.pk}/checks/")
    assert desk.locator("#checks-state").inner_text() == "Checks pending"
    assert "150" not in desk.content() and "Flagged" not in desk.content()

    # The start is refused.
    page.goto(f"{base}/sessions/{maria.pk}/")
    panel = page.locator("#panel")
    panel.get_by_role("button", name="Start (in chair)").click()
    panel.get_by_text(re.compile("The safety checks must pass")).wait_for()
    assert InfusionSession.objects.get(pk=maria.pk).status == SessionStatus.CHECKED_IN

    # Override with a reason, then start.
    navigate(page, panel.get_by_role("link", name="Open the safety checks"))
    type_in(page.get_by_label("Reason for the override"), "Anxious on arrival; 138/88 on a manual recheck")
    navigate(page, page.get_by_role("button", name="Override and allow the start"))
    page.get_by_text("Override recorded.").wait_for()
    assert page.locator("#checks-state").inner_text() == "Overridden by a clinician"
    page.goto(f"{base}/sessions/{maria.pk}/")
    page.locator("#panel").get_by_role("button", name="Start (in chair)").click()
    page.locator("#panel").get_by_text("Patient is in the chair.").wait_for()

    # The recovery check, then complete.
    navigate(page, page.locator("#panel").get_by_role("link", name="Open the safety checks"))
    type_in(page.get_by_label("Blood pressure, systolic (mmHg)"), "128")
    type_in(page.get_by_label("Blood pressure, diastolic (mmHg)"), "82")
    page.get_by_label("Alert and oriented").check()
    page.get_by_label("Escort present").check()
    navigate(page, page.get_by_role("button", name="Save recovery check"))
    page.get_by_text("Recovery check recorded.").wait_for()
    page.goto(f"{base}/sessions/{maria.pk}/")
    panel = page.locator("#panel")
    type_in(panel.get_by_label("Why end it early"), "Patient asked to stop")
    panel.get_by_role("button", name="Complete early").click()
    panel.get_by_text("Session completed.").wait_for()
    assert InfusionSession.objects.get(pk=maria.pk).status == SessionStatus.COMPLETED

    # Both the flagged reading and the override are in the audit trail, with who.
    bp = CheckEntry.objects.get(session=maria, kind="blood_pressure")
    override = CheckOverride.objects.get(session=maria)
    for model, pk in (("checkentry", bp.pk), ("checkoverride", override.pk)):
        assert LogEntry.objects.get(content_type__model=model, object_pk=str(pk), action=LogEntry.Action.CREATE).actor == carol
