"""Routes of the clinic configuration under /api/v1/ (every path ends in a slash)."""

from rest_framework.routers import SimpleRouter

from scheduler.api import views

# SimpleRouter, not DefaultRouter: its API root view at "" would collide with the other apps' routes.
router = SimpleRouter()
router.register("clinics", views.ClinicViewSet, basename="clinic")
router.register("chairs", views.ChairViewSet, basename="chair")
router.register("staff", views.StaffMemberViewSet, basename="staff")
router.register("protocols", views.ProtocolViewSet, basename="protocol")
router.register("closures", views.ClosureViewSet, basename="closure")
router.register("time-off", views.TimeOffViewSet, basename="time-off")

urlpatterns = router.urls
