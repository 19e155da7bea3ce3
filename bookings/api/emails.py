"""One outbox row as the API shows it (/api/v1/reminders/, a session's emails): ids only, never the patient's name or address."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import EmailStatus, PatientEmail
from common.redaction import redact_addresses


@extend_schema_field({"type": "string", "enum": list(EmailStatus.values)})
class ReminderStatusField(serializers.CharField):
    """Its own enum in the schema (ReminderStatusEnum): a "StatusEnum" would collide with sessions' and courses'."""


class ReminderSerializer(serializers.ModelSerializer):
    """One email to one patient about one session (or its course): when it is due, and how sending went."""

    status = ReminderStatusField(
        read_only=True, help_text="pending → sending → sent; or failed (after the last try: staff may resend), "
        "cancelled (the session changed) or skipped (due before it was booked, or no email consent)."
    )
    last_error = serializers.SerializerMethodField(
        help_text="The last sending error (the mail server's words, any email address replaced)."
    )

    class Meta:
        model = PatientEmail
        fields = (
            "id", "session", "cycle", "patient", "clinic", "kind", "session_version", "due_at", "send_after",
            "status", "status_reason", "attempts", "last_error", "sent_at", "message_id", "resends", "created_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "session": {"help_text": "The session it is about (for a course-wide email, the course's first or last)."},
            "cycle": {"help_text": "The course (id)."},
            "patient": {"help_text": "The patient (id)."},
            "kind": {"help_text": "confirmation, moved, cancelled, cycle_cancelled, booster_recall, or reminder_<hours>h."},
            "sent_at": {"help_text": "When the mail server accepted it."},
            "message_id": {"help_text": "The Message-ID it was sent with (or the provider's id)."},
        }

    def get_last_error(self, obj: PatientEmail) -> str:
        return redact_addresses(obj.last_error)
