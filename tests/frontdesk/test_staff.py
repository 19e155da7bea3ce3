"""A clinic admin's staff pages: the list, inviting (and the set-password link), roles, deactivating, resets.

Only admins, only the users of their own clinics (another clinic's user is a 404), shared users only removed,
never one's own lock-out, hostile input a form error, every change in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from knox.models import AuthToken

from accounts.models import UserSession
from bookings.models import InfusionSession
from common.api import ADMIN, CLINICIAN, FRONT_DESK
from scheduler.models import Shift, StaffMember, StaffRole, TimeOff
from tests.factories import NurseFactory
from tests.frontdesk.conftest import NOW
from tests.helpers import api_token_for, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]

User = get_user_model()


def invite(client, clinic, **overrides):
    data = {"first_name": "Rita", "last_name": "Ames", "email": "rita@example.org", "username": "rita",
            "role": FRONT_DESK, "clinics": [clinic.pk], **overrides}
    return client.post("/staff/invite/", data)


def user_entries(user, **filters):
    return LogEntry.objects.filter(content_type__model="user", object_pk=str(user.pk), **filters)


class TestWhoMay:
    @pytest.mark.parametrize("role", [FRONT_DESK, CLINICIAN, None])
    def test_only_admins(self, as_user, home, role):
        client = as_user(home.users[role])
        for url in ("/staff/", "/staff/invite/", f"/staff/{home.users[FRONT_DESK].pk}/"):
            assert client.get(url).status_code == 403
        assert client.post(f"/staff/{home.users[FRONT_DESK].pk}/active/", {"active": "0"}).status_code == 403
        assert User.objects.get(pk=home.users[FRONT_DESK].pk).is_active

    def test_the_list_shows_only_my_clinics_staff(self, as_user, home, away):
        page = as_user(home.users[ADMIN]).get("/staff/")
        assert page.status_code == 200
        text = page.content.decode()
        assert home.users[FRONT_DESK].username in text
        assert away.users[FRONT_DESK].username not in text
        assert 'href="/staff/"' in text and 'aria-current="page"' in text

    def test_another_clinics_user_is_not_found(self, as_user, home, away):
        client = as_user(home.users[ADMIN])
        other = away.users[FRONT_DESK]
        assert client.get(f"/staff/{other.pk}/").status_code == 404
        for action, data in (("active", {"active": "0"}), ("roles", {"roles": [ADMIN]}), ("password", {}),
                             ("remove", {"clinic": away.clinic.pk})):
            assert client.post(f"/staff/{other.pk}/{action}/", data).status_code == 404
        other.refresh_from_db()
        assert other.is_active and not other.groups.filter(name=ADMIN).exists()
        assert not django_mail.outbox


class TestInvite:
    def test_invite_makes_an_account_without_a_password_and_mails_a_link(self, as_user, home, settings):
        settings.SITE_URL = "https://clinic.example.org"
        response = invite(as_user(home.users[ADMIN]), home.clinic)
        user = User.objects.get(username="rita")
        assert response.status_code == 302 and response["Location"] == f"/staff/{user.pk}/"
        assert not user.has_usable_password() and user.is_active
        assert list(user.groups.values_list("name", flat=True)) == [FRONT_DESK]
        assert list(user.clinics.all()) == [home.clinic]
        (sent,) = django_mail.outbox
        assert sent.to == ["rita@example.org"] and "rita" in sent.body
        assert home.patient.last_name not in sent.body and home.clinic.name not in sent.subject
        link = re.search(r"https://clinic\.example\.org(/staff/welcome/\S+/)", sent.body)
        assert link
        entry = user_entries(user, action=LogEntry.Action.CREATE).get()
        assert entry.actor == home.users[ADMIN] and entry.additional_data["clinic"] == home.clinic.pk
        assert entry.changes["roles"] == [None, [FRONT_DESK]]

    def test_the_link_sets_a_password_once_and_then_the_person_signs_in(self, as_user, home, client):
        invite(as_user(home.users[ADMIN]), home.clinic)
        path = re.search(r"https?://[^/]+(/staff/welcome/\S+/)", django_mail.outbox[0].body)[1]
        form = client.get(path, follow=True)
        assert form.status_code == 200 and b"Set your password" in form.content and b'name="new_password1"' in form.content
        done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"})
        assert done.status_code == 302 and done["Location"] == "/login/"
        user = User.objects.get(username="rita")
        assert user.check_password("a-long-new-pass-42")
        assert user_entries(user, changes__has_key="password_set").exists()
        assert b"does not work any more" in client.get(path, follow=True).content  # used once
        signed = client.post("/login/", {"username": "rita", "password": "a-long-new-pass-42"}, REMOTE_ADDR="198.51.100.3")
        assert signed["Location"] == "/"

    def test_an_invited_admin_is_led_to_two_factor_after_the_password(self, as_user, home, client):
        invite(as_user(home.users[ADMIN]), home.clinic, role=ADMIN, username="boss")
        path = re.search(r"https?://[^/]+(/staff/welcome/\S+/)", django_mail.outbox[0].body)[1]
        form = client.get(path, follow=True)
        done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"}, follow=True)
        assert b"two-factor" in done.content
        signed = client.post("/login/", {"username": "boss", "password": "a-long-new-pass-42"}, REMOTE_ADDR="198.51.100.4")
        assert signed["Location"].startswith("/account/two-factor/setup/")

    def test_a_deactivated_accounts_link_is_dead(self, as_user, home, client):
        admin = as_user(home.users[ADMIN])
        invite(admin, home.clinic)
        path = re.search(r"https?://[^/]+(/staff/welcome/\S+/)", django_mail.outbox[0].body)[1]
        user = User.objects.get(username="rita")
        admin.post(f"/staff/{user.pk}/active/", {"active": "0"})
        assert b"does not work any more" in client.get(path, follow=True).content

    def test_not_into_another_clinic(self, as_user, home, away):
        response = invite(as_user(home.users[ADMIN]), home.clinic, clinics=[away.clinic.pk])
        assert response.status_code == 200 and b"not one of the available choices" in response.content
        assert not User.objects.filter(username="rita").exists() and not django_mail.outbox

    @pytest.mark.parametrize("field, value, message", [
        ("username", "Home-front_desk", b"This username is taken."),
        ("username", "bad name<script>", b"Enter a valid username"),
        ("email", "not-an-email", b"Enter a valid email address."),
        ("first_name", "A\x01b", b"letters, spaces and punctuation"),
        ("first_name", "A\x00b", b"Null characters are not allowed."),
        ("last_name", "   ", b"This field is required."),
        ("role", "superuser", b"Select a valid choice."),
        ("clinics", "abc", b"Select a valid choice"),
        ("first_name", "x" * 5000, b"at most 150 characters"),
    ])
    def test_hostile_input_is_a_form_error(self, as_user, home, field, value, message):
        response = invite(as_user(home.users[ADMIN]), home.clinic, **{field: value})
        assert response.status_code == 200 and message in response.content
        assert not django_mail.outbox and not User.objects.filter(email="rita@example.org").exists()

    def test_a_refusing_mail_server_leaves_the_account_and_says_so(self, as_user, home, settings):
        settings.EMAIL_BACKEND = "tests.frontdesk.test_emails_and_requests.RefusingBackend"
        client = as_user(home.users[ADMIN])
        page = client.post("/staff/invite/", {"first_name": "Rita", "last_name": "Ames", "email": "rita@example.org",
                                              "username": "rita", "role": FRONT_DESK, "clinics": [home.clinic.pk]}, follow=True)
        assert page.status_code == 200 and b"could not be sent (SMTPRecipientsRefused)" in page.content
        assert b"Send a new link" in page.content
        assert not User.objects.get(username="rita").has_usable_password()


class TestChanges:
    def test_deactivating_ends_sign_ins_and_is_audited(self, as_user, home):
        desk = home.users[FRONT_DESK]
        token = api_token_for(desk)
        desk_client = as_user(desk)
        assert UserSession.objects.filter(user=desk).exists()
        response = as_user(home.users[ADMIN]).post(f"/staff/{desk.pk}/active/", {"active": "0"})
        assert response.status_code == 302
        desk.refresh_from_db()
        assert not desk.is_active
        assert not AuthToken.objects.filter(user=desk).exists() and not UserSession.objects.filter(user=desk).exists()
        assert desk_client.get("/").status_code == 302 and token
        entry = user_entries(desk, additional_data__clinic=home.clinic.pk).get()
        assert entry.changes == {"is_active": [True, False]} and entry.actor == home.users[ADMIN]
        as_user(home.users[ADMIN]).post(f"/staff/{desk.pk}/active/", {"active": "1"})
        desk.refresh_from_db()
        assert desk.is_active

    def test_roles_are_set_and_audited(self, as_user, home):
        clinician = home.users[CLINICIAN]
        as_user(home.users[ADMIN]).post(f"/staff/{clinician.pk}/roles/", {"roles": [CLINICIAN, FRONT_DESK]})
        assert set(clinician.groups.values_list("name", flat=True)) == {CLINICIAN, FRONT_DESK}
        entry = user_entries(clinician).get()
        assert entry.changes == {"roles": [[CLINICIAN], [CLINICIAN, FRONT_DESK]]}

    @pytest.mark.parametrize("roles", [[], ["superuser"], ["\x00"]])
    def test_bad_roles_change_nothing(self, as_user, home, roles):
        clinician = home.users[CLINICIAN]
        response = as_user(home.users[ADMIN]).post(f"/staff/{clinician.pk}/roles/", {"roles": roles}, follow=True)
        assert response.status_code == 200 and b"Choose at least one role." in response.content
        assert list(clinician.groups.values_list("name", flat=True)) == [CLINICIAN]

    def test_an_admin_cannot_lock_themselves_out(self, as_user, home):
        admin = home.users[ADMIN]
        client = as_user(admin)
        page = client.post(f"/staff/{admin.pk}/roles/", {"roles": [FRONT_DESK]}, follow=True)
        assert b"your own admin role" in page.content
        page = client.post(f"/staff/{admin.pk}/active/", {"active": "0"}, follow=True)
        assert b"your own account" in page.content
        admin.refresh_from_db()
        assert admin.is_active and admin.groups.filter(name=ADMIN).exists()

    def test_a_password_reset_mails_a_link_and_shows_no_password(self, as_user, home):
        desk = home.users[FRONT_DESK]
        page = as_user(home.users[ADMIN]).post(f"/staff/{desk.pk}/password/", follow=True)
        assert b"on its way" in page.content
        (sent,) = django_mail.outbox
        assert sent.to == [desk.email] and "/staff/welcome/" in sent.body and "current one works" in sent.body
        desk.refresh_from_db()
        assert desk.check_password("correct-horse-battery")  # unchanged until they set a new one
        assert user_entries(desk, changes__has_key="password_link_reset").exists()

    def test_a_shared_user_can_only_be_removed_from_my_clinic(self, as_user, home, away):
        shared = staff_user(FRONT_DESK, home.clinic, away.clinic, username="shared", email="s@example.org")
        client = as_user(home.users[ADMIN])
        page = client.get(f"/staff/{shared.pk}/")
        assert b"Shared with another clinic" in page.content and away.clinic.name.encode() not in page.content
        for action, data in (("active", {"active": "0"}), ("roles", {"roles": [ADMIN]}), ("password", {})):
            answer = client.post(f"/staff/{shared.pk}/{action}/", data, follow=True)
            assert b"also works at a clinic you do not manage" in answer.content
        shared.refresh_from_db()
        assert shared.is_active and not shared.groups.filter(name=ADMIN).exists() and not django_mail.outbox
        # Removing from another clinic (not mine) changes nothing; from mine, they leave my list.
        client.post(f"/staff/{shared.pk}/remove/", {"clinic": away.clinic.pk})
        assert set(shared.clinics.all()) == {home.clinic, away.clinic}
        done = client.post(f"/staff/{shared.pk}/remove/", {"clinic": home.clinic.pk})
        assert done["Location"] == "/staff/"
        assert list(shared.clinics.all()) == [away.clinic]
        assert user_entries(shared, additional_data__clinic=home.clinic.pk).get().changes == {"clinic_member": [True, False]}

    @pytest.mark.parametrize("value", ["", "abc", "\x00", "9" * 400, "-1"])
    def test_hostile_clinic_on_remove(self, as_user, home, value):
        desk = home.users[FRONT_DESK]
        answer = as_user(home.users[ADMIN]).post(f"/staff/{desk.pk}/remove/", {"clinic": value}, follow=True)
        assert answer.status_code == 200
        assert list(desk.clinics.all()) == [home.clinic]

    def test_a_superuser_member_is_not_managed_here(self, as_user, home):
        root = staff_user(None, home.clinic, username="root", is_superuser=True)
        answer = as_user(home.users[ADMIN]).post(f"/staff/{root.pk}/active/", {"active": "0"}, follow=True)
        assert b"admin site" in answer.content
        root.refresh_from_db()
        assert root.is_active


# --- Nurses: the week grid and time off --------------------------------------------------------------------

WEEK = {f"starts_{d}": "08:00" for d in range(5)} | {f"ends_{d}": "16:30" for d in range(5)}


def pattern(nurse):
    return [(s.weekday, s.starts.strftime("%H:%M"), s.ends.strftime("%H:%M"), s.valid_from)
            for s in Shift.objects.filter(staff=nurse).order_by("weekday", "starts")]


class TestNurseWeek:
    def test_the_week_is_saved_in_one_form_and_audited(self, as_user, home):
        nurse = home.nurses[0]
        client = as_user(home.users[ADMIN])
        page = client.get(f"/staff/nurses/{nurse.pk}/")
        assert page.status_code == 200 and b'name="starts_6"' in page.content
        done = client.post(f"/staff/nurses/{nurse.pk}/", {**WEEK, "starts_5": "09:00", "ends_5": "13:00", "week": "1"})
        assert done.status_code == 302
        assert pattern(nurse) == [*((d, "08:00", "16:30", None) for d in range(5)), (5, "09:00", "13:00", None)]
        entry = LogEntry.objects.get(content_type__model="staffmember", object_pk=str(nurse.pk))
        assert entry.actor == home.users[ADMIN] and entry.additional_data["clinic"] == home.clinic.pk
        assert entry.changes["shifts"][1][0] == "Monday 08:00-16:30"

    @pytest.mark.parametrize("data, message", [
        ({"starts_0": "16:00", "ends_0": "08:00"}, b"Monday: the shift must end after it starts"),
        ({"starts_1": "08:00"}, b"Tuesday: give both times, or neither"),
        ({"starts_2": "25:00", "ends_2": "26:00"}, b"Enter a valid time."),
        ({"starts_3": "\x00", "ends_3": "x" * 5000}, b"Enter a valid time."),
    ])
    def test_a_bad_week_is_a_form_error_and_changes_nothing(self, as_user, home, data, message):
        nurse = home.nurses[0]
        before = pattern(nurse)
        page = as_user(home.users[ADMIN]).post(f"/staff/nurses/{nurse.pk}/", {**data, "week": "1"})
        assert page.status_code == 200 and message in page.content
        assert pattern(nurse) == before

    def test_split_and_dated_shifts_are_kept_and_not_overlapped(self, as_user, home):
        nurse = NurseFactory(clinic=home.clinic, shifts={1: [("08:00", "12:00"), ("13:00", "17:00")]})
        Shift.objects.create(staff=nurse, weekday=2, starts=dt.time(8), ends=dt.time(12), valid_from=dt.date(2027, 3, 1))
        client = as_user(home.users[ADMIN])
        page = client.get(f"/staff/nurses/{nurse.pk}/")
        assert b'name="starts_1"' not in page.content and b"Split shifts, kept" in page.content
        clash = client.post(f"/staff/nurses/{nurse.pk}/", {"starts_2": "11:00", "ends_2": "15:00", "week": "1"})
        assert b"overlaps the shift 08:00" in clash.content
        client.post(f"/staff/nurses/{nurse.pk}/", {"starts_2": "13:00", "ends_2": "18:00", "week": "1"})
        assert pattern(nurse) == [(1, "08:00", "12:00", None), (1, "13:00", "17:00", None),
                                  (2, "08:00", "12:00", dt.date(2027, 3, 1)), (2, "13:00", "18:00", None)]

    def test_not_a_provider_nor_another_clinics_nurse_nor_for_the_front_desk(self, as_user, home, away):
        provider = NurseFactory(clinic=home.clinic, role=StaffRole.PROVIDER, first_name="Elena")
        client = as_user(home.users[ADMIN])
        assert client.get(f"/staff/nurses/{provider.pk}/").status_code == 404
        assert client.get(f"/staff/nurses/{away.nurses[0].pk}/").status_code == 404
        assert client.post(f"/staff/nurses/{away.nurses[0].pk}/", {**WEEK, "week": "1"}).status_code == 404
        assert b"Elena" not in client.get("/staff/").content  # providers are not among the nurses
        assert as_user(home.users[FRONT_DESK]).get(f"/staff/nurses/{home.nurses[0].pk}/").status_code == 403


class TestNurseWeekImpact:
    """Impact first: a week that leaves booked sessions outside the nurse's shifts lists them before saving."""

    def booked(self, home):
        course = home.book([dt.datetime(2027, 3, 2, 9), dt.datetime(2027, 3, 4, 9), dt.datetime(2027, 3, 8, 9)])
        first = min(course.sessions, key=lambda s: s.starts_at)
        return StaffMember.objects.get(pk=first.nurse_id), course

    def marked(self):
        return set(InfusionSession.objects.filter(needs_moving_since__isnull=False).values_list("pk", flat=True))

    def test_a_week_that_strands_lists_them_and_saves_nothing(self, as_user, home):
        nurse, course = self.booked(home)
        tuesday = [s for s in course.sessions if s.starts_at.date() == dt.date(2027, 3, 2) and s.nurse_id == nurse.pk]
        before = pattern(nurse)
        client = as_user(home.users[ADMIN])
        page = client.post(f"/staff/nurses/{nurse.pk}/", {**WEEK, "starts_1": "10:00", "ends_1": "16:30", "week": "1"})
        assert page.status_code == 200
        assert [s["id"] for s in page.context["week_stranded"]] == [s.pk for s in tuesday]
        text = page.content.decode()
        assert "would need moving" in text and "Nothing is saved yet" in text and "Jane Roe" in text
        assert "The nurse is not on shift for the whole session." in text
        assert pattern(nurse) == before and not self.marked()
        assert not LogEntry.objects.filter(content_type__model="staffmember", object_pk=str(nurse.pk)).exists()

        done = client.post(f"/staff/nurses/{nurse.pk}/", {**WEEK, "starts_1": "10:00", "ends_1": "16:30", "week": "1",
                                                          "confirm": "1"}, follow=True)
        assert (1, "10:00", "16:30", None) in pattern(nurse)
        assert self.marked() == {s.pk for s in tuesday}
        assert b"week is saved" in done.content and b"1 booked session with this nurse needs moving" in done.content

    def test_a_week_that_strands_nothing_new_saves_at_once(self, as_user, home):
        nurse, course = self.booked(home)
        client = as_user(home.users[ADMIN])
        # A session already stranded (her time off) is not asked about again when the week changes elsewhere.
        TimeOff.objects.create(staff=nurse, starts_at=dt.datetime(2027, 3, 2, 14, tzinfo=dt.UTC),
                               ends_at=dt.datetime(2027, 3, 3, 5, tzinfo=dt.UTC))
        answer = client.post(f"/staff/nurses/{nurse.pk}/", {**WEEK, "starts_5": "09:00", "ends_5": "13:00", "week": "1"})
        assert answer.status_code == 302
        assert (5, "09:00", "13:00", None) in pattern(nurse)

    def test_a_refused_week_is_refused_before_any_impact(self, as_user, home):
        nurse, _ = self.booked(home)
        Shift.objects.create(staff=nurse, weekday=5, starts=dt.time(8), ends=dt.time(12), valid_from=dt.date(2027, 3, 1))
        page = as_user(home.users[ADMIN]).post(f"/staff/nurses/{nurse.pk}/", {**WEEK, "starts_1": "10:00", "ends_1": "16:30",
                                                                              "starts_5": "11:00", "ends_5": "15:00", "week": "1"})
        assert b"overlaps the shift 08:00" in page.content and page.context["week_stranded"] is None


class TestTimeOff:
    def test_whole_days_in_the_clinic_zone_with_a_warning_for_booked_sessions(self, as_user, home):
        course = home.book([dt.datetime(2027, 3, 2, 9), dt.datetime(2027, 3, 4, 9), dt.datetime(2027, 3, 8, 9)])
        nurse = StaffMember.objects.get(pk=min(course.sessions, key=lambda s: s.starts_at).nurse_id)
        client = as_user(home.users[ADMIN])
        data = {"first_day": "2027-03-02", "last_day": "2027-03-03", "reason": "Holiday", "time_off": "1"}
        first = client.post(f"/staff/nurses/{nurse.pk}/", data)  # the impact first: nothing saved
        assert first.status_code == 200 and len(first.context["stranded"]) == 1 and not TimeOff.objects.exists()
        page = client.post(f"/staff/nurses/{nurse.pk}/", {**data, "confirm": "1"}, follow=True)
        (off,) = TimeOff.objects.filter(staff=nurse)
        tz = zoneinfo.ZoneInfo("America/New_York")
        assert off.starts_at == dt.datetime(2027, 3, 2, tzinfo=tz) and off.ends_at == dt.datetime(2027, 3, 4, tzinfo=tz)
        assert b"1 booked session with this nurse" in page.content and b"Holiday" in page.content
        assert LogEntry.objects.filter(content_type__model="timeoff", object_pk=str(off.pk), action=LogEntry.Action.CREATE).exists()
        client.post(f"/staff/nurses/{nurse.pk}/time-off/{off.pk}/remove/")
        assert not TimeOff.objects.filter(staff=nurse).exists()
        assert LogEntry.objects.filter(content_type__model="timeoff", object_pk=str(off.pk), action=LogEntry.Action.DELETE).exists()

    @pytest.mark.parametrize("data, message", [
        ({"first_day": "2027-03-14", "from_time": "02:30", "last_day": "2027-03-14"}, b"the clocks skip that hour"),
        ({"first_day": "2027-03-05", "last_day": "2027-03-04"}, b"Must be on or after the first day."),
        ({"first_day": "2027-03-05", "last_day": "2029-03-04"}, b"at most a year"),
        ({"first_day": "9999-12-31", "last_day": "9999-12-31"}, b"Choose a date between"),
        ({"first_day": "2027-03-05", "from_time": "10:00", "last_day": "2027-03-05", "until_time": "09:00"}, b"end after it starts"),
        ({"first_day": "2027-03-05", "last_day": "2027-03-05", "reason": "a\x01b"}, b"letters, spaces and punctuation"),
    ])
    def test_hostile_time_off_is_a_form_error(self, as_user, home, data, message):
        nurse = home.nurses[0]
        page = as_user(home.users[ADMIN]).post(f"/staff/nurses/{nurse.pk}/", {**data, "time_off": "1"})
        assert page.status_code == 200 and message in page.content
        assert not TimeOff.objects.filter(staff=nurse).exists()

    def test_another_clinics_time_off_is_not_found(self, as_user, home, away):
        off = TimeOff.objects.create(staff=away.nurses[0], starts_at=NOW, ends_at=NOW + dt.timedelta(days=1))
        client = as_user(home.users[ADMIN])
        assert client.post(f"/staff/nurses/{home.nurses[0].pk}/time-off/{off.pk}/remove/").status_code == 404
        assert client.post(f"/staff/nurses/{away.nurses[0].pk}/time-off/{off.pk}/remove/").status_code == 404
        assert TimeOff.objects.filter(pk=off.pk).exists()


def test_the_admin_site_offers_no_provider_for_shifts_or_time_off(as_user, home):
    provider = NurseFactory(clinic=home.clinic, role=StaffRole.PROVIDER, first_name="Elena", shifts={})
    root = staff_user(None, home.clinic, username="root", is_superuser=True, is_staff=True)
    client = as_user(root)
    for url in ("/admin/scheduler/shift/add/", "/admin/scheduler/timeoff/add/"):
        page = client.get(url)
        assert page.status_code == 200 and f'value="{home.nurses[0].pk}"'.encode() in page.content
        assert f'value="{provider.pk}"'.encode() not in page.content
