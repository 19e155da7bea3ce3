"""The episode outbox in the admin (pumps.admin_emails): read-only rows scoped to the user's clinics, and the resend of
a failed email (audited); the resend service refuses anything but a failed email."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from bookings.models import EmailStatus
from common.api import ADMIN
from pumps import admin_emails, outbox  # noqa: F401 (admin_emails registers the admin)
from pumps.delivery import episode_email_resend
from pumps.errors import PumpError
from pumps.models import EpisodeEmail, EpisodeEmailKind
from tests.conftest import local
from tests.factories import ClinicFactory
from tests.helpers import signed_in, staff_user
from tests.pumps.factories import PumpCourseFactory, PumpFactory, episode_with_visits

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-03-01 14:00Z")]


def admin_of(clinic, username: str) -> Client:
    user = staff_user(ADMIN, clinic, username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="pumps"))
    return signed_in(Client(), user)


def url(view, *args):
    return reverse(f"admin:pumps_episodeemail_{view}", args=args)


def confirmation_of(clinic) -> EpisodeEmail:
    episode = episode_with_visits(course=PumpCourseFactory(clinic=clinic), pump=PumpFactory(clinic=clinic),
                                  fitting_at=local(clinic, 2027, 3, 8, 10, 0))
    outbox.episode_booked_emails(episode=episode)
    return EpisodeEmail.objects.get(episode=episode, kind=EpisodeEmailKind.CONFIRMATION)


def test_the_rows_are_listed_read_only_for_their_clinic_only(clinic):
    assert admin.site.is_registered(EpisodeEmail)
    row = confirmation_of(clinic)
    own = admin_of(clinic, "own-admin")
    listing = own.get(url("changelist"))
    assert listing.status_code == 200 and row in listing.context["cl"].result_list
    assert own.get(url("changelist"), {"q": "x"}).status_code == 200
    assert own.get(url("add")).status_code == 403
    page = own.get(url("change", row.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()

    uptown = admin_of(ClinicFactory(name="Uptown", slug="uptown"), "uptown-admin")
    assert row not in uptown.get(url("changelist")).context["cl"].result_list
    assert uptown.get(url("change", row.pk)).status_code == 302


def test_a_failed_email_is_sent_again_from_the_admin(clinic):
    row = confirmation_of(clinic)
    EpisodeEmail.objects.filter(pk=row.pk).update(status=EmailStatus.FAILED, attempts=6, last_error="451")
    own = admin_of(clinic, "own-admin")
    answer = own.post(url("changelist"), {"action": "resend", "_selected_action": [row.pk]})
    assert answer.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailStatus.PENDING, 0)
    assert row.send_after == dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)
    assert LogEntry.objects.filter(object_pk=str(row.pk), content_type__model="episodeemail").exists()


def test_only_a_failed_email_is_sent_again(clinic):
    row = confirmation_of(clinic)
    with pytest.raises(PumpError) as refused:
        episode_email_resend(email=row)
    assert (refused.value.code, refused.value.status) == ("episode_email_not_resendable", 409)
    row.refresh_from_db()
    assert row.status == EmailStatus.PENDING
