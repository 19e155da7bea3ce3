"""The admin of the episode outbox: read-only rows, and one action, sending failed emails again.

Registered when imported: pumps/admin.py imports it (`from pumps import admin_emails  # noqa: F401`).
"""

from __future__ import annotations

from django.contrib import admin, messages

from bookings.models import EmailStatus
from common.admin import ReadOnlyMixin
from pumps.delivery import episode_email_resend
from pumps.errors import PumpError
from pumps.models import EpisodeEmail
from scheduler.admin_base import ClinicModelAdmin, RelatedOnly, local_time


@admin.register(EpisodeEmail)
class EpisodeEmailAdmin(ReadOnlyMixin, ClinicModelAdmin):
    list_display = ("id", "kind", "episode", "due_local", "status", "attempts", "sent_local", "clinic")
    list_filter = ("status", "kind", ("clinic", RelatedOnly))
    search_fields = ("=id", "=episode__id", "=patient__id", "message_id")
    ordering = ("-due_at", "-pk")
    date_hierarchy = "due_at"
    list_select_related = ("clinic", "episode__pump")
    actions = ("resend",)
    readonly_fields = [f.name for f in EpisodeEmail._meta.fields]

    @admin.display(description="due", ordering="due_at")
    def due_local(self, obj: EpisodeEmail) -> str:
        return local_time(obj.due_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.display(description="sent", ordering="sent_at")
    def sent_local(self, obj: EpisodeEmail) -> str:
        return local_time(obj.sent_at, obj.clinic.tz, obj.clinic.clock_format)

    @admin.action(description="Send the selected failed emails again")
    def resend(self, request, queryset):
        done = 0
        for row in queryset.filter(status=EmailStatus.FAILED):
            try:
                episode_email_resend(email=row, by=request.user)
                done += 1
            except PumpError:
                pass  # changed since the page was shown; the list shows its new status
        self.message_user(request, f"{done} email(s) queued to be sent again.", messages.SUCCESS)
