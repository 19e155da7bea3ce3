"""The mail outbox page (embedded mode) shows a user only the emails of their clinics' patients.

Emails are sent through the real delivery code to the file backend, so each file carries the Message-ID that
names its outbox row (and so its clinic). An email that names no row is shown to superusers only; a clinician,
who handles no patient email, is refused the page.
"""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import EmailKind, PatientEmail
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from notifications import services as delivery
from tests.factories import UserFactory
from tests.frontdesk.conftest import NOW
from tests.frontdesk.test_pages import LATER_COURSE

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def send_confirmation(site, address: str) -> PatientEmail:
    """Book the site's course for its patient (at `address`) and send its confirmation to the mail folder."""
    site.patient.email = address
    site.patient.save(update_fields=["email"])
    session = site.book(LATER_COURSE).sessions[0]
    row = PatientEmail.objects.get(session=session, kind=EmailKind.CONFIRMATION)
    assert row.pk in delivery.emails_claim_due(now=NOW)
    assert delivery.email_send(email_id=row.pk, now=NOW).status == "sent"
    return row


@pytest.fixture
def folder(settings, tmp_path):
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


@pytest.fixture
def written(folder, home, away):
    """One confirmation per clinic, and one email that names no outbox row: each one's `<file>/<index>`.

    The backend names a file by the time and the connection's id(), so two sends may share a file.
    """
    send_confirmation(home, "home.patient@example.org")
    send_confirmation(away, "away.patient@example.org")
    django_mail.send_mail("Staff notice", "Not about a patient.", "clinic@localhost", ["ops@example.org"])
    found = {}
    for path in folder.iterdir():
        for index, text in enumerate(t for t in path.read_text().split("\n" + "-" * 79 + "\n") if t.strip()):
            key = next(k for k in ("home.patient", "away.patient", "ops@") if k in text)
            found[key] = f"{path.name}/{index}"
    assert len(found) == 3
    return found


def test_another_clinics_front_desk_sees_only_its_own_patients_email(as_user, home, away, written):
    client = as_user(away.users[FRONT_DESK])
    html = client.get("/outbox/").content.decode()
    assert "away.patient@example.org" in html
    assert "home.patient@example.org" not in html and "/p/" not in html  # no address, no patient link
    assert "ops@example.org" not in html  # names no clinic: superusers only
    assert client.get(f"/outbox/{written['away.patient']}/").status_code == 200
    assert client.get(f"/outbox/{written['home.patient']}/").status_code == 404
    assert client.get(f"/outbox/{written['ops@']}/").status_code == 404


def test_the_admin_of_one_clinic_is_scoped_too(as_user, home, away, written):
    client = as_user(home.users[ADMIN])
    html = client.get("/outbox/").content.decode()
    assert "home.patient@example.org" in html and "away.patient@example.org" not in html
    assert client.get(f"/outbox/{written['away.patient']}/").status_code == 404
    shown = client.get(f"/outbox/{written['home.patient']}/")
    assert shown.status_code == 200 and b"home.patient@example.org" in shown.content


def test_a_clinician_is_refused(as_user, home, written):
    client = as_user(home.users[CLINICIAN])
    assert client.get("/outbox/").status_code == 403
    assert client.get(f"/outbox/{written['home.patient']}/").status_code == 403
    assert b"Mail outbox" not in as_user(home.users[CLINICIAN]).get("/").content  # not in the menu either


def test_a_superuser_sees_every_email(as_user, written):
    client = as_user(UserFactory(is_superuser=True, is_staff=True))
    html = client.get("/outbox/").content.decode()
    assert "home.patient@example.org" in html and "away.patient@example.org" in html and "ops@example.org" in html
    for name in written.values():
        assert client.get(f"/outbox/{name}/").status_code == 200


def test_the_list_reads_the_same_number_of_queries_whatever_the_files(as_user, home, away, folder):
    client = as_user(away.users[FRONT_DESK])
    send_confirmation(away, "away.patient@example.org")
    client.get("/outbox/")  # warm: session, user
    with CaptureQueriesContext(connection) as one:
        client.get("/outbox/")
    send_confirmation(home, "home.patient@example.org")
    for i in range(5):
        django_mail.send_mail(f"Notice {i}", "Body", "clinic@localhost", [f"ops{i}@example.org"])
    with CaptureQueriesContext(connection) as many:
        html = client.get("/outbox/").content.decode()
    assert "away.patient@example.org" in html and "home.patient@example.org" not in html
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
