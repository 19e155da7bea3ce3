"""API views of the clinic configuration: clinics, chairs, staff, protocols, closures and time off.

Every role reads; only admins write (docs/API_CONVENTIONS.md). Rows are scoped to the user's clinics, so
another clinic's row is a 404 and lists never show it. Writes run in one transaction each. One module per
resource, with its OpenAPI examples; `schema` declares the operations they share.
"""

from scheduler.api.views.chairs import ChairViewSet
from scheduler.api.views.clinics import ClinicViewSet
from scheduler.api.views.closures import ClosureViewSet, TimeOffViewSet
from scheduler.api.views.protocols import ProtocolViewSet
from scheduler.api.views.staff import StaffMemberViewSet

__all__ = ["ChairViewSet", "ClinicViewSet", "ClosureViewSet", "ProtocolViewSet", "StaffMemberViewSet", "TimeOffViewSet"]
