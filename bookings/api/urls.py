"""Routes of the booking API under /api/v1/: patients/, cycles/, sessions/ (trailing slashes)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bookings.api.make_up import MakeUpOptionsView, MakeUpView
from bookings.api.planning import AvailabilityView, ProposalView, SessionOptionsView
from bookings.api.replan import ReplanView
from bookings.api.views import CycleViewSet, PatientViewSet, SessionViewSet

router = SimpleRouter()
router.register("patients", PatientViewSet, basename="patient")
router.register("cycles", CycleViewSet, basename="cycle")
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = [
    # Before the router: "proposals" would otherwise be taken for a cycle's id.
    path("cycles/proposals/", ProposalView.as_view(), name="cycle-proposals"),
    path("availability/", AvailabilityView.as_view(), name="availability"),
    path("sessions/<int:pk>/options/", SessionOptionsView.as_view(), name="session-options"),
    # Make-up sessions of a short course.
    path("cycles/<int:pk>/make-up/options/", MakeUpOptionsView.as_view(), name="cycle-make-up-options"),
    path("cycles/<int:pk>/make-up/", MakeUpView.as_view(), name="cycle-make-up"),
    # Re-plan the stranded sessions (before the router: "replan" would otherwise be taken for a session's id).
    path("sessions/replan/", ReplanView.as_view(), name="sessions-replan"),
    *router.urls,
]
