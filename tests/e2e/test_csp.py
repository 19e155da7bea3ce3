"""Every kind of page works under the strict Content-Security-Policy, as a person uses it, with no violation.

The `contexts` fixture (conftest) fails a test on any CSP violation a page reports: the browser's console
("Refused to …", "… violates the following Content Security Policy directive …") and the page's own
`securitypolicyviolation` events. The first test shows that watch catches what it should.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from bookings.models import EmailKind, EmailStatus, InfusionSession, PatientEmail, SessionStatus, TreatmentCycle
from notifications import services as delivery
from scheduler.models import Clinic
from tests.e2e.conftest import Watched, navigate, sign_in, sign_in_here, type_in
from tests.e2e.test_frontdesk import DEPRESSION, build_clinic
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
LINK = re.compile(r"https?://[^\s]+/p/(confirm|reschedule|cancel)/[^\s]+/")


def test_the_watch_catches_a_violation(live_server, browser):
    """An inline <style> added to a page is refused by the browser and recorded, from both sources."""
    watched = Watched(browser.new_context())
    try:
        page = watched.page()
        page.goto(f"{live_server.url}/login/")
        page.evaluate("""() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", () => setTimeout(resolve, 0), {once: true});
            const style = document.createElement("style");
            style.textContent = "body { color: red }";
            document.head.append(style);
        })""")
        page.get_by_role("heading", name="Sign in").wait_for()  # a round trip: the binding's call has landed
        assert any("style-src" in v and "inline" in v for v in watched.csp), watched.csp
        assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"  # refused, not applied
    finally:
        watched.context.close()


def test_the_front_desk_and_the_patient_pages_under_the_policy(live_server, contexts, settings, tmp_path):
    world = build_clinic()
    base = live_server.url
    settings.SITE_URL = base
    settings.EMAIL_BACKEND = FILE_BACKEND  # embedded mode: the outbox page lists what was written
    settings.EMAIL_FILE_PATH = str(tmp_path)
    jane = world["jane"]
    page = contexts().page()
    sign_in(page, base, world["admin"].username)

    # The day board, and a session's panel (htmx) with its move options (htmx again).
    page.get_by_role("heading", name=re.compile("Day board: Riverside Infusion")).wait_for()
    page.locator(f'[data-session="{world["today"].pk}"]').click()
    panel = page.locator("#panel")
    panel.get_by_role("heading", name="Maria Lopez: session 3 of 6").wait_for()
    panel.locator("summary", has_text="Move this session").click()  # the slot grid loads as it opens
    panel.get_by_role("button", name=re.compile("^Move to")).first.wait_for()

    # Patients: the search answers as she types; her page; booking a course.
    navigate(page, page.get_by_role("link", name="Patients"))
    with page.expect_response(lambda r: "/patients/?q=rowe" in r.url):
        type_in(page.get_by_label("Find a patient"), "rowe")
    navigate(page, page.get_by_role("link", name="Rowe, Jane"))
    page.get_by_role("heading", name="Jane Rowe").wait_for()
    navigate(page, page.get_by_role("link", name="Book a course"))
    page.get_by_label("Protocol").select_option(label=DEPRESSION)
    # Tab into the date (today, filled in) and type tomorrow over it, month first (en-US).
    tomorrow = dt.datetime.now(world["tz"]).date() + dt.timedelta(days=1)
    page.get_by_label("Protocol").press("Tab")
    page.keyboard.type(tomorrow.strftime("%m%d%Y"), delay=15)
    assert page.get_by_label("Earliest date").input_value() == tomorrow.isoformat()
    navigate(page, page.get_by_role("button", name="Propose dates"))
    page.locator("#series").get_by_text("Every session fits.").wait_for()
    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.get_by_role("heading", name="Course booked for Jane Rowe").wait_for()
    sessions = list(TreatmentCycle.objects.get(patient=jane).sessions.order_by("sequence"))

    # The confirmation goes out (the sweep's work, done here), and the outbox shows it.
    for email_id in delivery.emails_claim_due(now=timezone.now()):
        delivery.email_send(email_id=email_id)
    assert PatientEmail.objects.get(session=sessions[0], kind=EmailKind.CONFIRMATION).status == EmailStatus.SENT
    navigate(page, page.get_by_role("link", name="Worklists"))
    page.get_by_role("heading", name="Reschedule requests").wait_for()
    navigate(page, page.get_by_role("link", name="Mail outbox"))
    navigate(page, page.get_by_role("link", name=re.compile("appointment", re.IGNORECASE)).first)
    text = page.locator("pre.mail-body").inner_text()
    found = {}
    for match in LINK.finditer(text):
        found.setdefault(match[1], []).append(match[0])
    assert len(found["confirm"]) == len(found["cancel"]) == 6, text

    # Jane, in her own browser, uses the links of her email: confirm the first session, ask to move the
    # second, cancel the third.
    patient = contexts().page()
    for action, url, heading, button, done in (
        ("confirm", found["confirm"][0], "Confirm your appointment", "Confirm my appointment", "Appointment confirmed"),
        ("reschedule", found["reschedule"][1], "Ask to reschedule", "Ask to reschedule", "Request received"),
        ("cancel", found["cancel"][2], "Cancel your appointment", "Cancel my appointment", "Appointment cancelled"),
    ):
        patient.goto(url)
        patient.get_by_role("heading", name=heading).wait_for()
        if action == "reschedule":
            type_in(patient.get_by_label("A short note for the clinic (optional)"), "Afternoons, please")
        navigate(patient, patient.get_by_role("button", name=button))
        patient.get_by_role("heading", name=done).wait_for()
    assert InfusionSession.objects.get(pk=sessions[0].pk).status == SessionStatus.CONFIRMED
    assert InfusionSession.objects.get(pk=sessions[1].pk).reschedule_requested_at is not None
    assert InfusionSession.objects.get(pk=sessions[2].pk).status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)

    # The desk sees the request on the worklists and opens the session page.
    navigate(page, page.get_by_role("link", name="Worklists"))
    navigate(page, page.locator(f'[data-request="{sessions[1].pk}"]').get_by_role("link", name=re.compile("^Open session")))
    page.locator("#panel").get_by_text("Patient asked to reschedule on").wait_for()

    # The API, opened in the same browser (DRF's browsable API, signed in by the session).
    page.goto(f"{base}/api/v1/patients/{jane.pk}/")
    page.get_by_role("heading", name="Patient Instance").wait_for()
    page.locator("pre.prettyprint", has_text='"last_name": "Rowe"').wait_for()


def test_the_admin_under_the_policy(live_server, contexts):
    world = build_clinic()
    base = live_server.url
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = contexts().page()
    page.goto(f"{base}/admin/")
    page.get_by_role("button", name="Sign in").wait_for()  # sent to the staff sign-in (two-factor)
    sign_in_here(page, "root")
    page.get_by_role("heading", name="Site administration").wait_for()

    navigate(page, page.get_by_role("link", name="Clinics", exact=True))
    page.get_by_role("heading", name="Select clinic to change").wait_for()
    navigate(page, page.get_by_role("link", name="Riverside Infusion"))
    page.get_by_role("heading", name="Change clinic").wait_for()
    phone = page.get_by_label("Phone")
    phone.click()
    phone.press("ControlOrMeta+a")
    phone.press_sequentially("+1 555 0199", delay=15)
    navigate(page, page.get_by_role("button", name="Save", exact=True))
    page.get_by_text("was changed successfully").wait_for()
    assert Clinic.objects.get(pk=world["clinic"].pk).phone == "+1 555 0199"


def test_the_api_docs_under_the_policy(live_server, contexts):
    page = contexts().page()
    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI has loaded the schema and drawn its operations.
    page.locator(".opblock-summary-path", has_text="/api/v1/patients/").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/patients/").first.click()
    page.get_by_role("button", name="Try it out").first.wait_for()
