"""Routes of the audit trail under /api/v1/audit/."""

from django.urls import path

from audit.api import AuditEntryListView

urlpatterns = [
    path("", AuditEntryListView.as_view(), name="audit-list"),
]
