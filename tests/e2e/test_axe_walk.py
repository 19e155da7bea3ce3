"""axe-core on every page a person can reach, in every state that is a page of its own, at 1440 and 768 px (issue 13).

PAGES lists, per named URL pattern, the states the walk opens: the front desk's pages as the front desk, the
clinician and the admin see them, the patient pages behind the links in emails, the sign-in and set-password
pages. A state that appears only after an action (a form's errors, a confirmation step, the duplicate warning, a
proposal, a booking conflict, fresh recovery codes) is reached the way a person reaches it. Each state is checked
at a desk's width (1440 × 900) and a tablet's (768 × 1024) with `assert_accessible` (no serious or critical
violation); a walk reports every failing page at once. `test_every_page_is_walked` (no browser) fails when a URL
pattern outside /admin/ and /api/ that answers GET with HTML has no row in PAGES: a page added later must be walked.
One browser context per role, one page each, reused; the roles are separate tests, so xdist runs them side by side.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.http import urlsafe_base64_encode

from bookings import services
from bookings.models import EmailKind, EmailStatus, InfusionSession, PatientEmail
from common.api import CLINICIAN, FRONT_DESK
from notifications import links
from notifications import services as delivery
from notifications.link_pages import link_act
from outcomes import links as outcome_links
from outcomes import services as outcome_services
from pumps.models import PumpStatus, ReviewMode
from scheduler import services as scheduler_services
from tests.e2e.conftest import PASSWORD, assert_accessible, navigate, sign_in, type_in
from tests.e2e.test_frontdesk import build_clinic, placements, propose, step_hour
from tests.e2e.test_patients import register
from tests.factories import ChairFactory, NurseFactory, PatientFactory, book_course
from tests.helpers import staff_user, totp_device
from tests.pumps.factories import PumpCourseFactory, PumpFactory, PumpMaintenanceFactory, episode_with_visits
from waitlist import links as waitlist_links
from waitlist import services as waitlist_services
from waitlist.services import WaitlistError

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = ((1440, 900), (768, 1024))
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

#: Every page walked: URL name → its states (the pseudo-name "not-found" is the 404 page, which no pattern names).
PAGES: dict[str, tuple[str, ...]] = {
    "frontdesk:day": ("today", "a session's panel open", "another day (?date=)", "as the clinician", "as the admin",
                      "with pump visits"),
    "frontdesk:login": ("empty", "wrong password"),
    "frontdesk:login-verify": ("code asked", "wrong code"),
    "frontdesk:account": ("front desk", "clinician"),
    "frontdesk:two-factor": ("off", "on"),
    "frontdesk:two-factor-setup": ("key and QR code", "wrong code"),
    "frontdesk:two-factor-codes": ("new recovery codes",),
    "frontdesk:session": ("page", "slot grid open", "cancel confirmation", "as the clinician"),
    "frontdesk:session-options": ("page",),
    "frontdesk:session-checks": ("front desk", "as the clinician"),
    "frontdesk:patients": ("today's patients", "search results", "as the clinician"),
    "frontdesk:patient-new": ("empty", "form errors", "duplicate warning"),
    "frontdesk:patient": ("page", "as the clinician"),
    "frontdesk:patient-edit": ("form", "form errors"),
    "frontdesk:book": ("empty", "proposal shown", "conflict with a fresh proposal"),
    "frontdesk:book-check": ("a time changed, series re-checked",),
    "frontdesk:cycle-booked": ("page",),
    "frontdesk:course": ("page", "cancel confirmation", "as the clinician"),
    "frontdesk:worklists": ("a request and a failed email", "as the clinician"),
    "frontdesk:outbox": ("list",),
    "frontdesk:mail": ("an email",),
    "frontdesk:mail-html": ("an email's HTML part",),
    "frontdesk:tomorrow": ("unconfirmed patients",),
    "frontdesk:tomorrow-print": ("huddle sheet", "as the clinician"),
    "frontdesk:staff": ("list",),
    "frontdesk:staff-invite": ("empty", "form errors"),
    "frontdesk:staff-member": ("page",),
    "frontdesk:staff-nurse": ("week and time off",),
    "frontdesk:staff-welcome": ("set a password", "passwords differ"),
    "frontdesk:replan": ("proposals", "results"),
    "patient-link": (
        "confirm",
        "confirmed",
        "reschedule",
        "reschedule requested",
        "cancel",
        "cancelled",
        "unsubscribe",
        "unsubscribed",
        "expired link",
        "broken link",
    ),
    "patient-unsubscribe-one-click": ("opened in a browser",),
    "not-found": ("404",),
    # When plans break (issue 14) and the booking page's grid (issue 13).
    "frontdesk:book-slots": ("grid open on the booking page",),
    "frontdesk:closures": ("list",),
    "frontdesk:course-make-up": ("the grid of a make-up session",),
    "frontdesk:waitlist": ("an entry with an offer",),
    "frontdesk:waitlist-new": ("form",),
    "waitlist-offer-accept": ("accept",),
    "waitlist-offer-decline": ("decline",),
    # Outcome measures (issue 15): the clinicians' pages and the patient's check-in form.
    "frontdesk:outcomes-flags": ("an urgent flag",),
    "frontdesk:outcomes-course": ("scores and trend",),
    "frontdesk:outcomes-summary": ("printable summary",),
    "frontdesk:outcomes-session": ("answers entered",),
    "outcomes-checkin": ("form", "form errors", "thank you", "closed"),
    # Pump courses (issue 16): the pump board and an episode's page (the day board's pump visits: "today").
    "frontdesk:pumps": ("two weeks with an episode", "as the clinician"),
    "frontdesk:episode": ("page", "as the clinician"),
    "frontdesk:pump-propose": ("the form", "proposals"),
}
#: GET-able patterns that answer something other than an HTML page.
NOT_HTML = {"healthz": "a JSON or plain-text health check", "session-keepalive": "the idle timer's JSON ping",
            "metrics": "Prometheus' text format, for a scraper with METRICS_TOKEN"}


def test_every_page_is_walked():
    """Every URL pattern outside /admin/ and /api/ whose methods include GET (the hostile walk's table says which)
    is a page with a row in PAGES, or is listed in NOT_HTML; and PAGES names no pattern that is gone."""
    from tests.frontdesk.test_hostile_walk import ROUTES, walked_routes

    routes = walked_routes()
    get_able = {name for name in routes if "GET" in ROUTES[name].methods} - set(NOT_HTML)
    missing = sorted(get_able - set(PAGES))
    assert not missing, f"Add these pages to PAGES and walk them: {missing}"
    gone = sorted(set(PAGES) - set(routes) - {"not-found"})
    assert not gone, f"PAGES names patterns that are not in the URLconf: {gone}"


# --- The walker -------------------------------------------------------------------------------------------------


class Walker:
    """One person's browser page; `check` runs axe at both widths and keeps every failure for the end."""

    def __init__(self, watched, page, base: str):
        self.watched, self.page, self.base = watched, page, base
        self.failures: list[str] = []
        self.checked: list[tuple[str, str, int]] = []

    def go(
        self, path: str, route: str, state: str, *, heading: str | re.Pattern | None = None, status: int = 200
    ) -> None:
        """Open the page (answered with `status`) and check it. A page that answers 4xx by design makes the browser
        log "Failed to load resource": that line, and only that one, is not an error here."""
        response = self.page.goto(f"{self.base}{path}")
        assert response.status == status, f"{path}: {response.status}"
        self.check(route, state, heading=heading)
        if status != 200:
            logged = f"Failed to load resource: the server responded with a status of {status}"
            self.watched.errors[:] = [e for e in self.watched.errors if logged not in e]

    def check(self, route: str, state: str, *, heading: str | re.Pattern | None = None) -> None:
        assert state in PAGES[route], f"{route}: state {state!r} is not in PAGES"
        if heading is not None:
            self.page.get_by_role("heading", name=heading).first.wait_for()
        for width, height in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": height})
            try:
                assert_accessible(self.page, f"{route} ({state}) at {width} px")
            except AssertionError as exc:
                self.failures.append(str(exc))
            self.checked.append((route, state, width))
        self.page.set_viewport_size({"width": 1440, "height": 900})

    def done(self) -> None:
        print(f"axe walk: {len(self.checked)} page states × widths")  # noqa: T201 (the report)
        assert not self.failures, f"{len(self.failures)} of {len(self.checked)} failed:\n\n" + "\n\n".join(
            self.failures
        )


def without_policy(route) -> None:
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


def walker(contexts, base: str, username: str | None = None) -> Walker:
    watched = contexts()
    page = watched.page()
    page.set_viewport_size({"width": 1440, "height": 900})
    if username:
        sign_in(page, base, username)
    return Walker(watched, page, base)


def world(settings, tmp_path, base: str) -> dict:
    """test_frontdesk's clinic (today's board filled in) with a clinician, a booked course for Jane whose emails went
    out to the file outbox, a failed email, a reschedule request and a session tomorrow."""
    settings.SITE_URL = base
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path)
    built = build_clinic()
    built["clinician"] = staff_user(CLINICIAN, built["clinic"], username="carol", first_name="Carol")
    tz = built["tz"]
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    starts = [dt.datetime.combine(tomorrow + dt.timedelta(days=d), dt.time(9)) for d in (0, 2, 4, 7, 9, 11)]
    booked = book_course(patient=built["jane"], clinic=built["clinic"], protocol="depression-iv", starts=starts)
    for email_id in delivery.emails_claim_due():
        delivery.email_send(email_id=email_id)
    sessions = list(booked.cycle.sessions.order_by("sequence"))
    asked = links.link_token(
        action=links.RESCHEDULE,
        session_id=sessions[1].pk,
        version=sessions[1].version,
        expires_at=sessions[1].starts_at,
    )
    link_act(links.link_read(asked, action=links.RESCHEDULE, now=dt.datetime.now(dt.UTC)), note="Afternoons, please")
    failed = PatientEmail.objects.filter(session=sessions[2], kind=EmailKind.reminder(24)).first()
    PatientEmail.objects.filter(pk=failed.pk).update(
        status=EmailStatus.FAILED, attempts=6, last_error="550 mailbox unavailable"
    )
    built.update(cycle=booked.cycle, sessions=sessions)
    return built


# --- The walks, one per role --------------------------------------------------------------------------------------


def test_the_front_desk_pages(live_server, contexts, settings, tmp_path):
    started = time.monotonic()
    base = live_server.url
    w = world(settings, tmp_path, base)
    jane, cycle, sessions = w["jane"], w["cycle"], w["sessions"]
    walk = walker(contexts, base, w["desk"].username)
    page = walk.page

    walk.check("frontdesk:day", "today", heading=re.compile("Day board: Riverside Infusion"))
    page.locator(f'[data-session="{w["today"].pk}"]').click()
    page.locator("#panel").get_by_role("heading", name="Maria Lopez: session 3 of 6").wait_for()
    walk.check("frontdesk:day", "a session's panel open")
    later = dt.datetime.now(w["tz"]).date() + dt.timedelta(days=3)
    walk.go(f"/?date={later.isoformat()}", "frontdesk:day", "another day (?date=)", heading=re.compile("Day board"))

    walk.go(f"/sessions/{sessions[1].pk}/", "frontdesk:session", "page", heading=re.compile("Jane Rowe: session 2"))
    page.goto(f"{base}/sessions/{sessions[2].pk}/")
    page.locator("summary", has_text="Move this session").click()  # the slot grid loads as it opens
    page.locator("#panel").get_by_role("button", name=re.compile("^Move to")).first.wait_for()
    walk.check("frontdesk:session", "slot grid open")
    page.goto(f"{base}/sessions/{sessions[3].pk}/")
    panel = page.locator("#panel")
    panel.locator("summary", has_text="Cancel this session").click()
    type_in(panel.get_by_label("Reason"), "Unwell")
    panel.get_by_role("button", name=re.compile("^Cancel session")).click()
    panel.get_by_role("button", name=re.compile("^Yes, cancel it")).wait_for()
    walk.check("frontdesk:session", "cancel confirmation")
    walk.go(f"/sessions/{w['today'].pk}/checks/", "frontdesk:session-checks", "front desk",
            heading=re.compile("Safety checks"))
    walk.go(f"/sessions/{sessions[1].pk}/options/", "frontdesk:session-options", "page")
    page.get_by_role("button", name=re.compile("^Move to")).first.wait_for()

    walk.go("/patients/", "frontdesk:patients", "today's patients", heading="Today's patients")
    with page.expect_response(lambda r: "/patients/?q=rowe" in r.url):
        type_in(page.get_by_label("Find a patient"), "rowe")
    page.locator("#patient-results").get_by_role("link", name="Rowe, Jane").wait_for()
    walk.check("frontdesk:patients", "search results")
    navigate(page, page.get_by_role("link", name="Register a new patient"))
    walk.check("frontdesk:patient-new", "empty", heading=re.compile("patient", re.IGNORECASE))
    navigate(page, page.get_by_role("button", name="Register"))
    page.locator(".errorlist, [aria-invalid=true]").first.wait_for()
    walk.check("frontdesk:patient-new", "form errors")
    page.goto(f"{base}/patients/")
    register(
        page, first="Jane", last="Rowe", born=jane.date_of_birth, email="jane.rowe@example.org", phone="+1 555 0142"
    )
    navigate(page, page.get_by_role("button", name="Register"))
    page.locator("#duplicate-warning").get_by_role("heading", name="Already registered?").wait_for()
    walk.check("frontdesk:patient-new", "duplicate warning")
    walk.go(f"/patients/{jane.pk}/", "frontdesk:patient", "page", heading="Jane Rowe")
    walk.go(f"/patients/{jane.pk}/edit/", "frontdesk:patient-edit", "form")
    zone = page.get_by_label("Time zone")
    zone.click()
    zone.press("ControlOrMeta+a")
    zone.press_sequentially("Eastern", delay=15)
    navigate(page, page.get_by_role("button", name="Save changes"))
    page.get_by_text("is not an IANA time zone name").wait_for()
    walk.check("frontdesk:patient-edit", "form errors")

    # Booking a second patient: the empty form, the proposal, a time changed (book-check), a conflict, booked.
    sam = PatientFactory(clinic=w["clinic"], first_name="Sam", last_name="Park")
    walk.go(f"/patients/{sam.pk}/book/", "frontdesk:book", "empty")
    earliest = dt.datetime.now(w["tz"]).date() + dt.timedelta(days=2)
    propose(page, base, sam, earliest)
    page.get_by_text("Every session fits.").wait_for()
    walk.check("frontdesk:book", "proposal shown")
    first_start = dt.datetime.fromisoformat(placements(page)[0][0])
    with page.expect_response(lambda r: "/book/check/" in r.url):
        step_hour(page, 0, later=first_start.hour < 17)
    page.get_by_text("Every session fits.").wait_for()
    walk.check("frontdesk:book-check", "a time changed, series re-checked")
    # Someone takes the first session's chair and time meanwhile: Book meets the conflict and a fresh proposal.
    start, chair = placements(page)[0]
    lee = PatientFactory(clinic=w["clinic"], first_name="Lee", last_name="Chan")
    book_course(
        patient=lee,
        clinic=w["clinic"],
        protocol="booster-iv",
        starts=[services.SessionRequest(dt.datetime.fromisoformat(start), chair=w["clinic"].chairs.get(pk=chair))],
    )
    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    page.locator("#conflict").wait_for()
    walk.check("frontdesk:book", "conflict with a fresh proposal")
    navigate(page, page.get_by_role("button", name="Book all 6 sessions"))
    walk.check("frontdesk:cycle-booked", "page", heading="Course booked for Sam Park")

    walk.go(f"/courses/{cycle.pk}/", "frontdesk:course", "page")
    page.locator("summary", has_text="Cancel the whole course").click()
    type_in(page.get_by_label("Reason"), "Moving away")
    navigate(page, page.get_by_role("button", name="Cancel course…"))
    page.get_by_role("button", name="Yes, cancel the course").wait_for()
    walk.check("frontdesk:course", "cancel confirmation")

    walk.go("/worklists/", "frontdesk:worklists", "a request and a failed email", heading="Reschedule requests")
    walk.go("/outbox/", "frontdesk:outbox", "list")
    navigate(page, page.locator("table.list a").first)
    page.frame_locator("iframe.mail-html").get_by_text(re.compile("Jane")).first.wait_for()
    walk.check("frontdesk:mail", "an email")
    # The email's HTML part runs no script (its policy says script-src 'none'): axe is let in by serving the same
    # answer without that header, the markup checked as the mail app shows it.
    html_part = page.locator("iframe.mail-html").get_attribute("src")
    page.route(f"{base}{html_part}", without_policy)
    walk.go(html_part, "frontdesk:mail-html", "an email's HTML part")
    page.unroute(f"{base}{html_part}")
    walk.go("/tomorrow/", "frontdesk:tomorrow", "unconfirmed patients")
    walk.go("/tomorrow/print/", "frontdesk:tomorrow-print", "huddle sheet")
    walk.go("/account/", "frontdesk:account", "front desk")
    walk.go("/account/two-factor/", "frontdesk:two-factor", "off", heading="Two-factor sign-in")
    walk.go("/account/two-factor/setup/", "frontdesk:two-factor-setup", "key and QR code")
    type_in(page.get_by_label("Code", exact=True), "000000")
    navigate(page, page.get_by_role("button", name=re.compile("Turn on|Verify|Confirm")))
    walk.check("frontdesk:two-factor-setup", "wrong code")
    # Re-plan (issue 14): a closure strands the course's last session; its proposal, then the outcome.
    last = InfusionSession.objects.get(pk=sessions[5].pk).starts_at.astimezone(w["tz"])
    closed_from = last.replace(hour=0, minute=0)
    scheduler_services.closure_add(clinic=w["clinic"], chair=None, starts_at=closed_from,
                                   ends_at=closed_from + dt.timedelta(days=1), reason="Burst pipe", by=w["admin"])
    walk.go("/replan/", "frontdesk:replan", "proposals", heading=re.compile("^Re-plan"))
    navigate(page, page.get_by_role("button", name="Apply all proposals"))
    walk.check("frontdesk:replan", "results", heading=re.compile("^Done:"))
    walk.go("/no-such-page/", "not-found", "404", status=404)
    walk.done()
    print(f"front desk walk: {time.monotonic() - started:.1f} s")  # noqa: T201


def test_the_clinician_pages(live_server, contexts, settings, tmp_path):
    base = live_server.url
    w = world(settings, tmp_path, base)
    walk = walker(contexts, base, w["clinician"].username)
    walk.check("frontdesk:day", "as the clinician", heading=re.compile("Day board"))
    walk.go(
        f"/sessions/{w['sessions'][0].pk}/", "frontdesk:session", "as the clinician", heading=re.compile("Jane Rowe")
    )
    walk.go(f"/sessions/{w['today'].pk}/checks/", "frontdesk:session-checks", "as the clinician",
            heading=re.compile("Safety checks"))
    walk.go("/patients/", "frontdesk:patients", "as the clinician")
    walk.go(f"/patients/{w['jane'].pk}/", "frontdesk:patient", "as the clinician", heading="Jane Rowe")
    walk.go(f"/courses/{w['cycle'].pk}/", "frontdesk:course", "as the clinician")
    walk.go("/worklists/", "frontdesk:worklists", "as the clinician")
    walk.go("/tomorrow/print/", "frontdesk:tomorrow-print", "as the clinician")
    walk.go("/account/", "frontdesk:account", "clinician")
    walk.done()


def test_the_admin_pages(live_server, contexts, settings, tmp_path):
    base = live_server.url
    w = world(settings, tmp_path, base)
    walk = walker(contexts, base, w["admin"].username)  # with her authenticator app
    page = walk.page
    walk.check("frontdesk:day", "as the admin", heading=re.compile("Day board"))
    walk.go("/staff/", "frontdesk:staff", "list")
    walk.go("/staff/invite/", "frontdesk:staff-invite", "empty")
    navigate(page, page.get_by_role("button", name="Send the invitation"))
    walk.check("frontdesk:staff-invite", "form errors")
    walk.go(f"/staff/{w['desk'].pk}/", "frontdesk:staff-member", "page")
    nurse = w["today"].nurse
    walk.go(f"/staff/nurses/{nurse.pk}/", "frontdesk:staff-nurse", "week and time off")
    walk.go("/account/two-factor/", "frontdesk:two-factor", "on", heading="Two-factor sign-in")
    navigate(page, page.get_by_role("button", name="Make new recovery codes"))
    walk.check("frontdesk:two-factor-codes", "new recovery codes")
    walk.done()


def test_the_pages_without_a_sign_in(live_server, contexts, settings, tmp_path):
    """The sign-in and its code step, the set-password page and the patient pages behind the links in emails."""
    base = live_server.url
    w = world(settings, tmp_path, base)
    walk = walker(contexts, base)
    page = walk.page

    walk.go("/login/", "frontdesk:login", "empty", heading="Sign in")
    type_in(page.get_by_label("Username"), w["desk"].username)
    type_in(page.get_by_label("Password"), "not-the-password")
    navigate(page, page.get_by_role("button", name="Sign in"))
    walk.check("frontdesk:login", "wrong password")
    totp_device(w["desk"])
    page.get_by_label("Password").click()
    page.get_by_label("Password").press_sequentially(PASSWORD, delay=15)
    navigate(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_url(re.compile(r"/login/verify/"))
    walk.check("frontdesk:login-verify", "code asked")
    page.get_by_label("Code", exact=True).press_sequentially("000000", delay=15)
    navigate(page, page.get_by_role("button", name="Verify"))
    walk.check("frontdesk:login-verify", "wrong code")

    invited = staff_user(FRONT_DESK, w["clinic"], username="rita", first_name="Rita")
    welcome = f"/staff/welcome/{urlsafe_base64_encode(str(invited.pk).encode())}/{default_token_generator.make_token(invited)}/"
    patient = walker(contexts, base)  # the patient's own browser; and a fresh one for the set-password page
    patient.go(welcome, "frontdesk:staff-welcome", "set a password", heading="Set your password")
    type_in(patient.page.get_by_label("New password", exact=True), "river-stone-lantern-42")
    type_in(patient.page.get_by_label("New password confirmation"), "river-stone-lantern-43")
    navigate(patient.page, patient.page.get_by_role("button", name="Set the password"))
    patient.check("frontdesk:staff-welcome", "passwords differ")

    sessions = w["sessions"]
    for action, session, done, note in (
        (links.CONFIRM, sessions[0], "confirmed", False),
        (links.RESCHEDULE, sessions[4], "reschedule requested", True),
        (links.CANCEL, sessions[5], "cancelled", False),
        (links.UNSUBSCRIBE, sessions[3], "unsubscribed", False),
    ):
        token = links.link_token(
            action=action,
            session_id=session.pk,
            version=session.version,
            expires_at=session.starts_at + dt.timedelta(days=1),
        )
        patient.go(f"/p/{action}/{token}/", "patient-link", action)
        if note:
            type_in(patient.page.get_by_label(re.compile("note", re.IGNORECASE)), "Afternoons suit me better")
        navigate(patient.page, patient.page.locator("form button[type=submit]").first)
        patient.check("patient-link", done)
    fresh = InfusionSession.objects.get(pk=sessions[2].pk)
    one_click = links.link_token(
        action=links.UNSUBSCRIBE,
        session_id=fresh.pk,
        version=fresh.version,
        expires_at=fresh.starts_at + dt.timedelta(days=1),
    )
    patient.go(f"/p/unsubscribe/{one_click}/one-click/", "patient-unsubscribe-one-click", "opened in a browser")
    expired = links.link_token(
        action=links.CONFIRM,
        session_id=fresh.pk,
        version=fresh.version,
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )
    patient.go(f"/p/confirm/{expired}/", "patient-link", "expired link", status=410)
    patient.go("/p/confirm/not-a-token/", "patient-link", "broken link", status=400)
    walk.failures += patient.failures
    walk.checked += patient.checked
    walk.done()


def _offer(w) -> object:
    """An offer of an earlier time for Jane's fourth session, at the first hour of the days before it that keeps
    her course valid."""
    entry = waitlist_services.entry_create(clinic=w["clinic"], patient=w["jane"], session=w["sessions"][3],
                                           notes="Any earlier day")
    fourth = w["sessions"][3].starts_at.astimezone(w["tz"])
    refused = []
    for days, hour in ((d, h) for d in (1, 2) for h in (9, 11, 13, 15)):
        try:
            return waitlist_services.offer_make(
                entry=entry, starts_at=dt.datetime.combine(fourth.date() - dt.timedelta(days=days), dt.time(hour)))
        except WaitlistError as exc:
            refused.append(exc.message)
    raise AssertionError(f"no earlier time suits Jane's fourth session: {refused}")


def test_the_pages_when_plans_break(live_server, contexts, settings, tmp_path):
    """The booking page's grid, a make-up's grid, the waitlist and its offer links, the closures (issue 14)."""
    base = live_server.url
    w = world(settings, tmp_path, base)
    jane, cycle, sessions = w["jane"], w["cycle"], w["sessions"]
    offer = _offer(w)
    services.session_cancel(session=sessions[1], by_party="patient", reason="Away")
    walk = walker(contexts, base, w["desk"].username)
    page = walk.page

    sam = PatientFactory(clinic=w["clinic"], first_name="Sam", last_name="Park")
    page.goto(f"{base}/patients/{sam.pk}/book/")
    propose(page, base, sam, dt.datetime.now(w["tz"]).date() + dt.timedelta(days=2))
    page.get_by_text("Every session fits.").wait_for()
    page.locator("#change-5").click()
    page.locator("#change-grid .slot-grid .slot-day").first.wait_for()
    walk.check("frontdesk:book-slots", "grid open on the booking page")

    walk.go(f"/courses/{cycle.pk}/make-up/", "frontdesk:course-make-up", "the grid of a make-up session")
    page.locator(".slot-grid .slot-day button.slot-time").first.wait_for()
    walk.go("/waitlist/", "frontdesk:waitlist", "an entry with an offer", heading=re.compile("Waitlist"))
    walk.go(f"/patients/{jane.pk}/waitlist/", "frontdesk:waitlist-new", "form")

    admin = walker(contexts, base, w["admin"].username)
    admin.go("/closures/", "frontdesk:closures", "list", heading=re.compile("Closures"))

    patient = walker(contexts, base)
    for action in ("accept", "decline"):
        token = waitlist_links.offer_token(action=action, offer_id=offer.pk, expires_at=offer.expires_at)
        patient.go(f"/p/offer-{action}/{token}/", f"waitlist-offer-{action}", action)
    for other in (admin, patient):
        walk.failures += other.failures
        walk.checked += other.checked
    walk.done()


def test_the_outcome_pages(live_server, contexts, settings, tmp_path):
    """The clinicians' outcome pages and the patient's check-in form (issue 15)."""
    base = live_server.url
    w = world(settings, tmp_path, base)
    cycle, sessions = w["cycle"], w["sessions"]
    outcome_services.measure_record(session=sessions[0], instrument_code="phq9", answers=[2, 2, 2, 2, 2, 2, 1, 1, 1])
    walk = walker(contexts, base, w["clinician"].username)
    walk.go(f"/outcomes/flags/?clinic={w['clinic'].pk}", "frontdesk:outcomes-flags", "an urgent flag",
            heading=re.compile("^Urgent check-in answers"))
    walk.go(f"/outcomes/courses/{cycle.pk}/", "frontdesk:outcomes-course", "scores and trend", heading=re.compile("^Scores"))
    walk.go(f"/outcomes/courses/{cycle.pk}/print/", "frontdesk:outcomes-summary", "printable summary",
            heading="Course summary")
    walk.go(f"/outcomes/sessions/{sessions[0].pk}/", "frontdesk:outcomes-session", "answers entered",
            heading=re.compile("^Check-in answers"))

    patient = walker(contexts, base)
    fresh = InfusionSession.objects.get(pk=sessions[1].pk)
    url = outcome_links.checkin_url(fresh).removeprefix(base)
    patient.go(url, "outcomes-checkin", "form", heading="A short check-in form")
    navigate(patient.page, patient.page.get_by_role("button", name="Send my answers"))
    patient.check("outcomes-checkin", "form errors", heading="A short check-in form")
    # The form with answers missing is answered 400 by design: the browser's "Failed to load resource" is no error.
    patient.watched.errors[:] = [e for e in patient.watched.errors if "status of 400" not in e]
    for item in range(1, 10):
        patient.page.locator(f'input[name="phq9-{item}"][value="1"]').check()
    navigate(patient.page, patient.page.get_by_role("button", name="Send my answers"))
    patient.check("outcomes-checkin", "thank you", heading="Thank you")
    broken = outcome_links.checkin_token(session_id=fresh.pk, version=fresh.version + 1, expires_at=fresh.starts_at)
    patient.go(f"/p/checkin/{broken}/", "outcomes-checkin", "closed", status=410)
    walk.failures += patient.failures
    walk.checked += patient.checked
    walk.done()


def test_the_pump_pages(live_server, contexts, settings, tmp_path):
    """The pump board, an episode's page and the day board's pump visits (issue 16)."""
    base = live_server.url
    w = world(settings, tmp_path, base)
    clinic, tz = w["clinic"], w["tz"]
    chair = ChairFactory(clinic=clinic, name="Chair 7")
    nurse = NurseFactory(clinic=clinic, first_name="Dee", last_name="Nurse")
    PumpFactory(clinic=clinic, label="Pump 1")
    PumpFactory(clinic=clinic, label="Pump 3", status=PumpStatus.RETIRED)
    pump = PumpFactory(clinic=clinic, label="Pump 2")
    PumpMaintenanceFactory(pump=pump, starts_at=dt.datetime.now(tz) + dt.timedelta(days=8),
                           ends_at=dt.datetime.now(tz) + dt.timedelta(days=9))
    course = PumpCourseFactory(clinic=clinic, patient=w["jane"], protocol__episode_days=3,
                               protocol__review_mode=ReviewMode.PHONE)
    fitting = dt.datetime.now(tz).replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    episode = episode_with_visits(course=course, pump=pump, fitting_at=fitting, chair=chair, nurse=nurse)

    walk = walker(contexts, base, w["desk"].username)
    walk.go("/", "frontdesk:day", "with pump visits", heading="Pump visits")
    walk.go("/pumps/", "frontdesk:pumps", "two weeks with an episode", heading=re.compile("^Pump board"))
    walk.go(f"/episodes/{episode.pk}/", "frontdesk:episode", "page", heading=re.compile("^Pump episode 1"))
    clinician = walker(contexts, base, w["clinician"].username)
    walk.go(f"/patients/{w['jane'].pk}/pump/", "frontdesk:pump-propose", "the form",
            heading=re.compile("^Book a pump episode"))
    walk.go(f"/patients/{w['jane'].pk}/pump/?protocol={course.protocol_id}", "frontdesk:pump-propose", "proposals",
            heading=re.compile("^Book a pump episode"))
    clinician.go("/pumps/", "frontdesk:pumps", "as the clinician", heading=re.compile("^Pump board"))
    clinician.go(f"/episodes/{episode.pk}/", "frontdesk:episode", "as the clinician", heading=re.compile("^Pump episode 1"))
    walk.failures += clinician.failures
    walk.checked += clinician.checked
    walk.done()
