"""The booking API's views: parse the request, call one service or selector, serialize the answer.

Writes to courses and sessions go through bookings.services (atomic, locked, re-checked); their
refusals are ApplicationErrors that common.api.exception_handler turns into {"code", "message",
"details"} with 400 or 409. Every queryset is scoped to the user's clinics: another clinic's object is 404.
One module per resource (patients, cycles, sessions) with its OpenAPI examples beside it; `openapi` holds
the declarations they share.
"""

from bookings.api.views.cycles import CycleViewSet
from bookings.api.views.openapi import NOT_FOUND, _validation
from bookings.api.views.patients import PatientViewSet
from bookings.api.views.sessions import SessionViewSet

# NOT_FOUND and _validation: bookings.api.planning declares its errors with them.
__all__ = ["NOT_FOUND", "CycleViewSet", "PatientViewSet", "SessionViewSet", "_validation"]
