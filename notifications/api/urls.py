"""Routes of the reminders API under /api/v1/: reminders/ (trailing slashes)."""

from rest_framework.routers import SimpleRouter

from notifications.api.views import ReminderViewSet

router = SimpleRouter()
router.register("reminders", ReminderViewSet, basename="reminder")

urlpatterns = router.urls
