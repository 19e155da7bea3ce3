"""Routes of the safety checks' API under /api/v1/: sessions/{id}/checks/, sessions/{id}/recovery-check/."""

from django.urls import path

from safety.api.views import ChecksView, RecoveryCheckView

urlpatterns = [
    path("sessions/<int:pk>/checks/", ChecksView.as_view(), name="session-checks"),
    path("sessions/<int:pk>/recovery-check/", RecoveryCheckView.as_view(), name="session-recovery-check"),
]
