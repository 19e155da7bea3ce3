"""Patient emails follow the mail standards: one-click unsubscribe (RFC 8058, RFC 2369), the calendar's ORGANIZER is
the email's From, and every link follows the scheme of SITE_URL (https in production).

Every kind of email goes through the outbox's sweep and send to a real SMTP server (aiosmtpd) and is read as it
arrived. The one-click URL in its List-Unsubscribe header is then POSTed as a mail app does, with no cookie and
no CSRF token: by Django's test client with the CSRF check on, and over a socket to a live server with
http.client.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import re
from urllib.parse import urlsplit

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from audit import records as audit
from bookings.models import EmailKind, EmailStatus, Patient, PatientEmail
from config.gunicorn_logging import redact_path
from notifications import links
from notifications.link_pages import ONE_CLICK_SOURCE, UNSUBSCRIBE_SOURCE
from tests.factories import book_course
from tests.notifications.conftest import (
    COURSE,
    EVERY_KIND_FROM,
    EVERY_KIND_OFFSETS,
    links_in,
    make_clinic,
    make_patient,
    render,
    row_for,
    send_every_kind,
)

SITE = "https://clinic.example"
SENDER = "appointments@clinic.example"
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"
FORM = "application/x-www-form-urlencoded"
_HEADER_URL = re.compile(r"<(?P<url>https://clinic\.example/p/unsubscribe/(?P<token>[^/<>\s]+)/one-click/)>")
_ANY_URL = re.compile(r"[a-zA-Z][a-zA-Z+.-]*://[^\s\"'<>]+")

pytestmark = pytest.mark.frozen(EVERY_KIND_FROM)


@pytest.fixture
def site(settings):
    """A deployment at https://clinic.example, sending from its own address."""
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = f"Clinic scheduler <{SENDER}>"
    settings.ALLOWED_HOSTS = ["clinic.example", "testserver", "localhost", "127.0.0.1"]


@pytest.fixture
def clinic(db):
    return make_clinic(reminder_offsets_hours=EVERY_KIND_OFFSETS)


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


# --- The headers and links of every kind, on the wire -----------------------------------------------------


def text_parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk()
            if part.get_content_type() in ("text/plain", "text/html", "text/calendar")}


def test_every_kind_offers_one_click_unsubscribe_names_its_sender_and_links_over_https(db, site, smtp, frozen,
                                                                                        clinic, patient):
    received = send_every_kind(smtp, frozen, clinic=clinic, patient=patient)
    for r in received:
        row = PatientEmail.objects.get(pk=r.reminder_id)
        message, what = r.message, row.kind

        # RFC 2369 and RFC 8058: one URL, https, signed for this patient's session, and the one-click marker.
        assert len(message.get_all("List-Unsubscribe")) == 1, what
        found = _HEADER_URL.fullmatch(str(message["List-Unsubscribe"]).strip())  # unfolded: " <…>"
        assert found, (what, message["List-Unsubscribe"])
        claim = links.link_read(found["token"], action=links.UNSUBSCRIBE, now=timezone.now())
        assert claim.session_id == row.session_id, what
        assert message.get_all("List-Unsubscribe-Post") == [ONE_CLICK_BODY], what
        assert message["Auto-Submitted"] == "auto-generated"

        # The text's own unsubscribe link is the page for the same token.
        parts = text_parts(message)
        assert links_in(parts["text/plain"])[-1] == (links.UNSUBSCRIBE, found["token"]), what
        assert f"{SITE}/p/unsubscribe/{found['token']}/" in parts["text/html"], what

        # Every link anywhere in the message is this site's, over https: none is http.
        assert b"http:" not in r.content.replace(b"\r\n", b"").lower(), what
        for kind, content in parts.items():
            urls = _ANY_URL.findall(content)
            assert all(url.startswith(f"{SITE}/p/") for url in urls), (what, kind, urls)
            if kind != "text/calendar":
                assert urls, (what, kind)

        # The From, and the calendar's ORGANIZER: the same name and address.
        (sender,) = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Riverside Clinic", SENDER), what
        calendar = r.attachment("appointment.ics")
        if calendar is not None:
            events = Calendar.from_ical(calendar.get_content()).walk("VEVENT")
            assert events, what
            for event in events:
                assert str(event["ORGANIZER"]) == f"mailto:{SENDER}", what
                assert event["ORGANIZER"].params["CN"] == sender.display_name, what
        # Replies still reach the clinic's own address.
        assert message["Reply-To"].addresses[0].addr_spec == clinic.email


def test_links_follow_site_urls_scheme_even_when_it_is_plain_http(db, settings, clinic, patient):
    """A trial on a laptop (`make run`) writes its own http address: the scheme is SITE_URL's, not fixed."""
    settings.SITE_URL = "http://127.0.0.1:8123"
    first = min(book_course(patient=patient, clinic=clinic, starts=COURSE).sessions, key=lambda s: s.sequence)
    message = render(row_for(first, EmailKind.CONFIRMATION))
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8123/p/unsubscribe/")
    urls = _ANY_URL.findall(message.body)
    assert urls and all(url.startswith("http://127.0.0.1:8123/p/") for url in urls)


# --- The one-click POST -------------------------------------------------------------------------------------


@pytest.fixture
def header(db, site, clinic, patient) -> str:
    """The List-Unsubscribe URL of the course's confirmation, as the email carries it."""
    first = min(book_course(patient=patient, clinic=clinic, starts=COURSE).sessions, key=lambda s: s.sequence)
    found = _HEADER_URL.fullmatch(render(row_for(first, EmailKind.CONFIRMATION)).extra_headers["List-Unsubscribe"])
    assert found
    return found["url"]


def path_of(url: str) -> str:
    return urlsplit(url).path


def token_of(url: str) -> str:
    found = _HEADER_URL.fullmatch(f"<{url}>")
    assert found
    return found["token"]


def consent_entries(patient: Patient) -> list[LogEntry]:
    """The audit trail's entries for the patient's withdrawal of consent."""
    return [e for e in LogEntry.objects.get_for_object(patient).filter(action=audit.UPDATE)
            if "email_consent" in (e.changes or {})]


def snapshot(patient: Patient) -> dict:
    """Everything an unsubscribe could change."""
    return {
        "patient": Patient.objects.filter(pk=patient.pk).values().get(),
        "emails": sorted(PatientEmail.objects.filter(patient=patient).values_list("pk", "status", "status_reason")),
        "audit": LogEntry.objects.count(),
    }


def one_click(client: Client, path: str, how: str = "urlencoded"):
    """POST the one-click body as a mail app does: a urlencoded or a multipart form (RFC 8058 allows both)."""
    if how == "multipart":
        return client.post(path, {"List-Unsubscribe": "One-Click"})
    return client.post(path, ONE_CLICK_BODY, content_type=FORM)


def assert_plain_and_private(response) -> None:
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store" and "noindex" in response["X-Robots-Tag"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Set-Cookie" not in response and not response.cookies


class TestOneClick:
    @pytest.mark.parametrize("how", ["urlencoded", "multipart"])
    def test_a_post_with_no_cookie_and_no_csrf_token_unsubscribes_once(self, header, patient, how):
        pending = PatientEmail.objects.filter(patient=patient, status=EmailStatus.PENDING)
        assert pending.exists() and not consent_entries(patient)
        client = Client(enforce_csrf_checks=True)
        response = one_click(client, path_of(header), how)
        assert response.status_code == 200, response.content
        assert response.content.decode().startswith("Unsubscribed")
        assert_plain_and_private(response)
        patient.refresh_from_db()
        assert not patient.email_consent and patient.email_consent_withdrawn_at == EVERY_KIND_FROM
        assert patient.email_consent_source == ONE_CLICK_SOURCE
        assert not pending.exists()  # nothing more goes out
        (entry,) = consent_entries(patient)
        assert entry.changes["email_consent"] == [True, False] and entry.actor is None

        # Again (a mail app retrying, the button pressed twice): nothing changes, and it is still a 200.
        before = snapshot(patient)
        again = one_click(Client(enforce_csrf_checks=True), path_of(header), how)
        assert again.status_code == 200 and again.content.decode().startswith("Already unsubscribed")
        assert snapshot(patient) == before

    def test_a_get_changes_nothing_and_its_button_posts_to_the_page(self, header, patient):
        """Following the header in a browser shows the unsubscribe page; its button posts, with its CSRF token,
        to the page's own URL: the human flow, kept as it was."""
        before = snapshot(patient)
        client = Client(enforce_csrf_checks=True)
        for method in ("get", "head", "get"):  # a scanner, a preview, the patient
            assert getattr(client, method)(path_of(header)).status_code == 200
        assert snapshot(patient) == before
        page = client.get(path_of(header)).content.decode()
        page_path = f"/p/unsubscribe/{token_of(header)}/"
        assert f'action="{page_path}"' in page and "Stop emails" in page
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        assert client.post(page_path).status_code == 403  # the page's POST still needs its token
        assert snapshot(patient) == before
        done = client.post(page_path, {"csrfmiddlewaretoken": csrf})
        assert done.status_code == 200 and "Emails stopped" in done.content.decode()
        patient.refresh_from_db()
        assert not patient.email_consent and patient.email_consent_source == UNSUBSCRIBE_SOURCE
        # Then the header's POST has nothing left to do.
        assert one_click(Client(), path_of(header)).content.decode().startswith("Already unsubscribed")
        assert len(consent_entries(patient)) == 1

    @pytest.mark.parametrize(
        ("change", "status"),
        [
            ("payload", 400), ("signature", 400), ("another action's token", 400), ("not a token", 400),
            ("expired", 410), ("no body", 400), ("another body", 400), ("a JSON body", 400),
        ],
    )
    def test_refused_changes_nothing_and_says_nothing(self, header, patient, frozen, change, status):
        token = token_of(header)
        path = path_of(header)
        body, content_type = ONE_CLICK_BODY, FORM
        if change in ("payload", "signature"):
            at = 2 if change == "payload" else len(token) - 3
            path = path.replace(token, token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:])
        elif change == "another action's token":
            cancel = links.link_token(action=links.CANCEL, session_id=links.link_read(
                token, action=links.UNSUBSCRIBE, now=timezone.now()).session_id, version=1,
                expires_at=timezone.now() + dt.timedelta(days=1))
            path = path.replace(token, cancel)
        elif change == "not a token":
            path = path.replace(token, "a:b:c")
        elif change == "expired":
            frozen.move_to(timezone.now() + dt.timedelta(days=91))
        elif change == "no body":
            body = ""
        elif change == "another body":
            body = "List-Unsubscribe=Yes"
        else:
            body, content_type = '{"List-Unsubscribe": "One-Click"}', "application/json"
        before = snapshot(patient)
        response = Client(enforce_csrf_checks=True).post(path, body, content_type=content_type)
        assert response.status_code == status
        assert_plain_and_private(response)
        said = response.content.decode()
        assert len(said) < 80 and token not in said and str(patient.pk) not in said
        assert snapshot(patient) == before

    def test_other_methods_are_refused(self, header, patient):
        before = snapshot(patient)
        for method in ("put", "delete", "patch"):
            assert getattr(Client(), method)(path_of(header), ONE_CLICK_BODY, content_type=FORM).status_code == 405
        assert snapshot(patient) == before

    def test_logs_name_the_session_not_the_token(self, header, patient, caplog):
        with caplog.at_level(logging.DEBUG):
            one_click(Client(), path_of(header))
            Client().get(path_of(header))
            Client().post(path_of(header).replace(token_of(header), "a:b:c"), ONE_CLICK_BODY, content_type=FORM)
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert "one-click unsubscribe for session" in logged
        for secret in (token_of(header), patient.first_name, patient.email):
            assert secret not in logged
        # What gunicorn and Django's request log would show of the path (config.gunicorn_logging).
        assert redact_path(f"POST {path_of(header)} HTTP/1.1") == "POST /p/unsubscribe/[token]/one-click/ HTTP/1.1"


# --- Over a socket ------------------------------------------------------------------------------------------


def http_request(url: str, method: str, body: bytes | None = None, headers: dict | None = None):
    """One request with http.client, as a mail provider's unsubscribe service sends it: no cookie, nothing else."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, parts.path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_mail_apps_post_to_a_live_server_unsubscribes_once(live_server, settings, frozen):
    settings.SITE_URL = live_server.url  # the links point at this server (plain http: no TLS here)
    clinic = make_clinic(reminder_offsets_hours=EVERY_KIND_OFFSETS)
    patient = make_patient(clinic)
    first = min(book_course(patient=patient, clinic=clinic, starts=COURSE).sessions, key=lambda s: s.sequence)
    message = render(row_for(first, EmailKind.CONFIRMATION))
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK_BODY
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{live_server.url}/p/unsubscribe/") and url.endswith("/one-click/")

    before = snapshot(patient)
    status, headers, _ = http_request(url, "GET")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert snapshot(patient) == before
    status, _, said = http_request(url.replace("/one-click/", "x/one-click/"), "POST", ONE_CLICK_BODY.encode(),
                                   {"Content-Type": FORM})
    assert status == 400 and snapshot(patient) == before

    status, headers, said = http_request(url, "POST", ONE_CLICK_BODY.encode(), {"Content-Type": FORM})
    assert (status, said) == (200, "Unsubscribed: no more emails will be sent.\n")
    assert "Set-Cookie" not in headers and headers["Cache-Control"] == "no-store"
    patient.refresh_from_db()
    assert not patient.email_consent and patient.email_consent_source == ONE_CLICK_SOURCE
    after = snapshot(patient)
    status, _, said = http_request(url, "POST", ONE_CLICK_BODY.encode(), {"Content-Type": FORM})
    assert (status, said) == (200, "Already unsubscribed.\n")
    assert snapshot(patient) == after and len(consent_entries(patient)) == 1
