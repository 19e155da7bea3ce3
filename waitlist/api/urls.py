"""Routes of the waitlist API under /api/v1/: waitlist/, waitlist/{id}/withdraw/, waitlist/{id}/offers/."""

from rest_framework.routers import SimpleRouter

from waitlist.api.views import WaitlistViewSet

router = SimpleRouter()
router.register("waitlist", WaitlistViewSet, basename="waitlist")

urlpatterns = router.urls
