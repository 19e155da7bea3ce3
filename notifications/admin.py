"""The admin for the outbox: read-only rows, and one action, resending failed emails."""

from __future__ import annotations

from django.contrib import admin, messages

from bookings.models import EmailStatus, PatientEmail
from common.admin import ReadOnlyMixin
from notifications.services import EmailNotResendable, email_resend
from scheduler.admin_base import ClinicModelAdmin, RelatedOnly, local_time


@admin.register(PatientEmail)
class PatientEmailAdmin(ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("id", "kind", "session", "due_local", "status", "attempts", "sent_local", "clinic")
    list_filter = ("status", "kind", ("clinic", RelatedOnly))
    search_fields = ("=id", "=session__id", "=patient__id", "message_id")
    ordering = ("-due_at", "-pk")
    date_hierarchy = "due_at"
    list_select_related = ("clinic", "session")
    actions = ("resend",)
    readonly_fields = [f.name for f in PatientEmail._meta.fields]

    @admin.display(description="due", ordering="due_at")
    def due_local(self, obj: PatientEmail) -> str:
        return local_time(obj.due_at, obj.clinic.tz)

    @admin.display(description="sent", ordering="sent_at")
    def sent_local(self, obj: PatientEmail) -> str:
        return local_time(obj.sent_at, obj.clinic.tz)

    @admin.action(description="Send the selected failed emails again")
    def resend(self, request, queryset):
        done = 0
        for row in queryset.filter(status=EmailStatus.FAILED):
            try:
                email_resend(email=row, by=request.user)
                done += 1
            except EmailNotResendable:
                pass  # changed since the page was shown; the list shows its new status
        self.message_user(request, f"{done} email(s) queued to be sent again.", messages.SUCCESS)
