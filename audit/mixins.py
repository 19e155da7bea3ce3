"""AuditReadMixin: record who read which patient record through the API (an ACCESS entry).

    class PatientViewSet(AuditReadMixin, ClinicScopedQuerysetMixin, viewsets.ModelViewSet):
        ...                                   # the object is the patient: nothing to configure

    class SessionViewSet(AuditReadMixin, ...):
        audit_patient_attr = "patient_id"     # the object refers to its patient

The entry is written when `get_object()` has found the row and checked object permissions, for the
actions in `audit_read_actions` (default: "retrieve"; a detail @action that shows the record can be
added). Add "list" to record one entry per row of each page as well (one INSERT per page). Views
without actions (generic APIViews) record on GET and HEAD.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit.records import record_access

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    # The mixin comes before a DRF generic view in every MRO: to mypy, that view is its base.
    _ViewBase = GenericAPIView
else:
    _ViewBase = object


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


class AuditReadMixin(_ViewBase):
    #: Actions whose objects count as read. "retrieve" by default; add "list" to log every listed row.
    audit_read_actions: frozenset[str] = frozenset({"retrieve"})
    #: Where the patient id is on the object ("pk" when the object is the patient).
    audit_patient_attr = "pk"
    #: Where the clinic id is on the object.
    audit_clinic_attr = "clinic_id"

    def _audit_reads_object(self) -> bool:
        action = getattr(self, "action", None)
        if action is None:
            return self.request.method in ("GET", "HEAD")
        return action in self.audit_read_actions

    def audit_read(self, objects) -> None:
        """Record an ACCESS entry for each object handed out."""
        record_access(
            objects,
            request=self.request,
            patient_of=lambda obj: _attr(obj, self.audit_patient_attr),
            clinic_of=lambda obj: _attr(obj, self.audit_clinic_attr),
        )

    def get_object(self):
        obj = super().get_object()
        if self._audit_reads_object():
            self.audit_read([obj])
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and getattr(self, "action", None) == "list" and "list" in self.audit_read_actions:
            self.audit_read(page)
        return page
