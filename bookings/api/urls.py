"""Routes of the booking API under /api/v1/: patients/, cycles/, sessions/ (trailing slashes)."""

from rest_framework.routers import SimpleRouter

from bookings.api.views import CycleViewSet, PatientViewSet, SessionViewSet

router = SimpleRouter()
router.register("patients", PatientViewSet, basename="patient")
router.register("cycles", CycleViewSet, basename="cycle")
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = router.urls
