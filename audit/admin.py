"""The audit trail in the admin: read-only, and for superusers only (clinic admins use the scoped API)."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from common.admin import ReadOnlyMixin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(ReadOnlyMixin, LogEntryAdmin):
    """auditlog's admin, without any way to add, change or delete (the database refuses too)."""

    actions = None

    def has_view_permission(self, request, obj=None):
        # Entries of every clinic are listed here; clinic admins read theirs through /api/v1/audit/.
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser
