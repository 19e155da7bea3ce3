"""The safety checks page at the desk: the clinician records, sees the flag, overrides with a reason, records the
recovery check; the front desk sees "Checks pending" and never a value; another clinic's session is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import InfusionSession, SessionStatus
from common.access import ADMIN, CLINICIAN, FRONT_DESK
from safety.models import CheckEntry, CheckOverride
from tests.frontdesk.conftest import NOW
from tests.frontdesk.test_pages import TODAY_COURSE

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

VITALS = {"systolic": "150", "diastolic": "95", "heart_rate": "72", "oxygen_saturation": "98", "weight_kg": "70.5",
          "pregnancy": "not_pregnant", "fasting": "yes", "escort": "yes"}


@pytest.fixture
def arrived(home, frozen):
    session = home.book(TODAY_COURSE).sessions[0]
    frozen.move_to(session.starts_at)
    return services.session_check_in(session=session)


def url(session, name="session-checks"):
    return reverse(f"frontdesk:{name}", args=[session.pk])


def test_the_clinician_records_overrides_starts_and_completes(arrived, home, as_user, frozen):
    clinician = as_user(home.users[CLINICIAN])
    page = clinician.get(url(arrived))
    assert page.status_code == 200 and b"Checks pending" in page.content
    assert b"Extra monitoring" in page.content
    saved = clinician.post(url(arrived), VITALS, follow=True)
    assert b"Checks recorded." in saved.content and b"150/95 mmHg" in saved.content and b"Flagged" in saved.content
    start = clinician.post(reverse("frontdesk:session-action", args=[arrived.pk, "start"]), follow=True)
    assert b"safety checks must pass" in start.content
    assert_bad = clinician.post(url(arrived), {"override_reason": ""})
    assert assert_bad.status_code == 400
    clinician.post(url(arrived), {"override_reason": "Rechecked by hand: 138/88"}, follow=True)
    assert CheckOverride.objects.get(session=arrived).reason == "Rechecked by hand: 138/88"
    clinician.post(reverse("frontdesk:session-action", args=[arrived.pk, "start"]))
    assert InfusionSession.objects.get(pk=arrived.pk).status == SessionStatus.IN_CHAIR
    frozen.shift(dt.timedelta(minutes=10))  # within the idle sign-out
    complete = reverse("frontdesk:session-action", args=[arrived.pk, "complete"])
    refused = clinician.post(complete, {"reason": "Felt unwell"}, follow=True)
    assert b"recovery check" in refused.content
    done = clinician.post(url(arrived, "session-recovery-check"), {"systolic": "128", "diastolic": "80",
                                                                   "alert_and_oriented": "on", "escort_present": "on"},
                          follow=True)
    assert b"Recovery check recorded." in done.content and b"minutes in the chair" in done.content
    clinician.post(complete, {"reason": "Felt unwell"})
    assert InfusionSession.objects.get(pk=arrived.pk).status == SessionStatus.COMPLETED


def test_the_front_desk_sees_checks_pending_never_a_value(arrived, home, as_user):
    as_user(home.users[CLINICIAN]).post(url(arrived), VITALS)
    desk = as_user(home.users[FRONT_DESK])
    page = desk.get(url(arrived))
    assert page.status_code == 200 and b"Checks pending" in page.content
    assert b"150" not in page.content and b"Flagged" not in page.content and b"flagged" not in page.content
    panel = desk.get(reverse("frontdesk:session", args=[arrived.pk]))
    assert b"Safety checks: <strong>Checks pending</strong>" in panel.content
    assert desk.post(url(arrived), VITALS).status_code == 403
    assert desk.post(url(arrived, "session-recovery-check"), {}).status_code == 403
    assert CheckEntry.objects.filter(recorded_by=home.users[FRONT_DESK]).count() == 0


def test_an_admin_records_but_sees_no_override_form(arrived, home, as_user):
    admin = as_user(home.users[ADMIN])
    page = admin.post(url(arrived), VITALS, follow=True)
    assert b"Only a clinician may override" in page.content
    refused = admin.post(url(arrived), {"override_reason": "fine"})
    assert refused.status_code == 403 and not CheckOverride.objects.exists()


@pytest.mark.parametrize("body", [{"systolic": "150"}, {"systolic": "abc", "diastolic": "90"},
                                  {"heart_rate": "999"}, {"weight_kg": "70.123"}, {"fasting": "maybe"}, {}])
def test_bad_values_are_shown_on_the_form(arrived, home, as_user, body):
    response = as_user(home.users[CLINICIAN]).post(url(arrived), body)
    assert response.status_code == 400
    assert not CheckEntry.objects.exists()


def test_another_clinics_session_is_404(arrived, as_user, away):
    other = as_user(away.users[CLINICIAN])
    assert other.get(url(arrived)).status_code == 404
    assert other.post(url(arrived), VITALS).status_code == 404
    assert not CheckEntry.objects.exists()


def test_the_desk_page_reads_are_audited(arrived, home, as_user):
    from auditlog.models import LogEntry

    as_user(home.users[FRONT_DESK]).get(url(arrived))
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="infusionsession",
                                   object_pk=str(arrived.pk), actor=home.users[FRONT_DESK]).exists()
