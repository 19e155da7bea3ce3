"""The reminders API: /api/v1/reminders/ (list, retrieve, resend) and /api/v1/sessions/{id}/reminders/."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bookings import services
from bookings.models import CancelledBy, EmailStatus, PatientEmail
from tests.factories import ClinicFactory, PatientFactory, book_course
from tests.helpers import assert_error, client_for
from tests.helpers import staff_user as staff

T0 = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)  # Monday 1 March 2027, 12:00 in New York
URL = "/api/v1/reminders/"
FIELDS = {
    "id", "session", "cycle", "patient", "clinic", "kind", "session_version", "due_at", "send_after", "status",
    "status_reason", "attempts", "last_error", "sent_at", "message_id", "resends", "created_at",
}
REFUSED = "SMTPRecipientsRefused: {'ada@example.org': (550, b'5.1.1 <ada@example.org>: no such user')}"


pytestmark = pytest.mark.frozen(T0)


def book(patient, clinic, *days, hour=10):
    """A booster per day (each its own course), at `hour` clinic time in March 2027."""
    return [
        book_course(patient=patient, clinic=clinic, protocol="booster-iv", days=[(3, day)], hour=hour).sessions[0]
        for day in days
    ]


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, consenting=True, first_name="Ada", last_name="Lovelace", email="ada@example.org")


@pytest.fixture
def session(clinic, chairs, nurse, patient):
    """Wednesday 10 March, 10:00: a confirmation (due now) and reminders 72 h and 24 h before, all pending."""
    return book(patient, clinic, 10)[0]


@pytest.fixture
def failed(session) -> PatientEmail:
    row = PatientEmail.objects.get(session=session, kind="reminder_24h")
    PatientEmail.objects.filter(pk=row.pk).update(status=EmailStatus.FAILED, attempts=6, last_error=REFUSED)
    row.refresh_from_db()
    return row


@pytest.fixture
def theirs(db):
    """Another clinic's session and its failed reminder."""
    clinic = ClinicFactory(start_stagger_minutes=0, chairs=1, nurses=1)
    session = book(PatientFactory(clinic=clinic, consenting=True), clinic, 10)[0]
    PatientEmail.objects.filter(session=session, kind="reminder_24h").update(status=EmailStatus.FAILED)
    return session


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def rows(**lookups) -> list[int]:
    return list(PatientEmail.objects.filter(**lookups).order_by("-due_at", "-pk").values_list("pk", flat=True))


class TestList:
    def test_every_role_reads_its_clinics_rows(self, clinic, session, theirs):
        mine = rows(clinic=clinic)
        assert len(mine) == 3
        for role in ("admin", "front_desk", "clinician"):
            response = client_for(staff(role, clinic)).get(URL)
            assert ids(response) == mine, role
            page = response.json()
            assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 3
            assert set(page["results"][0]) == FIELDS

    def test_failed(self, clinic, failed, theirs, desk):
        response = desk.get(URL, {"status": "failed"})
        assert ids(response) == [failed.pk]
        row = response.json()["results"][0]
        assert (row["kind"], row["status"], row["attempts"], row["session"], row["patient"]) == (
            "reminder_24h", "failed", 6, failed.session_id, failed.patient_id
        )

    def test_never_the_patients_name_or_address(self, failed, desk):
        body = desk.get(URL).content.decode() + desk.get(f"{URL}{failed.pk}/").content.decode()
        assert "SMTPRecipientsRefused" in body and "[address]" in body
        for secret in ("Ada", "Lovelace", "ada@example.org", "example.org"):
            assert secret not in body

    def test_filters(self, clinic, chairs, nurse, patient, session, failed, desk):
        other_patient = PatientFactory(clinic=clinic, consenting=True)
        later = book(other_patient, clinic, 17)[0]
        assert ids(desk.get(URL, {"status": "failed,cancelled"})) == [failed.pk]
        assert ids(desk.get(URL, {"kind": "reminder_72h"})) == rows(kind="reminder_72h")
        assert ids(desk.get(URL, {"session": later.pk})) == rows(session=later)
        assert ids(desk.get(URL, {"cycle": session.cycle_id})) == rows(cycle=session.cycle_id)
        assert ids(desk.get(URL, {"patient": patient.pk})) == rows(patient=patient)
        assert ids(desk.get(URL, {"clinic": clinic.pk})) == rows(clinic=clinic)
        # due_after inclusive, due_before exclusive.
        assert ids(desk.get(URL, {"due_after": "2027-03-09T15:00:00Z"})) == rows(due_at__gte=failed.due_at)
        assert ids(desk.get(URL, {"due_before": failed.due_at.isoformat()})) == rows(due_at__lt=failed.due_at)
        assert ids(desk.get(URL, {"due_after": "2027-03-07T00:00:00Z", "due_before": "2027-03-08T00:00:00Z",
                                  "patient": patient.pk})) == rows(patient=patient, kind="reminder_72h")

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"status": "lost"}, "status"), ({"session": "x"}, "session"), ({"due_after": "soon"}, "due_after"),
         ({"kind": "k" * 31}, "kind")],
    )
    def test_bad_filters(self, desk, params, field):
        assert_error(desk.get(URL, params), 400, "validation_error", field)

    def test_another_clinics_rows_are_never_listed(self, clinic, session, theirs, desk):
        assert not set(ids(desk.get(URL, {"clinic": theirs.clinic_id, "page_size": 200}))) & set(
            rows(clinic=theirs.clinic_id)
        )
        assert ids(desk.get(URL, {"session": theirs.pk})) == []

    def test_each_listed_row_is_an_audited_read(self, session, desk):
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        desk.get(URL)
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk")[before:]
        assert len(entries) == 3
        assert {e.additional_data["patient"] for e in entries} == {session.patient_id}

    def test_query_count_does_not_grow_with_the_page(self, clinic, chairs, nurse, patient, desk):
        book(patient, clinic, 8)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert desk.get(URL).status_code == 200
            return len(queries)

        count()  # the user's roles, clinics and the content type are read once, then cached
        few = count()
        book(patient, clinic, 9, 10, 11, 12)
        assert count() == few

    def test_unauthenticated_and_without_role(self, clinic, failed):
        assert_error(APIClient().get(URL), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(URL), 403, "permission_denied")


class TestRetrieve:
    def test_success(self, failed, desk):
        response = desk.get(f"{URL}{failed.pk}/")
        assert response.status_code == 200
        assert response.json()["id"] == failed.pk and set(response.json()) == FIELDS

    def test_another_clinics_row_is_not_found(self, theirs, desk):
        row = PatientEmail.objects.filter(session=theirs).first()
        assert_error(desk.get(f"{URL}{row.pk}/"), 404, "not_found")

    def test_unauthenticated(self, failed):
        assert_error(APIClient().get(f"{URL}{failed.pk}/"), 401, "not_authenticated")


class TestResend:
    def test_a_failed_email_goes_back_to_the_outbox(self, failed, desk, frozen):
        frozen.move_to(T0 + dt.timedelta(hours=3))
        response = desk.post(f"{URL}{failed.pk}/resend/")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["attempts"], body["resends"]) == ("pending", 0, 1)
        failed.refresh_from_db()
        assert (failed.status, failed.send_after) == (EmailStatus.PENDING, T0 + dt.timedelta(hours=3))

    def test_admins_resend_too(self, clinic, failed):
        assert client_for(staff("admin", clinic)).post(f"{URL}{failed.pk}/resend/").status_code == 200

    @pytest.mark.parametrize("status", ["pending", "sent", "cancelled", "skipped"])
    def test_only_a_failed_one(self, failed, desk, status):
        PatientEmail.objects.filter(pk=failed.pk).update(status=status, sent_at=timezone.now())
        body = assert_error(desk.post(f"{URL}{failed.pk}/resend/"), 409, "reminder_not_resendable")
        assert body["details"] == {"reminder": failed.pk, "status": status}
        failed.refresh_from_db()
        assert (failed.status, failed.resends) == (status, 0)

    def test_twice_is_a_conflict(self, failed, desk):
        assert desk.post(f"{URL}{failed.pk}/resend/").status_code == 200
        assert_error(desk.post(f"{URL}{failed.pk}/resend/"), 409, "reminder_not_resendable")

    @pytest.mark.parametrize("role", ["clinician", None])
    def test_wrong_role(self, clinic, failed, role):
        body = assert_error(client_for(staff(role, clinic)).post(f"{URL}{failed.pk}/resend/"), 403, "permission_denied")
        assert body["message"] == "This needs one of the roles: admin, front_desk."
        failed.refresh_from_db()
        assert failed.status == EmailStatus.FAILED

    def test_another_clinics_row_is_not_found(self, theirs, desk):
        row = PatientEmail.objects.get(session=theirs, status=EmailStatus.FAILED)
        assert_error(desk.post(f"{URL}{row.pk}/resend/"), 404, "not_found")
        row.refresh_from_db()
        assert row.status == EmailStatus.FAILED

    def test_unauthenticated(self, failed):
        assert_error(APIClient().post(f"{URL}{failed.pk}/resend/"), 401, "not_authenticated")


class TestSessionReminders:
    def url(self, session) -> str:
        return f"/api/v1/sessions/{session.pk}/reminders/"

    def test_every_row_of_the_session_in_any_status(self, clinic, session, failed, desk):
        services.session_reschedule(session=session, starts_at=dt.datetime(2027, 3, 10, 14))
        response = desk.get(self.url(session))
        assert response.status_code == 200
        body = response.json()
        assert [r["id"] for r in body] == list(
            PatientEmail.objects.filter(session=session).order_by("due_at", "pk").values_list("pk", flat=True)
        )
        assert {(r["kind"], r["status"], r["session_version"]) for r in body} == {
            ("confirmation", "pending", 1), ("reminder_72h", "cancelled", 1), ("reminder_24h", "failed", 1),
            ("moved", "pending", 2), ("reminder_72h", "pending", 2), ("reminder_24h", "pending", 2),
        }

    def test_not_another_sessions_rows(self, clinic, session, desk):
        other = book(session.patient, clinic, 17)[0]
        assert {r["session"] for r in desk.get(self.url(other)).json()} == {other.pk}

    def test_clinicians_read(self, clinic, session):
        assert client_for(staff("clinician", clinic)).get(self.url(session)).status_code == 200

    def test_a_cancelled_sessions_rows(self, session, desk):
        services.session_cancel(session=session, by_party=CancelledBy.CLINIC, reason="Closed")
        statuses = {r["kind"]: r["status"] for r in desk.get(self.url(session)).json()}
        assert statuses["reminder_24h"] == "cancelled" and statuses["cancelled"] == "pending"

    def test_is_an_audited_read(self, session, desk):
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        desk.get(self.url(session))
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1

    def test_another_clinics_session_is_not_found(self, theirs, desk):
        assert_error(desk.get(self.url(theirs)), 404, "not_found")

    def test_unauthenticated_and_without_role(self, clinic, session):
        assert_error(APIClient().get(self.url(session)), 401, "not_authenticated")
        assert_error(client_for(staff(None, clinic)).get(self.url(session)), 403, "permission_denied")
