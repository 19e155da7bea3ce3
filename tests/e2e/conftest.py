"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Every page a test opens is watched: a JavaScript console error, an uncaught exception or a
Content-Security-Policy violation (the console's "Refused to …" and the page's `securitypolicyviolation`
events) fails the test when it ends.
axe-core (the npm package in node_modules/, see package.json) is loaded into the page, as if from its own
origin so that the site's policy allows it, to check accessibility.
Screenshots go to var/screenshots/; `UPDATE_SCREENSHOTS=1` writes the committed ones in docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make beside it are
# plain synchronous calls all the same.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The path axe-core is served at to the page under test (assert_accessible); the app has no such route.
AXE_URL = "/__e2e__/axe.min.js"
#: Where screenshots go: the committed ones in docs/screenshots/ are rewritten only on request
#: (UPDATE_SCREENSHOTS=1), so `make test` leaves a clean checkout clean; otherwise var/ (ignored by git).
SCREENSHOTS = ROOT / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var/screenshots")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
#: Real zones, one for (nearly) every whole-hour offset: the clinic is put where it is mid-morning now, so
#: "today" has free time left whenever the suite runs, and the clock needs no freezing (Chromium runs on
#: real time).
ZONES = (
    "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo", "America/Noronha",
    "Atlantic/Cape_Verde", "Atlantic/Reykjavik", "Africa/Lagos", "Africa/Johannesburg", "Europe/Istanbul",
    "Asia/Dubai", "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo",
    "Australia/Brisbane", "Pacific/Noumea", "Pacific/Fiji", "Pacific/Tongatapu",
)


def morning_zone(now: dt.datetime | None = None) -> str:
    """The zone of ZONES whose local time now is nearest 10:00."""
    now = now or dt.datetime.now(dt.UTC)

    def distance(name: str) -> float:
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        return abs(local.hour + local.minute / 60 - 10)

    return min(ZONES, key=distance)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: apt-get update && apt-get install -y chromium")
    if not AXE.exists():
        pytest.fail(f"The browser tests need axe-core at {AXE}: run `npm ci` in {ROOT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


#: Runs in every frame before the page's own scripts: each CSP violation the browser reports is handed to
#: the test (a binding, not page state, so violations on a page left behind by a navigation still count).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || location.href}:${event.lineNumber}` + (event.sample ? ` (${event.sample})` : ""));
}, true);
"""
CSP_CONSOLE = ("Refused to", "Content Security Policy", "Content-Security-Policy")


@dataclass
class Watched:
    """A browser context whose pages record every console error, uncaught exception and CSP violation."""

    context: object
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    def page(self):
        page = self.context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.expose_binding("__cspViolation", lambda source, text: self.csp.append(f"{source['frame'].url}: {text}"))
        page.add_init_script(CSP_LISTENER)
        return page

    def _console(self, message) -> None:
        if any(mark in message.text for mark in CSP_CONSOLE):
            self.csp.append(f"console ({message.type}): {message.text}")
        elif message.type == "error":
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def contexts(browser, request):
    """Make browser contexts (each its own cookies: one signed-in person each); JS errors fail the test."""
    made: list[Watched] = []

    def make() -> Watched:
        watched = Watched(browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US"))
        made.append(watched)
        return watched

    yield make
    errors = [e for w in made for e in w.errors]
    violations = [v for w in made for v in w.csp]
    for watched in made:
        watched.context.close()
    _requests_finished(request)
    assert not violations, "Content-Security-Policy violations in the pages:\n" + "\n".join(violations)
    assert not errors, "JavaScript errors in the pages:\n" + "\n".join(errors)


def _requests_finished(request) -> None:
    """Wait for the requests the closed pages left in flight (a navigation, a poll) to end, so that the test's
    data is flushed after them: a TRUNCATE queued behind a request's open transaction, on a busy machine, made the
    flush fail ("couldn't be flushed"). The live server's request threads are joined: a wait on their progress."""
    server = request.node.funcargs.get("live_server")
    httpd = getattr(getattr(server, "thread", None), "httpd", None)
    for thread in list(getattr(httpd, "_threads", None) or ()):
        thread.join()


def type_in(locator, text: str) -> None:
    """Click into a field and type, key by key, as a person does."""
    locator.click()
    locator.press_sequentially(text, delay=15)


def type_date(locator, day) -> None:
    """Click into a date field's first part (the month, en-US) and type the date over it: MMDDYYYY."""
    _click_first_part(locator)
    locator.press_sequentially(day.strftime("%m%d%Y"), delay=15)


def step_hour(locator, *, later: bool = True) -> None:
    """In a date-and-time field, one hour later (or earlier): click into it, arrow over to the hour (month, day,
    year first) and press Up (Down), as a person moving a session by an hour does. One change, so one check.
    The hour part counts 1-12 and leaves AM/PM alone: from 11 o'clock, go earlier."""
    _click_first_part(locator)
    for _ in range(3):
        locator.press("ArrowRight")
    locator.press("ArrowUp" if later else "ArrowDown")


def _click_first_part(locator) -> None:
    """Click a date field at its left edge, where its first part is."""
    box = locator.bounding_box()
    locator.click(position={"x": 6, "y": box["height"] / 2})


def sign_in(page, base_url: str, username: str) -> None:
    """Sign in on the staff pages; with the code from the person's authenticator app when they have one."""
    page.goto(f"{base_url}/login/")
    sign_in_here(page, username)
    page.wait_for_url(f"{base_url}/")


def sign_in_here(page, username: str) -> None:
    """Fill the staff sign-in form the page shows (wherever it was sent from), and the code step if there is one."""
    device = phone(username)
    type_in(page.get_by_label("Username"), username)
    type_in(page.get_by_label("Password"), PASSWORD)
    navigate(page, page.get_by_role("button", name="Sign in"))
    if device is not None:
        page.wait_for_url(re.compile(r"/login/verify/"))
        page.get_by_label("Code", exact=True).press_sequentially(app_code(device), delay=60)
        navigate(page, page.get_by_role("button", name="Verify"))


def phone(username: str):
    """The authenticator app on this person's phone, if they have or need one (staff who must use one set it up
    earlier: tests/e2e/test_two_factor.py walks through that)."""
    from django.contrib.auth import get_user_model

    from accounts.two_factor import second_factor_status
    from tests.helpers import totp_device

    user = get_user_model().objects.get(username=username)
    status = second_factor_status(user)
    return totp_device(user) if status.has_device or status.required else None


def app_code(device) -> str:
    """The code the app shows, once it shows one not used yet: a code signs in once, so a person who just used
    one waits for the app's next (a wait on the clock's progress, at most one 30-second step)."""
    from tests.helpers import totp_code

    while True:
        device.refresh_from_db()
        now = time.time()
        if (now - device.t0) // device.step > device.last_t:
            return totp_code(device, at=now)
        time.sleep(0.5)


def navigate(page, locator) -> None:
    """Click a link or a submit button that loads a new page, and return once it has loaded.

    "Loaded" is the load event, after the deferred htmx script has run: acting on the new page earlier
    (typing into a search box, pressing an htmx button) would race the script and be lost.
    """
    with page.expect_navigation(wait_until="load"):
        locator.click()


def focus_lands(page, expected: str, *, on: str = "id") -> None:
    """Wait until the focused element's `on` ("id", "name" or "text") is `expected`.

    Pages move the focus in a script after new content settles: reading it the moment the content shows races
    that script on a busy machine. A wait on the page's progress; the page's default timeout still bounds it.
    """
    read = {"id": "el.id", "name": "el.name", "text": "el.textContent.trim()"}[on]
    page.wait_for_function(f"(want) => {{ const el = document.activeElement; return !!el && {read} === want; }}",
                           arg=expected)


def assert_accessible(page, what: str) -> None:
    """axe-core on the page as it stands: no violation of serious or critical impact.

    axe is served as if from the page's own origin (a route of this page), so it loads as any of our scripts
    does under the site's Content-Security-Policy: no inline script, no policy bypassed.
    """
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    page.route(f"{origin}{AXE_URL}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=f"{origin}{AXE_URL}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"Accessibility violations on the {what}:\n" + "\n".join(bad)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def screenshot_at_widths(page, name: str) -> None:
    """`<name>-1440.png` and `<name>-768.png`, a desk's and a tablet's width (900 px high: the full page is taken);
    the viewport is put back as it was, so the test goes on as before."""
    size = page.viewport_size
    for width in (1440, 768):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(size)
